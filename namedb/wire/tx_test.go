package wire

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/btcsuite/btcd/address/v2/base58"
	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/txscript/v2"
	btcwire "github.com/btcsuite/btcd/wire/v2"
)

// A compressed public key and a fake DER signature: DecodeTx reads scripts,
// it does not verify signatures.
var (
	testPubkey = func() []byte {
		b, _ := hex.DecodeString("039a8948d339ecbff44cf426cb85d90fce876f1658d385cdc47f007f279be626ea")
		return b
	}()
	testSig = append([]byte{0x30, 0x44}, make([]byte, 0x44)...)
)

func p2pkhOf(pub []byte) []byte { return p2pkhScript(SumHash160(pub)) }

func sigScript(t testing.TB, pushes ...[]byte) []byte {
	b := txscript.NewScriptBuilder()
	for _, p := range pushes {
		b.AddData(p)
	}
	s, err := b.Script()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// mkTx builds a one-input transaction: a p2pkh spend by testPubkey, an
// OP_RETURN with payload as output 0, then outs.
func mkTx(t testing.TB, payload string, outs ...*btcwire.TxOut) *btcwire.MsgTx {
	tx := btcwire.NewMsgTx(1)
	tx.AddTxIn(&btcwire.TxIn{PreviousOutPoint: btcwire.OutPoint{Hash: chainhash.Hash{1}, Index: 0}, SignatureScript: sigScript(t, testSig, testPubkey)})
	s, err := txscript.NullDataScript(unhex(t, payload))
	if err != nil {
		t.Fatal(err)
	}
	tx.AddTxOut(&btcwire.TxOut{PkScript: s})
	for _, o := range outs {
		tx.AddTxOut(o)
	}
	return tx
}

func out(script []byte, v int64) *btcwire.TxOut { return &btcwire.TxOut{PkScript: script, Value: v} }

var (
	ownerScript  = p2pkhScript(Hash160{0xaa})
	changeScript = p2pkhScript(Hash160{0xcc})
	p2shOwner    = p2shScript(Hash160{0xbb})
	segwitScript = append([]byte{0x00, 0x14}, make([]byte, 20)...)
)

// Each operation in a whole transaction: the outputs it uses, the sender,
// sender_pubkey and fee.
func TestDecodeTxPerOperation(t *testing.T) {
	prev := []Prevout{{Script: p2pkhOf(testPubkey), Value: 100000}}
	preorder := "69643f" + h20 + h16
	cases := []struct {
		name  string
		tx    *btcwire.MsgTx
		check func(t *testing.T, top *TxOp)
	}{
		{"preorder", mkTx(t, preorder, out(changeScript, 50000), out(BurnScript(), 25000)), func(t *testing.T, top *TxOp) {
			if top.Payment == nil || top.Payment.Value != 25000 || top.Payment.Address != "1111111111111111111114oLvT2" || top.Recipient != nil {
				t.Errorf("payment %+v", top.Payment)
			}
			if top.Fee != 100000-75000 {
				t.Errorf("fee %d", top.Fee)
			}
		}},
		{"registration", mkTx(t, "69643a"+hx("muneeb.id"), out(ownerScript, 5500), out(changeScript, 1)), func(t *testing.T, top *TxOp) {
			r := top.Op.(*NameRegistration)
			if r.Renewal || top.Recipient == nil || top.Recipient.Index != 1 || string(top.Recipient.Script) != string(ownerScript) || top.Payment != nil {
				t.Errorf("%+v %+v", r, top.Recipient)
			}
		}},
		{"registration p2sh recipient", mkTx(t, "69643a"+hx("muneeb.id"), out(p2shOwner, 5500)), func(t *testing.T, top *TxOp) {
			if top.Recipient.Address != MainnetParams.Address(p2shOwner) || top.Recipient.Address[0] != '3' {
				t.Errorf("recipient %+v", top.Recipient)
			}
		}},
		{"renewal", mkTx(t, "69643a"+hx("muneeb.id"), out(ownerScript, 5500), out(changeScript, 1), out(BurnScript(), 25000)), func(t *testing.T, top *TxOp) {
			r := top.Op.(*NameRegistration)
			if !r.Renewal || r.OpcodeName() != "NAME_RENEWAL" || r.StoredOp() != "::" || top.Payment == nil || top.Payment.Index != 3 || top.Payment.Value != 25000 {
				t.Errorf("%+v %+v", r, top.Payment)
			}
		}},
		{"update", mkTx(t, "69642b"+h16+h20), func(t *testing.T, top *TxOp) {
			if top.Recipient != nil || top.Payment != nil {
				t.Errorf("update has outputs %+v %+v", top.Recipient, top.Payment)
			}
		}},
		{"transfer", mkTx(t, "69643e7e"+h16+h16, out(ownerScript, 5500)), func(t *testing.T, top *TxOp) {
			if top.Recipient == nil || string(top.Recipient.Script) != string(ownerScript) {
				t.Errorf("recipient %+v", top.Recipient)
			}
		}},
		{"revoke", mkTx(t, "69647e"+hx("muneeb.id")), nil},
		{"import", mkTx(t, "69643b"+hx("muneeb.id"), out(ownerScript, 5500), out(p2pkhScript(Hash160{0x01, 0x02}), 5500)), func(t *testing.T, top *TxOp) {
			if top.ImportValueHash == nil || top.ImportValueHash[0] != 1 || top.ImportValueHash[1] != 2 || top.Recipient == nil {
				t.Errorf("import %+v %+v", top.ImportValueHash, top.Recipient)
			}
		}},
		{"namespace preorder", mkTx(t, "69642a"+h20+h16, out(changeScript, 1), out(BurnScript(), 4000000000), out(changeScript, 1)), func(t *testing.T, top *TxOp) {
			if top.Payment == nil || top.Payment.Value != 4000000000 {
				t.Errorf("payment %+v", top.Payment)
			}
		}},
		{"namespace reveal", mkTx(t, "696426"+reveal("0001", "44", "id"), out(ownerScript, 5500), out(changeScript, 1)), func(t *testing.T, top *TxOp) {
			if top.Recipient == nil || top.Recipient.Address != MainnetParams.Address(ownerScript) {
				t.Errorf("recipient %+v", top.Recipient)
			}
		}},
		{"namespace ready", mkTx(t, "696421"+hx(".id")), nil},
		{"announce", mkTx(t, "696423"+h20), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			top, err := DecodeTx(c.tx, prev, MainnetParams, Epoch3)
			if err != nil {
				t.Fatalf("DecodeTx: %v", err)
			}
			if string(top.Sender) != string(p2pkhOf(testPubkey)) || top.SenderAddress != "17CbHgTgBG3kLedXNneEKBkCTgW2fyrnUD" && top.SenderAddress == "" {
				t.Errorf("sender %x %s", top.Sender, top.SenderAddress)
			}
			if hex.EncodeToString(top.SenderPubkey) != hex.EncodeToString(testPubkey) {
				t.Errorf("sender_pubkey %x", top.SenderPubkey)
			}
			if top.TxID != c.tx.TxHash() || top.Outputs != len(c.tx.TxOut) {
				t.Errorf("txid/outputs")
			}
			// Without prevouts: same sender, inferred; fee unknown.
			inf, err := DecodeTx(c.tx, nil, MainnetParams, Epoch3)
			if err != nil || string(inf.Sender) != string(top.Sender) || inf.Fee != -1 {
				t.Errorf("inferred: %+v %v", inf, err)
			}
			// decode-tx's JSON re-encodes to the payload.
			js, err := json.Marshal(top)
			if err != nil {
				t.Fatal(err)
			}
			back, err := UnmarshalOpJSON(js)
			if err != nil {
				t.Fatalf("UnmarshalOpJSON(%s): %v", js, err)
			}
			enc, _ := Encode(back, MainnetMagic)
			payload, _ := FindPayload(c.tx)
			if string(enc) != string(payload) {
				t.Errorf("JSON %s re-encodes to %x, want %x", js, enc, payload)
			}
			if c.check != nil {
				c.check(t, top)
			}
		})
	}
}

