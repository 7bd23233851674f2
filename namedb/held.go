package namedb

import (
	"fmt"

	"github.com/cockroachdb/pebble/v2"
)

// In bulk mode (WithBulk) the blocks below the undo horizon are not
// committed one by one: their writes are appended to one large batch across
// blocks, which pebble takes whole as a flushable batch (sorted once and
// written to a table) instead of inserting every key into its memtable's
// skiplist. A full batch is committed in a goroutine of its own while the
// next blocks fill the next one. The rules read back only names, pending
// preorders and carried preorder hashes (readBack), so each batch keeps
// those values in a map, which the writer reads before the store
// (writerGet) until the batch is committed. Everything else reads the
// store, and sees a held block once its batch is committed: when the batch
// is full, when the first block with an undo log comes, and by Rewind,
// ProcessZoneFile and Close.

// held is a batch of bulk mode's blocks; used under wmu only.
type held struct {
	b    *pebble.Batch
	vals map[string]heldVal
}

// heldVal is a held key's value, or its deletion.
type heldVal struct {
	v       []byte
	present bool
}

// heldBytes is the size at which the held batch is committed (a variable
// for the tests). Pebble takes a batch of at least half a memtable whole,
// as a flushable batch, so the bulk memtable is twice this.
var heldBytes = 32 << 20

// bulkMemTable is the memtable size of bulk mode.
const bulkMemTable = 64 << 20

// readBack reports whether the rules read k back (writerGet).
func readBack(k []byte) bool {
	switch k[0] {
	case pName, pPending, pCarried:
		return true
	}
	return false
}

// hold appends a block's writes to the held batch, in the order written
// (in a batch the last write of a key wins), and sends the batch to be
// committed once it is full.
func (db *DB) hold(writes []kvWrite) error {
	if db.held == nil {
		db.held = &held{b: db.kv.NewBatchWithSize(heldBytes + heldBytes/8), vals: map[string]heldVal{}}
	}
	h := db.held
	for _, x := range writes {
		var err error
		if x.del {
			err = h.b.Delete(x.key, nil)
		} else {
			err = h.b.Set(x.key, x.val, nil)
		}
		if err != nil {
			return fmt.Errorf("hold a write: %w", err)
		}
		if readBack(x.key) {
			h.vals[string(x.key)] = heldVal{v: x.val, present: !x.del}
		}
	}
	if h.b.Len() < heldBytes {
		return nil
	}
	// one batch in flight at a time
	if err := db.waitCommitting(); err != nil {
		return err
	}
	db.committing, db.held = h, nil
	done := make(chan error, 1)
	db.committed = done
	go func() {
		err := h.b.Commit(pebble.NoSync)
		h.b.Close()
		done <- err
	}()
	return nil
}

// waitCommitting waits for the batch in flight, if any, to be committed.
func (db *DB) waitCommitting() error {
	if db.committed == nil {
		return nil
	}
	err := <-db.committed
	db.committed, db.committing = nil, nil
	if err != nil {
		return fmt.Errorf("commit the held blocks: %w", err)
	}
	return nil
}

// commitHeld commits every held block now. The caller holds wmu.
func (db *DB) commitHeld() error {
	if err := db.waitCommitting(); err != nil {
		return err
	}
	h := db.held
	if h == nil {
		return nil
	}
	db.held = nil
	defer h.b.Close()
	if err := h.b.Commit(pebble.NoSync); err != nil {
		return fmt.Errorf("commit the held blocks: %w", err)
	}
	return nil
}

// writerGet is get as the rules see it: the held blocks over the committed
// store. The caller holds wmu.
func (db *DB) writerGet(k []byte) ([]byte, bool, error) {
	for _, h := range []*held{db.held, db.committing} {
		if h == nil {
			continue
		}
		if hv, ok := h.vals[string(k)]; ok {
			return hv.v, hv.present, nil
		}
	}
	return db.get(k)
}
