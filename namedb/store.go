package namedb

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/cockroachdb/pebble/v2"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// This file encodes the values of kv.go and writes them in a block's batch
// (blockWriter), logging each key's previous value for Rewind. The rules
// never touch the store directly.

// errCorrupt is wrapped by every error about a value that does not decode.
var errCorrupt = errors.New("name database is corrupt")

func corrupt(what string, k []byte) error {
	return fmt.Errorf("%w: bad %s at key %q", errCorrupt, what, k)
}

// --- names: a header the index loads without decoding, then the record ---

// encodeName returns the stored value of s, last changed by block changed:
// the header, then the record in its binary form (rowbin.go).
func encodeName(s *storedName, changed int64) ([]byte, error) {
	r := s.NameRecord
	if len(r.NamespaceID) > 255 || len(r.Sender) > 255 {
		return nil, fmt.Errorf("encode name %s: namespace or owner script too long", r.Name)
	}
	v := make([]byte, 0, 2+len(r.NamespaceID)+1+len(r.Sender)+16+8+8+1+8+320)
	v = append(v, nameHeaderVersion, byte(len(r.NamespaceID)))
	v = append(v, r.NamespaceID...)
	v = append(v, byte(len(r.Sender)))
	v = append(v, r.Sender...)
	v = append(v, r.NameHash128[:]...)
	v = binary.BigEndian.AppendUint64(v, uint64(r.FirstRegistered))
	v = binary.BigEndian.AppendUint64(v, uint64(r.LastRenewed))
	rev := byte(0)
	if r.Revoked {
		rev = 1
	}
	v = append(v, rev)
	v = binary.BigEndian.AppendUint64(v, uint64(changed))
	return appendNameBin(v, s), nil
}

// nameHeaderVersion is the first byte of a stored name.
const nameHeaderVersion = 2

// splitName returns a name value's header fields and its record (binary,
// or JSON as format 10 wrote it).
func splitName(v []byte) (*nameEntry, []byte, bool) {
	if len(v) < 2 || v[0] != nameHeaderVersion {
		return nil, nil, false
	}
	i := 2
	nsLen := int(v[1])
	if len(v) < i+nsLen+1 {
		return nil, nil, false
	}
	e := &nameEntry{namespaceID: string(v[i : i+nsLen])}
	i += nsLen
	ownerLen := int(v[i])
	i++
	if len(v) < i+ownerLen+16+17+8 {
		return nil, nil, false
	}
	e.owner = string(v[i : i+ownerLen])
	i += ownerLen
	copy(e.hash128[:], v[i:i+16])
	i += 16
	e.firstRegistered = int64(binary.BigEndian.Uint64(v[i:]))
	e.lastRenewed = int64(binary.BigEndian.Uint64(v[i+8:]))
	e.revoked = v[i+16] == 1
	e.changed = int64(binary.BigEndian.Uint64(v[i+17:]))
	return e, v[i+25:], true
}

func decodeName(k, v []byte) (*storedName, error) {
	_, rec, ok := splitName(v)
	if !ok {
		return nil, corrupt("name", k)
	}
	return decodeNameRecord(k, rec)
}

// decodeNameRecord decodes a stored name record (of a name row or a
// history row): binary, or JSON.
func decodeNameRecord(k, rec []byte) (*storedName, error) {
	if len(rec) > 0 && rec[0] == '{' {
		s := &storedName{NameRecord: &NameRecord{}}
		if err := json.Unmarshal(rec, s); err != nil {
			return nil, fmt.Errorf("%w: name at key %q: %v", errCorrupt, k, err)
		}
		return s, nil
	}
	s, err := decodeNameBin(rec)
	if err != nil {
		return nil, corrupt("name", k)
	}
	return s, nil
}

func decodeNamespace(k, v []byte) (*storedNamespace, error) {
	s := &storedNamespace{Namespace: &Namespace{}}
	if err := json.Unmarshal(v, s); err != nil {
		return nil, fmt.Errorf("%w: namespace at key %q: %v", errCorrupt, k, err)
	}
	return s, nil
}

