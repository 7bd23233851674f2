package wire

import (
	"errors"
	"fmt"

	"github.com/btcsuite/btcd/address/v2/base58"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/txscript/v2"
	btcwire "github.com/btcsuite/btcd/wire/v2"
)

// Params are the network facts needed to read a transaction: the payload
// magic and the base58check version bytes of p2pkh and p2sh addresses.
type Params struct {
	Magic            Magic
	PubKeyHashAddrID byte
	ScriptHashAddrID byte
}

// MainnetParams: magic "id", addresses 1… and 3….
var MainnetParams = Params{Magic: MainnetMagic, PubKeyHashAddrID: 0x00, ScriptHashAddrID: 0x05}

// TestnetParams: magic "id", addresses m…/n… and 2…, on every network but
// mainnet (testnet, regtest, simnet): the original re-encoded every address
// it recorded or served to the mainnet or the testnet form, so a devnet's
// records, preorder hashes and answers use these whatever node it runs on.
var TestnetParams = Params{Magic: MainnetMagic, PubKeyHashAddrID: 0x6f, ScriptHashAddrID: 0xc4}

// Prevout is an output that an input spends: its script and value.
type Prevout struct {
	Script []byte
	Value  int64
}

// Output is a transaction output the operation uses, with the address of
// its script ("" when the script is not p2pkh or p2sh).
type Output struct {
	Index   int
	Script  []byte
	Address string
	Value   int64
}

// TxOp is an operation read from a whole transaction: the payload and
// everything around it that the rules need.
type TxOp struct {
	Op   Op
	TxID chainhash.Hash

	// Sender is the principal: the script of the output spent by input 0
	// (PROTOCOL.md §3.4), SenderAddress its address.
	Sender        []byte
	SenderAddress string
	// SenderPubkey is the public key of an input whose scriptSig is exactly
	// [sig, pubkey] with hash160(pubkey) = the principal's hash; nil if none.
	SenderPubkey []byte

	// Recipient is output 1 for the operations that have one (registration,
	// renewal, transfer, import, namespace reveal, token transfer).
	Recipient *Output
	// Payment is the output that pays for the operation: output 2 of a name
	// or namespace preorder, output 3 of a renewal. Its value is op_fee and
	// its address the record's burn_address.
	Payment *Output
	// ImportValueHash is a NAME_IMPORT's zone-file hash: the 20-byte hash in
	// output 2's p2pkh or p2sh script.
	ImportValueHash *Hash160

	// Fee is Σ inputs − Σ outputs, or -1 when the spent outputs were not given.
	Fee int64
	// Outputs is the transaction's output count.
	Outputs int
}

// FindPayload returns the OP_RETURN payload of tx: the last output whose
// script starts with OP_RETURN decides, and it counts only if the original's
// tokenizer reads it as exactly OP_RETURN and one data push (PROTOCOL.md
// §3.1). That tokenizer is lenient: a push cut short by the end of the
// script yields the bytes that are there, so such a nonstandard output (a
// miner may include one) still carries a payload. It does not look at the
// magic.
func FindPayload(tx *btcwire.MsgTx) ([]byte, bool) {
	var payload []byte
	found := false
	for _, out := range tx.TxOut {
		s := out.PkScript
		if len(s) == 0 || s[0] != txscript.OP_RETURN {
			continue
		}
		payload, found = nullData(s)
	}
	return payload, found
}

// nullData reads the single push after OP_RETURN. OP_0 pushes nothing and
// does not count (the original reads it as None), nor do small-integer
// opcodes or more than one token.
func nullData(script []byte) ([]byte, bool) {
	toks := tokenize(script)
	if len(toks) != 2 || !toks[1].isData {
		return nil, false
	}
	return toks[1].data, true
}

// DecodeTx reads the Blockstack operation carried by tx.
//
// prevouts are the outputs tx's inputs spend, one per input, in order. When
// nil, the sender is inferred from the input scripts instead (a [sig, pubkey]
// scriptSig spends p2pkh; a push-only scriptSig ending in a redeem script
// spends p2sh) and Fee is -1: good enough for tools, while the indexer always
// passes the real spent outputs.
func DecodeTx(tx *btcwire.MsgTx, prevouts []Prevout, p Params, epoch Epoch) (*TxOp, error) {
	payload, ok := FindPayload(tx)
	if !ok {
		return nil, ruleError(ErrNoPayload, "no OP_RETURN output with a single data push")
	}
	op, err := Decode(payload, p.Magic, epoch)
	if err != nil {
		return nil, err
	}
	return decodeTxWithOp(tx, op, prevouts, p)
}

