package namedb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/bloom"

	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// schemaVersion is bumped by every change of the key layout (kv.go) and by
// every change of the rules that makes an existing database's state wrong.
// 7: the rules follow blockstack-core v21.0.0.5 where an audit found them
// parting (PROTOCOL.md, revision of 2026-12-03); the preorder-hash index.
// 8: every network but mainnet records the testnet address versions
// (0x6f/0xc4), as the original did; a mainnet database of format 7 has the
// same contents and is marked format 8 in place.
// 9: subdomain state (subdomains.go); a database of format 8 has none
// yet, and is marked format 9 in place: its subdomains are built from the
// zone files the mirror holds. Format 10 keeps every block's operations
// as it applied them (snapshots export them). Format 11 writes names and
// preorders in a binary encoding (rowbin.go) and points an operation's row
// at its name's history row; it reads format 10's JSON rows as they are,
// so a database of format 10 is marked format 11 in place.
const schemaVersion = 11

// sameWithJSONRows is the last format whose databases are this format's
// with every name and preorder row in JSON, which this format reads.
const sameWithJSONRows = 10

// sameWithoutSubdomains is the last format whose databases are this
// format's without subdomain state (and without kept operations).
const sameWithoutSubdomains = 8

// sameWithoutInputs is the last format whose databases are this format's
// without the operations of the blocks applied so far: opened, they keep
// those of the blocks that follow (metaInputsFrom).
const sameWithoutInputs = 9

// sameOnMainnet is the last format whose mainnet databases are the same
// as this format's.
const sameOnMainnet = 7

// ErrFormat is wrapped by the error Open returns for a database written by
// another version of zonemirror (a *FormatError says which).
var ErrFormat = errors.New("name database format")

// FormatError is a database folder whose format is not this zonemirror's.
type FormatError struct {
	Path string
	// Have is the folder's format (0 when unreadable); Want is this
	// zonemirror's.
	Have, Want int
}

func (e *FormatError) Error() string {
	if e.Have > e.Want {
		return fmt.Sprintf("name database %s has format %d, written by a newer zonemirror (this one reads format %d): upgrade zonemirror, or rebuild the database from the chain with `zonemirror sync --resync` (or `serve --resync`), which deletes %s first", e.Path, e.Have, e.Want, e.Path)
	}
	return fmt.Sprintf("name database %s has format %d, written by an older zonemirror whose rules parted from Blockstack Core's (fixed in format %d): its names and consensus hashes are wrong, so it is not used. Rebuild it from the chain with `zonemirror sync --resync` (or `serve --resync`), which deletes %s first", e.Path, e.Have, e.Want, e.Path)
}

func (e *FormatError) Unwrap() error { return ErrFormat }

// DB is an open name database. Its methods are safe for concurrent use;
// blocks are committed one at a time.
type DB struct {
	kv  *pebble.DB
	net *netparams.Network
	// bulk: no write-ahead log and no undo logs below undoFrom (WithBulk)
	bulk     bool
	undoFrom int64
	// spare is the last block's writer, reused (under wmu).
	spare *blockWriter
	// held is bulk mode's batch being filled and committing the one being
	// committed (held.go), whose result committed gives; under wmu.
	held, committing *held
	committed        chan error

	// wmu is held by the one writer (ApplyBlock, Rewind) throughout; mu
	// guards the in-memory state below, taken for writing only while a
	// commit makes its changes visible.
	wmu sync.Mutex
	mu  sync.RWMutex
	// gen counts commits and rewinds: a reader that saw it change while it
	// read the store reads again.
	gen uint64
	// idx is the searchable current state (index.go); cache holds decoded
	// records (cache.go).
	idx   *index
	cache *recordCache
	// preorders are decoded pending preorders (overlay.go), used under
	// wmu only; a rewind empties it.
	preorders map[preorderKey]*pendingPreorder
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
	// whitelistCount is the index of the last whitelist entry.
	whitelistCount int64
	// burnAddress is the network's burn address (hash160 of zeros, p2pkh).
	burnAddress string
	// whitelistChanged is closed (and replaced) whenever a commit or rewind
	// changes the whitelist.
	whitelistChanged chan struct{}
	// subCount is the number of subdomains that exist; subRefused the
	// stored refusal counts (subdomains.go).
	subCount   int64
	subRefused map[string]int64
	// subGen counts commits that changed subdomain state (SubdomainGen).
	subGen atomic.Uint64

	// durable is the highest block known to be on disk (synced), see
	// Durable; the syncer goroutine raises it and stops with stop.
	durable atomic.Int64
	stop    context.CancelFunc
	stopped chan struct{}

	closeOnce sync.Once
	closeErr  error
}

