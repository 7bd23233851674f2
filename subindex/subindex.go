// Package subindex keeps the name database's subdomain state up to date
// with the zone files the mirror holds.
//
// Subdomain records live in zone files, so namedb cannot build subdomain
// state from the chain alone: the Indexer follows the whitelist (every
// zone file announced on chain, in chain order), hands each held zone file
// to namedb.ProcessZoneFile, and remembers the ones not held yet. When one
// of those arrives — the crawler fetched it, or a client posted it —
// Arrived hands it over too, and namedb settles the subdomains it touches
// again, so the state is what it would have been had it been there from
// the start. Processing is idempotent and namedb marks each processed
// entry in the same batch as its records, so after a crash the Indexer
// simply finds the entries that are still pending.
package subindex

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/wire"
	"github.com/zonemirror/zonemirror/plugins"
)

// DB is what the Indexer needs of the name database.
type DB interface {
	SubdomainsPending(ctx context.Context, after int64, limit int) ([]namedb.WhitelistEntry, error)
	ProcessZoneFile(ctx context.Context, index int64, zonefile []byte) (*namedb.ZoneFileResult, error)
	WhitelistAfter(ctx context.Context, after int64, limit int) ([]namedb.WhitelistEntry, error)
	WhitelistChanged() <-chan struct{}
}

// Records is where the mirror's held zone files are read (its local
// tiers: a lookup must not go to the network).
type Records interface {
	Get(ctx context.Context, key plugins.Key) ([]byte, error)
}

// Status is what the Indexer has done since it started.
type Status struct {
	// Processed counts zone files handed to namedb; Records the subdomain
	// records they carried.
	Processed, Records int64
	// Waiting is how many pending entries' zone files are not held yet.
	Waiting int
	// Cursor is the last whitelist index looked at.
	Cursor int64
	// Failed counts zone files whose processing failed (and is retried).
	Failed int64
	// Passes counts the passes over the whitelist that reached its end.
	Passes int64
}

// Indexer follows the whitelist and processes held zone files.
type Indexer struct {
	db     DB
	recs   Records
	logger *slog.Logger

	arrived chan arrival

	mu      sync.Mutex
	waiting map[wire.Hash160][]int64 // hash → pending entries without their zone file
	st      Status
}

type arrival struct {
	hash wire.Hash160
	data []byte
}

// New returns an Indexer over db, reading zone files from recs.
func New(db DB, recs Records, logger *slog.Logger) *Indexer {
	if logger == nil {
		logger = slog.Default()
	}
	return &Indexer{db: db, recs: recs, logger: logger, arrived: make(chan arrival, 256), waiting: map[wire.Hash160][]int64{}}
}

// Arrived tells the Indexer that zone file data (of hash) is now held. It
// does not wait for the processing; it waits only when many arrive at
// once, until ctx ends.
func (ix *Indexer) Arrived(ctx context.Context, hash wire.Hash160, data []byte) {
	select {
	case ix.arrived <- arrival{hash, data}:
	case <-ctx.Done():
	}
}

// Status returns the Indexer's counts now.
func (ix *Indexer) Status() Status {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	s := ix.st
	s.Waiting = 0
	for _, es := range ix.waiting {
		s.Waiting += len(es)
	}
	return s
}

// retryEvery is how often the zone files of waiting entries are looked
// for again (a tier may have got them by another way than Arrived: a
// replica's shared bucket), and entries whose processing failed are
// tried again.
const retryEvery = time.Minute

// Run follows the whitelist until ctx ends.
func (ix *Indexer) Run(ctx context.Context) error {
	var cursor int64
	var cursorTx string // the txid of the entry at cursor
	retry := time.NewTicker(retryEvery)
	defer retry.Stop()
	for {
		changed := ix.db.WhitelistChanged()
		if !ix.stillThere(ctx, cursor, cursorTx) {
			// a rewind removed entries the cursor had passed: look again
			// from the start (processed entries are skipped quickly)
			cursor, cursorTx = 0, ""
			ix.mu.Lock()
			clear(ix.waiting)
			ix.mu.Unlock()
		}
		next, tx, err := ix.catchUp(ctx, cursor)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			ix.logger.Warn("subdomains: following the whitelist failed; will retry", "err", err)
		}
		if next != cursor {
			cursor, cursorTx = next, tx
		}
		select {
		case <-ctx.Done():
			return nil
		case <-changed:
		case a := <-ix.arrived:
			ix.process(ctx, a.hash, a.data)
		case <-retry.C:
			ix.retryWaiting(ctx)
		}
	}
}

