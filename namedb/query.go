package namedb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// The queries the mirror's API asks (PROTOCOL.md §10), answered as of the
// last applied block.

// Name statuses.
const (
	StatusRegistered = "registered"
	StatusRevoked    = "revoked"
	StatusExpired    = "expired"
)

// NameInfo is a name's record and its standing at the tip.
type NameInfo struct {
	Record *NameRecord
	// Status is StatusRegistered, StatusRevoked or StatusExpired.
	Status string
	// ExpireBlock and RenewalDeadline are 0 for names that never expire or
	// whose namespace is not ready (-1 would not be the original's JSON).
	ExpireBlock     int64
	RenewalDeadline int64
	// GracePeriod is true between ExpireBlock and RenewalDeadline.
	GracePeriod bool
}

// view is a consistent snapshot of what the queries need from memory.
func (db *DB) view() (tip int64, namespaces map[string]*storedNamespace) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.net.FirstBlock - 1 + int64(len(db.chs)), db.namespaces
}

// Name returns a name's current record and standing, or nil if the name was
// never registered or imported. A hot name is answered from memory; the
// record is never older than the tip it is judged at.
func (db *DB) Name(ctx context.Context, name string) (*NameInfo, error) {
	for {
		db.mu.RLock()
		gen, tip, namespaces := db.gen, db.net.FirstBlock-1+int64(len(db.chs)), db.namespaces
		_, exists := db.idx.names[name]
		db.mu.RUnlock()
		if !exists {
			return nil, nil
		}
		s, ok := db.cache.get(name)
		if !ok {
			var err error
			s, err = db.readName(db.get, name)
			if err != nil {
				return nil, err
			}
			db.mu.RLock()
			if db.gen != gen {
				// a commit or rewind ran while the table was read
				db.mu.RUnlock()
				continue
			}
			if s != nil {
				db.cache.put(name, s)
			}
			db.mu.RUnlock()
			if s == nil {
				return nil, nil
			}
		}
		return db.nameInfo(s, tip, namespaces), nil
	}
}

// readName reads a name's committed record; nil if the name was never
// created. get reads the store (db.get, or the rules' db.writerGet).
func (db *DB) readName(get func([]byte) ([]byte, bool, error), name string) (*storedName, error) {
	k := nameKey(name)
	v, ok, err := get(k)
	if err != nil || !ok {
		return nil, err
	}
	return decodeName(k, v)
}

func (db *DB) nameInfo(s *storedName, tip int64, namespaces map[string]*storedNamespace) *NameInfo {
	r := s.NameRecord
	info := &NameInfo{Record: r}
	info.Status, info.ExpireBlock, info.RenewalDeadline, info.GracePeriod = db.standing(r.NamespaceID, r.FirstRegistered, r.LastRenewed, r.Revoked, tip, namespaces)
	return info
}

// liveList returns the live names of a namespace ("" for all), in name
// order. Lists change only when a block commits or a rewind runs, so each
// is built once per such change from the in-memory index; callers must not
// modify it.
func (db *DB) liveList(namespaceID string) []string {
	db.mu.RLock()
	gen := db.gen
	db.memo.mu.Lock()
	if db.memo.gen != gen || db.memo.lists == nil {
		// a new generation; or the first list of a process that has
		// committed nothing yet (generation 0)
		db.memo.gen, db.memo.lists = gen, map[string][]string{}
	}
	list, ok := db.memo.lists[namespaceID]
	db.memo.mu.Unlock()
	if ok {
		db.mu.RUnlock()
		return list
	}
	tip := db.net.FirstBlock - 1 + int64(len(db.chs))
	list = []string{}
	for name, n := range db.idx.names {
		if namespaceID == allNamesEver ||
			(namespaceID == "" || n.namespaceID == namespaceID) &&
				aliveIn(db.net, db.namespaces, n.namespaceID, n.firstRegistered, n.lastRenewed, tip) {
			list = append(list, name)
		}
	}
	db.mu.RUnlock()
	slices.Sort(list)
	db.memo.mu.Lock()
	if db.memo.gen == gen {
		db.memo.lists[namespaceID] = list
	}
	db.memo.mu.Unlock()
	return list
}

