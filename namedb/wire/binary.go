package wire

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/txscript/v2"
	btcwire "github.com/btcsuite/btcd/wire/v2"
)

// The binary form of a TxOp: what the rules read of an operation's
// transaction and nothing else, for the name database's record of the
// operations it applied and for snapshots. It is read back through the
// same checks DecodeTx makes (ReadTxOp rebuilds the outline of the
// transaction and decodes that), so a TxOp read from bytes is one DecodeTx
// could have produced: the payload decodes in the block's epoch, the
// sender is p2pkh or p2sh, every output the operation reads is of its
// kind and has an address, the sender's public key (if any) is the
// sender's.
//
//	txid [32]
//	payload      uvarint length, bytes (magic, opcode, body)
//	sender       uvarint length, script of the output input 0 spends
//	sender key   uvarint length, bytes (0: none)
//	outputs      uvarint: the transaction's output count
//	fee          uvarint: Σ inputs − Σ outputs, plus 1 (0: not known)
//	read         byte: how many outputs follow (recipient, payment, import)
//	  each       uvarint index, uvarint value, uvarint length, script

// MaxBinaryOutputs bounds the output count a binary TxOp may claim (a
// transaction of the largest block has fewer).
const MaxBinaryOutputs = 1 << 16

// maxSatoshi is all bitcoin, the most an amount can be.
const maxSatoshi = 21e14

// ErrBinary is wrapped by every error of ReadTxOp.
var ErrBinary = errors.New("binary operation")

// AppendTxOp appends the binary form of t to dst.
func AppendTxOp(dst []byte, t *TxOp, magic Magic) ([]byte, error) {
	if t.Fee < -1 || t.Fee > maxSatoshi {
		return nil, fmt.Errorf("%w: %s: fee %d is not an amount of bitcoin (or -1, not known)", ErrBinary, t.TxID, t.Fee)
	}
	payload, err := Encode(t.Op, magic)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrBinary, t.TxID, err)
	}
	dst = append(dst, t.TxID[:]...)
	dst = appendBytes(dst, payload)
	dst = appendBytes(dst, t.Sender)
	dst = appendBytes(dst, t.SenderPubkey)
	dst = binary.AppendUvarint(dst, uint64(t.Outputs))
	dst = binary.AppendUvarint(dst, uint64(t.Fee+1))
	var read []*Output
	for _, o := range []*Output{t.Recipient, t.Payment} {
		if o != nil {
			read = append(read, o)
		}
	}
	if t.ImportValueHash != nil {
		read = append(read, &Output{Index: 2, Script: p2pkhScript(*t.ImportValueHash)})
	}
	dst = append(dst, byte(len(read)))
	for _, o := range read {
		if o.Value < 0 || o.Value > maxSatoshi {
			return nil, fmt.Errorf("%w: %s: output %d's value %d is not an amount of bitcoin", ErrBinary, t.TxID, o.Index, o.Value)
		}
		dst = binary.AppendUvarint(dst, uint64(o.Index))
		dst = binary.AppendUvarint(dst, uint64(o.Value))
		dst = appendBytes(dst, o.Script)
	}
	return dst, nil
}

func appendBytes(dst, b []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(b)))
	return append(dst, b...)
}

// binReader reads the fields of a binary TxOp, remembering the first error.
type binReader struct {
	b   []byte
	err error
}

func (r *binReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: "+format, append([]any{ErrBinary}, args...)...)
	}
}

func (r *binReader) uvarint(what string, max uint64) uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail("%s: not a varint", what)
		return 0
	}
	if v > max {
		r.fail("%s: %d is over %d", what, v, max)
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *binReader) bytes(what string, max int) []byte {
	n := int(r.uvarint(what+" length", uint64(max)))
	if r.err != nil {
		return nil
	}
	if len(r.b) < n {
		r.fail("%s: %d bytes, %d left", what, n, len(r.b))
		return nil
	}
	out := r.b[:n:n]
	r.b = r.b[n:]
	return out
}