// Every way a transaction is refused, by reason.
func TestDecodeTxRefuses(t *testing.T) {
	preorder := "69643f" + h20 + h16
	prev := []Prevout{{Script: p2pkhOf(testPubkey), Value: 100000}}
	withInput := func(tx *btcwire.MsgTx, in *btcwire.TxIn) *btcwire.MsgTx { tx.TxIn[0] = in; return tx }
	noOpReturn := mkTx(t, preorder)
	noOpReturn.TxOut = []*btcwire.TxOut{out(ownerScript, 1)}
	bareOpReturnLast := mkTx(t, preorder, out([]byte{txscript.OP_RETURN}, 0))
	opReturnSmallInt := mkTx(t, preorder, out([]byte{txscript.OP_RETURN, txscript.OP_2}, 0))
	twoPushes := mkTx(t, preorder)
	twoPushes.TxOut[0].PkScript = append(twoPushes.TxOut[0].PkScript, 0x01, 0x01)
	coinbase := mkTx(t, preorder, out(changeScript, 1), out(BurnScript(), 1))
	coinbase.TxIn[0].PreviousOutPoint = btcwire.OutPoint{Index: btcwire.MaxPrevOutIndex}
	noInputs := mkTx(t, preorder, out(changeScript, 1), out(BurnScript(), 1))
	noInputs.TxIn = nil
	twoInputs := mkTx(t, preorder, out(changeScript, 1), out(BurnScript(), 1))
	twoInputs.AddTxIn(&btcwire.TxIn{SignatureScript: sigScript(t, testSig, testPubkey)})
	p2pkSig := withInput(mkTx(t, preorder, out(changeScript, 1), out(BurnScript(), 1)), &btcwire.TxIn{SignatureScript: sigScript(t, testSig)})
	p2pkSig.TxIn[0].SignatureScript = []byte{txscript.OP_DUP}
	segwitSpend := withInput(mkTx(t, preorder, out(changeScript, 1), out(BurnScript(), 1)), &btcwire.TxIn{Witness: btcwire.TxWitness{testSig, testPubkey}})
	// The payload output may sit anywhere; here it is output 2, where an
	// import wants the zone-file hash.
	importPayloadLast := mkTx(t, "69643b"+hx("muneeb.id"), out(ownerScript, 1))
	importPayloadLast.TxOut = []*btcwire.TxOut{importPayloadLast.TxOut[1], importPayloadLast.TxOut[1], importPayloadLast.TxOut[0]}

	cases := []struct {
		name  string
		tx    *btcwire.MsgTx
		prev  []Prevout
		epoch Epoch
		code  ErrorCode
	}{
		{"no OP_RETURN", noOpReturn, prev, Epoch3, ErrNoPayload},
		{"last OP_RETURN is bare", bareOpReturnLast, prev, Epoch3, ErrNoPayload},
		{"last OP_RETURN pushes a small int", opReturnSmallInt, prev, Epoch3, ErrNoPayload},
		{"OP_RETURN with two pushes", twoPushes, prev, Epoch3, ErrNoPayload},
		{"payload in the wrong epoch", mkTx(t, "696424"+h16+nulPad("STACKS", 19)+"0000000000000001", out(ownerScript, 1)), prev, Epoch3, ErrNotInEpoch},
		{"coinbase", coinbase, nil, Epoch3, ErrNoInputs},
		{"no inputs", noInputs, nil, Epoch3, ErrNoInputs},
		{"prevouts do not match inputs", twoInputs, prev, Epoch3, ErrPrevouts},
		{"spends native segwit (prevout)", mkTx(t, preorder, out(changeScript, 1), out(BurnScript(), 1)), []Prevout{{Script: segwitScript, Value: 1}}, Epoch3, ErrSenderNotStandard},
		{"second input spends p2pk", twoInputs, []Prevout{prev[0], {Script: append(append([]byte{33}, testPubkey...), txscript.OP_CHECKSIG)}}, Epoch3, ErrSenderNotStandard},
		{"spends native segwit (inferred)", segwitSpend, nil, Epoch3, ErrUnknownSender},
		{"scriptSig not push-only", p2pkSig, nil, Epoch3, ErrUnknownSender},
		{"preorder with 2 outputs", mkTx(t, preorder, out(BurnScript(), 1)), prev, Epoch3, ErrOutputCount},
		{"preorder with 4 outputs", mkTx(t, preorder, out(changeScript, 1), out(BurnScript(), 1), out(changeScript, 1)), prev, Epoch3, ErrOutputCount},
		{"preorder pays to segwit", mkTx(t, preorder, out(changeScript, 1), out(segwitScript, 1)), prev, Epoch3, ErrOutputType},
		{"registration with 1 output", mkTx(t, "69643a"+hx("muneeb.id")), prev, Epoch3, ErrOutputCount},
		{"registration to segwit", mkTx(t, "69643a"+hx("muneeb.id"), out(segwitScript, 1)), prev, Epoch3, ErrOutputType},
		{"transfer with 1 output", mkTx(t, "69643e3e"+h16+h16), prev, Epoch3, ErrOutputCount},
		{"import with 2 outputs", mkTx(t, "69643b"+hx("muneeb.id"), out(ownerScript, 1)), prev, Epoch3, ErrOutputCount},
		{"import hash output is the OP_RETURN", importPayloadLast, prev, Epoch3, ErrOutputAddress},
		{"namespace preorder with 2 outputs", mkTx(t, "69642a"+h20+h16, out(BurnScript(), 1)), prev, Epoch3, ErrOutputCount},
		{"namespace reveal with 4 outputs", mkTx(t, "696426"+reveal("0001", "44", "id"), out(ownerScript, 1), out(changeScript, 1), out(changeScript, 1)), prev, Epoch3, ErrOutputCount},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			top, err := DecodeTx(c.tx, c.prev, MainnetParams, c.epoch)
			code, ok := CodeOf(err)
			if !ok || code != c.code {
				t.Fatalf("DecodeTx = %+v, %v; want %s", top, err, c.code)
			}
		})
	}
}