// allNamesEver asks liveList for every name ever created, live or not (no
// namespace id contains a space).
const allNamesEver = " all"

// liveMemo holds the lists liveList built for one generation.
type liveMemo struct {
	mu    sync.Mutex
	gen   uint64
	lists map[string][]string
}

// NamesOwnedBy returns the live names whose owner address is addr (revoked
// ones included), in name order; none for an address that is not one.
func (db *DB) NamesOwnedBy(ctx context.Context, addr string) ([]string, error) {
	out := []string{}
	script, err := db.net.Wire.ScriptForAddress(addr)
	if err != nil {
		return out, nil
	}
	db.mu.RLock()
	defer db.mu.RUnlock()
	tip := db.net.FirstBlock - 1 + int64(len(db.chs))
	for _, name := range db.idx.byOwner[string(script)] {
		n := db.idx.names[name]
		if aliveIn(db.net, db.namespaces, n.namespaceID, n.firstRegistered, n.lastRenewed, tip) {
			out = append(out, name)
		}
	}
	return out, nil
}

// NamesInNamespace returns a page of the live names of a namespace, in
// name order.
func (db *DB) NamesInNamespace(ctx context.Context, id string, offset, limit int) ([]string, error) {
	return page(db.liveList(id), offset, limit), nil
}

// AllNames returns a page of all names in name order: the live ones, or
// every name ever created with includeExpired.
func (db *DB) AllNames(_ context.Context, offset, limit int, includeExpired bool) ([]string, error) {
	if includeExpired {
		return page(db.liveList(allNamesEver), offset, limit), nil
	}
	return page(db.liveList(""), offset, limit), nil
}

// page returns a copy of all[offset:offset+limit].
func page(all []string, offset, limit int) []string {
	if offset < 0 || limit <= 0 || offset >= len(all) {
		return []string{}
	}
	all = all[offset:]
	if limit < len(all) {
		all = all[:limit]
	}
	return slices.Clone(all)
}

// NameCount is the number of live names (all of them, or of one namespace).
func (db *DB) NameCount(_ context.Context, namespaceID string) (int, error) {
	return len(db.liveList(namespaceID)), nil
}