// DefaultRecordCacheBytes is the default bound of the decoded-record cache.
const DefaultRecordCacheBytes = 256 << 20

// DefaultSyncEvery is how often committed blocks are synced to disk.
const DefaultSyncEvery = time.Second

type options struct {
	recordCacheBytes int64
	syncEvery        time.Duration
	blockCacheBytes  int64
	resync           bool
	bulk             bool
	undoFrom         int64
}

// Option changes how Open opens a database.
type Option func(*options)

// WithRecordCache bounds the memory of decoded name records kept for
// lookups and rules. The default is DefaultRecordCacheBytes (256 MiB, about
// 200,000 records); 0 turns the cache off.
func WithRecordCache(bytes int64) Option { return func(o *options) { o.recordCacheBytes = bytes } }

// WithSyncEvery sets how often committed blocks are synced to disk (the
// most a crash of the process or the machine can lose; chainsync applies
// such blocks again). The default is DefaultSyncEvery (1 s).
func WithSyncEvery(d time.Duration) Option { return func(o *options) { o.syncEvery = d } }

// WithResync deletes a database of another format (a *FormatError) and
// starts an empty one in its place, to be synced again from the chain. A
// database of another network is still refused.
func WithResync() Option { return func(o *options) { o.resync = true } }

// WithBulk opens a database being built from nothing that is thrown away
// if the process stops before Close (a snapshot's import builds one aside
// and swaps it in): no write-ahead log, no undo logs for the blocks below
// undoFrom (a rewind cannot go below it), and those blocks committed in
// large batches (held.go), so blocks apply faster; reads other than the
// rules' see a block once its batch is committed. Close writes everything
// to the tables.
func WithBulk(undoFrom int64) Option {
	return func(o *options) { o.bulk, o.undoFrom = true, undoFrom }
}

