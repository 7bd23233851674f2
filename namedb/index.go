package namedb

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// The index is the part of the current state that the rules search by —
// which names an owner has, which name has a hash128, which preorders are
// pending — kept complete in memory. Asking the store these questions cost
// most of a block's time when it was SQLite (an indexed query per check,
// an index page written per new row); in memory they cost nanoseconds, and
// the store needs no secondary keys for them. The index is loaded when
// the database opens, changed only when a block commits (or a rewind
// does), and read by the rules of the next block and by the queries.
//
// Memory: about 200 bytes per name, 60 per pending preorder and 50 per
// whitelisted hash.

// nameEntry is what the index keeps of a name.
type nameEntry struct {
	namespaceID     string
	owner           string // the owner's script, as a string
	hash128         wire.Hash128
	firstRegistered int64
	lastRenewed     int64
	revoked         bool
	// changed is the block that last changed the name (stored); version
	// the generation of the commit or rewind that did (memory only).
	changed int64
	version uint64
}

func entryOf(r *NameRecord, changed int64) *nameEntry {
	return &nameEntry{namespaceID: r.NamespaceID, owner: string(r.Sender), hash128: r.NameHash128,
		firstRegistered: r.FirstRegistered, lastRenewed: r.LastRenewed, revoked: r.Revoked, changed: changed}
}

func (n *nameEntry) row(name string) nameRow {
	return nameRow{name: name, namespaceID: n.namespaceID, firstRegistered: n.firstRegistered,
		lastRenewed: n.lastRenewed, revoked: n.revoked}
}

// preorderKey identifies a pending preorder: at most one is pending per
// hash (a second preorder of a pending hash is refused).
type preorderKey struct {
	hash      wire.Hash160
	namespace bool
}

type index struct {
	names map[string]*nameEntry
	// byOwner and byHash128 list names in name order, revoked ones too.
	byOwner   map[string][]string
	byHash128 map[wire.Hash128][]string
	// preorders holds the pending preorders.
	preorders map[preorderKey]bool
	// whitelist counts the entries of each whitelisted hash.
	whitelist map[wire.Hash160]int
	// rejections counts refused operations by reason code.
	rejections map[string]int64
	// carried holds carriedPrefix of every preorder hash a name's record
	// has carried (the O/ keys; a rewind leaves it a superset): a hash not
	// in it is carried by no name, which spares most registrations a read
	// of the store. About 20 bytes per name.
	carried map[uint64]struct{}
}

// carriedPrefix is the part of a preorder hash index.carried keeps.
func carriedPrefix(h wire.Hash160) uint64 { return binary.BigEndian.Uint64(h[:8]) }

// nameRow is the part of a name the rules filter on.
type nameRow struct {
	name            string
	namespaceID     string
	firstRegistered int64
	lastRenewed     int64
	revoked         bool
}

func newIndex() *index {
	return &index{names: map[string]*nameEntry{}, byOwner: map[string][]string{},
		byHash128: map[wire.Hash128][]string{}, preorders: map[preorderKey]bool{},
		whitelist: map[wire.Hash160]int{}, rejections: map[string]int64{}, carried: map[uint64]struct{}{}}
}

func insertSorted(list []string, s string) []string {
	i, found := slices.BinarySearch(list, s)
	if found {
		return list
	}
	return slices.Insert(list, i, s)
}

func removeSorted(list []string, s string) []string {
	i, found := slices.BinarySearch(list, s)
	if !found {
		return list
	}
	return slices.Delete(list, i, i+1)
}

// put sets the entry of name, moving it between owners as needed.
func (ix *index) put(name string, e *nameEntry) {
	if old := ix.names[name]; old != nil {
		if old.owner == e.owner && old.hash128 == e.hash128 {
			ix.names[name] = e
			return
		}
		ix.unlink(name, old)
	}
	ix.names[name] = e
	ix.byOwner[e.owner] = insertSorted(ix.byOwner[e.owner], name)
	ix.byHash128[e.hash128] = insertSorted(ix.byHash128[e.hash128], name)
}