func decodeTxWithOp(tx *btcwire.MsgTx, op Op, prevouts []Prevout, p Params) (*TxOp, error) {
	if len(tx.TxIn) == 0 || isCoinbase(tx) {
		return nil, ruleError(ErrNoInputs, "transaction has no inputs to take a sender from (coinbase or empty)")
	}
	t := &TxOp{Op: op, TxID: tx.TxHash(), Outputs: len(tx.TxOut), Fee: -1}

	spent, err := spentScripts(tx, prevouts)
	if err != nil {
		return nil, err
	}
	for i, s := range spent {
		if !isP2PKH(s) && !isP2SH(s) {
			return nil, ruleError(ErrSenderNotStandard, "input %d spends a script that is neither p2pkh nor p2sh (%x)", i, s)
		}
	}
	t.Sender = spent[0]
	t.SenderAddress = p.address(t.Sender)
	t.SenderPubkey = findSenderPubkey(tx, t.Sender)
	if prevouts != nil {
		var in, out int64
		for _, po := range prevouts {
			in += po.Value
		}
		for _, o := range tx.TxOut {
			out += o.Value
		}
		t.Fee = in - out
	}

	if err := t.readOutputs(tx, p); err != nil {
		return nil, err
	}
	return t, nil
}

// OutputsFor is the output count of the smallest transaction DecodeTx
// reads op from (a renewal has 4, its payment last).
func OutputsFor(op Op) int {
	switch o := op.(type) {
	case *NamePreorder, *NamespacePreorder, *NamespaceReveal, *NameImport:
		return 3
	case *NameRegistration:
		if o.Renewal {
			return 4
		}
		return 2
	case *NameTransfer, *TokenTransfer:
		return 2
	}
	return 1
}

// readOutputs checks the output shape of the operation (PROTOCOL.md §3.5 and
// §5) and picks the outputs it uses.
func (t *TxOp) readOutputs(tx *btcwire.MsgTx, p Params) error {
	n := len(tx.TxOut)
	k := 0 // outputs type-checked
	switch op := t.Op.(type) {
	case *NamePreorder:
		if n != 3 {
			return ruleError(ErrOutputCount, "NAME_PREORDER needs exactly 3 outputs, has %d", n)
		}
		k = 3
	case *NameRegistration:
		op.Renewal = n >= 4
		if n < 2 {
			return ruleError(ErrOutputCount, "NAME_REGISTRATION needs at least 2 outputs, has %d", n)
		}
		k = 2
	case *NameTransfer, *TokenTransfer:
		if n < 2 {
			return ruleError(ErrOutputCount, "%s needs at least 2 outputs, has %d", t.Op.OpcodeName(), n)
		}
		k = 2
	case *NameImport:
		if n < 3 {
			return ruleError(ErrOutputCount, "NAME_IMPORT needs at least 3 outputs, has %d", n)
		}
		k = 3
	case *NamespacePreorder:
		if n < 3 {
			return ruleError(ErrOutputCount, "NAMESPACE_PREORDER needs at least 3 outputs, has %d", n)
		}
		k = 3
	case *NamespaceReveal:
		if n != 3 {
			return ruleError(ErrOutputCount, "NAMESPACE_REVEAL needs exactly 3 outputs, has %d", n)
		}
		k = 2
	}
	for i := 0; i < k; i++ {
		s := tx.TxOut[i].PkScript
		if !isNullDataClass(s) && !isP2PKH(s) && !isP2SH(s) {
			return ruleError(ErrOutputType, "%s: output %d is not OP_RETURN, p2pkh or p2sh (%x)", t.Op.OpcodeName(), i, s)
		}
	}
	// Every output an operation reads an address from must have one.
	out := func(i int, what string) (*Output, error) {
		o := tx.TxOut[i]
		a := p.address(o.PkScript)
		if a == "" {
			return nil, ruleError(ErrOutputAddress, "%s: output %d (%s) has no address (%x)", t.Op.OpcodeName(), i, what, o.PkScript)
		}
		return &Output{Index: i, Script: o.PkScript, Address: a, Value: o.Value}, nil
	}
	var err error
	switch op := t.Op.(type) {
	case *NamePreorder, *NamespacePreorder:
		t.Payment, err = out(2, "payment")
	case *NameRegistration:
		if t.Recipient, err = out(1, "recipient"); err == nil && op.Renewal {
			t.Payment, err = out(3, "payment")
		}
	case *NameTransfer, *NamespaceReveal, *TokenTransfer:
		t.Recipient, err = out(1, "recipient")
	case *NameImport:
		if t.Recipient, err = out(1, "recipient"); err != nil {
			return err
		}
		s := tx.TxOut[2].PkScript
		if !isP2PKH(s) && !isP2SH(s) {
			return ruleError(ErrOutputAddress, "NAME_IMPORT: output 2 must be p2pkh or p2sh carrying the zone-file hash (%x)", s)
		}
		h := Hash160(scriptHash(s))
		t.ImportValueHash = &h
	}
	return err
}

