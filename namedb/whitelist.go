package namedb

import (
	"context"
	"database/sql"
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

// WhitelistAfter returns up to limit entries with Index > after, in chain
// order: a stream a follower resumes from the last Index it saw. A rewind
// removes the entries of the undone blocks, so a follower whose position is
// past WhitelistCount must resume from there.
func (db *DB) WhitelistAfter(ctx context.Context, after int64, limit int) ([]WhitelistEntry, error) {
	rows, err := db.rd.QueryContext(ctx, `SELECT inv_index, hash, name, txid, height FROM whitelist
		WHERE inv_index > ? ORDER BY inv_index LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("whitelist after %d: %w", after, err)
	}
	defer rows.Close()
	var out []WhitelistEntry
	for rows.Next() {
		var e WhitelistEntry
		var h []byte
		if err := rows.Scan(&e.Index, &h, &e.Name, &e.TxID, &e.Height); err != nil {
			return nil, fmt.Errorf("whitelist after %d: %w", after, err)
		}
		copy(e.Hash[:], h)
		out = append(out, e)
	}
	return out, rows.Err()
}

// WhitelistCount is the number of whitelist entries (the last Index).
func (db *DB) WhitelistCount(ctx context.Context) (int64, error) {
	var n sql.NullInt64
	if err := db.rd.QueryRowContext(ctx, `SELECT max(inv_index) FROM whitelist`).Scan(&n); err != nil {
		return 0, fmt.Errorf("whitelist count: %w", err)
	}
	return n.Int64, nil
}

// WhitelistChanged returns a channel that is closed the next time a block
// adds entries to the whitelist or a rewind removes some. Subscribers call
// it again after each wake-up.
func (db *DB) WhitelistChanged() <-chan struct{} {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.whitelistChanged
}
