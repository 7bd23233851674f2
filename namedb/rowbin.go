package namedb

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"math"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// Since format 11 names and preorders are stored in a binary encoding
// (names, their history, pending preorders): a third of their JSON's size,
// and read without a JSON decoder. The API's JSON is made from the decoded
// record (recordjson.go). Rows written in JSON by format 10 are still
// read: the first byte tells the two apart (store.go).

// binRowVersion is the first byte of a binary record.
const binRowVersion = 1

var errBadRow = errors.New("bad binary row")

// Record flags.
const (
	flagRevoked = 1 << iota
	flagFloatFee
	flagValueHash
	flagConsensusHash
	flagImporterAddress
	flagUpdateConsensusHash
	flagRawTxID
)

// appendNameBin appends the binary encoding of s.
func appendNameBin(b []byte, s *storedName) []byte {
	r := s.NameRecord
	var flags byte
	if r.Revoked {
		flags |= flagRevoked
	}
	if r.OpFee.IsFloat {
		flags |= flagFloatFee
	}
	if r.ValueHash != nil {
		flags |= flagValueHash
	}
	if r.ConsensusHash != nil {
		flags |= flagConsensusHash
	}
	if r.ImporterAddress != nil {
		flags |= flagImporterAddress
	}
	if s.UpdateConsensusHash != nil {
		flags |= flagUpdateConsensusHash
	}
	if rawTxID(r.TxID) {
		flags |= flagRawTxID
	}
	b = append(b, binRowVersion, flags)
	b = appendStr(b, r.Name)
	b = appendStr(b, r.NamespaceID)
	if r.ValueHash != nil {
		b = append(b, r.ValueHash[:]...)
	}
	b = appendOptBytes(b, r.Sender)
	b = appendOptBytes(b, r.SenderPubkey)
	b = appendStr(b, r.Address)
	b = binary.AppendVarint(b, r.BlockNumber)
	b = binary.AppendVarint(b, r.PreorderBlockNumber)
	b = binary.AppendVarint(b, r.FirstRegistered)
	b = binary.AppendVarint(b, r.LastRenewed)
	b = appendStr(b, r.Op)
	b = appendStr(b, r.Opcode)
	b = appendTxID(b, r.TxID, flags)
	b = binary.AppendVarint(b, int64(r.Vtxindex))
	b = appendFee(b, r.OpFee)
	b = appendOptBytes(b, r.Importer)
	if r.ImporterAddress != nil {
		b = appendStr(b, *r.ImporterAddress)
	}
	if r.ConsensusHash != nil {
		b = append(b, r.ConsensusHash[:]...)
	}
	b = append(b, r.PreorderHash[:]...)
	b = append(b, r.NameHash128[:]...)
	b = binary.AppendVarint(b, r.NamespaceBlockNumber)
	b = appendStr(b, r.LastCreationOp)
	if s.UpdateConsensusHash != nil {
		b = append(b, s.UpdateConsensusHash[:]...)
	}
	return b
}

// decodeNameBin decodes a record appendNameBin wrote.
func decodeNameBin(v []byte) (*storedName, error) {
	d := binReader{v: v}
	flags := d.header()
	r := &NameRecord{}
	s := &storedName{NameRecord: r}
	r.Revoked = flags&flagRevoked != 0
	r.Name = d.str()
	r.NamespaceID = d.str()
	if flags&flagValueHash != 0 {
		var h wire.Hash160
		d.fixed(h[:])
		r.ValueHash = &h
	}
	r.Sender = d.optBytes()
	r.SenderPubkey = d.optBytes()
	r.Address = d.str()
	r.BlockNumber = d.varint()
	r.PreorderBlockNumber = d.varint()
	r.FirstRegistered = d.varint()
	r.LastRenewed = d.varint()
	r.Op = d.known()
	r.Opcode = d.known()
	r.TxID = d.txid(flags)
	r.Vtxindex = int(d.varint())
	r.OpFee = d.fee(flags)
	r.Importer = d.optBytes()
	if flags&flagImporterAddress != 0 {
		a := d.str()
		r.ImporterAddress = &a
	}
	if flags&flagConsensusHash != 0 {
		var h wire.Hash128
		d.fixed(h[:])
		r.ConsensusHash = &h
	}
	d.fixed(r.PreorderHash[:])
	d.fixed(r.NameHash128[:])
	r.NamespaceBlockNumber = d.varint()
	r.LastCreationOp = d.known()
	if flags&flagUpdateConsensusHash != 0 {
		var h wire.Hash128
		d.fixed(h[:])
		s.UpdateConsensusHash = &h
	}
	if err := d.end(); err != nil {
		return nil, err
	}
	return s, nil
}

// appendPreorderBin appends the binary encoding of p (its Namespace flag is
// the key's).
func appendPreorderBin(b []byte, p *PreorderRecord) []byte {
	var flags byte
	if p.OpFee.IsFloat {
		flags |= flagFloatFee
	}
	if rawTxID(p.TxID) {
		flags |= flagRawTxID
	}
	b = append(b, binRowVersion, flags)
	b = append(b, p.PreorderHash[:]...)
	b = append(b, p.ConsensusHash[:]...)
	b = appendOptBytes(b, p.Sender)
	b = appendOptBytes(b, p.SenderPubkey)
	b = appendStr(b, p.Address)
	b = binary.AppendVarint(b, p.BlockNumber)
	b = appendStr(b, p.Op)
	b = appendStr(b, p.Opcode)
	b = appendTxID(b, p.TxID, flags)
	b = binary.AppendVarint(b, int64(p.Vtxindex))
	b = appendFee(b, p.OpFee)
	return appendStr(b, p.BurnAddress)
}