// Open opens (creating if needed) the name database in the folder path for
// network n. A database made for another network is refused, and so is one
// of another format (a *FormatError), unless WithResync is given.
func Open(ctx context.Context, path string, n *netparams.Network, opts ...Option) (*DB, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	o := options{recordCacheBytes: DefaultRecordCacheBytes, syncEvery: DefaultSyncEvery, blockCacheBytes: 128 << 20}
	for _, opt := range opts {
		opt(&o)
	}
	if o.recordCacheBytes < 0 {
		return nil, fmt.Errorf("open name database %s: record cache size %d is negative", path, o.recordCacheBytes)
	}
	if o.syncEvery <= 0 {
		return nil, fmt.Errorf("open name database %s: sync period %s is not positive", path, o.syncEvery)
	}
	cache := pebble.NewCache(o.blockCacheBytes)
	defer cache.Unref()
	popts := &pebble.Options{
		Cache:        cache,
		MemTableSize: 64 << 20,
		Logger:       pebbleLogger{},
	}
	if o.bulk {
		popts.DisableWAL = true
		popts.MemTableSize = bulkMemTable
		// level 0 compacted in larger steps: each step rewrites the
		// overlapping base level, which grows as the import does
		popts.L0CompactionThreshold = 16
		popts.L0StopWritesThreshold = 64
	}
	for i := range popts.Levels {
		popts.Levels[i].FilterPolicy = bloom.FilterPolicy(10)
	}
	kv, err := pebble.Open(path, popts)
	if err != nil {
		return nil, fmt.Errorf("open name database %s: %w", path, err)
	}
	ferr, err := checkFormat(kv, path, n)
	if err != nil {
		kv.Close()
		return nil, fmt.Errorf("open name database %s: %w", path, err)
	}
	if ferr != nil {
		kv.Close()
		if !o.resync {
			return nil, ferr
		}
		slog.Warn("deleting a name database of another format to sync it again", "path", path, "format", ferr.Have, "want", ferr.Want)
		if err := os.RemoveAll(path); err != nil {
			return nil, fmt.Errorf("resync name database %s: %w", path, err)
		}
		if kv, err = pebble.Open(path, popts); err != nil {
			return nil, fmt.Errorf("open name database %s: %w", path, err)
		}
	}
	db := &DB{kv: kv, net: n, bulk: o.bulk, undoFrom: o.undoFrom, namespaces: map[string]*storedNamespace{}, cache: newRecordCache(o.recordCacheBytes),
		preorders:   map[preorderKey]*pendingPreorder{},
		burnAddress: n.Wire.Address(wire.BurnScript()), whitelistChanged: make(chan struct{})}
	if err := db.init(ctx); err != nil {
		kv.Close()
		return nil, fmt.Errorf("open name database %s: %w", path, err)
	}
	if db.bulk && db.undoFrom > db.net.FirstBlock {
		if err := db.kv.Set(metaKey(metaUndoFrom), []byte(strconv.FormatInt(db.undoFrom, 10)), pebble.NoSync); err != nil {
			kv.Close()
			return nil, fmt.Errorf("open name database %s: %w", path, err)
		}
	}
	db.durable.Store(db.net.FirstBlock - 1 + int64(len(db.chs)))
	var sctx context.Context
	sctx, db.stop = context.WithCancel(context.Background())
	db.stopped = make(chan struct{})
	go db.syncer(sctx, o.syncEvery)
	return db, nil
}

// pebbleLogger sends pebble's messages to slog.
type pebbleLogger struct{}

func (pebbleLogger) Infof(format string, args ...any) {
	slog.Debug("pebble: " + fmt.Sprintf(format, args...))
}
func (pebbleLogger) Errorf(format string, args ...any) {
	slog.Error("name database: pebble: " + fmt.Sprintf(format, args...))
}
func (pebbleLogger) Fatalf(format string, args ...any) {
	msg := "name database: pebble: " + fmt.Sprintf(format, args...)
	slog.Error(msg)
	panic(msg)
}

// get returns the committed value of k.
func (db *DB) get(k []byte) ([]byte, bool, error) {
	v, closer, err := db.kv.Get(k)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read %q: %w", k, err)
	}
	out := append([]byte(nil), v...)
	closer.Close()
	return out, true, nil
}

// scan calls f for every key with prefix, in key order (from start when
// start is not nil), until f returns false.
func (db *DB) scan(prefix, start []byte, f func(k, v []byte) (bool, error)) error {
	lower := prefix
	if start != nil {
		lower = start
	}
	it, err := db.kv.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: prefixEnd(prefix)})
	if err != nil {
		return fmt.Errorf("scan %q: %w", prefix, err)
	}
	for ok := it.First(); ok; ok = it.Next() {
		more, err := f(it.Key(), it.Value())
		if err != nil {
			it.Close()
			return err
		}
		if !more {
			break
		}
	}
	if err := it.Close(); err != nil {
		return fmt.Errorf("scan %q: %w", prefix, err)
	}
	return nil
}

