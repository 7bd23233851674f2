package namedb

import (
	"context"
	"fmt"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// WhitelistEntry is one zone-file hash made valid on chain (PROTOCOL.md §9.1).
type WhitelistEntry struct {
	// Index is the entry's position in chain order, from 1.
	Index  int64
	Hash   wire.Hash160
	Name   string
	TxID   string
	Height int64
}

// IsWhitelisted reports whether hash was ever announced on chain (as of
// the last applied block). It is answered from memory.
func (db *DB) IsWhitelisted(_ context.Context, hash wire.Hash160) (bool, error) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.idx.whitelist[hash] > 0, nil
}

// WhitelistedTimes is how many whitelist entries carry hash (as of the
// last applied block).
func (db *DB) WhitelistedTimes(hash wire.Hash160) int {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return int(db.idx.whitelist[hash])
}

// WhitelistAfter returns up to limit entries with Index > after, in chain
// order: a stream a follower resumes from the last Index it saw. A rewind
// removes the entries of the undone blocks, so a follower whose position is
// past WhitelistCount must resume from there.
func (db *DB) WhitelistAfter(_ context.Context, after int64, limit int) ([]WhitelistEntry, error) {
	var out []WhitelistEntry
	if limit <= 0 {
		return out, nil
	}
	err := db.scan([]byte{pWhitelist}, whitelistKey(after+1), func(k, v []byte) (bool, error) {
		e, err := decodeWhitelist(k, v)
		if err != nil {
			return false, err
		}
		out = append(out, e)
		return len(out) < limit, nil
	})
	if err != nil {
		return nil, fmt.Errorf("whitelist after %d: %w", after, err)
	}
	return out, nil
}

// WhitelistCount is the number of whitelist entries (the last Index).
func (db *DB) WhitelistCount(context.Context) (int64, error) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.whitelistCount, nil
}

// WhitelistChanged returns a channel that is closed the next time a block
// adds entries to the whitelist or a rewind removes some. Subscribers call
// it again after each wake-up.
func (db *DB) WhitelistChanged() <-chan struct{} {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.whitelistChanged
}
