package namedb

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/cockroachdb/pebble/v2"

	"github.com/zonemirror/zonemirror/namedb/subdomain"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// Subdomain state (PROTOCOL.md §9.3, the original's subdomains.py) is
// built from the zone files the mirror holds, not from the chain alone:
// ProcessZoneFile is told the bytes of a whitelist entry's zone file and
// stores the subdomain records it carries; each subdomain's state is then
// decided again from all its records (subdomain.Accept), so a zone file
// that arrives late gives the state it would have given on time. A
// rewind takes away the records of the entries it removes.
//
// Keys (kv.go): S/<fqn>\x00<index> → a record (subRow);
// s/<name>\x00<label> → the index of the current record of label.name (a
// name's subdomains together); A/<owner>\x00<fqn> → "" for the current
// owner; Z/<index><offset> → fqn, the records a zone file carried, in
// order; K/<owner>…, V/<name>…, H/<hash>… index creations, the records a
// name's zone files carried and zone files by hash; X/<index> → what
// processing the entry's zone file found (subZoneRow); T/<txid> → the
// index of the entry it announced, once processed; Q/<reason> → count of
// refusals.

// subRow is one stored subdomain record (encode: a version byte, flags,
// then fixed and length-prefixed fields).
type subRow struct {
	Domain      string
	Owner       string
	Seq         int64
	ZoneFile    []byte
	Sig         string
	HasSig      bool
	Independent bool
	Offset      int
	Resolver    string
	Height      int64
	TxID        string
	ParentHash  string
	// Refused is why the record does not hold ("" when it does).
	Refused string
}

const subRowVersion = 1

func (r *subRow) encode() []byte {
	n := 1 + 1 + 8 + 8 + 4 + 6*binary.MaxVarintLen32 + len(r.Domain) + len(r.Owner) + len(r.ZoneFile) + len(r.Sig) +
		len(r.Resolver) + len(r.TxID) + len(r.ParentHash) + len(r.Refused)
	v := make([]byte, 0, n)
	flags := byte(0)
	if r.HasSig {
		flags |= 1
	}
	if r.Independent {
		flags |= 2
	}
	v = append(v, subRowVersion, flags)
	v = binary.BigEndian.AppendUint64(v, uint64(r.Seq))
	v = binary.BigEndian.AppendUint64(v, uint64(r.Height))
	v = binary.BigEndian.AppendUint32(v, uint32(r.Offset))
	for _, f := range []string{r.Domain, r.Owner, r.Sig, r.Resolver, r.TxID, r.ParentHash, r.Refused} {
		v = appendStr(v, f)
	}
	return append(v, r.ZoneFile...) // the rest
}

// decodeSubRow reads a stored record; an error is a corrupt value.
func decodeSubRow(v []byte) (*subRow, error) {
	if len(v) < 22 || v[0] != subRowVersion {
		return nil, errors.New("not a subdomain record")
	}
	r := &subRow{HasSig: v[1]&1 != 0, Independent: v[1]&2 != 0,
		Seq: int64(binary.BigEndian.Uint64(v[2:])), Height: int64(binary.BigEndian.Uint64(v[10:])), Offset: int(binary.BigEndian.Uint32(v[18:]))}
	rest := v[22:]
	for _, f := range []*string{&r.Domain, &r.Owner, &r.Sig, &r.Resolver, &r.TxID, &r.ParentHash, &r.Refused} {
		var ok bool
		if *f, rest, ok = readStr(rest); !ok {
			return nil, errors.New("a subdomain record cut short")
		}
	}
	r.ZoneFile = append([]byte(nil), rest...)
	return r, nil
}

func (r *subRow) record(fqn string) *subdomain.Record {
	return &subdomain.Record{FQN: fqn, Domain: r.Domain, Owner: r.Owner, Seq: r.Seq, ZoneFile: r.ZoneFile,
		Sig: r.Sig, HasSig: r.HasSig, Independent: r.Independent, Offset: r.Offset, Resolver: r.Resolver}
}

// subZoneRow is what processing one whitelist entry's zone file found.
type subZoneRow struct {
	Records   int            `json:"records"`
	Refused   map[string]int `json:"refused,omitempty"`
	ZoneError string         `json:"zone_error,omitempty"`
	// Before: the entry is older than the network's first subdomain block.
	Before bool   `json:"before,omitempty"`
	TxID   string `json:"txid"`
}

func subRecordPrefix(fqn string) []byte { return key(pSubRecord, []byte(fqn), []byte{0}) }
func subRecordKey(fqn string, index int64) []byte {
	return append(subRecordPrefix(fqn), be64(index)...)
}