// decodePreorderBin decodes a record appendPreorderBin wrote.
func decodePreorderBin(v []byte) (*PreorderRecord, error) {
	d := binReader{v: v}
	flags := d.header()
	p := &PreorderRecord{}
	d.fixed(p.PreorderHash[:])
	d.fixed(p.ConsensusHash[:])
	p.Sender = d.optBytes()
	p.SenderPubkey = d.optBytes()
	p.Address = d.str()
	p.BlockNumber = d.varint()
	p.Op = d.known()
	p.Opcode = d.known()
	p.TxID = d.txid(flags)
	p.Vtxindex = int(d.varint())
	p.OpFee = d.fee(flags)
	p.BurnAddress = d.str()
	if err := d.end(); err != nil {
		return nil, err
	}
	return p, nil
}

// rawTxID reports whether txid is 64 lower-case hex digits, stored as its
// 32 bytes.
func rawTxID(txid string) bool {
	if len(txid) != 64 {
		return false
	}
	for i := 0; i < len(txid); i++ {
		if c := txid[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func appendTxID(b []byte, txid string, flags byte) []byte {
	if flags&flagRawTxID == 0 {
		return appendStr(b, txid)
	}
	var raw [32]byte
	hex.Decode(raw[:], []byte(txid))
	return append(b, raw[:]...)
}

func appendFee(b []byte, f Fee) []byte {
	if f.IsFloat {
		return binary.BigEndian.AppendUint64(b, math.Float64bits(f.Float))
	}
	return binary.AppendVarint(b, f.Int)
}

// appendOptBytes appends x's length plus one, 0 for nil (JSON null), then
// x.
func appendOptBytes(b, x []byte) []byte {
	if x == nil {
		return append(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(x))+1)
	return append(b, x...)
}

// knownStrings are the strings records repeat (op, opcode,
// last_creation_op): decoded without an allocation.
var knownStrings = func() map[string]string {
	m := map[string]string{"": ""}
	for _, s := range []string{"NAME_PREORDER", "NAME_REGISTRATION", "NAME_RENEWAL", "NAME_UPDATE", "NAME_TRANSFER", "NAME_REVOKE", "NAME_IMPORT",
		"NAMESPACE_PREORDER", "NAMESPACE_REVEAL", "NAMESPACE_READY", "ANNOUNCE", "TOKEN_TRANSFER"} {
		m[s] = s
	}
	for _, op := range []string{"?", ":", "+", ";", "#", ">", "~", "*", "&", "!", "$", "$$", ">>", ">~", "$~", "*~", "&~"} {
		m[op] = op
	}
	return m
}()

// binReader reads a binary record; the first failure sticks.
type binReader struct {
	v   []byte
	bad bool
}

func (d *binReader) header() byte {
	if len(d.v) < 2 || d.v[0] != binRowVersion {
		d.bad = true
		return 0
	}
	f := d.v[1]
	d.v = d.v[2:]
	return f
}

func (d *binReader) raw(n int) []byte {
	if d.bad || n < 0 || len(d.v) < n {
		d.bad = true
		return nil
	}
	x := d.v[:n]
	d.v = d.v[n:]
	return x
}

func (d *binReader) fixed(dst []byte) { copy(dst, d.raw(len(dst))) }

func (d *binReader) uvarint() uint64 {
	if d.bad {
		return 0
	}
	x, n := binary.Uvarint(d.v)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.v = d.v[n:]
	return x
}

// varint reads what binary.AppendVarint wrote: a zigzag-encoded uvarint.
func (d *binReader) varint() int64 {
	u := d.uvarint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

func (d *binReader) bytes() []byte {
	n := d.uvarint()
	if n > uint64(len(d.v)) {
		d.bad = true
		return nil
	}
	return d.raw(int(n))
}

func (d *binReader) str() string { return string(d.bytes()) }

// known reads a string, without an allocation if it is a known one.
func (d *binReader) known() string {
	b := d.bytes()
	if s, ok := knownStrings[string(b)]; ok {
		return s
	}
	return string(b)
}

func (d *binReader) optBytes() Hex {
	n := d.uvarint()
	if n == 0 || d.bad {
		return nil
	}
	if n-1 > uint64(len(d.v)) {
		d.bad = true
		return nil
	}
	return append(Hex{}, d.raw(int(n-1))...)
}

func (d *binReader) txid(flags byte) string {
	if flags&flagRawTxID == 0 {
		return d.str()
	}
	return hex.EncodeToString(d.raw(32))
}

func (d *binReader) fee(flags byte) Fee {
	if flags&flagFloatFee == 0 {
		return Fee{Int: d.varint()}
	}
	b := d.raw(8)
	if b == nil {
		return Fee{}
	}
	return Fee{Float: math.Float64frombits(binary.BigEndian.Uint64(b)), IsFloat: true}
}

func (d *binReader) end() error {
	if d.bad || len(d.v) != 0 {
		return errBadRow
	}
	return nil
}
