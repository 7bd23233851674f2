package namedb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// This file reads and writes the tables of schema.go inside one block's
// transaction. The rules never touch SQL directly.

func decodeName(b []byte) (*storedName, error) {
	s := &storedName{NameRecord: &NameRecord{}}
	if err := json.Unmarshal(b, s); err != nil {
		return nil, fmt.Errorf("decode name record: %w", err)
	}
	return s, nil
}

func decodeNamespace(b []byte) (*storedNamespace, error) {
	s := &storedNamespace{Namespace: &Namespace{}}
	if err := json.Unmarshal(b, s); err != nil {
		return nil, fmt.Errorf("decode namespace record: %w", err)
	}
	return s, nil
}

func decodePreorder(b []byte) (*PreorderRecord, error) {
	p := &PreorderRecord{}
	if err := json.Unmarshal(b, p); err != nil {
		return nil, fmt.Errorf("decode preorder record: %w", err)
	}
	return p, nil
}

// nameRow is the part of a name row the rules filter on, without decoding
// the record.
type nameRow struct {
	name            string
	namespaceID     string
	firstRegistered int64
	lastRenewed     int64
	revoked         bool
}

// getNameSized returns the stored record of name, expired or not, and its
// size in bytes; nil if the name was never created.
func getNameSized(ctx context.Context, q queryer, name string) (*storedName, int, error) {
	var b []byte
	err := q.QueryRowContext(ctx, `SELECT record FROM names WHERE name = ?`, name).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("read name %s: %w", name, err)
	}
	s, err := decodeName(b)
	return s, len(b), err
}

// putName writes a name's new record and its history row; it returns the
// record's size in bytes. The upsert leaves namespace_id alone (a name
// never changes namespace), so names_by_namespace is only written when a
// name is created.
func putName(ctx context.Context, q queryer, s *storedName, height int64) (int, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return 0, fmt.Errorf("encode name %s: %w", s.Name, err)
	}
	r := s.NameRecord
	if _, err := q.ExecContext(ctx, `INSERT INTO names
		(name, namespace_id, owner, address, name_hash128, first_registered, last_renewed, revoked, record)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, address = excluded.address,
		name_hash128 = excluded.name_hash128, first_registered = excluded.first_registered,
		last_renewed = excluded.last_renewed, revoked = excluded.revoked, record = excluded.record`,
		r.Name, r.NamespaceID, []byte(r.Sender), r.Address, r.NameHash128[:], r.FirstRegistered, r.LastRenewed, r.Revoked, b); err != nil {
		return 0, fmt.Errorf("write name %s: %w", r.Name, err)
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO name_history (name, height, vtxindex, written, state, record)
		VALUES (?, ?, ?, ?, 1, ?)`, r.Name, height, r.Vtxindex, height, b); err != nil {
		return 0, fmt.Errorf("write history of %s: %w", r.Name, err)
	}
	return len(b), nil
}

// putPreorderHistory shows the preorder that led to a registration in the
// name's history, at the preorder's own height.
func putPreorderHistory(ctx context.Context, q queryer, name string, p *PreorderRecord, written int64) error {
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode preorder: %w", err)
	}
	if _, err := q.ExecContext(ctx, `INSERT OR REPLACE INTO name_history (name, height, vtxindex, written, state, record)
		VALUES (?, ?, ?, ?, 0, ?)`, name, p.BlockNumber, p.Vtxindex, written, b); err != nil {
		return fmt.Errorf("write history of %s: %w", name, err)
	}
	return nil
}

// getPreorder reads the preorder row id.
func getPreorder(ctx context.Context, q queryer, id int64, namespace bool) (*pendingPreorder, error) {
	var b []byte
	if err := q.QueryRowContext(ctx, `SELECT record FROM preorders WHERE id = ?`, id).Scan(&b); err != nil {
		return nil, fmt.Errorf("read preorder %d: %w", id, err)
	}
	rec, err := decodePreorder(b)
	if err != nil {
		return nil, err
	}
	rec.Namespace = namespace
	return &pendingPreorder{id: id, rec: rec}, nil
}

// putPreorder writes a new pending preorder and returns its row id.
func putPreorder(ctx context.Context, q queryer, p *PreorderRecord) (int64, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return 0, fmt.Errorf("encode preorder: %w", err)
	}
	r, err := q.ExecContext(ctx, `INSERT INTO preorders (preorder_hash, namespace, block_number, record) VALUES (?, ?, ?, ?)`,
		p.PreorderHash[:], p.Namespace, p.BlockNumber, b)
	if err != nil {
		return 0, fmt.Errorf("write preorder: %w", err)
	}
	id, err := r.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("write preorder: %w", err)
	}
	return id, nil
}

func consumePreorder(ctx context.Context, q queryer, id, height int64) error {
	if _, err := q.ExecContext(ctx, `UPDATE preorders SET consumed = ? WHERE id = ?`, height, id); err != nil {
		return fmt.Errorf("consume preorder: %w", err)
	}
	return nil
}

func putNamespace(ctx context.Context, q queryer, ns *storedNamespace, height int64) error {
	b, err := json.Marshal(ns)
	if err != nil {
		return fmt.Errorf("encode namespace %s: %w", ns.NamespaceID, err)
	}
	if _, err := q.ExecContext(ctx, `INSERT OR REPLACE INTO namespaces (namespace_id, record) VALUES (?, ?)`, ns.NamespaceID, b); err != nil {
		return fmt.Errorf("write namespace %s: %w", ns.NamespaceID, err)
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO namespace_history (namespace_id, height, record) VALUES (?, ?, ?)`,
		ns.NamespaceID, height, b); err != nil {
		return fmt.Errorf("write namespace history %s: %w", ns.NamespaceID, err)
	}
	return nil
}
