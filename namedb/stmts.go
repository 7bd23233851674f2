package namedb

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// Preparing a statement costs more than running a point query (SQLite
// parses and plans it each time), so every query of namedb is prepared once
// per pool and reused: database/sql keeps the prepared form per connection.

// prepared is a pool with a cache of prepared statements; it answers the
// queryer methods with them.
type prepared struct {
	db *sql.DB
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

func newPrepared(db *sql.DB) *prepared { return &prepared{db: db, m: map[string]*sql.Stmt{}} }

func (p *prepared) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	p.mu.RLock()
	s := p.m[q]
	p.mu.RUnlock()
	if s != nil {
		return s, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if s := p.m[q]; s != nil {
		return s, nil
	}
	s, err := p.db.PrepareContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("prepare %q: %w", q, err)
	}
	p.m[q] = s
	return s, nil
}

func (p *prepared) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	s, err := p.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(ctx, args...)
}

func (p *prepared) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	s, err := p.stmt(ctx, q)
	if err != nil {
		// a Row carrying the error: the caller's Scan returns it
		return p.db.QueryRowContext(ctx, q, args...)
	}
	return s.QueryRowContext(ctx, args...)
}

func (p *prepared) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	s, err := p.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(ctx, args...)
}

func (p *prepared) close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, s := range p.m {
		s.Close()
	}
	p.m = nil
	return p.db.Close()
}

// txStmts runs the queries of one transaction with the pool's prepared
// statements: database/sql prepares a pool statement on the transaction's
// connection the first time and reuses that form in later transactions.
type txStmts struct {
	tx *sql.Tx
	p  *prepared
	m  map[string]*sql.Stmt
}

func (t *txStmts) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if s := t.m[q]; s != nil {
		return s, nil
	}
	s, err := t.p.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	s = t.tx.StmtContext(ctx, s)
	t.m[q] = s
	return s, nil
}

func (t *txStmts) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	s, err := t.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(ctx, args...)
}

func (t *txStmts) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	s, err := t.stmt(ctx, q)
	if err != nil {
		return t.tx.QueryRowContext(ctx, q, args...)
	}
	return s.QueryRowContext(ctx, args...)
}

func (t *txStmts) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	s, err := t.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(ctx, args...)
}
