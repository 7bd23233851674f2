package namedb

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// Rewind undoes every block after height h, so the database is exactly as
// it was after block h was applied (h = FirstBlock-1 empties it): each
// block's undo log puts back every key the block wrote, newest block first,
// in one batch, synced to disk before Rewind returns.
func (db *DB) Rewind(ctx context.Context, h int64) error {
	db.wmu.Lock()
	defer db.wmu.Unlock()
	if h < db.net.FirstBlock-1 {
		return fmt.Errorf("rewind to %d: before the first block %d", h, db.net.FirstBlock)
	}
	if err := db.commitHeld(); err != nil {
		return fmt.Errorf("rewind to %d: %w", h, err)
	}
	tip := db.net.FirstBlock - 1 + int64(len(db.chs))
	if h >= tip {
		return nil
	}
	b := db.kv.NewBatch()
	defer b.Close()
	// final[k] is k's value after the rewind: the value before the oldest
	// undone block that wrote k.
	final := map[string]undoEntry{}
	var removedHashes []wire.Hash160
	for height := tip; height > h; height-- {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("rewind to %d: %w", h, err)
		}
		uk := undoKey(height)
		v, ok, err := db.get(uk)
		if err != nil {
			return fmt.Errorf("rewind to %d: %w", h, err)
		}
		if !ok {
			if from, ferr := db.undoLogsFrom(); ferr == nil && height < from {
				return fmt.Errorf("rewind to %d: %w: block %d has no undo log: the database was imported from a snapshot, which keeps them for the blocks from %d on; a reorganization this deep needs the database synced again", h, ErrTooDeep, height, from)
			}
			return fmt.Errorf("rewind to %d: %w: no undo log for block %d", h, errCorrupt, height)
		}
		entries, err := decodeUndo(uk, v)
		if err != nil {
			return fmt.Errorf("rewind to %d: %w", h, err)
		}
		for i := len(entries) - 1; i >= 0; i-- {
			e := entries[i]
			if e.key[0] == pWhitelist && !e.present {
				// an entry this block added: remember its hash
				cur, ok, err := db.get(e.key)
				if err != nil {
					return fmt.Errorf("rewind to %d: %w", h, err)
				}
				if ok && len(cur) >= 20 {
					removedHashes = append(removedHashes, wire.Hash160(cur[:20]))
				}
			}
			if e.present {
				err = b.Set(e.key, e.old, nil)
			} else {
				err = b.Delete(e.key, nil)
			}
			if err != nil {
				return fmt.Errorf("rewind to %d: %w", h, err)
			}
			final[string(e.key)] = e
		}
		if err := b.Delete(uk, nil); err != nil {
			return fmt.Errorf("rewind to %d: %w", h, err)
		}
	}
	var tipHash [32]byte
	if h >= db.net.FirstBlock {
		v, ok, err := db.get(blockKey(h))
		if err != nil || !ok {
			return fmt.Errorf("rewind to %d: block %d: %v", h, h, err)
		}
		r, err := decodeBlock(blockKey(h), v)
		if err != nil {
			return fmt.Errorf("rewind to %d: %w", h, err)
		}
		tipHash = r.hash
	}

	// the subdomain records of the entries the rewind removes go with them
	sub, subRefused, err := db.dropSubdomainsAbove(b, db.whitelistCount-int64(len(removedHashes)))
	if err != nil {
		return fmt.Errorf("rewind to %d: %w", h, err)
	}

	db.mu.Lock()
	defer db.mu.Unlock()
	if err := b.Commit(db.durably()); err != nil {
		return fmt.Errorf("rewind to %d: %w", h, err)
	}
	db.subCount += sub.countDelta
	db.setSubRefusals(subRefused)
	db.subGen.Add(1)
	db.gen++
	db.chs = db.chs[:h-db.net.FirstBlock+1]
	db.tipHash = tipHash
	if d := db.durable.Load(); d > h {
		db.durable.Store(h)
	}
	namespacesChanged := false
	for k, e := range final {
		switch k[0] {
		case pName:
			name := k[1:]
			db.cache.drop(name)
			if !e.present {
				db.idx.remove(name)
				continue
			}
			entry, _, ok := splitName(e.old)
			if !ok {
				return fmt.Errorf("rewind to %d: %w", h, corrupt("name", []byte(k)))
			}
			entry.version = db.gen
			db.idx.put(name, entry)
		case pPending:
			clear(db.preorders) // restored ones come back with their stored bytes
			var pk preorderKey
			pk.namespace = k[1] == 1
			copy(pk.hash[:], k[2:])
			if e.present {
				db.idx.preorders[pk] = true
			} else {
				delete(db.idx.preorders, pk)
			}
		case pRejections:
			if e.present {
				db.idx.rejections[k[1:]] = int64(beUint(e.old))
			} else {
				delete(db.idx.rejections, k[1:])
			}
		case pNamespace:
			namespacesChanged = true
		}
	}
	for _, hash := range removedHashes {
		if db.idx.whitelist[hash]--; db.idx.whitelist[hash] <= 0 {
			delete(db.idx.whitelist, hash)
		}
	}
	if namespacesChanged {
		if err := db.loadNamespaces(); err != nil {
			return fmt.Errorf("rewind to %d: %w", h, err)
		}
	}
	if err := db.loadWhitelistCount(); err != nil {
		return fmt.Errorf("rewind to %d: %w", h, err)
	}
	if len(removedHashes) > 0 {
		close(db.whitelistChanged)
		db.whitelistChanged = make(chan struct{})
	}
	return nil
}

// ErrTooDeep is wrapped by Rewind's error for a rewind below the blocks
// whose undo logs the database kept (an imported database keeps them for
// the last blocks of its snapshot only).
var ErrTooDeep = errors.New("reorganization deeper than the undo logs kept")

// undoLogsFrom is the first block whose undo log the database kept.
func (db *DB) undoLogsFrom() (int64, error) {
	v, ok, err := db.get(metaKey(metaUndoFrom))
	if err != nil || !ok {
		return db.net.FirstBlock, err
	}
	h, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return 0, corrupt("undo_from", v)
	}
	return h, nil
}