// checkFormat returns a *FormatError unless the store is empty or of this
// format (a mainnet store of a format with the same mainnet contents is
// marked with this format); err is for failures to read or mark it.
func checkFormat(kv *pebble.DB, path string, n *netparams.Network) (*FormatError, error) {
	v, closer, err := kv.Get(metaKey(metaSchema))
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, nil // a new database (init writes the format)
	}
	if err != nil {
		return nil, fmt.Errorf("read the format: %w", err)
	}
	have, err := strconv.Atoi(string(v))
	closer.Close()
	if err == nil && have == sameWithJSONRows {
		if err := kv.Set(metaKey(metaSchema), []byte(strconv.Itoa(schemaVersion)), pebble.Sync); err != nil {
			return nil, fmt.Errorf("mark format %d: %w", schemaVersion, err)
		}
		return nil, nil
	}
	if err == nil && (have == sameWithoutSubdomains || have == sameWithoutInputs || have >= sameOnMainnet && have < schemaVersion && n.Wire == wire.MainnetParams) {
		// the operations of the blocks applied so far were not kept
		from := n.FirstBlock
		it, err := kv.NewIter(&pebble.IterOptions{LowerBound: []byte{pBlock}, UpperBound: []byte{pBlock + 1}})
		if err != nil {
			return nil, fmt.Errorf("read the tip: %w", err)
		}
		if it.Last() && len(it.Key()) == 9 {
			from = int64(beUint(it.Key()[1:])) + 1
		}
		if err := it.Close(); err != nil {
			return nil, fmt.Errorf("read the tip: %w", err)
		}
		b := kv.NewBatch()
		defer b.Close()
		if err := b.Set(metaKey(metaInputsFrom), []byte(strconv.FormatInt(from, 10)), nil); err != nil {
			return nil, err
		}
		if err := b.Set(metaKey(metaSchema), []byte(strconv.Itoa(schemaVersion)), nil); err != nil {
			return nil, err
		}
		if err := b.Commit(pebble.Sync); err != nil {
			return nil, fmt.Errorf("mark format %d: %w", schemaVersion, err)
		}
		return nil, nil
	}
	if err != nil || have != schemaVersion {
		return &FormatError{Path: path, Have: have, Want: schemaVersion}, nil
	}
	return nil, nil
}

func (db *DB) init(ctx context.Context) error {
	for m, want := range map[string]string{metaSchema: strconv.Itoa(schemaVersion), metaNetwork: db.net.Name} {
		got, ok, err := db.get(metaKey(m))
		switch {
		case err != nil:
			return err
		case !ok:
			if err := db.kv.Set(metaKey(m), []byte(want), db.durably()); err != nil {
				return fmt.Errorf("write %s: %w", m, err)
			}
		case string(got) != want:
			return fmt.Errorf("database has %s %q, want %q", m, got, want)
		}
	}
	err := db.scan([]byte{pBlock}, nil, func(k, v []byte) (bool, error) {
		r, err := decodeBlock(k, v)
		if err != nil {
			return false, err
		}
		h := int64(beUint(k[1:]))
		if want := db.net.FirstBlock + int64(len(db.chs)); h != want {
			return false, fmt.Errorf("%w: block %d stored after block %d", errCorrupt, h, want-1)
		}
		db.chs = append(db.chs, r.ch)
		db.tipHash = r.hash
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("load blocks: %w", err)
	}
	if err := db.loadNamespaces(); err != nil {
		return err
	}
	ix, err := loadIndex(db)
	if err != nil {
		return err
	}
	db.idx = ix
	if err := db.loadWhitelistCount(); err != nil {
		return err
	}
	return db.loadSubdomains()
}

func beUint(b []byte) uint64 {
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v
}

// loadNamespaces reads every namespace into db.namespaces.
func (db *DB) loadNamespaces() error {
	m := map[string]*storedNamespace{}
	err := db.scan([]byte{pNamespace}, nil, func(k, v []byte) (bool, error) {
		ns, err := decodeNamespace(k, v)
		if err != nil {
			return false, err
		}
		m[ns.NamespaceID] = ns
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("load namespaces: %w", err)
	}
	db.namespaces = m
	return nil
}

// loadWhitelistCount finds the index of the last whitelist entry.
func (db *DB) loadWhitelistCount() error {
	it, err := db.kv.NewIter(&pebble.IterOptions{LowerBound: []byte{pWhitelist}, UpperBound: []byte{pWhitelist + 1}})
	if err != nil {
		return fmt.Errorf("whitelist count: %w", err)
	}
	defer it.Close()
	db.whitelistCount = 0
	if it.Last() {
		db.whitelistCount = int64(beUint(it.Key()[1:]))
	}
	return nil
}

// syncer syncs committed blocks to disk every period until ctx ends.
func (db *DB) syncer(ctx context.Context, every time.Duration) {
	defer close(db.stopped)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := db.Sync(); err != nil && ctx.Err() == nil {
				slog.Error("name database: sync to disk failed; will retry", "err", err)
			}
		}
	}
}