// ReadTxOp reads one binary TxOp from the start of b, decoding its payload
// in epoch, and returns it with the bytes that follow it. The TxOp shares
// no memory with b.
func ReadTxOp(b []byte, p Params, epoch Epoch) (*TxOp, []byte, error) {
	r := &binReader{b: b}
	if len(r.b) < chainhash.HashSize {
		return nil, nil, fmt.Errorf("%w: %d bytes, want a txid", ErrBinary, len(r.b))
	}
	var txid chainhash.Hash
	copy(txid[:], r.b)
	r.b = r.b[chainhash.HashSize:]
	payload := r.bytes("payload", 1<<16)
	sender := r.bytes("sender", 10_000)
	pubkey := r.bytes("sender key", 65)
	outputs := int(r.uvarint("outputs", MaxBinaryOutputs))
	fee := int64(r.uvarint("fee", maxSatoshi+1)) - 1 // at most all bitcoin
	nread := 0
	if r.err == nil {
		if len(r.b) == 0 {
			r.fail("no output count")
		} else {
			nread = int(r.b[0])
			r.b = r.b[1:]
		}
	}
	if nread > 3 {
		r.fail("%d outputs read, at most 3", nread)
	}
	type readOut struct {
		index  int
		value  int64
		script []byte
	}
	read := make([]readOut, 0, 3)
	for i := 0; i < nread && r.err == nil; i++ {
		o := readOut{index: int(r.uvarint("output index", MaxBinaryOutputs)), value: int64(r.uvarint("output value", maxSatoshi))}
		o.script = r.bytes("output script", 10_000)
		read = append(read, o)
	}
	if r.err != nil {
		return nil, nil, fmt.Errorf("%s: %w", txid, r.err)
	}
	op, err := Decode(append([]byte(nil), payload...), p.Magic, epoch)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s: payload: %w", ErrBinary, txid, err)
	}

	// The outline of the transaction: the outputs the operation reads
	// where they were, OP_RETURN first and p2pkh of nothing elsewhere (the
	// types DecodeTx accepts in outputs it does not read), one input that
	// spends sender and shows the key, and a spent value for the fee.
	if outputs == 0 {
		return nil, nil, fmt.Errorf("%w: %s: no outputs", ErrBinary, txid)
	}
	tx := &btcwire.MsgTx{Version: 1, TxOut: make([]*btcwire.TxOut, outputs)}
	tx.TxOut[0] = &btcwire.TxOut{PkScript: []byte{txscript.OP_RETURN}}
	filler := p2pkhScript(Hash160{})
	for i := 1; i < outputs; i++ {
		tx.TxOut[i] = &btcwire.TxOut{PkScript: filler}
	}
	spent := max(fee, 0)
	seen := map[int]bool{}
	for _, o := range read {
		if o.index >= outputs || seen[o.index] {
			return nil, nil, fmt.Errorf("%w: %s: output %d of %d read twice or past the end", ErrBinary, txid, o.index, outputs)
		}
		seen[o.index] = true
		tx.TxOut[o.index] = &btcwire.TxOut{PkScript: o.script, Value: o.value}
		spent += o.value
	}
	sig := []byte{txscript.OP_0}
	if len(pubkey) > 0 {
		sig = []byte{txscript.OP_DATA_1, 0}
		sig = append(append(sig, byte(len(pubkey))), pubkey...)
	}
	tx.TxIn = []*btcwire.TxIn{{PreviousOutPoint: btcwire.OutPoint{Hash: txid}, SignatureScript: sig}}
	t, err := decodeTxWithOp(tx, op, []Prevout{{Script: sender, Value: spent}}, p)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s: %w", ErrBinary, txid, err)
	}
	t.TxID = txid
	t.Fee = fee
	// what the outline cannot say: every output read was read, and the
	// key was the sender's
	used := 0
	for _, o := range []*Output{t.Recipient, t.Payment} {
		if o != nil {
			used++
		}
	}
	if t.ImportValueHash != nil {
		used++
	}
	if used != len(read) {
		return nil, nil, fmt.Errorf("%w: %s: %d outputs given, %s reads %d", ErrBinary, txid, len(read), op.OpcodeName(), used)
	}
	if len(pubkey) > 0 && t.SenderPubkey == nil {
		return nil, nil, fmt.Errorf("%w: %s: the sender key is not the sender's", ErrBinary, txid)
	}
	t.Sender = append([]byte(nil), t.Sender...)
	t.SenderPubkey = append([]byte(nil), t.SenderPubkey...)
	if len(t.SenderPubkey) == 0 {
		t.SenderPubkey = nil
	}
	for _, o := range []*Output{t.Recipient, t.Payment} {
		if o != nil {
			o.Script = append([]byte(nil), o.Script...)
		}
	}
	return t, r.b, nil
}
