package scenario_test

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/txscript/v2"
	btcwire "github.com/btcsuite/btcd/wire/v2"

	"github.com/zonemirror/zonemirror/internal/scenario"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// h1ParseCase is one payload of nameop_parsing: its test name (the
// original's rule: a name starting with "valid" parses, every other one
// does not) and its body, the bytes after magic and opcode.
type h1ParseCase struct {
	name string
	body []byte
}

func h1Unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// h1P concatenates hex strings and raw strings: an element starting with
// "x:" is raw text, the others hex.
func h1P(t *testing.T, parts ...string) []byte {
	t.Helper()
	var b []byte
	for _, p := range parts {
		if raw, ok := strings.CutPrefix(p, "x:"); ok {
			b = append(b, raw...)
		} else {
			b = append(b, h1Unhex(t, p)...)
		}
	}
	return b
}

// h1P2WPKH is nameop_parsing's addr_to_p2wpkh: a p2pkh address's hash in a
// version-0 witness program.
func h1P2WPKH(p2pkh []byte) []byte { return append([]byte{0x00, 0x14}, p2pkh[3:23]...) }

// nameop_parsing: the payload table of the original's parser at block
// 488501 (mainnet, epoch 3): each opcode's well-formed payloads parse and
// the malformed ones do not; and any payload of an operation that reads
// non-data outputs (*, &, ?, :, >, ;) fails when those outputs are native
// segwit (p2wpkh) — in the original by an exception from the output-type
// check, before the payload is looked at. The scenario sends nothing on
// chain: its check() calls op_extract with hand-made senders, inputs and
// outputs; here wire.DecodeTx reads a transaction of the same shape.
func TestNameopParsing(t *testing.T) {
	t.Parallel()
	rev := func(id string) []byte {
		return h1P(t, "11111111", "02", "03", "40", "41", "42", "43", "44", "45", "46", "47", "15", "0001", "x:"+id)
	}
	ones := func(n int) string { return strings.Repeat("11", n) }
	nul := func(n int) string { return strings.Repeat("00", n) }
	tests := map[byte][]h1ParseCase{
		// namespace preorder: hash(ns_id, script_pubkey, reveal_addr), consensus hash
		'*': {
			{"valid", h1P(t, ones(20), strings.Repeat("22", 16))},
			{"too_short", h1P(t, ones(20), strings.Repeat("33", 15))},
			{"too_long", h1P(t, ones(20), strings.Repeat("22", 16), "00")},
		},
		// namespace reveal: life, coeff, base, buckets, discounts, version, id
		'&': {
			{"valid", rev("hello")},
			{"non-b38", rev("Hello")},
			{"period2", rev("He.l.lo")},
			{"period", rev(".")},
			{"no-plus", rev("hel+lo")},
			{"null_name", rev("")},
			{"too_long", rev("hellohellohellohello")},
		},
		// namespace ready: '.' and the id
		'!': {
			{"valid", []byte(".hello")},
			{"non-b38", []byte(".Hello")},
			{"period", []byte(".")},
			{"period2", []byte(".hel.lo")},
			{"no-plus", []byte(".hel+lo")},
			{"null_name", []byte("")},
			{"no-period", []byte("hello")},
			{"too_long", []byte(".hellohellohellohello")},
		},
		// name preorder: hash(name, script_pubkey, register_addr), consensus hash
		'?': {
			{"valid", h1P(t, ones(20), strings.Repeat("22", 16))},
			{"too_short", h1P(t, ones(20), strings.Repeat("33", 15))},
			{"too_long", h1P(t, ones(20), strings.Repeat("22", 16), "00")},
		},
		// name registration: the name (37 bytes, or 37 0-padded and a value hash)
		':': {
			{"valid", []byte("hello.test")},
			{"null_name", []byte("")},
			{"non-b38", []byte("Hello.test")},
			{"no-namespace", []byte("hello")},
			{"null-namespace", []byte("hello.")},
			{"2period", []byte("hello.tes.t")},
			{"no-plus", []byte("hel+lo.test")},
			{"too-long", []byte("hellohellohellohellohellohellohel.test")},
			{"valid_2", h1P(t, "x:hello.test", nul(27), ones(20))},
			{"null_name_2", h1P(t, nul(37), ones(20))},
			{"non-b38_2", h1P(t, "x:Hello.test", nul(27), ones(20))},
			{"no-namespace_2", h1P(t, "x:hello", nul(32), ones(20))},
			{"null-namespace_2", h1P(t, "x:hello.", nul(31), ones(20))},
			{"2period_2", h1P(t, "x:hello.tes.t", nul(26), ones(20))},
			{"no-plus_2", h1P(t, "x:hel+lo.test", nul(26), ones(20))},
			{"too-long_2", h1P(t, "x:hellohellohellohellohellohellohel.test", ones(20))},
			{"no_hash", h1P(t, "x:hello.test", nul(27))},
			{"hash_too_long", h1P(t, "x:hello.test", nul(27), ones(21))},
			{"padding_too_short", h1P(t, "x:hello.test", nul(26), ones(21))},
			{"op_too_short", h1P(t, "x:hello.test", nul(26), ones(20))},
		},
		// name update: hash128(name, consensus hash), hash160(data)
		'+': {
			{"valid", h1P(t, strings.Repeat("11", 16), strings.Repeat("22", 20))},
			{"too_short", h1P(t, strings.Repeat("11", 16), strings.Repeat("33", 19))},
			{"too_long", h1P(t, strings.Repeat("11", 16), strings.Repeat("22", 20), "00")},
		},
		// name transfer: keep data?, hash128(name), consensus hash
		'>': {
			{"valid", h1P(t, "x:>", strings.Repeat("11", 16), strings.Repeat("22", 16))},
			{"valid2", h1P(t, "x:~", strings.Repeat("11", 16), strings.Repeat("22", 16))},
			{"too_short", h1P(t, "x:>", strings.Repeat("11", 16), strings.Repeat("33", 15))},
			{"too_long", h1P(t, "x:>", strings.Repeat("11", 16), strings.Repeat("22", 16), "00")},
			{"too_short2", h1P(t, "x:~", strings.Repeat("11", 16), strings.Repeat("33", 15))},
			{"too_long2", h1P(t, "x:~", strings.Repeat("11", 16), strings.Repeat("22", 16), "00")},
			{"invalid-opcode", h1P(t, "x:!", strings.Repeat("11", 16), strings.Repeat("22", 16))},
		},
	}
	names := func() []h1ParseCase {
		return []h1ParseCase{
			{"valid", []byte("hello.test")},
			{"null_name", []byte("")},
			{"non-b38", []byte("Hello.test")},
			{"no-namespace", []byte("hello")},
			{"null-namespace", []byte("hello.")},
			{"2period", []byte("hello.tes.t")},
			{"no-plus", []byte("hel+lo.test")},
			{"too-long", []byte("hellohellohellohellohellohellohel.test")},
		}
	}
	tests['~'] = names() // name revoke: the name
	tests[';'] = names() // name import: the name
	// announce: the message hash
	tests['#'] = []h1ParseCase{
		{"valid", h1P(t, ones(20))},
		{"too-short", h1P(t, ones(19))},
		{"too-long", h1P(t, ones(21))},
	}

	// fake_pubkey is wallets[0]'s; the sender its p2pkh script; the
	// recipient wallets[1]; the import hash 44…; burn and reveal addresses
	// 1111111111111111111114oLvT2.
	sender := scenario.Wallet(w5JesPi)
	recipient := scenario.Wallet(w5KHqsi).Script
	importHash := h1Unhex(t, strings.Repeat("44", 20))
	importScript := append(append([]byte{txscript.OP_DUP, txscript.OP_HASH160, txscript.OP_DATA_20}, importHash...), txscript.OP_EQUALVERIFY, txscript.OP_CHECKSIG)
	burn := wire.BurnScript()
	pubkey := h1Unhex(t, sender.PubkeyHex)
	fakeSig := append([]byte{0x30, 0x44}, make([]byte, 0x44)...)

	// parse is nameop_parsing's parse_nameop: outputs [OP_RETURN payload,
	// recipient, then the import hash, burn or reveal address], 0.1 BTC
	// each; p2wpkh scripts instead with bech32.
	parse := func(opcode byte, body []byte, bech32 bool) (*wire.TxOp, error) {
		payload := append([]byte{'i', 'd', opcode}, body...)
		data, err := txscript.NullDataScript(payload)
		if err != nil {
			t.Fatalf("payload %x: %v", payload, err)
		}
		tx := btcwire.NewMsgTx(1)
		sig, err := txscript.NewScriptBuilder().AddData(fakeSig).AddData(pubkey).Script()
		if err != nil {
			t.Fatal(err)
		}
		tx.AddTxIn(&btcwire.TxIn{PreviousOutPoint: btcwire.OutPoint{Hash: chainhash.Hash{1}}, SignatureScript: sig})
		tx.AddTxOut(&btcwire.TxOut{PkScript: data})
		out := func(script []byte) {
			if bech32 {
				script = h1P2WPKH(script)
			}
			tx.AddTxOut(&btcwire.TxOut{PkScript: script, Value: 10000000})
		}
		out(recipient)
		switch opcode {
		case ';':
			if bech32 {
				// '0014' + import_update_hash
				tx.AddTxOut(&btcwire.TxOut{PkScript: append([]byte{0x00, 0x14}, importHash...), Value: 10000000})
			} else {
				tx.AddTxOut(&btcwire.TxOut{PkScript: importScript, Value: 10000000})
			}
		case '*', '?', '&':
			out(burn)
		}
		return wire.DecodeTx(tx, []wire.Prevout{{Script: sender.Script, Value: 100000000}}, wire.MainnetParams, wire.Epoch3)
	}

	for _, opcode := range []byte("*&!?:+>~;#") {
		for _, c := range tests[opcode] {
			valid := strings.HasPrefix(c.name, "valid")
			// make sure this always fails for bech32 outputs (for
			// transactions that can have non-nulldata outputs)
			if !bytes.ContainsRune([]byte("#!+~"), rune(opcode)) {
				top, err := parse(opcode, c.body, true)
				if err == nil {
					t.Errorf("%c %s (%x): parsed non-standard output: %+v", opcode, c.name, c.body, top.Op)
				} else if code, _ := wire.CodeOf(err); valid && code != wire.ErrOutputType {
					t.Errorf("%c %s with p2wpkh outputs: refused for %v, want the output type", opcode, c.name, err)
				}
			}
			top, err := parse(opcode, c.body, false)
			switch {
			case valid && err != nil:
				t.Errorf("failed to parse %s id%c%q (%x): %v", c.name, opcode, c.body, c.body, err)
			case !valid && err == nil:
				t.Errorf("parsed invalid test %s (id%c%q): %+v", c.name, opcode, c.body, top.Op)
			}
		}
	}
}