// subStateKey is s/<name>\x00<label>: a name's subdomains are together.
func subStateKey(fqn string) []byte {
	label, name, _ := strings.Cut(fqn, ".")
	return key(pSubState, []byte(name), []byte{0}, []byte(label))
}
func subOwnerKey(owner, fqn string) []byte {
	return key(pSubOwner, []byte(owner), []byte{0}, []byte(fqn))
}
func subZoneKey(index int64, offset int) []byte { return key(pSubZone, be64(index), be32(offset)) }
func subDoneKey(index int64) []byte             { return key(pSubDone, be64(index)) }
func subRefusedKey(reason string) []byte        { return key(pSubRefused, []byte(reason)) }
func subTxKey(txid string) []byte               { return key(pSubTx, []byte(txid)) }
func subCreatorPrefix(owner string) []byte      { return key(pSubCreator, []byte(owner), []byte{0}) }
func subCreatorKey(owner string, index int64, offset int) []byte {
	return append(subCreatorPrefix(owner), append(be64(index), be32(offset)...)...)
}
func subHashKey(h wire.Hash160, index int64, fqn string) []byte {
	return key(pSubHash, h[:], be64(index), []byte(fqn))
}

func subCarrierPrefix(domain string) []byte { return key(pSubCarrier, []byte(domain), []byte{0}) }
func subCarrierKey(domain string, index int64, offset int) []byte {
	return append(subCarrierPrefix(domain), append(be64(index), be32(offset)...)...)
}

// carrierValue is a record's entry under the name whose zone file carried
// it: its seqn, whether it holds, and the zone file's resolver.
func carrierValue(r *subRow) []byte {
	v := be64(r.Seq)
	if r.Refused == "" {
		v = append(v, 1)
	} else {
		v = append(v, 0)
	}
	return append(v, r.Resolver...)
}

// creatorValue is a creation's entry under its owner: whether it holds,
// then the subdomain's name.
func creatorValue(fqn string, r *subRow) []byte {
	v := []byte{0}
	if r.Refused == "" {
		v[0] = 1
	}
	return append(v, fqn...)
}

// rowKeys are the index keys of a stored record besides its own.
func rowKeys(fqn string, index int64, r *subRow) [][]byte {
	ks := [][]byte{subZoneKey(index, r.Offset), subHashKey(wire.SumHash160(r.ZoneFile), index, fqn), subCarrierKey(r.Domain, index, r.Offset)}
	if r.Seq == 0 {
		ks = append(ks, subCreatorKey(r.Owner, index, r.Offset))
	}
	return ks
}

// ErrZoneFileHash is returned by ProcessZoneFile for bytes that are not
// the entry's zone file.
var ErrZoneFileHash = errors.New("zone file does not hash to the entry's hash")

// ZoneFileResult is what ProcessZoneFile found in one zone file.
type ZoneFileResult struct {
	// Done: the entry had been processed before; nothing changed.
	Done bool
	// Before: the entry is older than the first subdomain block.
	Before bool
	// Records is how many subdomain records the zone file carried;
	// Refused counts the TXT records that were not, and the records that
	// do not hold, by reason; ZoneError is why the whole zone file yields
	// none (a subdomain.Zone… reason).
	Records   int
	Refused   map[string]int
	ZoneError string
}

