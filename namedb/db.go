package namedb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// schemaVersion is bumped by every change of the schema (schema.go).
const schemaVersion = "3"

// DB is an open name database. Its methods are safe for concurrent use;
// blocks are committed one at a time.
type DB struct {
	// sql is the pool readers use; rd answers its queries with prepared
	// statements. wr is the writer pool, used by ApplyBlock and Rewind only
	// (SQLite has one writer at a time anyway).
	sql *sql.DB
	rd  *prepared
	wr  *prepared
	net *netparams.Network

	// wmu is held by the one writer (ApplyBlock, Rewind) throughout; mu
	// guards the in-memory state below, taken for writing only while a
	// commit makes its changes visible.
	wmu sync.Mutex
	mu  sync.RWMutex
	// gen counts commits and rewinds: a reader that saw it change while it
	// read the tables reads again.
	gen uint64
	// idx is the searchable current state (index.go); cache holds decoded
	// records (cache.go).
	idx   *index
	cache *recordCache
	// memo holds the sorted lists of live names of the current generation.
	memo liveMemo
	// chs[i] is the consensus hash of block net.FirstBlock+i: every applied
	// block, in memory (16 bytes a block: 4.6 MB for all of mainnet), so the
	// prev hashes of a new block never touch the disk.
	chs []wire.Hash128
	// tipHash is the hash of the last applied block.
	tipHash [32]byte
	// namespaces are all namespaces, revealed or ready, as of the tip: few
	// enough to keep in memory, and read by almost every rule.
	namespaces map[string]*storedNamespace
	// burnAddress is the network's burn address (hash160 of zeros, p2pkh).
	burnAddress string
	// whitelistChanged is closed (and replaced) whenever a commit or rewind
	// changes the whitelist.
	whitelistChanged chan struct{}
	// committed nudges the checkpointer (checkpoint.go), which stops when
	// stop is called and then closes stopped.
	committed chan struct{}
	stop      context.CancelFunc
	stopped   chan struct{}
}

// DefaultRecordCacheBytes is the default bound of the decoded-record cache.
const DefaultRecordCacheBytes = 256 << 20

type options struct {
	recordCacheBytes int64
	// checkpointEvery and walRestartFrames (checkpoint.go); tests shrink them.
	checkpointEvery  time.Duration
	walRestartFrames int64
}

// Option changes how Open opens a database.
type Option func(*options)

// WithRecordCache bounds the memory of decoded name records kept for
// lookups and rules. The default is DefaultRecordCacheBytes (256 MiB, about
// 200,000 records); 0 turns the cache off.
func WithRecordCache(bytes int64) Option { return func(o *options) { o.recordCacheBytes = bytes } }

// Open opens (creating if needed) the name database at path for network n.
// A database made for another network is refused.
func Open(ctx context.Context, path string, n *netparams.Network, opts ...Option) (*DB, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	o := options{recordCacheBytes: DefaultRecordCacheBytes, checkpointEvery: checkpointEvery, walRestartFrames: walRestartFrames}
	for _, opt := range opts {
		opt(&o)
	}
	if o.recordCacheBytes < 0 {
		return nil, fmt.Errorf("open name database %s: record cache size %d is negative", path, o.recordCacheBytes)
	}
	wr, err := openPool(path, writerCacheKiB, "immediate")
	if err != nil {
		return nil, fmt.Errorf("open name database %s: %w", path, err)
	}
	// Two connections: a transaction holds one, and preparing a new
	// statement for the cache needs another (database/sql then prepares it
	// on the transaction's connection too, once, and keeps both forms).
	wr.SetMaxOpenConns(2)
	wr.SetMaxIdleConns(2)
	db := &DB{wr: newPrepared(wr), net: n, namespaces: map[string]*storedNamespace{}, cache: newRecordCache(o.recordCacheBytes),
		burnAddress: n.Wire.Address(wire.BurnScript()), whitelistChanged: make(chan struct{})}
	// The writer creates the schema before any reader opens.
	if err := db.init(ctx); err != nil {
		wr.Close()
		return nil, fmt.Errorf("open name database %s: %w", path, err)
	}
	rd, err := openPool(path, readerCacheKiB, "deferred")
	if err != nil {
		wr.Close()
		return nil, fmt.Errorf("open name database %s: %w", path, err)
	}
	rd.SetMaxIdleConns(readerConns)
	db.sql, db.rd = rd, newPrepared(rd)
	var cctx context.Context
	cctx, db.stop = context.WithCancel(context.Background())
	db.committed, db.stopped = make(chan struct{}, 1), make(chan struct{})
	go db.checkpointer(cctx, o.checkpointEvery, o.walRestartFrames, db.committed, db.stopped)
	return db, nil
}

// Page caches: the writer's holds the pages the rules touch block after
// block (names of active owners, pending preorders, index roots); each
// reader connection has a smaller one. Both also read through a memory
// map, so a page in the OS cache costs no system call.
const (
	writerCacheKiB = 64 << 10
	readerCacheKiB = 16 << 10
	mmapBytes      = 1 << 30
	// readerConns is how many reader connections stay open (prepared
	// statements live per connection).
	readerConns = 16
)

// openPool opens a pool; txlock is how its transactions begin. The writer's
// are IMMEDIATE: they take the write lock at BEGIN, where a checkpoint that
// holds it makes them wait (busy_timeout) — a transaction that read first
// and then writes would fail with SQLITE_BUSY instead.
func openPool(path string, cacheKiB int, txlock string) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_txlock", txlock)
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(OFF)")
	q.Add("_pragma", fmt.Sprintf("cache_size(-%d)", cacheKiB))
	q.Add("_pragma", fmt.Sprintf("mmap_size(%d)", mmapBytes))
	q.Add("_pragma", "wal_autocheckpoint(0)")
	q.Add("_pragma", fmt.Sprintf("journal_size_limit(%d)", walSizeLimit))
	return sql.Open("sqlite", "file:"+path+"?"+q.Encode())
}