func isCoinbase(tx *btcwire.MsgTx) bool {
	if len(tx.TxIn) != 1 {
		return false
	}
	prev := tx.TxIn[0].PreviousOutPoint
	return prev.Index == btcwire.MaxPrevOutIndex && prev.Hash == chainhash.Hash{}
}

// spentScripts returns the script each input spends: from prevouts, or
// inferred from the input scripts when prevouts is nil.
func spentScripts(tx *btcwire.MsgTx, prevouts []Prevout) ([][]byte, error) {
	out := make([][]byte, len(tx.TxIn))
	if prevouts != nil {
		if len(prevouts) != len(tx.TxIn) {
			return nil, ruleError(ErrPrevouts, "%d spent outputs for %d inputs", len(prevouts), len(tx.TxIn))
		}
		for i, po := range prevouts {
			out[i] = po.Script
		}
		return out, nil
	}
	for i, in := range tx.TxIn {
		s, err := inferSpentScript(in)
		if err != nil {
			return nil, ruleError(ErrUnknownSender, "input %d: %v", i, err)
		}
		out[i] = s
	}
	return out, nil
}

type inferError string

func (e inferError) Error() string { return string(e) }

// inferSpentScript guesses the script an input spends from its scriptSig.
func inferSpentScript(in *btcwire.TxIn) ([]byte, error) {
	if len(in.SignatureScript) == 0 {
		if len(in.Witness) > 0 {
			return nil, &RuleError{Code: ErrSenderNotStandard, Description: "spends native segwit"}
		}
		return nil, inferError("empty scriptSig")
	}
	pushes, err := txscript.PushedData(in.SignatureScript)
	if err != nil || !txscript.IsPushOnlyScript(in.SignatureScript) || len(pushes) == 0 {
		return nil, inferError("scriptSig is not push-only")
	}
	if len(pushes) == 2 && isPubKey(pushes[1]) {
		h := SumHash160(pushes[1])
		return p2pkhScript(h), nil
	}
	redeem := pushes[len(pushes)-1]
	if len(redeem) == 0 {
		return nil, inferError("scriptSig ends in an empty push")
	}
	h := SumHash160(redeem)
	return p2shScript(h), nil
}

func isPubKey(b []byte) bool {
	switch len(b) {
	case 33:
		return b[0] == 0x02 || b[0] == 0x03
	case 65:
		return b[0] == 0x04
	}
	return false
}

// findSenderPubkey is the original's get_public_key_hex_from_tx: the first
// input whose scriptSig reads as exactly two tokens, the second a public key
// that parses and hashes to the principal's hash, gives the key as pushed.
// Only a p2pkh principal has one (PROTOCOL.md §3.4).
func findSenderPubkey(tx *btcwire.MsgTx, principal []byte) []byte {
	if !isP2PKH(principal) {
		return nil
	}
	want := principal[3:23]
	for _, in := range tx.TxIn {
		toks := tokenize(in.SignatureScript)
		if len(toks) != 2 || !toks[1].isData || !parsesAsPubKey(toks[1].data) {
			continue
		}
		if h := SumHash160(toks[1].data); string(h[:]) == string(want) {
			return toks[1].data
		}
	}
	return nil
}

func isP2PKH(s []byte) bool { return txscript.IsPayToPubKeyHash(s) }
func isP2SH(s []byte) bool  { return txscript.IsPayToScriptHash(s) }