// decodePreorder decodes a stored preorder record (a pending preorder, or
// a history row): binary, or JSON.
func decodePreorder(k, v []byte) (*PreorderRecord, error) {
	if len(v) > 0 && v[0] == '{' {
		p := &PreorderRecord{}
		if err := json.Unmarshal(v, p); err != nil {
			return nil, fmt.Errorf("%w: preorder at key %q: %v", errCorrupt, k, err)
		}
		return p, nil
	}
	p, err := decodePreorderBin(v)
	if err != nil {
		return nil, corrupt("preorder", k)
	}
	return p, nil
}

// --- blocks ---

type blockRow struct {
	hash     [32]byte
	ch       wire.Hash128
	ops      int
	verified bool
}

func (r blockRow) encode() []byte {
	v := make([]byte, 0, 32+16+4+1)
	v = append(v, r.hash[:]...)
	v = append(v, r.ch[:]...)
	v = binary.BigEndian.AppendUint32(v, uint32(r.ops))
	ver := byte(0)
	if r.verified {
		ver = 1
	}
	return append(v, ver)
}

func decodeBlock(k, v []byte) (blockRow, error) {
	if len(v) != 32+16+4+1 {
		return blockRow{}, corrupt("block", k)
	}
	var r blockRow
	copy(r.hash[:], v)
	copy(r.ch[:], v[32:])
	r.ops = int(binary.BigEndian.Uint32(v[48:]))
	r.verified = v[52] == 1
	return r, nil
}

// --- whitelist, operations, rejections: length-prefixed strings ---

func appendStr(v []byte, s string) []byte {
	v = binary.AppendUvarint(v, uint64(len(s)))
	return append(v, s...)
}

func readStr(v []byte) (string, []byte, bool) {
	n, w := binary.Uvarint(v)
	if w <= 0 || uint64(len(v)-w) < n {
		return "", nil, false
	}
	return string(v[w : w+int(n)]), v[w+int(n):], true
}

func encodeWhitelist(e WhitelistEntry, vtx int) []byte {
	v := append([]byte(nil), e.Hash[:]...)
	v = binary.BigEndian.AppendUint64(v, uint64(e.Height))
	v = binary.BigEndian.AppendUint32(v, uint32(vtx))
	v = appendStr(v, e.TxID)
	return appendStr(v, e.Name)
}

func decodeWhitelist(k, v []byte) (WhitelistEntry, error) {
	if len(k) != 9 || len(v) < 32 {
		return WhitelistEntry{}, corrupt("whitelist entry", k)
	}
	e := WhitelistEntry{Index: int64(binary.BigEndian.Uint64(k[1:]))}
	copy(e.Hash[:], v)
	e.Height = int64(binary.BigEndian.Uint64(v[20:]))
	rest := v[32:]
	var ok bool
	if e.TxID, rest, ok = readStr(rest); !ok {
		return e, corrupt("whitelist entry", k)
	}
	if e.Name, _, ok = readStr(rest); !ok {
		return e, corrupt("whitelist entry", k)
	}
	return e, nil
}

func encodeTx(h int64, vtx int, accepted bool) []byte {
	v := binary.BigEndian.AppendUint64(nil, uint64(h))
	v = binary.BigEndian.AppendUint32(v, uint32(vtx))
	a := byte(0)
	if accepted {
		a = 1
	}
	return append(v, a)
}

// --- the block writer ---

// blockWriter collects a block's writes, for one batch built in key order
// at the end (batch), and logs, for every key, the value it had before the
// block (absent or not), the first time the block writes it. The log is
// written under the block's undo key. Keys and values handed to it must
// not change afterwards.
type blockWriter struct {
	db     *DB
	b      *pebble.Batch
	seen   map[string]bool
	undo   []byte
	writes []kvWrite
	// noUndo: the block keeps no undo log (WithBulk, below its undo
	// horizon)
	noUndo bool
}

