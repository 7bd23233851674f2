package namedb

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// The rules read the state as it stands after the block's earlier
// operations: the committed state (index, record cache, tables) under the
// block's own writes, which the engine keeps in an overlay until the block
// commits and they become the committed state.

// pendingPreorder is a preorder not yet consumed, with its stored bytes.
type pendingPreorder struct {
	rec *PreorderRecord
	raw []byte
}

// maxCachedPreorders bounds db.preorders: decoded pending preorders, kept
// from the block that made them to the one that consumes them (a
// registration a few blocks after its preorder). Past the bound new ones
// are read from the store.
const maxCachedPreorders = 1 << 16

// overlay is what the block has written so far.
type overlay struct {
	// names are the records written, with their JSON size; byOwner holds
	// them under every owner they had in the block (a set, so a name that
	// comes back to an owner is there once), byHash128 lists them by
	// hash128.
	names     map[string]written
	byOwner   map[string]map[string]bool
	byHash128 map[wire.Hash128][]string
	// preorders are the preorders created (nil once consumed again in the
	// block); consumed are the committed ones the block consumed.
	preorders map[preorderKey]*pendingPreorder
	consumed  map[preorderKey]bool
	// read caches the committed preorders read by the block: a
	// registration reads its preorder in the pre-pass and again when it
	// applies.
	read map[preorderKey]*pendingPreorder
	// whitelisted are the zone-file hashes the block added; carried the
	// preorder hashes its names took (putCarried).
	whitelisted []wire.Hash160
	carried     []wire.Hash160
}

type written struct {
	s *storedName
}

func newOverlay() *overlay {
	return &overlay{names: map[string]written{}, byOwner: map[string]map[string]bool{}, byHash128: map[wire.Hash128][]string{},
		preorders: map[preorderKey]*pendingPreorder{},
		consumed:  map[preorderKey]bool{}, read: map[preorderKey]*pendingPreorder{}}
}

// getName returns the record of name, expired or not; nil if it was never
// created.
func (e *engine) getName(ctx context.Context, name string) (*storedName, error) {
	if w, ok := e.over.names[name]; ok {
		return w.s, nil
	}
	if e.db.idx.names[name] == nil {
		return nil, nil
	}
	if s, ok := e.db.cache.get(name); ok {
		return s, nil
	}
	s, err := e.db.readName(e.db.writerGet, name)
	if err != nil || s == nil {
		return s, err
	}
	// The committed record: valid in the cache until a commit changes it,
	// and only this goroutine commits.
	e.db.cache.put(name, s)
	return s, nil
}

// putName writes a name's record.
func (e *engine) putName(ctx context.Context, s *storedName) error {
	_, again := e.over.names[s.Name]
	if err := e.w.putName(s, e.b, !again && e.db.idx.names[s.Name] == nil); err != nil {
		return err
	}
	e.over.names[s.Name] = written{s: s}
	if !again {
		e.over.byHash128[s.NameHash128] = append(e.over.byHash128[s.NameHash128], s.Name)
	}
	// Every write files the name under its owner of now: a transfer after
	// an update in one block gives the new owner the name from then on.
	owner := string(s.Sender)
	if e.over.byOwner[owner] == nil {
		e.over.byOwner[owner] = map[string]bool{}
	}
	e.over.byOwner[owner][s.Name] = true
	e.lastRecord = s.NameRecord
	return nil
}

// ownedNames returns the names owned by script that are alive and not
// revoked at the last processed block, in no particular order: the names
// of the committed state the block did not write, then those the block
// wrote that script owns now (in map order: the callers count them, look
// one up, or sort them).
func (e *engine) ownedNames(_ context.Context, script []byte) ([]string, error) {
	committed, written := e.db.idx.byOwner[string(script)], e.over.byOwner[string(script)]
	out := make([]string, 0, len(committed)+len(written))
	for _, name := range committed {
		if _, ok := e.over.names[name]; ok {
			continue
		}
		if n := e.db.idx.names[name]; !n.revoked && e.alive(n.namespaceID, n.firstRegistered, n.lastRenewed, e.last) {
			out = append(out, name)
		}
	}
	for name := range written {
		r := e.over.names[name].s.NameRecord
		if !r.Revoked && bytes.Equal(r.Sender, script) && e.alive(r.NamespaceID, r.FirstRegistered, r.LastRenewed, e.last) {
			out = append(out, name)
		}
	}
	return out, nil
}

// hash128Rows returns the unrevoked names whose name_hash128 is h, in name
// order.
func (e *engine) hash128Rows(h wire.Hash128) []nameRow {
	var out []nameRow
	for _, name := range e.db.idx.byHash128[h] {
		if _, ok := e.over.names[name]; ok {
			continue
		}
		if n := e.db.idx.names[name]; !n.revoked {
			out = append(out, n.row(name))
		}
	}
	for _, name := range e.over.byHash128[h] {
		if r := e.over.names[name].s.NameRecord; !r.Revoked {
			out = append(out, entryOf(r, 0).row(name))
		}
	}
	slices.SortFunc(out, func(a, b nameRow) int { return compareStrings(a.name, b.name) })
	return out
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// pendingPreorder returns the pending preorder with this hash (of names,
// or of namespaces), or nil.
func (e *engine) pendingPreorder(ctx context.Context, hash wire.Hash160, namespace bool) (*pendingPreorder, error) {
	k := preorderKey{hash: hash, namespace: namespace}
	if p, ok := e.over.preorders[k]; ok {
		return p, nil
	}
	if e.over.consumed[k] {
		return nil, nil
	}
	if !e.db.idx.preorders[k] {
		return nil, nil
	}
	if p := e.over.read[k]; p != nil {
		return p, nil
	}
	if p := e.db.preorders[k]; p != nil {
		e.over.read[k] = p
		return p, nil
	}
	v, ok, err := e.db.writerGet(pendingKey(k))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w: pending preorder %s is in the index, not in the store", errCorrupt, hash)
	}
	rec, err := decodePreorder(pendingKey(k), v)
	if err != nil {
		return nil, err
	}
	rec.Namespace = namespace
	p := &pendingPreorder{rec: rec, raw: v}
	e.over.read[k] = p
	return p, nil
}