// stillThere reports whether the whitelist entry at cursor is still the
// one the Indexer saw (no rewind took it away).
func (ix *Indexer) stillThere(ctx context.Context, cursor int64, txid string) bool {
	if cursor == 0 {
		return true
	}
	es, err := ix.db.WhitelistAfter(ctx, cursor-1, 1)
	return err == nil && len(es) == 1 && es[0].Index == cursor && es[0].TxID == txid
}

// retryWaiting looks for the zone files of waiting entries again.
func (ix *Indexer) retryWaiting(ctx context.Context) {
	ix.mu.Lock()
	hashes := make([]wire.Hash160, 0, len(ix.waiting))
	for h := range ix.waiting {
		hashes = append(hashes, h)
	}
	ix.mu.Unlock()
	for _, h := range hashes {
		if ctx.Err() != nil {
			return
		}
		if data, err := ix.recs.Get(ctx, plugins.Key(h)); err == nil {
			ix.process(ctx, h, data)
		}
	}
}

// catchUp processes the pending entries after cursor whose zone files are
// held, and remembers the others; it returns the new cursor and the txid
// of its entry.
func (ix *Indexer) catchUp(ctx context.Context, cursor int64) (int64, string, error) {
	txid := ""
	for {
		es, err := ix.db.SubdomainsPending(ctx, cursor, 256)
		if err != nil {
			return cursor, txid, fmt.Errorf("pending entries after %d: %w", cursor, err)
		}
		if len(es) == 0 {
			ix.mu.Lock()
			ix.st.Passes++
			ix.mu.Unlock()
			return cursor, txid, nil
		}
		// arrivals first: a crawl may be feeding them
		for drained := false; !drained; {
			select {
			case a := <-ix.arrived:
				ix.process(ctx, a.hash, a.data)
			default:
				drained = true
			}
		}
		var held []heldEntry
		for _, e := range es {
			data, err := ix.recs.Get(ctx, plugins.Key(e.Hash))
			switch {
			case err == nil:
				held = append(held, heldEntry{e.Index, data})
			case errors.Is(err, plugins.ErrNotFound):
				ix.mu.Lock()
				ix.waiting[e.Hash] = append(ix.waiting[e.Hash], e.Index)
				ix.mu.Unlock()
			default:
				if ctx.Err() != nil {
					return cursor, txid, ctx.Err()
				}
				ix.logger.Warn("subdomains: reading a zone file failed; will retry", "hash", e.Hash.String(), "err", err)
				ix.mu.Lock()
				ix.st.Failed++
				ix.waiting[e.Hash] = append(ix.waiting[e.Hash], e.Index)
				ix.mu.Unlock()
			}
		}
		ix.processAll(ctx, held)
		last := es[len(es)-1]
		cursor, txid = last.Index, last.TxID
		ix.mu.Lock()
		ix.st.Cursor = cursor
		ix.mu.Unlock()
	}
}

type heldEntry struct {
	index int64
	data  []byte
}

// processAll processes entries on every core: namedb reads each zone file
// and checks its signatures in parallel, and the state comes out the same
// in any order.
func (ix *Indexer) processAll(ctx context.Context, entries []heldEntry) {
	next := make(chan heldEntry)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(entries)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range next {
				ix.processEntry(ctx, e.index, e.data)
			}
		}()
	}
	for _, e := range entries {
		next <- e
	}
	close(next)
	wg.Wait()
}

// process handles a zone file that arrived: every waiting entry of its
// hash.
func (ix *Indexer) process(ctx context.Context, hash wire.Hash160, data []byte) {
	ix.mu.Lock()
	entries := ix.waiting[hash]
	delete(ix.waiting, hash)
	ix.mu.Unlock()
	for _, idx := range entries {
		ix.processEntry(ctx, idx, data)
	}
}

// processEntry hands entry index's zone file to namedb; a failure puts the
// entry back among the waiting ones, for the next retry.
func (ix *Indexer) processEntry(ctx context.Context, index int64, data []byte) {
	res, err := ix.db.ProcessZoneFile(ctx, index, data)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if err != nil {
		if ctx.Err() == nil {
			ix.st.Failed++
			ix.waiting[wire.SumHash160(data)] = append(ix.waiting[wire.SumHash160(data)], index)
			ix.logger.Warn("subdomains: processing a zone file failed; will retry", "entry", index, "err", err)
		}
		return
	}
	if !res.Done {
		ix.st.Processed++
		ix.st.Records += int64(res.Records)
	}
}
