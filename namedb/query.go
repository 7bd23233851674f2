package namedb

import (
	"context"
	"database/sql"
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
			var size int
			var err error
			s, size, err = getNameSized(ctx, db.rd, name)
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
				db.cache.put(name, s, size)
			}
			db.mu.RUnlock()
			if s == nil {
				return nil, nil
			}
		}
		return db.nameInfo(s, tip, namespaces), nil
	}
}

func (db *DB) nameInfo(s *storedName, tip int64, namespaces map[string]*storedNamespace) *NameInfo {
	r := s.NameRecord
	info := &NameInfo{Record: r, Status: StatusExpired}
	if aliveIn(db.net, namespaces, r.NamespaceID, r.FirstRegistered, r.LastRenewed, tip) {
		info.Status = StatusRegistered
		if r.Revoked {
			info.Status = StatusRevoked
		}
	}
	if ns := namespaces[r.NamespaceID]; ns != nil && ns.Ready && ns.Lifetime != InfiniteLifetime {
		info.ExpireBlock, info.RenewalDeadline, _ = nameDeadlines(db.net, ns.Namespace, r, tip)
		info.GracePeriod = info.Status != StatusExpired && tip >= info.ExpireBlock && tip < info.RenewalDeadline
	}
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
	if db.memo.gen != gen {
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
		if (namespaceID == "" || n.namespaceID == namespaceID) &&
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
func (db *DB) AllNames(ctx context.Context, offset, limit int, includeExpired bool) ([]string, error) {
	if includeExpired {
		rows, err := db.rd.QueryContext(ctx, `SELECT name FROM names ORDER BY name LIMIT ? OFFSET ?`, limit, offset)
		if err != nil {
			return nil, fmt.Errorf("all names: %w", err)
		}
		defer rows.Close()
		out := []string{}
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				return nil, fmt.Errorf("all names: %w", err)
			}
			out = append(out, n)
		}
		return out, rows.Err()
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
func (db *DB) NameHistory(ctx context.Context, name string) (map[int64][]json.RawMessage, error) {
	rows, err := db.rd.QueryContext(ctx, `SELECT height, state, record FROM name_history WHERE name = ? ORDER BY height, vtxindex`, name)
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", name, err)
	}
	defer rows.Close()
	out := map[int64][]json.RawMessage{}
	for rows.Next() {
		var h int64
		var state bool
		var b []byte
		if err := rows.Scan(&h, &state, &b); err != nil {
			return nil, fmt.Errorf("history of %s: %w", name, err)
		}
		if state {
			s, err := decodeName(b)
			if err != nil {
				return nil, err
			}
			if b, err = json.Marshal(s.NameRecord); err != nil {
				return nil, fmt.Errorf("history of %s: %w", name, err)
			}
		}
		out[h] = append(out[h], b)
	}
	return out, rows.Err()
}

// BlockOps returns the accepted operations of block h as the API shows
// them, in block order.
func (db *DB) BlockOps(ctx context.Context, h int64) ([]json.RawMessage, error) {
	rows, err := db.rd.QueryContext(ctx, `SELECT record FROM ops WHERE height = ? ORDER BY vtxindex`, h)
	if err != nil {
		return nil, fmt.Errorf("operations of block %d: %w", h, err)
	}
	defer rows.Close()
	out := []json.RawMessage{}
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, fmt.Errorf("operations of block %d: %w", h, err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
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
func (db *DB) Tx(ctx context.Context, txid string) (*TxStatus, error) {
	st := &TxStatus{Status: "accepted"}
	err := db.rd.QueryRowContext(ctx, `SELECT height, vtxindex, opcode FROM ops WHERE txid = ?`, txid).Scan(&st.Height, &st.Vtxindex, &st.Opcode)
	if errors.Is(err, sql.ErrNoRows) {
		st.Status = "rejected"
		err = db.rd.QueryRowContext(ctx, `SELECT height, vtxindex, opcode, code, reason FROM rejections WHERE txid = ?`, txid).
			Scan(&st.Height, &st.Vtxindex, &st.Opcode, &st.Code, &st.Reason)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("transaction %s: %w", txid, err)
	}
	return st, nil
}

// RejectionCounts returns how many operations were refused, by reason code.
func (db *DB) RejectionCounts(ctx context.Context) (map[string]int, error) {
	rows, err := db.rd.QueryContext(ctx, `SELECT code, count(*) FROM rejections GROUP BY code`)
	if err != nil {
		return nil, fmt.Errorf("rejection counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var c string
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			return nil, fmt.Errorf("rejection counts: %w", err)
		}
		out[c] = n
	}
	return out, rows.Err()
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