// Namespaces returns the ids of all ready namespaces, sorted.
func (db *DB) Namespaces() []string {
	_, namespaces := db.view()
	out := []string{}
	for id, ns := range namespaces {
		if ns.Ready {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// Namespace returns a revealed or ready namespace.
func (db *DB) Namespace(id string) (*Namespace, bool) {
	_, namespaces := db.view()
	ns := namespaces[id]
	if ns == nil {
		return nil, false
	}
	return ns.Namespace, true
}

// NameHistory returns every record of a name by block height, oldest
// first within a block: its preorders and the record after each accepted
// operation.
func (db *DB) NameHistory(_ context.Context, name string) (map[int64][]json.RawMessage, error) {
	out := map[int64][]json.RawMessage{}
	prefix := historyPrefix(name)
	err := db.scan(prefix, nil, func(k, v []byte) (bool, error) {
		if len(k) != len(prefix)+12 || len(v) < 1 {
			return false, corrupt("history row", k)
		}
		h := int64(beUint(k[len(prefix) : len(prefix)+8]))
		rec, err := historyJSON(k, v)
		if err != nil {
			return false, err
		}
		out[h] = append(out[h], rec)
		return true, nil
	})
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", name, err)
	}
	return out, nil
}

// historyJSON returns the API's JSON of a history row: a name's record
// without zonemirror's own fields, or a preorder.
func historyJSON(k, v []byte) (json.RawMessage, error) {
	if len(v) < 1 {
		return nil, corrupt("history row", k)
	}
	if v[0] == 1 {
		s, err := decodeNameRecord(k, v[1:])
		if err != nil {
			return nil, err
		}
		return marshalName(s.NameRecord)
	}
	if len(v) > 1 && v[1] == '{' {
		return append(json.RawMessage(nil), v[1:]...), nil
	}
	p, err := decodePreorder(k, v[1:])
	if err != nil {
		return nil, err
	}
	return marshalPreorder(p)
}

// BlockOps returns the accepted operations of block h as the API shows
// them, in block order.
func (db *DB) BlockOps(_ context.Context, h int64) ([]json.RawMessage, error) {
	out := []json.RawMessage{}
	err := db.scan(key(pOp, be64(h)), nil, func(k, v []byte) (bool, error) {
		_, rest, ok := readStr(v)
		if ok {
			_, rest, ok = readStr(rest)
		}
		if !ok {
			return false, corrupt("operation", k)
		}
		if len(rest) == 0 || rest[0] != opRowHistory {
			out = append(out, append(json.RawMessage(nil), rest...))
			return true, nil
		}
		// the record is the name's history row at this operation
		hk := append(historyPrefix(string(rest[1:])), k[1:]...)
		hv, ok, err := db.get(hk)
		if err != nil {
			return false, err
		}
		if !ok {
			return false, fmt.Errorf("%w: operation %q points at history row %q, which is missing", errCorrupt, k, hk)
		}
		js, err := historyJSON(hk, hv)
		if err != nil {
			return false, err
		}
		out = append(out, js)
		return true, nil
	})
	if err != nil {
		return nil, fmt.Errorf("operations of block %d: %w", h, err)
	}
	return out, nil
}

// TxStatus is what namedb knows of a transaction.
type TxStatus struct {
	Height   int64
	Vtxindex int
	Opcode   string
	// Status is "accepted" or "rejected".
	Status string
	// Code and Reason say why a rejected operation was refused.
	Code, Reason string
}

// Tx returns the status of a Blockstack transaction, or nil if namedb never
// saw it.
func (db *DB) Tx(_ context.Context, txid string) (*TxStatus, error) {
	v, ok, err := db.get(txKey(txid))
	if err != nil || !ok {
		return nil, err
	}
	if len(v) != 13 {
		return nil, corrupt("transaction index", txKey(txid))
	}
	st := &TxStatus{Height: int64(beUint(v[:8])), Vtxindex: int(beUint(v[8:12])), Status: "accepted"}
	k := opKey(st.Height, st.Vtxindex)
	if v[12] == 0 {
		st.Status = "rejected"
		k = rejectionKey(st.Height, st.Vtxindex)
	}
	row, ok, err := db.get(k)
	if err != nil {
		return nil, fmt.Errorf("transaction %s: %w", txid, err)
	}
	if !ok {
		return nil, fmt.Errorf("%w: transaction %s is indexed but its row %q is missing", errCorrupt, txid, k)
	}
	_, rest, ok1 := readStr(row)
	var ok2, ok3, ok4 bool
	st.Opcode, rest, ok2 = readStr(rest)
	if st.Status == "rejected" {
		st.Code, rest, ok3 = readStr(rest)
		st.Reason, _, ok4 = readStr(rest)
	} else {
		ok3, ok4 = true, true
	}
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return nil, corrupt("transaction row", k)
	}
	return st, nil
}

// RejectionCounts returns how many operations were refused, by reason code.
func (db *DB) RejectionCounts(context.Context) (map[string]int, error) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	out := map[string]int{}
	for c, n := range db.idx.rejections {
		if n > 0 {
			out[c] = int(n)
		}
	}
	return out, nil
}

// NamePrice is the price of registering name in the next block, in
// satoshis (or µSTX for version-3 namespaces).
func (db *DB) NamePrice(name string) (netparams.Price, error) {
	label, nsID, err := wire.SplitName(name)
	if err != nil {
		return netparams.Price{}, err
	}
	tip, namespaces := db.view()
	ns := namespaces[nsID]
	if ns == nil {
		return netparams.Price{}, fmt.Errorf("namespace %s does not exist", nsID)
	}
	return netparams.NamePrice(db.net, db.net.EpochAt(tip+1), priceFunction(ns.Namespace), label), nil
}

// Cost is a price as the original's API answered it (blockstackd's
// get_name_cost and get_namespace_cost): the price in the epoch of the last
// processed block, rounded up to an integer, in Units "BTC" (satoshis) or
// "STACKS" (µSTX).
type Cost struct {
	Amount int64
	Units  string
}

// The units of a Cost.
const (
	UnitsBTC    = "BTC"
	UnitsStacks = "STACKS"
)