// ProcessZoneFile stores the subdomain records that zonefile — the zone
// file of whitelist entry index, whose hash it must have — carries, and
// decides again the state of every subdomain they touch. Processing an
// entry twice changes nothing. The zone file is read, and the signatures
// of its records checked, before the writer lock is taken (blocks are
// applied one at a time with it), so calls from several goroutines use
// several cores; readers never wait.
func (db *DB) ProcessZoneFile(ctx context.Context, index int64, zonefile []byte) (*ZoneFileResult, error) {
	e, err := db.whitelistEntry(index)
	if err != nil {
		return nil, fmt.Errorf("process zone file %d: %w", index, err)
	}
	if wire.SumHash160(zonefile) != e.Hash {
		return nil, fmt.Errorf("process zone file %d of %s: %w %s", index, e.Name, ErrZoneFileHash, e.Hash)
	}
	res := &ZoneFileResult{Refused: map[string]int{}}
	zrow := subZoneRow{TxID: e.TxID}
	var recs []*subdomain.Record
	if e.Height < db.net.SubdomainsFirstBlock {
		res.Before, zrow.Before = true, true
	} else {
		var refused map[string]int
		recs, refused, err = subdomain.Decode(e.Name, zonefile)
		var ze *subdomain.ZoneError
		switch {
		case errors.As(err, &ze):
			res.ZoneError, zrow.ZoneError = ze.Reason, ze.Reason
			res.Refused[ze.Reason]++
		case err != nil:
			return nil, fmt.Errorf("process zone file %d of %s: %w", index, e.Name, err)
		}
		for k, n := range refused {
			res.Refused[k] += n
		}
	}
	verified := db.preverify(recs)
	// the rows and the keys that do not depend on the state, also before
	// the lock
	res.Records, zrow.Records = len(recs), len(recs)
	add := map[string][]subEntry{}
	var fqns []string
	w := &subWriter{writes: make([]kvWrite, 0, 8*len(recs)+4)} // about 8 keys a record
	hash := hex.EncodeToString(e.Hash[:])
	for _, r := range recs {
		row := &subRow{Domain: r.Domain, Owner: r.Owner, Seq: r.Seq, ZoneFile: r.ZoneFile, Sig: r.Sig, HasSig: r.HasSig,
			Independent: r.Independent, Offset: r.Offset, Resolver: r.Resolver, Height: e.Height, TxID: e.TxID, ParentHash: hash}
		if _, ok := add[r.FQN]; !ok {
			fqns = append(fqns, r.FQN)
		}
		add[r.FQN] = append(add[r.FQN], subEntry{index: index, row: row, fresh: true})
		for _, k := range rowKeys(r.FQN, index, row) {
			v := []byte(r.FQN)
			switch k[0] {
			case pSubHash:
				v = nil
			case pSubCarrier, pSubCreator:
				continue // settle writes it, once the record is judged
			}
			w.set(k, v)
		}
	}

	db.wmu.Lock()
	defer db.wmu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := db.commitHeld(); err != nil {
		return nil, fmt.Errorf("process zone file %d: %w", index, err)
	}
	// a rewind may have replaced the entry meanwhile
	if now, err := db.whitelistEntry(index); err != nil || now != e {
		return nil, fmt.Errorf("process zone file %d: the entry changed (a rewind): %v", index, err)
	}
	if _, done, err := db.get(subDoneKey(index)); err != nil || done {
		return &ZoneFileResult{Done: done}, err
	}
	b := db.kv.NewBatch()
	defer b.Close()
	// the zone file's own refusals (a function of its bytes) are kept
	// with it; those of records that do not hold follow the state
	zrow.Refused = maps.Clone(res.Refused)
	st, err := db.settle(w, fqns, add, -1, verified)
	if err == nil {
		err = w.into(b)
	}
	if err != nil {
		return nil, fmt.Errorf("process zone file %d of %s: %w", index, e.Name, err)
	}
	for k, n := range st.fresh {
		res.Refused[k] += n
	}
	for k, n := range zrow.Refused {
		st.add(k, int64(n))
	}
	zv, _ := json.Marshal(zrow)
	if err := b.Set(subDoneKey(index), zv, nil); err != nil {
		return nil, fmt.Errorf("process zone file %d: %w", index, err)
	}
	if err := b.Set(subTxKey(e.TxID), be64(index), nil); err != nil {
		return nil, fmt.Errorf("process zone file %d: %w", index, err)
	}
	counts, err := db.addSubRefusals(b, st.refused)
	if err != nil {
		return nil, fmt.Errorf("process zone file %d: %w", index, err)
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	if err := b.Commit(pebble.NoSync); err != nil {
		return nil, fmt.Errorf("process zone file %d: commit: %w", index, err)
	}
	db.subCount += st.countDelta
	db.setSubRefusals(counts)
	db.subGen.Add(1)
	return res, nil
}

// addSubRefusals writes, in b, the stored refusal counts changed by
// delta; it returns the new totals of the counts it changed (0: deleted).
func (db *DB) addSubRefusals(b *pebble.Batch, delta map[string]int64) (map[string]int64, error) {
	out := map[string]int64{}
	db.mu.RLock()
	for k, n := range delta {
		if n != 0 {
			out[k] = db.subRefused[k] + n
		}
	}
	db.mu.RUnlock()
	for k, n := range out {
		var err error
		if n <= 0 {
			err = b.Delete(subRefusedKey(k), nil)
		} else {
			err = b.Set(subRefusedKey(k), be64(n), nil)
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// setSubRefusals makes the new totals visible (under db.mu).
func (db *DB) setSubRefusals(counts map[string]int64) {
	for k, n := range counts {
		if n <= 0 {
			delete(db.subRefused, k)
		} else {
			db.subRefused[k] = n
		}
	}
}

// subEntry is a record of a history being settled.
type subEntry struct {
	index int64
	row   *subRow
	fresh bool // not stored yet
}

type settled struct {
	countDelta int64
	// refused is the change of the refusal counts: the reasons of records
	// that no longer hold, less those that hold again or are gone.
	refused map[string]int64
	// fresh counts the reasons of the fresh records that do not hold.
	fresh map[string]int
}

func (st *settled) add(reason string, n int64) {
	if reason != "" {
		st.refused[reason] += n
	}
}

// settle decides again the state of each of fqns from its stored records
// (those with an index above dropAbove left out, when it is ≥ 0) and the
// fresh ones in add, and writes what changed into w.
func (db *DB) settle(w *subWriter, fqns []string, add map[string][]subEntry, dropAbove int64, verified *verifyMemo) (settled, error) {
	st := settled{refused: map[string]int64{}, fresh: map[string]int{}}
	p := db.net.Wire
	owners := map[string]string{} // owner → ownerKey
	okey := func(owner string) string {
		k, ok := owners[owner]
		if !ok {
			k = ownerKey(p, owner)
			owners[owner] = k
		}
		return k
	}
	it, err := db.kv.NewIter(&pebble.IterOptions{LowerBound: []byte{pSubRecord}, UpperBound: []byte{pSubRecord + 1}})
	if err != nil {
		return st, err
	}
	defer it.Close()
	for _, fqn := range fqns {
		hist, err := subHistoryAt(it, fqn)
		if err != nil {
			return st, err
		}
		// the current record as stored: the last one that holds
		var old *subEntry
		for i := range hist {
			if hist[i].row.Refused == "" {
				old = &hist[i]
			}
		}
		if dropAbove >= 0 {
			kept := hist[:0:0]
			for _, h := range hist {
				if h.index <= dropAbove {
					kept = append(kept, h)
				} else {
					st.add(h.row.Refused, -1)
				}
			}
			hist = kept
		}
		hist = append(hist, add[fqn]...)
		sort.SliceStable(hist, func(i, j int) bool { return hist[i].index < hist[j].index })
		entries := make([]subdomain.Entry, len(hist))
		for i, h := range hist {
			entries[i] = subdomain.Entry{Record: h.row.record(fqn), Index: h.index}
		}
		why := subdomain.AcceptWith(p, entries, verified.verify)
		cur := -1
		for i, h := range hist {
			if why[i] == "" {
				cur = i
			}
			if h.fresh && why[i] != "" {
				st.fresh[why[i]]++
			}
			if !h.fresh && h.row.Refused == why[i] {
				continue
			}
			if !h.fresh {
				st.add(h.row.Refused, -1)
			}
			st.add(why[i], 1)
			h.row.Refused = why[i]
			w.set(subRecordKey(fqn, h.index), h.row.encode())
			w.set(subCarrierKey(h.row.Domain, h.index, h.row.Offset), carrierValue(h.row))
			if h.row.Seq == 0 {
				w.set(subCreatorKey(h.row.Owner, h.index, h.row.Offset), creatorValue(fqn, h.row))
			}
		}
		// the current state, and the indexes that follow it
		if old != nil {
			w.del(subOwnerKey(okey(old.row.Owner), fqn))
		}
		switch {
		case cur < 0 && old != nil:
			st.countDelta--
			w.del(subStateKey(fqn))
		case cur >= 0:
			if old == nil {
				st.countDelta++
			}
			w.set(subStateKey(fqn), be64(hist[cur].index))
			w.set(subOwnerKey(okey(hist[cur].row.Owner), fqn), nil)
		}
	}
	return st, nil
}

// subHistoryAt reads every stored record of fqn with it, by index.
func subHistoryAt(it *pebble.Iterator, fqn string) ([]subEntry, error) {
	prefix := subRecordPrefix(fqn)
	var out []subEntry
	for ok := it.SeekGE(prefix); ok && bytes.HasPrefix(it.Key(), prefix); ok = it.Next() {
		k := it.Key()
		r, err := decodeSubRow(it.Value())
		if err != nil || len(k) != len(prefix)+8 {
			return nil, corrupt("subdomain record", k)
		}
		out = append(out, subEntry{index: int64(beUint(k[len(prefix):])), row: r})
	}
	return out, it.Error()
}

// subWriter collects the writes of one change of subdomain state, for a
// batch in key order (writeSorted).
type subWriter struct {
	writes []kvWrite
}

func (w *subWriter) set(k, v []byte) { w.writes = append(w.writes, kvWrite{key: k, val: v}) }
func (w *subWriter) del(k []byte)    { w.writes = append(w.writes, kvWrite{key: k, del: true}) }

// into writes the collected writes into b.
func (w *subWriter) into(b *pebble.Batch) error { return writeSorted(b, w.writes) }

// ownerKey is the form of an owner address the owner index keys by: the
// network's (either form of a key's address finds its subdomains), or the
// string as written if it is not an address.
func ownerKey(p wire.Params, owner string) string {
	if a, err := p.Reencode(owner); err == nil {
		return a
	}
	return owner
}

// subHistory is every stored record of fqn, by index.
func (db *DB) subHistory(fqn string) ([]subEntry, error) {
	var out []subEntry
	err := db.scan(subRecordPrefix(fqn), nil, func(k, v []byte) (bool, error) {
		idx := int64(beUint(k[len(k)-8:]))
		r, err := decodeSubRow(v)
		if err != nil {
			return false, corrupt("subdomain record", k)
		}
		out = append(out, subEntry{index: idx, row: r})
		return true, nil
	})
	return out, err
}

// subCurrent is fqn's current record, if it has one.
func (db *DB) subCurrent(fqn string) (subEntry, bool, error) {
	v, ok, err := db.get(subStateKey(fqn))
	if err != nil || !ok {
		return subEntry{}, false, err
	}
	if len(v) != 8 {
		return subEntry{}, false, corrupt("subdomain state", subStateKey(fqn))
	}
	idx := int64(binary.BigEndian.Uint64(v))
	rv, ok, err := db.get(subRecordKey(fqn, idx))
	if err != nil {
		return subEntry{}, false, err
	}
	if !ok {
		return subEntry{}, false, corrupt("subdomain state", subStateKey(fqn))
	}
	r, err := decodeSubRow(rv)
	if err != nil {
		return subEntry{}, false, corrupt("subdomain record", subRecordKey(fqn, idx))
	}
	return subEntry{index: idx, row: r}, true, nil
}

// dropSubdomainsAbove removes, in b, the subdomain records of whitelist
// entries above count and settles the subdomains they touched (a rewind,
// or a database opened after a crash between a rewind and this); the
// refusal counts it changes are written to b, and returned for
// setSubRefusals.
func (db *DB) dropSubdomainsAbove(b *pebble.Batch, count int64) (settled, map[string]int64, error) {
	var fqns []string
	seen := map[string]bool{}
	err := db.scan([]byte{pSubZone}, subZoneKey(count+1, 0), func(k, v []byte) (bool, error) {
		idx := int64(beUint(k[1:9]))
		fqn := string(v)
		if !seen[fqn] {
			seen[fqn] = true
			fqns = append(fqns, fqn)
		}
		rv, ok, err := db.get(subRecordKey(fqn, idx))
		if err != nil {
			return false, err
		}
		if !ok {
			return false, corrupt("subdomain record", subRecordKey(fqn, idx))
		}
		r, err := decodeSubRow(rv)
		if err != nil {
			return false, corrupt("subdomain record", subRecordKey(fqn, idx))
		}
		for _, dk := range append(rowKeys(fqn, idx, r), subRecordKey(fqn, idx)) {
			if err := b.Delete(dk, nil); err != nil {
				return false, err
			}
		}
		return true, nil
	})
	if err != nil {
		return settled{}, nil, fmt.Errorf("drop subdomain records above entry %d: %w", count, err)
	}
	zoneRefused := map[string]int64{}
	err = db.scan([]byte{pSubDone}, subDoneKey(count+1), func(k, v []byte) (bool, error) {
		var z subZoneRow
		if err := json.Unmarshal(v, &z); err != nil {
			return false, corrupt("subdomain zone file", k)
		}
		if err := b.Delete(subTxKey(z.TxID), nil); err != nil {
			return false, err
		}
		for k, n := range z.Refused {
			zoneRefused[k] -= int64(n)
		}
		return true, b.Delete(k, nil)
	})
	if err != nil {
		return settled{}, nil, fmt.Errorf("drop subdomain records above entry %d: %w", count, err)
	}
	w := &subWriter{}
	st, err := db.settle(w, fqns, nil, count, nil)
	if err == nil {
		err = w.into(b)
	}
	if err != nil {
		return st, nil, err
	}
	for k, n := range zoneRefused {
		st.add(k, n)
	}
	counts, err := db.addSubRefusals(b, st.refused)
	return st, counts, err
}

// loadSubdomains loads the subdomain count and refusal counts, after
// dropping the records of whitelist entries a crash left behind.
func (db *DB) loadSubdomains() error {
	db.subRefused = map[string]int64{}
	// the refusal counts first: dropping records left behind changes them
	if err := db.scan([]byte{pSubRefused}, nil, func(k, v []byte) (bool, error) {
		if len(v) != 8 {
			return false, corrupt("subdomain refusals", k)
		}
		db.subRefused[string(k[1:])] = int64(beUint(v))
		return true, nil
	}); err != nil {
		return fmt.Errorf("load subdomain refusals: %w", err)
	}
	b := db.kv.NewBatch()
	defer b.Close()
	_, counts, err := db.dropSubdomainsAbove(b, db.whitelistCount)
	if err != nil {
		return err
	}
	if !b.Empty() {
		if err := b.Commit(db.durably()); err != nil {
			return fmt.Errorf("drop subdomain records: %w", err)
		}
	}
	db.setSubRefusals(counts)
	db.subCount = 0
	if err := db.scan([]byte{pSubState}, nil, func(k, v []byte) (bool, error) {
		db.subCount++
		return true, nil
	}); err != nil {
		return fmt.Errorf("count subdomains: %w", err)
	}
	return nil
}

// SubdomainsPending returns up to limit whitelist entries after index
// after whose zone files have not been processed for subdomains, in chain
// order.
func (db *DB) SubdomainsPending(ctx context.Context, after int64, limit int) ([]WhitelistEntry, error) {
	var out []WhitelistEntry
	for len(out) < limit {
		batch, err := db.WhitelistAfter(ctx, after, 512)
		if err != nil || len(batch) == 0 {
			return out, err
		}
		for _, e := range batch {
			after = e.Index
			_, done, err := db.get(subDoneKey(e.Index))
			if err != nil {
				return out, err
			}
			if !done {
				if out = append(out, e); len(out) == limit {
					break
				}
			}
		}
	}
	return out, nil
}

// SubdomainRefusals counts, by reason, the TXT records that were not
// subdomain records, the zone files that yielded none, and the records
// that do not hold (subdomain.Zone…, Record… and Refused… reasons).
func (db *DB) SubdomainRefusals() map[string]int64 {
	db.mu.RLock()
	defer db.mu.RUnlock()
	out := make(map[string]int64, len(db.subRefused))
	for k, n := range db.subRefused {
		out[k] = n
	}
	return out
}

// SubdomainGen changes whenever subdomain state does (a zone file
// processed, a rewind): an answer about a subdomain built at one
// generation holds while it stays the same.
func (db *DB) SubdomainGen() uint64 { return db.subGen.Load() }

// SubdomainCount is how many subdomains exist (have a record that holds).
func (db *DB) SubdomainCount() int64 {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.subCount
}

// SubdomainRecord is a subdomain's record as it stands, or one of its
// history.
type SubdomainRecord struct {
	FQN, Domain string
	Owner       string
	Seq         int64
	ZoneFile    []byte
	// ZoneFileHash is hash160 of ZoneFile; ParentHash that of the name's
	// zone file that carried the record, announced by TxID at Height as
	// whitelist entry Index.
	ZoneFileHash wire.Hash160
	ParentHash   string
	Height       int64
	TxID         string
	Index        int64
	Offset       int
	Resolver     string
	Sig          string
	Independent  bool
	// Refused is why the record does not hold ("" when it does).
	Refused string
}

func subRecordOf(fqn string, e subEntry) *SubdomainRecord {
	r := e.row
	return &SubdomainRecord{FQN: fqn, Domain: r.Domain, Owner: r.Owner, Seq: r.Seq, ZoneFile: r.ZoneFile,
		ZoneFileHash: wire.SumHash160(r.ZoneFile), ParentHash: r.ParentHash, Height: r.Height, TxID: r.TxID,
		Index: e.index, Offset: r.Offset, Resolver: r.Resolver, Sig: r.Sig, Independent: r.Independent, Refused: r.Refused}
}

// Subdomain returns fqn's current record, or nil if it does not exist.
func (db *DB) Subdomain(_ context.Context, fqn string) (*SubdomainRecord, error) {
	e, ok, err := db.subCurrent(fqn)
	if err != nil || !ok {
		return nil, err
	}
	return subRecordOf(fqn, e), nil
}

// SubdomainHistory returns every record of fqn in zone-file order, those
// that do not hold too (Refused says why).
func (db *DB) SubdomainHistory(_ context.Context, fqn string) ([]*SubdomainRecord, error) {
	hist, err := db.subHistory(fqn)
	if err != nil {
		return nil, fmt.Errorf("subdomain history of %s: %w", fqn, err)
	}
	out := make([]*SubdomainRecord, len(hist))
	for i, h := range hist {
		out[i] = subRecordOf(fqn, h)
	}
	return out, nil
}

// SubdomainsOwnedBy returns the subdomains whose current owner is addr
// (either network form of it), in name order.
func (db *DB) SubdomainsOwnedBy(_ context.Context, addr string) ([]string, error) {
	prefix := key(pSubOwner, []byte(ownerKey(db.net.Wire, addr)), []byte{0})
	var out []string
	err := db.scan(prefix, nil, func(k, _ []byte) (bool, error) {
		out = append(out, string(k[len(prefix):]))
		return true, nil
	})
	return out, err
}

// SubdomainsOf returns up to limit subdomains of the name domain, in name
// order, from the offset-th.
func (db *DB) SubdomainsOf(_ context.Context, domain string, offset, limit int) ([]string, error) {
	prefix := key(pSubState, []byte(domain), []byte{0})
	var out []string
	i := 0
	err := db.scan(prefix, nil, func(k, _ []byte) (bool, error) {
		if i++; i <= offset {
			return true, nil
		}
		out = append(out, string(k[len(prefix):])+"."+domain)
		return len(out) < limit, nil
	})
	return out, err
}

// AllSubdomains returns up to limit subdomains in name order, from the
// offset-th: every name a subdomain record was found for, as the
// original's listing has it, those none of whose records holds too.
func (db *DB) AllSubdomains(_ context.Context, offset, limit int) ([]string, error) {
	it, err := db.kv.NewIter(&pebble.IterOptions{LowerBound: []byte{pSubRecord}, UpperBound: []byte{pSubRecord + 1}})
	if err != nil {
		return nil, fmt.Errorf("list subdomains: %w", err)
	}
	defer it.Close()
	var out []string
	i := 0
	for ok := it.First(); ok && len(out) < limit; {
		k := it.Key()
		end := bytes.IndexByte(k, 0)
		if end < 0 {
			return nil, corrupt("subdomain record", k)
		}
		if i++; i > offset {
			out = append(out, string(k[1:end]))
		}
		// the next name: past every record of this one
		next := append(append([]byte(nil), k[:end]...), 1)
		ok = it.SeekGE(next)
	}
	return out, it.Error()
}

// Row is the record as a row of the original's subdomain_records table
// (what its /v1/subdomains/{txid} answered): a missing signature is the
// string "None", as the original stored it, and its _missing vector is not
// kept here.
func (r *SubdomainRecord) Row() map[string]any {
	sig := "None"
	if r.Sig != "" {
		sig = r.Sig
	}
	var resolver any
	if r.Resolver != "" {
		resolver = r.Resolver
	}
	accepted := 0
	if r.Refused == "" {
		accepted = 1
	}
	return map[string]any{
		"fully_qualified_subdomain": r.FQN, "domain": r.Domain, "sequence": r.Seq, "owner": r.Owner,
		"zonefile_hash": r.ZoneFileHash.String(), "signature": sig, "block_height": r.Height,
		"parent_zonefile_hash": r.ParentHash, "parent_zonefile_index": r.Index, "zonefile_offset": r.Offset,
		"txid": r.TxID, "missing": "", "accepted": accepted, "resolver": resolver,
	}
}

// SubdomainsAtTx returns the subdomain records that the zone file of the
// operation txid carried, in zone-file order (those that do not hold
// too); nil if that zone file has not been processed.
func (db *DB) SubdomainsAtTx(_ context.Context, txid string) ([]*SubdomainRecord, error) {
	v, ok, err := db.get(subTxKey(txid))
	if err != nil || !ok {
		return nil, err
	}
	if len(v) != 8 {
		return nil, corrupt("subdomain tx", subTxKey(txid))
	}
	idx := int64(beUint(v))
	var out []*SubdomainRecord
	err = db.scan(key(pSubZone, be64(idx)), nil, func(k, v []byte) (bool, error) {
		fqn := string(v)
		rv, ok, err := db.get(subRecordKey(fqn, idx))
		if err != nil || !ok {
			return false, fmt.Errorf("subdomain %s at entry %d: %w", fqn, idx, errCorrupt)
		}
		r, err := decodeSubRow(rv)
		if err != nil {
			return false, corrupt("subdomain record", subRecordKey(fqn, idx))
		}
		out = append(out, subRecordOf(fqn, subEntry{index: idx, row: r}))
		return true, nil
	})
	return out, err
}

// SubdomainZonefile returns the subdomain zone file that hashes to h, if a
// subdomain record (holding or not) carried one.
func (db *DB) SubdomainZonefile(_ context.Context, h wire.Hash160) ([]byte, bool, error) {
	var fqn string
	var idx int64
	err := db.scan(key(pSubHash, h[:]), nil, func(k, _ []byte) (bool, error) {
		if len(k) < 1+20+8 {
			return false, corrupt("subdomain zone file hash", k)
		}
		idx, fqn = int64(beUint(k[21:29])), string(k[29:])
		return false, nil
	})
	if err != nil || fqn == "" {
		return nil, false, err
	}
	v, ok, err := db.get(subRecordKey(fqn, idx))
	if err != nil || !ok {
		return nil, false, err
	}
	r, err := decodeSubRow(v)
	if err != nil {
		return nil, false, corrupt("subdomain record", subRecordKey(fqn, idx))
	}
	return r.ZoneFile, true, nil
}

// SubdomainHasZonefile reports whether a record of fqn (holding or not)
// carried the zone file h (the original's is_subdomain_zonefile_hash).
func (db *DB) SubdomainHasZonefile(_ context.Context, fqn string, h wire.Hash160) (bool, error) {
	found := false
	err := db.scan(key(pSubHash, h[:]), nil, func(k, _ []byte) (bool, error) {
		if len(k) >= 29 && string(k[29:]) == fqn {
			found = true
			return false, nil
		}
		return true, nil
	})
	return found, err
}

// SubdomainDID is the original's get_subdomain_DID_info: the DID of a
// subdomain names its creator (the owner of its creation) and how many
// subdomains that owner created before (creations that hold, in chain
// order). The address is the creator's as written; the caller encodes it
// with the subdomain version bytes.
func (db *DB) SubdomainDID(_ context.Context, fqn string) (creator string, index int, ok bool, err error) {
	hist, err := db.subHistory(fqn)
	if err != nil {
		return "", 0, false, err
	}
	var create *subEntry
	for i := range hist {
		if hist[i].row.Seq == 0 && hist[i].row.Refused == "" {
			create = &hist[i]
			break
		}
	}
	if create == nil {
		return "", 0, false, nil
	}
	creator = create.row.Owner
	last := subCreatorKey(creator, create.index, create.row.Offset)
	index = 0
	err = db.scan(subCreatorPrefix(creator), nil, func(k, v []byte) (bool, error) {
		if bytes.Compare(k, last) >= 0 {
			return false, nil
		}
		if len(v) < 1 {
			return false, corrupt("subdomain creation", k)
		}
		if v[0] == 1 { // it holds
			index++
		}
		return true, nil
	})
	return creator, index, err == nil, err
}

// SubdomainOfDID is the original's get_DID_subdomain: the subdomain whose
// creation is the index-th (from 0, in chain order) by creator — counting
// creations that do not hold too, as the original does — or "".
func (db *DB) SubdomainOfDID(_ context.Context, creator string, index int) (string, error) {
	if index < 0 {
		return "", nil
	}
	n := 0
	fqn := ""
	err := db.scan(subCreatorPrefix(creator), nil, func(k, v []byte) (bool, error) {
		if len(v) < 1 {
			return false, corrupt("subdomain creation", k)
		}
		if n == index {
			fqn = string(v[1:])
			return false, nil
		}
		n++
		return true, nil
	})
	return fqn, err
}

// DomainResolver is the original's get_domain_resolver: the _resolver URI
// of the zone file that carried name's record that holds with the highest
// seqn (then the latest), among those whose zone file had one; "" if none.
func (db *DB) DomainResolver(_ context.Context, name string) (string, error) {
	best, bestSeq := "", int64(-1<<62)
	err := db.scan(subCarrierPrefix(name), nil, func(k, v []byte) (bool, error) {
		if len(v) < 9 {
			return false, corrupt("subdomain carrier", k)
		}
		// in key order (index ascending): a later record of an equal
		// seqn wins
		if seq := int64(beUint(v[:8])); v[8] == 1 && len(v) > 9 && seq >= bestSeq {
			best, bestSeq = string(v[9:]), seq
		}
		return true, nil
	})
	return best, err
}

// whitelistEntry reads whitelist entry index.
func (db *DB) whitelistEntry(index int64) (WhitelistEntry, error) {
	v, ok, err := db.get(whitelistKey(index))
	if err != nil {
		return WhitelistEntry{}, err
	}
	if !ok {
		return WhitelistEntry{}, fmt.Errorf("no whitelist entry %d", index)
	}
	return decodeWhitelist(whitelistKey(index), v)
}

// verifyMemo holds signatures checked before the writer lock: for each
// signed record, against the owner of its subdomain as stored then —
// the owner it must have been signed by, unless the subdomain changes in
// between (then Accept checks it under the lock).
type verifyMemo struct {
	mu sync.Mutex
	ok map[verifyKey]bool
}

type verifyKey struct{ owner, plaintext, sig string }

// verify is subdomain.Verify through the memo.
func (m *verifyMemo) verify(p wire.Params, owner, plaintext, sig string) bool {
	if m != nil {
		m.mu.Lock()
		ok, found := m.ok[verifyKey{owner, plaintext, sig}]
		m.mu.Unlock()
		if found {
			return ok
		}
	}
	return subdomain.Verify(p, owner, plaintext, sig)
}

// preverify checks the signatures of recs against their subdomains'
// current owners, on all cores.
func (db *DB) preverify(recs []*subdomain.Record) *verifyMemo {
	m := &verifyMemo{ok: map[verifyKey]bool{}}
	var todo []verifyKey
	for _, r := range recs {
		if !r.HasSig || r.Seq == 0 {
			continue
		}
		cur, ok, err := db.subCurrent(r.FQN)
		if err != nil || !ok || cur.row.Seq != r.Seq-1 {
			continue
		}
		todo = append(todo, verifyKey{cur.row.Owner, r.Plaintext(), r.Sig})
	}
	if len(todo) == 0 {
		return m
	}
	p := db.net.Wire
	var wg sync.WaitGroup
	next := make(chan verifyKey)
	for range min(runtime.GOMAXPROCS(0), len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				ok := subdomain.Verify(p, k.owner, k.plaintext, k.sig)
				m.mu.Lock()
				m.ok[k] = ok
				m.mu.Unlock()
			}
		}()
	}
	for _, k := range todo {
		next <- k
	}
	close(next)
	wg.Wait()
	return m
}