// An import from a p2sh sender decodes, with no sender_pubkey: the rules
// refuse it (the original rejects it in its check, it does not ignore it).
func TestImportFromP2SHDecodes(t *testing.T) {
	tx := mkTx(t, "69643b"+hx("muneeb.id"), out(ownerScript, 1), out(ownerScript, 1))
	top, err := DecodeTx(tx, []Prevout{{Script: p2shOwner, Value: 1}}, MainnetParams, Epoch3)
	if err != nil || top.SenderPubkey != nil || top.ImportValueHash == nil {
		t.Fatalf("import from p2sh: %+v, %v", top, err)
	}
}

// sender_pubkey comes from any input whose [sig, pubkey] matches the
// principal; a p2sh principal has none.
func TestSenderPubkey(t *testing.T) {
	other := append([]byte{0x02}, make([]byte, 32)...)
	tx := mkTx(t, "69647e"+hx("muneeb.id"))
	tx.TxIn[0].SignatureScript = sigScript(t, testSig, other)
	tx.AddTxIn(&btcwire.TxIn{SignatureScript: sigScript(t, testSig, testPubkey)})
	prev := []Prevout{{Script: p2pkhOf(testPubkey), Value: 1}, {Script: p2pkhOf(other), Value: 1}}
	top, err := DecodeTx(tx, prev, MainnetParams, Epoch3)
	if err != nil || hex.EncodeToString(top.SenderPubkey) != hex.EncodeToString(testPubkey) {
		t.Fatalf("pubkey from the second input: %x, %v", top.SenderPubkey, err)
	}
	prev[0].Script = p2pkhScript(Hash160{9})
	top, err = DecodeTx(tx, prev, MainnetParams, Epoch3)
	if err != nil || top.SenderPubkey != nil {
		t.Fatalf("no matching pubkey: %x, %v", top.SenderPubkey, err)
	}
}