// isNullDataClass is the original's "nulldata" class: any script that starts
// with OP_RETURN.
func isNullDataClass(s []byte) bool { return len(s) > 0 && s[0] == txscript.OP_RETURN }

// scriptHash returns the 20-byte hash inside a p2pkh or p2sh script, or nil.
func scriptHash(s []byte) []byte {
	switch {
	case isP2PKH(s):
		return s[3:23]
	case isP2SH(s):
		return s[2:22]
	}
	return nil
}

// address is the base58check address of a p2pkh or p2sh script, "" otherwise.
func (p Params) address(s []byte) string {
	switch {
	case isP2PKH(s):
		return base58.CheckEncode(s[3:23], p.PubKeyHashAddrID)
	case isP2SH(s):
		return base58.CheckEncode(s[2:22], p.ScriptHashAddrID)
	}
	return ""
}

// Address returns the base58check address of a p2pkh or p2sh script, or ""
// for any other script.
func (p Params) Address(script []byte) string { return p.address(script) }

// ScriptForAddress returns the p2pkh or p2sh script of a base58check address
// of this network.
func (p Params) ScriptForAddress(addr string) ([]byte, error) {
	b, v, err := base58.CheckDecode(addr)
	if err != nil {
		return nil, fmt.Errorf("address %q: %w", addr, err)
	}
	if len(b) != 20 {
		return nil, fmt.Errorf("address %q: payload is %d bytes, want 20", addr, len(b))
	}
	h := Hash160(b)
	switch v {
	case p.PubKeyHashAddrID:
		return p2pkhScript(h), nil
	case p.ScriptHashAddrID:
		return p2shScript(h), nil
	}
	return nil, fmt.Errorf("address %q: version byte %#02x is neither p2pkh (%#02x) nor p2sh (%#02x) on this network", addr, v, p.PubKeyHashAddrID, p.ScriptHashAddrID)
}

// ErrAddressVersion is returned by Reencode for a base58check string whose
// version byte is not a mainnet or testnet p2pkh or p2sh version.
var ErrAddressVersion = errors.New("not a mainnet or testnet address version")

// Reencode is virtualchain's address_reencode: a base58check address of
// mainnet or testnet, p2pkh (0x00/0x6f) or p2sh (0x05/0xc4), in this
// network's form, so that either form of a key's address finds what the
// key owns. The payload is kept as it is.
func (p Params) Reencode(addr string) (string, error) {
	b, v, err := base58.CheckDecode(addr)
	if err != nil {
		return "", fmt.Errorf("address %q: %w", addr, err)
	}
	switch v {
	case MainnetParams.PubKeyHashAddrID, TestnetParams.PubKeyHashAddrID:
		v = p.PubKeyHashAddrID
	case MainnetParams.ScriptHashAddrID, TestnetParams.ScriptHashAddrID:
		v = p.ScriptHashAddrID
	default:
		return "", fmt.Errorf("address %q: version byte %#02x: %w", addr, v, ErrAddressVersion)
	}
	return base58.CheckEncode(b, v), nil
}

// BurnScript is the script of the burn address 1111111111111111111114oLvT2:
// p2pkh of 20 zero bytes.
func BurnScript() []byte { return p2pkhScript(Hash160{}) }

func p2pkhScript(h Hash160) []byte {
	s := make([]byte, 0, 25)
	s = append(s, txscript.OP_DUP, txscript.OP_HASH160, txscript.OP_DATA_20)
	s = append(s, h[:]...)
	return append(s, txscript.OP_EQUALVERIFY, txscript.OP_CHECKSIG)
}

func p2shScript(h Hash160) []byte {
	s := make([]byte, 0, 23)
	s = append(s, txscript.OP_HASH160, txscript.OP_DATA_20)
	s = append(s, h[:]...)
	return append(s, txscript.OP_EQUAL)
}

// NullDataScript returns the OP_RETURN output script that carries payload.
// Standard relay allows at most 80 bytes of data; larger payloads are
// refused here because no node would relay them.
func NullDataScript(payload []byte) ([]byte, error) {
	s, err := txscript.NullDataScript(payload)
	if err != nil {
		return nil, fmt.Errorf("OP_RETURN script: %w", err)
	}
	return s, nil
}