// remove forgets name (a rewind past its creation).
func (ix *index) remove(name string) {
	if old := ix.names[name]; old != nil {
		ix.unlink(name, old)
		delete(ix.names, name)
	}
}

func (ix *index) unlink(name string, old *nameEntry) {
	if l := removeSorted(ix.byOwner[old.owner], name); len(l) > 0 {
		ix.byOwner[old.owner] = l
	} else {
		delete(ix.byOwner, old.owner)
	}
	if l := removeSorted(ix.byHash128[old.hash128], name); len(l) > 0 {
		ix.byHash128[old.hash128] = l
	} else {
		delete(ix.byHash128, old.hash128)
	}
}

// loadIndex reads the index from the store.
func loadIndex(db *DB) (*index, error) {
	ix := newIndex()
	namespaces := map[string]string{} // one copy of each namespace id
	type pair struct{ name, owner string }
	var owned []pair
	err := db.scan([]byte{pName}, nil, func(k, v []byte) (bool, error) {
		e, _, ok := splitName(v)
		if !ok {
			return false, corrupt("name", k)
		}
		if id, ok := namespaces[e.namespaceID]; ok {
			e.namespaceID = id
		} else {
			namespaces[e.namespaceID] = e.namespaceID
		}
		name := string(k[1:])
		ix.names[name] = e
		owned = append(owned, pair{name, e.owner})
		return true, nil
	})
	if err != nil {
		return nil, fmt.Errorf("load name index: %w", err)
	}
	// Append, then sort each list once.
	for _, p := range owned {
		ix.byOwner[p.owner] = append(ix.byOwner[p.owner], p.name)
		h := ix.names[p.name].hash128
		ix.byHash128[h] = append(ix.byHash128[h], p.name)
	}
	for _, l := range ix.byOwner {
		slices.Sort(l)
	}
	for _, l := range ix.byHash128 {
		slices.Sort(l)
	}
	if err := ix.loadPreorders(db); err != nil {
		return nil, err
	}
	if err := ix.loadWhitelist(db); err != nil {
		return nil, err
	}
	if err := ix.loadRejections(db); err != nil {
		return nil, err
	}
	if err := ix.loadCarried(db); err != nil {
		return nil, err
	}
	return ix, nil
}

func (ix *index) loadCarried(db *DB) error {
	err := db.scan([]byte{pCarried}, nil, func(k, _ []byte) (bool, error) {
		if len(k) != 21 {
			return false, corrupt("carried preorder hash", k)
		}
		ix.carried[carriedPrefix(wire.Hash160(k[1:]))] = struct{}{}
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("load carried preorder hashes: %w", err)
	}
	return nil
}

func (ix *index) loadRejections(db *DB) error {
	m := map[string]int64{}
	err := db.scan([]byte{pRejections}, nil, func(k, v []byte) (bool, error) {
		if len(v) != 8 {
			return false, corrupt("rejection count", k)
		}
		m[string(k[1:])] = int64(beUint(v))
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("load rejection counts: %w", err)
	}
	ix.rejections = m
	return nil
}

func (ix *index) loadPreorders(db *DB) error {
	m := map[preorderKey]bool{}
	err := db.scan([]byte{pPending}, nil, func(k, _ []byte) (bool, error) {
		if len(k) != 22 {
			return false, corrupt("pending preorder key", k)
		}
		var pk preorderKey
		pk.namespace = k[1] == 1
		copy(pk.hash[:], k[2:])
		m[pk] = true
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("load pending preorders: %w", err)
	}
	ix.preorders = m
	return nil
}

func (ix *index) loadWhitelist(db *DB) error {
	m := map[wire.Hash160]int{}
	err := db.scan([]byte{pWhitelist}, nil, func(k, v []byte) (bool, error) {
		if len(v) < 20 {
			return false, corrupt("whitelist entry", k)
		}
		m[wire.Hash160(v[:20])]++
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("load whitelist: %w", err)
	}
	ix.whitelist = m
	return nil
}