func TestScriptForAddress(t *testing.T) {
	for _, s := range [][]byte{ownerScript, p2shOwner, BurnScript()} {
		for _, p := range []Params{MainnetParams, TestnetParams} {
			got, err := p.ScriptForAddress(p.Address(s))
			if err != nil || string(got) != string(s) {
				t.Errorf("%x: %x %v", s, got, err)
			}
		}
	}
	if _, err := MainnetParams.ScriptForAddress(TestnetParams.Address(ownerScript)); err == nil {
		t.Error("testnet address accepted on mainnet")
	}
	if _, err := MainnetParams.ScriptForAddress("1notanaddress"); err == nil {
		t.Error("garbage accepted")
	}
	if MainnetParams.Address(segwitScript) != "" {
		t.Error("segwit script has an address")
	}
}

// Addresses of each network's params start with that network's letters and
// map back to their script.
func TestParamsAddresses(t *testing.T) {
	h := SumHash160([]byte("key"))
	for _, tc := range []struct {
		p           Params
		p2pkh, p2sh string
	}{{MainnetParams, "1", "3"}, {TestnetParams, "mn", "2"}} {
		for script, prefixes := range map[string]string{string(p2pkhScript(h)): tc.p2pkh, string(p2shScript(h)): tc.p2sh} {
			a := tc.p.Address([]byte(script))
			if a == "" || !strings.ContainsRune(prefixes, rune(a[0])) {
				t.Errorf("%+v: address %q, want a prefix of %q", tc.p, a, prefixes)
			}
			back, err := tc.p.ScriptForAddress(a)
			if err != nil || string(back) != script {
				t.Errorf("%s back to %x, %v", a, back, err)
			}
		}
	}
}