// kvWrite is one write of a block, kept until the batch is built.
type kvWrite struct {
	key []byte
	val []byte
	del bool
}

// blockWriter returns a writer for the next block: the last block's,
// emptied (its slices and map keep their room), or a new one. The caller
// holds wmu.
func (db *DB) blockWriter() *blockWriter {
	w := db.spare
	db.spare = nil
	if w == nil {
		w = &blockWriter{db: db, seen: map[string]bool{}}
	}
	w.b = db.kv.NewBatch()
	return w
}

// spareWriter closes w's batch and keeps w for the next block.
func (db *DB) spareWriter(w *blockWriter) {
	w.b.Close()
	w.b = nil
	clear(w.seen)
	clear(w.writes) // drop the references to keys and values
	w.writes, w.undo, w.noUndo = w.writes[:0], w.undo[:0], false
	db.spare = w
}

// commit puts the block's writes into its batch in key order, the last
// write of a key winning, and commits it. In key order the memtable finds
// each insertion point from the last one.
func (w *blockWriter) commit() error {
	if err := writeSorted(w.b, w.writes); err != nil {
		return err
	}
	return w.b.Commit(pebble.NoSync)
}

// writeSorted puts writes into b in key order, the last write of a key
// winning.
func writeSorted(b *pebble.Batch, writes []kvWrite) error {
	// by key, then by order of writing (an unstable sort with the position
	// as the tie-break is faster than a stable one)
	order := make([]int32, len(writes))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(i, j int32) int {
		if c := bytes.Compare(writes[i].key, writes[j].key); c != 0 {
			return c
		}
		return int(i - j)
	})
	for n, i := range order {
		x := writes[i]
		if n+1 < len(order) && bytes.Equal(writes[order[n+1]].key, x.key) {
			continue
		}
		var err error
		if x.del {
			err = b.Delete(x.key, nil)
		} else {
			err = b.Set(x.key, x.val, nil)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// log records k's value before the block (present tells whether it had
// one), once per key.
func (w *blockWriter) log(k []byte, present bool, old []byte) {
	if w.noUndo {
		return
	}
	w.seen[string(k)] = true
	w.undo = binary.AppendUvarint(w.undo, uint64(len(k)))
	w.undo = append(w.undo, k...)
	if !present {
		w.undo = append(w.undo, 0)
		return
	}
	w.undo = append(w.undo, 1)
	w.undo = binary.AppendUvarint(w.undo, uint64(len(old)))
	w.undo = append(w.undo, old...)
}

// before logs k's committed value unless the block wrote k already.
func (w *blockWriter) before(k []byte) error {
	if w.noUndo || w.seen[string(k)] {
		return nil
	}
	old, present, err := w.db.get(k)
	if err != nil {
		return err
	}
	w.log(k, present, old)
	return nil
}

// set writes k = v.
func (w *blockWriter) set(k, v []byte) error {
	if err := w.before(k); err != nil {
		return err
	}
	w.writes = append(w.writes, kvWrite{key: k, val: v})
	return nil
}

// create writes a key no earlier block wrote (the keys of this block's
// own operations, whitelist entries and block row), without reading it.
func (w *blockWriter) create(k, v []byte) error { return w.replace(k, v, false, nil) }

// replace writes k = v when the caller knows k's value before the block
// (present: whether it had one), saving the read.
func (w *blockWriter) replace(k, v []byte, present bool, old []byte) error {
	if !w.seen[string(k)] {
		w.log(k, present, old)
	}
	w.writes = append(w.writes, kvWrite{key: k, val: v})
	return nil
}

// remove deletes k when the caller knows its value before the block.
func (w *blockWriter) remove(k, old []byte) error {
	if !w.seen[string(k)] {
		w.log(k, true, old)
	}
	w.writes = append(w.writes, kvWrite{key: k, del: true})
	return nil
}

// putUndo writes the block's undo log under k (itself not logged: a
// rewind deletes it).
func (w *blockWriter) putUndo(k []byte) {
	if w.noUndo {
		return
	}
	w.writes = append(w.writes, kvWrite{key: k, val: w.undo})
}

// undoEntry is one key of an undo log and the value to put back.
type undoEntry struct {
	key     []byte
	present bool
	old     []byte
}

func decodeUndo(k, v []byte) ([]undoEntry, error) {
	var out []undoEntry
	for len(v) > 0 {
		n, w := binary.Uvarint(v)
		if w <= 0 || uint64(len(v)-w) < n+1 {
			return nil, corrupt("undo log", k)
		}
		e := undoEntry{key: v[w : w+int(n)]}
		v = v[w+int(n):]
		if v[0] > 1 {
			return nil, corrupt("undo log", k)
		}
		e.present = v[0] == 1
		v = v[1:]
		if e.present {
			m, w := binary.Uvarint(v)
			if w <= 0 || uint64(len(v)-w) < m {
				return nil, corrupt("undo log", k)
			}
			e.old = v[w : w+int(m)]
			v = v[w+int(m):]
		}
		out = append(out, e)
	}
	return out, nil
}

// --- writes of the rules ---

// putName writes a name's new record and its history row. isNew says no
// earlier block created the name.
func (w *blockWriter) putName(s *storedName, height int64, isNew bool) error {
	v, err := encodeName(s, height)
	if err != nil {
		return err
	}
	r := s.NameRecord
	if isNew {
		err = w.create(nameKey(r.Name), v)
	} else {
		err = w.set(nameKey(r.Name), v)
	}
	if err != nil {
		return err
	}
	_, rec, _ := splitName(v)
	return w.create(historyKey(r.Name, height, r.Vtxindex), append([]byte{1}, rec...))
}

// putPreorderHistory shows the preorder that led to a registration in the
// name's history, at the preorder's own height; raw is its stored record.
func (w *blockWriter) putPreorderHistory(name string, p *PreorderRecord, raw []byte) error {
	// A preorder is consumed once: no other row has its position.
	return w.create(historyKey(name, p.BlockNumber, p.Vtxindex), append([]byte{0}, raw...))
}

// putPreorder writes a new pending preorder (the rules made sure none is
// pending with its hash) and returns its stored record.
func (w *blockWriter) putPreorder(p *PreorderRecord) ([]byte, error) {
	raw := appendPreorderBin(nil, p)
	return raw, w.create(pendingKey(preorderKey{hash: p.PreorderHash, namespace: p.Namespace}), raw)
}

// consumePreorder deletes a pending preorder whose stored bytes are raw
// (remove logs them, unless this block made the preorder).
func (w *blockWriter) consumePreorder(p *PreorderRecord, raw []byte) error {
	return w.remove(pendingKey(preorderKey{hash: p.PreorderHash, namespace: p.Namespace}), raw)
}

func (w *blockWriter) putNamespace(ns *storedNamespace) error {
	js, err := json.Marshal(ns)
	if err != nil {
		return fmt.Errorf("encode namespace %s: %w", ns.NamespaceID, err)
	}
	return w.set(namespaceKey(ns.NamespaceID), js)
}

// putCarried records that name's record now carries preorder hash h
// (a registration or an import), so a later NAME_PREORDER of h can tell
// that the name uses it (PROTOCOL.md §5.1).
func (w *blockWriter) putCarried(h wire.Hash160, name string) error {
	return w.set(carriedKey(h), []byte(name))
}

// putCreation records that addr created name at (h, vtx): a registration,
// or a name's first import. DIDs count these (NameDID).
func (w *blockWriter) putCreation(name, addr string, h int64, vtx int) error {
	if err := w.create(creationKey(addr, h, vtx), []byte(name)); err != nil {
		return err
	}
	v := append(append(be64(h), be32(vtx)...), addr...)
	return w.set(createdKey(name), v)
}