// durably is the write option of a write that must be on disk when it
// returns: pebble.Sync, but in bulk mode, which has no log to sync (Close
// writes everything).
func (db *DB) durably() *pebble.WriteOptions {
	if db.bulk {
		return pebble.NoSync
	}
	return pebble.Sync
}

// Sync writes every committed block to disk (fsync) now. Blocks are synced
// every WithSyncEvery period anyway; until then a crash of the process or
// the machine may lose the latest blocks (never part of one), which
// chainsync applies again.
func (db *DB) Sync() error {
	if db.bulk {
		return nil // nothing is durable before Close
	}
	db.mu.RLock()
	tip := db.net.FirstBlock - 1 + int64(len(db.chs))
	db.mu.RUnlock()
	if tip <= db.durable.Load() {
		return nil
	}
	if err := db.kv.LogData(nil, pebble.Sync); err != nil {
		return fmt.Errorf("sync name database: %w", err)
	}
	// Only raise: a rewind may have lowered the tip meanwhile.
	for {
		d := db.durable.Load()
		if tip <= d || db.durable.CompareAndSwap(d, tip) {
			return nil
		}
	}
}

// Durable returns the highest block known to be on disk: after a crash the
// database reopens at this height or later.
func (db *DB) Durable() int64 { return db.durable.Load() }

// Close syncs and closes the database. Later calls return the first's
// result.
func (db *DB) Close() error {
	db.closeOnce.Do(func() { db.closeErr = db.close() })
	return db.closeErr
}

func (db *DB) close() error {
	db.stop()
	<-db.stopped
	db.wmu.Lock()
	defer db.wmu.Unlock()
	var serr error
	if db.bulk {
		if serr = db.commitHeld(); serr == nil {
			serr = db.kv.Flush()
		}
	} else {
		serr = db.kv.LogData(nil, pebble.Sync)
	}
	if err := db.kv.Close(); err != nil {
		return fmt.Errorf("close name database: %w", err)
	}
	if serr != nil {
		return fmt.Errorf("close name database: sync: %w", serr)
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

// HeightOfConsensusHash returns the first block whose consensus hash is ch.
func (db *DB) HeightOfConsensusHash(_ context.Context, ch wire.Hash128) (int64, bool, error) {
	var h int64
	found := false
	err := db.scan(key(pCH, ch[:]), nil, func(k, _ []byte) (bool, error) {
		h, found = int64(beUint(k[17:])), true
		return false, nil
	})
	if err != nil {
		return 0, false, fmt.Errorf("look up consensus hash %s: %w", ch, err)
	}
	return h, found, nil
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
func (db *DB) BlockHash(_ context.Context, h int64) ([32]byte, bool, error) {
	v, ok, err := db.get(blockKey(h))
	if err != nil || !ok {
		return [32]byte{}, false, err
	}
	r, err := decodeBlock(blockKey(h), v)
	if err != nil {
		return [32]byte{}, false, err
	}
	return r.hash, true, nil
}