// ErrNoNamespace is returned for the price of a name whose namespace is
// neither ready nor revealed (and its reveal still open).
var ErrNoNamespace = errors.New("no such namespace")

// NameCost is the original's answer to the price of a name: at the last
// processed block, in a ready namespace or one revealed and not yet
// expired (so that names can be priced while they are imported).
func (db *DB) NameCost(name string) (Cost, error) {
	label, nsID, err := wire.SplitName(name)
	if err != nil {
		return Cost{}, err
	}
	tip, namespaces := db.view()
	ns := namespaces[nsID]
	if ns == nil || !ns.Ready && !(ns.RevealBlock <= tip && tip < ns.RevealBlock+db.net.NamespaceRevealExpire) {
		return Cost{}, fmt.Errorf("namespace %s: %w", nsID, ErrNoNamespace)
	}
	units := UnitsBTC
	if ns.Version == wire.NamespaceVersionPayWithStacks {
		units = UnitsStacks
	}
	p := netparams.NamePrice(db.net, db.net.EpochAt(tip), priceFunction(ns.Namespace), label)
	return Cost{Amount: p.Ceil(), Units: units}, nil
}

// NamespaceCost is the original's answer to the price of a namespace: at
// the last processed block, in satoshis before epoch 4 and µSTX from it
// (whether or not the namespace exists, as the original answered).
func (db *DB) NamespaceCost(id string) (Cost, error) {
	if err := wire.CheckNamespaceID(id); err != nil {
		return Cost{}, err
	}
	tip, _ := db.view()
	e := db.net.EpochAt(tip)
	p, ok := netparams.NamespacePrice(e, id)
	if !ok {
		return Cost{}, fmt.Errorf("namespace %s has no price", id)
	}
	c := Cost{Amount: p, Units: UnitsBTC}
	if e.IntegerPrices() {
		c.Units = UnitsStacks
	}
	return c, nil
}

// NamespacePrice is the price of namespace id in the next block.
func (db *DB) NamespacePrice(id string) (int64, error) {
	if err := wire.CheckNamespaceID(id); err != nil {
		return 0, err
	}
	tip, _ := db.view()
	p, ok := netparams.NamespacePrice(db.net.EpochAt(tip+1), id)
	if !ok {
		return 0, fmt.Errorf("namespace %s has no price", id)
	}
	return p, nil
}

// PendingPreorder returns the preorder with this hash as the original's
// namedb_get_name_preorder (namespace false) or
// namedb_get_namespace_preorder (namespace true) sees it at the tip: a
// stored row that no live name, or no namespace, carries the hash of; nil
// if there is none.
func (db *DB) PendingPreorder(ctx context.Context, hash wire.Hash160, namespace bool) (*PreorderRecord, error) {
	db.wmu.Lock() // the rules' view of the committed state, without a block in flight
	defer db.wmu.Unlock()
	tip, _ := db.view()
	e := &engine{db: db, over: newOverlay(), net: db.net, b: tip + 1, last: tip, epoch: db.net.EpochAt(tip + 1), namespaces: db.namespaces}
	var p *pendingPreorder
	var err error
	if namespace {
		p, err = e.namespacePreorderPending(ctx, hash)
	} else {
		p, err = e.namePreorderPending(ctx, hash)
	}
	if err != nil || p == nil {
		return nil, err
	}
	rec := *p.rec
	return &rec, nil
}

// StoredPreorders returns every stored preorder row of names (namespace
// false) or of namespaces: the preorders not consumed by a registration
// or reveal, whether or not a name or namespace now carries their hash.
func (db *DB) StoredPreorders(_ context.Context, namespace bool) ([]*PreorderRecord, error) {
	var out []*PreorderRecord
	flag := byte(0)
	if namespace {
		flag = 1
	}
	err := db.scan(key(pPending, []byte{flag}), nil, func(k, v []byte) (bool, error) {
		rec, err := decodePreorder(k, v)
		if err != nil {
			return false, err
		}
		rec.Namespace = namespace
		out = append(out, rec)
		return true, nil
	})
	if err != nil {
		return nil, fmt.Errorf("stored preorders: %w", err)
	}
	return out, nil
}