func (db *DB) init(ctx context.Context) error {
	if _, err := db.wr.db.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	for key, want := range map[string]string{"schema_version": schemaVersion, "network": db.net.Name} {
		var got string
		err := db.wr.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&got)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if _, err := db.wr.db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)`, key, want); err != nil {
				return fmt.Errorf("write %s: %w", key, err)
			}
		case err != nil:
			return fmt.Errorf("read %s: %w", key, err)
		case got != want:
			return fmt.Errorf("database has %s %q, want %q", key, got, want)
		}
	}
	rows, err := db.wr.db.QueryContext(ctx, `SELECT height, hash, consensus_hash FROM blocks ORDER BY height`)
	if err != nil {
		return fmt.Errorf("load blocks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var h int64
		var hash, ch []byte
		if err := rows.Scan(&h, &hash, &ch); err != nil {
			return fmt.Errorf("load blocks: %w", err)
		}
		if want := db.net.FirstBlock + int64(len(db.chs)); h != want || len(ch) != 16 || len(hash) != 32 {
			return fmt.Errorf("block table is corrupt at height %d (want height %d, 16-byte consensus hash, 32-byte hash)", h, want)
		}
		db.chs = append(db.chs, wire.Hash128(ch))
		copy(db.tipHash[:], hash)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load blocks: %w", err)
	}
	if err := db.loadNamespaces(ctx, db.wr); err != nil {
		return err
	}
	ix, err := loadIndex(ctx, db.wr)
	if err != nil {
		return err
	}
	db.idx = ix
	return nil
}

// queryer is what *sql.DB and *sql.Tx share.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// loadNamespaces reads every namespace into db.namespaces.
func (db *DB) loadNamespaces(ctx context.Context, q queryer) error {
	rows, err := q.QueryContext(ctx, `SELECT record FROM namespaces`)
	if err != nil {
		return fmt.Errorf("load namespaces: %w", err)
	}
	defer rows.Close()
	m := map[string]*storedNamespace{}
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return fmt.Errorf("load namespaces: %w", err)
		}
		ns, err := decodeNamespace(b)
		if err != nil {
			return fmt.Errorf("load namespaces: %w", err)
		}
		m[ns.NamespaceID] = ns
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load namespaces: %w", err)
	}
	db.namespaces = m
	return nil
}

// Close closes the database.
func (db *DB) Close() error {
	db.stop()
	<-db.stopped
	// Leave a small database behind: copy the WAL back and truncate it.
	_, cerr := db.wr.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	rerr := db.rd.close()
	if err := db.wr.close(); err != nil {
		return fmt.Errorf("close name database: %w", err)
	}
	if rerr != nil {
		return fmt.Errorf("close name database: %w", rerr)
	}
	if cerr != nil {
		return fmt.Errorf("close name database: checkpoint: %w", cerr)
	}
	return nil
}

// Network returns the chain parameters the database was opened with.
func (db *DB) Network() *netparams.Network { return db.net }

// Tip returns the height and hash of the last applied block. Before any
// block it returns FirstBlock-1 and a zero hash.
func (db *DB) Tip() (height int64, hash [32]byte) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.net.FirstBlock - 1 + int64(len(db.chs)), db.tipHash
}

// ConsensusHashAt returns the consensus hash of block h: of an applied
// block, or the genesis consensus hash for the four blocks before
// FirstBlock. ok is false otherwise.
func (db *DB) ConsensusHashAt(h int64) (wire.Hash128, bool) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.chAt(h)
}

func (db *DB) chAt(h int64) (wire.Hash128, bool) {
	first := db.net.FirstBlock
	if h >= first-4 && h < first {
		return db.net.GenesisConsensusHash, true
	}
	if i := h - first; i >= 0 && i < int64(len(db.chs)) {
		return db.chs[i], true
	}
	return wire.Hash128{}, false
}

// HeightOfConsensusHash returns the block whose consensus hash is ch.
func (db *DB) HeightOfConsensusHash(ctx context.Context, ch wire.Hash128) (int64, bool, error) {
	var h int64
	err := db.rd.QueryRowContext(ctx, `SELECT height FROM blocks WHERE consensus_hash = ? ORDER BY height LIMIT 1`, ch[:]).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("look up consensus hash %s: %w", ch, err)
	}
	return h, true, nil
}

// IsRecentConsensusHash reports whether ch may be carried by an operation in
// block b: it is the consensus hash of one of blocks b-window … b-1
// (PROTOCOL.md §8.5; the genesis hash counts for the blocks before
// FirstBlock).
func (db *DB) IsRecentConsensusHash(ch wire.Hash128, b int64) bool {
	db.mu.RLock()
	defer db.mu.RUnlock()
	for j := b - 1; j >= b-db.net.ConsensusWindow; j-- {
		if got, ok := db.chAt(j); ok && got == ch {
			return true
		}
	}
	return false
}

// BlockHash returns the stored Bitcoin hash of applied block h.
func (db *DB) BlockHash(ctx context.Context, h int64) ([32]byte, bool, error) {
	var out [32]byte
	var b []byte
	err := db.rd.QueryRowContext(ctx, `SELECT hash FROM blocks WHERE height = ?`, h).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return out, false, nil
	}
	if err != nil {
		return out, false, fmt.Errorf("block hash %d: %w", h, err)
	}
	copy(out[:], b)
	return out, true, nil
}