// namePreorderPending is the original's namedb_get_name_preorder: a stored
// NAME_PREORDER row with this hash counts only while no name alive at the
// last block carries the hash as its preorder_hash (PROTOCOL.md §5.1).
func (e *engine) namePreorderPending(ctx context.Context, hash wire.Hash160) (*pendingPreorder, error) {
	p, err := e.pendingPreorder(ctx, hash, false)
	if err != nil || p == nil {
		return p, err
	}
	carried, err := e.nameCarries(ctx, hash)
	if err != nil || carried {
		return nil, err
	}
	return p, nil
}

// nameCarries reports whether a name alive at the last block has hash as
// its preorder_hash. Only the name the hash was made for can carry it; the
// store keeps which name that is (putCarried). A name created in this block
// is not alive at the last block, so the committed mapping is enough.
func (e *engine) nameCarries(ctx context.Context, hash wire.Hash160) (bool, error) {
	if _, maybe := e.db.idx.carried[carriedPrefix(hash)]; !maybe {
		return false, nil
	}
	v, ok, err := e.db.writerGet(carriedKey(hash))
	if err != nil || !ok {
		return false, err
	}
	s, err := e.getName(ctx, string(v))
	if err != nil || s == nil {
		return false, err
	}
	return s.PreorderHash == hash && e.recAlive(s.NameRecord, e.last), nil
}

// namespacePreorderPending is the original's namedb_get_namespace_preorder:
// a stored NAMESPACE_PREORDER row with this hash counts only while no
// namespace — revealed or ready, expired or not — carries the hash
// (PROTOCOL.md §5.8).
func (e *engine) namespacePreorderPending(ctx context.Context, hash wire.Hash160) (*pendingPreorder, error) {
	p, err := e.pendingPreorder(ctx, hash, true)
	if err != nil || p == nil {
		return p, err
	}
	for _, ns := range e.namespaces {
		if ns.PreorderHash == hash {
			return nil, nil
		}
	}
	return p, nil
}

// putPreorder writes a new pending preorder. When a row with its hash is
// stored already (it did not count as pending: a name or namespace carries
// the hash), the original keeps both rows and a later registration or
// reveal takes the older one, consuming both: so the older row stays and
// the new preorder, accepted all the same, is not stored as pending.
func (e *engine) putPreorder(ctx context.Context, rec *PreorderRecord) error {
	old, err := e.pendingPreorder(ctx, rec.PreorderHash, rec.Namespace)
	if err != nil {
		return err
	}
	e.lastRecord = rec
	if old != nil {
		return nil
	}
	raw, err := e.w.putPreorder(rec)
	if err != nil {
		return err
	}
	e.over.preorders[preorderKey{hash: rec.PreorderHash, namespace: rec.Namespace}] = &pendingPreorder{rec: rec, raw: raw}
	return nil
}

// consumePreorder marks a pending preorder used by this block.
func (e *engine) consumePreorder(ctx context.Context, p *pendingPreorder) error {
	if err := e.w.consumePreorder(p.rec, p.raw); err != nil {
		return err
	}
	k := preorderKey{hash: p.rec.PreorderHash, namespace: p.rec.Namespace}
	if _, ok := e.over.preorders[k]; ok {
		e.over.preorders[k] = nil
	} else {
		e.over.consumed[k] = true
	}
	return nil
}

// commitOverlay makes the block's writes the committed state. The caller
// holds db.mu for writing.
func (db *DB) commitOverlay(o *overlay, height int64) {
	for name, w := range o.names {
		e := entryOf(w.s.NameRecord, height)
		e.version = db.gen
		db.idx.put(name, e)
		db.cache.put(name, w.s)
	}
	for k, p := range o.preorders {
		if p != nil {
			db.idx.preorders[k] = true
			if len(db.preorders) < maxCachedPreorders {
				db.preorders[k] = p
			}
		}
	}
	for k := range o.consumed {
		delete(db.idx.preorders, k)
		delete(db.preorders, k)
	}
	for _, h := range o.whitelisted {
		db.idx.whitelist[h]++
	}
	for _, h := range o.carried {
		db.idx.carried[carriedPrefix(h)] = struct{}{}
	}
}

// putCarried records that name's record now carries preorder hash h.
func (e *engine) putCarried(h wire.Hash160, name string) error {
	if err := e.w.putCarried(h, name); err != nil {
		return err
	}
	e.over.carried = append(e.over.carried, h)
	return nil
}