// Deviation 3 of the audit (PROTOCOL.md §3.4): sender_pubkey is only looked
// for when the principal is p2pkh, and the pushed key must parse. The old
// decoder matched a p2sh principal's hash and took any two-push scriptSig.
func TestSenderPubkeyOnlyForParsedP2PKH(t *testing.T) {
	tx := mkTx(t, "69647e"+hx("muneeb.id"))
	// a p2sh principal whose hash happens to be hash160 of the pushed key
	p2shOfKey := p2shScript(SumHash160(testPubkey))
	top, err := DecodeTx(tx, []Prevout{{Script: p2shOfKey, Value: 1}}, MainnetParams, Epoch3)
	if err != nil || top.SenderPubkey != nil {
		t.Errorf("p2sh principal: sender_pubkey %x, %v; want none", top.SenderPubkey, err)
	}
	// a 33-byte push that is no point on the curve
	notAKey := append([]byte{0x02}, make([]byte, 32)...)
	notAKey[32] = 5
	tx.TxIn[0].SignatureScript = sigScript(t, testSig, notAKey)
	top, err = DecodeTx(tx, []Prevout{{Script: p2pkhOf(notAKey), Value: 1}}, MainnetParams, Epoch3)
	if err != nil || top.SenderPubkey != nil {
		t.Errorf("unparseable key: sender_pubkey %x, %v; want none", top.SenderPubkey, err)
	}
	// an uncompressed key is returned as pushed
	priv, _ := btcec.PrivKeyFromBytes([]byte{1, 2, 3})
	long := priv.PubKey().SerializeUncompressed()
	tx.TxIn[0].SignatureScript = sigScript(t, testSig, long)
	top, err = DecodeTx(tx, []Prevout{{Script: p2pkhOf(long), Value: 1}}, MainnetParams, Epoch3)
	if err != nil || hex.EncodeToString(top.SenderPubkey) != hex.EncodeToString(long) {
		t.Errorf("uncompressed key: sender_pubkey %x, %v", top.SenderPubkey, err)
	}
}

// Deviation 6 (PROTOCOL.md §3.5): an output an operation reads an address
// from must have one. A transfer laid out [p2pkh, OP_RETURN "id>…"] used
// to hand the name to the OP_RETURN script.
func TestOutputsWithoutAddressDropTheOperation(t *testing.T) {
	prev := []Prevout{{Script: p2pkhOf(testPubkey), Value: 100000}}
	opret := func(payload string) *btcwire.TxOut {
		s, err := txscript.NullDataScript(unhex(t, payload))
		if err != nil {
			t.Fatal(err)
		}
		return out(s, 0)
	}
	withOuts := func(outs ...*btcwire.TxOut) *btcwire.MsgTx {
		tx := mkTx(t, "00")
		tx.TxOut = outs
		return tx
	}
	transfer := "69643e3e" + h16 + h16
	cases := map[string]*btcwire.MsgTx{
		"transfer recipient":         withOuts(out(ownerScript, 1), opret(transfer)),
		"registration recipient":     withOuts(out(changeScript, 1), opret("69643a"+hx("muneeb.id"))),
		"preorder payment":           withOuts(out(changeScript, 1), out(changeScript, 1), opret("69643f"+h20+h16)),
		"namespace preorder payment": withOuts(out(changeScript, 1), out(changeScript, 1), opret("69642a"+h20+h16)),
		"renewal payment":            withOuts(out(changeScript, 1), out(ownerScript, 1), out(changeScript, 1), opret("69643a"+hx("muneeb.id"))),
		"reveal recipient":           withOuts(out(changeScript, 1), opret("696426"+reveal("0001", "44", "id")), out(changeScript, 1)),
		"import recipient":           withOuts(out(changeScript, 1), opret("69643b"+hx("muneeb.id")), out(ownerScript, 1)),
	}
	for name, tx := range cases {
		top, err := DecodeTx(tx, prev, MainnetParams, Epoch3)
		if code, ok := CodeOf(err); !ok || code != ErrOutputAddress {
			t.Errorf("%s: %+v, %v; want ErrOutputAddress", name, top, err)
		}
	}
}

// Deviation 9 (PROTOCOL.md §3.1): the original's tokenizer takes a push
// that runs past the end of the script as the bytes that are there, so a
// truncated push in the last OP_RETURN still carries a payload.
func TestTruncatedPushIsAPayload(t *testing.T) {
	body := unhex(t, "69643f"+h20+h16) // 39 bytes
	for name, script := range map[string][]byte{
		"push claims 40":        append([]byte{txscript.OP_RETURN, 40}, body...),
		"PUSHDATA1 claims 80":   append([]byte{txscript.OP_RETURN, txscript.OP_PUSHDATA1, 80}, body...),
		"PUSHDATA2 claims 4096": append([]byte{txscript.OP_RETURN, txscript.OP_PUSHDATA2, 0x00, 0x10}, body...),
	} {
		tx := mkTx(t, "00", out(changeScript, 1), out(BurnScript(), 1))
		tx.TxOut[0].PkScript = script
		payload, ok := FindPayload(tx)
		if !ok || hex.EncodeToString(payload) != hex.EncodeToString(body) {
			t.Errorf("%s: payload %x, %v", name, payload, ok)
			continue
		}
		top, err := DecodeTx(tx, []Prevout{{Script: p2pkhOf(testPubkey), Value: 1}}, MainnetParams, Epoch3)
		if err != nil || top.Op.Opcode() != OpNamePreorder {
			t.Errorf("%s: %+v, %v", name, top, err)
		}
	}
	// cut inside the PUSHDATA2 length: one length byte (5) and no data
	tx := mkTx(t, "00")
	tx.TxOut[0].PkScript = []byte{txscript.OP_RETURN, txscript.OP_PUSHDATA2, 5}
	if payload, ok := FindPayload(tx); !ok || len(payload) != 0 {
		t.Errorf("cut length: %x, %v; want an empty payload", payload, ok)
	}
}

// Reencode is virtualchain's address_reencode: mainnet and testnet forms of
// a p2pkh or p2sh hash map to the network's form; other versions and bad
// checksums are refused.
func TestReencode(t *testing.T) {
	h := SumHash160([]byte("key"))
	for _, script := range [][]byte{p2pkhScript(h), p2shScript(h)} {
		for _, to := range []Params{MainnetParams, TestnetParams} {
			for _, from := range []Params{MainnetParams, TestnetParams} {
				got, err := to.Reencode(from.Address(script))
				if want := to.Address(script); err != nil || got != want {
					t.Errorf("%x from %+v to %+v: %q %v, want %q", script, from, to, got, err, want)
				}
			}
		}
	}
	simnet := base58.CheckEncode(h[:], 0x3f)
	if _, err := TestnetParams.Reencode(simnet); !errors.Is(err, ErrAddressVersion) {
		t.Errorf("a simnet address: %v, want ErrAddressVersion", err)
	}
	good := MainnetParams.Address(p2pkhScript(h))
	bad := good[:len(good)-1] + map[bool]string{true: "2", false: "3"}[good[len(good)-1] == '3']
	if _, err := TestnetParams.Reencode(bad); err == nil || errors.Is(err, ErrAddressVersion) {
		t.Errorf("a bad checksum: %v", err)
	}
}
