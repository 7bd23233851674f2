package wire

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"

	btcwire "github.com/btcsuite/btcd/wire/v2"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func parseTx(t testing.TB, h string) *btcwire.MsgTx {
	t.Helper()
	tx := &btcwire.MsgTx{}
	if err := tx.Deserialize(bytes.NewReader(unhex(t, h))); err != nil {
		t.Fatalf("deserialize tx: %v", err)
	}
	return tx
}

// The §4 hash and base-40 vectors of PROTOCOL.md.
func TestHashVectors(t *testing.T) {
	b40 := []struct{ in, want string }{
		{"muneeb.id", "87b0059d8e5d"},
		{"patrickstanley.id", "0381b828fc90005bc6ed845d"},
	}
	for _, c := range b40 {
		got, err := B40(c.in)
		if err != nil || hex.EncodeToString(got) != c.want {
			t.Errorf("B40(%q) = %x, %v; want %s", c.in, got, err, c.want)
		}
	}
	h128 := []struct{ in, want string }{
		{"jude.id" + "8d8762c37d82360b84cf4d87f32f7754", "d1062edb9ec9c85ad1aca6d37f2f5793"},
		{"muneeb.id", "deb7fe99776122b77925cbf0a24ab6f8"},
		{"ablankstein.id", "943b8e0613d975c05a05ccd5472e2a72"},
		{"patrickstanley.id", "683a3e1ee5f0296833c56e481cf41b77"},
		{"999", "83cf8b609de60036a8277bd0e9613575"},
	}
	for _, c := range h128 {
		if got := SumHash128([]byte(c.in)).String(); got != c.want {
			t.Errorf("hash128(%q) = %s, want %s", c.in, got, c.want)
		}
	}
	if got := SumHash160([]byte("1234")).String(); got != "fd7a0d80999bedd76c9a0828057817fc6049a507" {
		t.Errorf("hash160(1234) = %s", got)
	}
	ch, _ := ParseHash128("18b8d69f0182b89ccb1aa536f83be18a")
	if got := NameConsensusHash("patrickstanley.id", ch).String(); got != "93d8b6008b260febd26fb03bc502c533" {
		t.Errorf("update hash of patrickstanley.id = %s", got)
	}
	ph, err := PreorderHash("patrickstanley.id", unhex(t, "76a91408d0dd44c1f0a3a4f0957ae95901929d7d66d55788ac"), "17CbHgTgBG3kLedXNneEKBkCTgW2fyrnUD")
	if err != nil || ph.String() != "26bf7874706ac761afdd403ed6b3b9578fb01a34" {
		t.Errorf("preorder hash of patrickstanley.id = %s, %v", ph, err)
	}
	if got := hex.EncodeToString(BurnScript()); got != "76a914000000000000000000000000000000000000000088ac" {
		t.Errorf("burn script %s", got)
	}
	if got := MainnetParams.Address(BurnScript()); got != "1111111111111111111114oLvT2" {
		t.Errorf("burn address %s", got)
	}
}

type rawTxVector struct {
	Network  string `json:"network"`
	Opcode   string `json:"opcode"`
	Op       string `json:"op"`
	Note     string `json:"note"`
	Hex      string `json:"hex"`
	TxID     string `json:"txid"`
	CH       string `json:"consensus_hash"`
	Expected struct {
		PreorderHash  string  `json:"preorder_hash"`
		ConsensusHash string  `json:"consensus_hash"`
		OpFee         int64   `json:"op_fee"`
		TokenFee      *uint64 `json:"token_fee"`
		Sender        string  `json:"sender"`
		SenderPubkey  *string `json:"sender_pubkey"`
		Address       string  `json:"address"`
		BurnOutput    string  `json:"burn_output"`
		PaymentOutput string  `json:"payment_output"`
		ChangeOutput  string  `json:"change_output"`
	} `json:"expect"`
}

// Every raw transaction of shared/data/vectors/raw-tx.json decodes to exactly
// the expected fields, and its payload re-encodes to the same bytes (A2).
func TestRawTxVectors(t *testing.T) {
	raw, err := readTestdata("raw-tx.json")
	if err != nil {
		t.Fatal(err)
	}
	var vs []rawTxVector
	if err := json.Unmarshal(raw, &vs); err != nil {
		t.Fatal(err)
	}
	if len(vs) != 5 {
		t.Fatalf("want 5 vectors, got %d", len(vs))
	}
	for _, v := range vs {
		t.Run(v.TxID[:8], func(t *testing.T) {
			tx := parseTx(t, v.Hex)
			if got := tx.TxHash().String(); got != v.TxID {
				t.Fatalf("txid %s, want %s", got, v.TxID)
			}
			p := TestnetParams
			if v.Network[:9] == "synthetic" {
				p = MainnetParams
			}
			epoch := Epoch3
			if v.Expected.TokenFee != nil {
				epoch = Epoch4
			}
			top, err := DecodeTx(tx, nil, p, epoch)
			if err != nil {
				t.Fatalf("DecodeTx: %v", err)
			}
			if top.Op.OpcodeName() != v.Op || string(top.Op.Opcode()) != v.Opcode {
				t.Fatalf("decoded %s (%c), want %s (%s)", top.Op.OpcodeName(), top.Op.Opcode(), v.Op, v.Opcode)
			}
			var preorder, ch string
			var tokenFee *uint64
			switch op := top.Op.(type) {
			case *NamespacePreorder:
				preorder, ch, tokenFee = op.PreorderHash.String(), op.ConsensusHash.String(), op.TokenFee
			case *NamePreorder:
				preorder, ch, tokenFee = op.PreorderHash.String(), op.ConsensusHash.String(), op.TokenFee
			}
			wantCH := v.CH
			if v.Expected.ConsensusHash != "" {
				wantCH = v.Expected.ConsensusHash
			}
			if preorder != v.Expected.PreorderHash || ch != wantCH {
				t.Errorf("preorder %s ch %s; want %s %s", preorder, ch, v.Expected.PreorderHash, wantCH)
			}
			if (tokenFee == nil) != (v.Expected.TokenFee == nil) || (tokenFee != nil && *tokenFee != *v.Expected.TokenFee) {
				t.Errorf("token_fee %v, want %v", tokenFee, v.Expected.TokenFee)
			}
			if top.Payment == nil || top.Payment.Value != v.Expected.OpFee {
				t.Errorf("op_fee %+v, want %d", top.Payment, v.Expected.OpFee)
			}
			payScript := v.Expected.BurnOutput + v.Expected.PaymentOutput
			if hex.EncodeToString(top.Payment.Script) != payScript {
				t.Errorf("payment output %x, want %s", top.Payment.Script, payScript)
			}
			if v.Expected.Sender != "" && hex.EncodeToString(top.Sender) != v.Expected.Sender {
				t.Errorf("sender %x, want %s", top.Sender, v.Expected.Sender)
			}
			if v.Expected.Address != "" && top.SenderAddress != v.Expected.Address {
				t.Errorf("address %s, want %s", top.SenderAddress, v.Expected.Address)
			}
			gotPub := ""
			if top.SenderPubkey != nil {
				gotPub = hex.EncodeToString(top.SenderPubkey)
			}
			wantPub := ""
			if v.Expected.SenderPubkey != nil {
				wantPub = *v.Expected.SenderPubkey
			}
			if gotPub != wantPub {
				t.Errorf("sender_pubkey %q, want %q", gotPub, wantPub)
			}
			if v.Expected.ChangeOutput != "" && hex.EncodeToString(tx.TxOut[1].PkScript) != v.Expected.ChangeOutput {
				t.Errorf("change output %x", tx.TxOut[1].PkScript)
			}
			// Re-encode: the same OP_RETURN payload, byte for byte.
			payload, _ := FindPayload(tx)
			enc, err := Encode(top.Op, p.Magic)
			if err != nil || !bytes.Equal(enc, payload) {
				t.Errorf("re-encoded %x, %v; want %x", enc, err, payload)
			}
			// The same payload in the wrong epoch is refused with a reason.
			other := Epoch4
			if epoch == Epoch4 {
				other = Epoch3
			}
			if _, err := Decode(payload, p.Magic, other); top.Op.Opcode() == OpNamespacePreorder && err == nil {
				t.Errorf("namespace preorder body of %d bytes accepted in epoch %d", len(payload)-3, other)
			}
		})
	}
}

// A real registration + update + transfer + preorder of patrickstanley.id and
// the 14 real operations of block 462592, as payloads rebuilt from the
// records: they decode to the record's fields and re-encode to the same bytes.
func TestRealRecordPayloads(t *testing.T) {
	type rec struct {
		Name          string `json:"name"`
		Opcode        string `json:"opcode"`
		Op            string `json:"op"`
		PreorderHash  string `json:"preorder_hash"`
		ConsensusHash string `json:"consensus_hash"`
		NameHash128   string `json:"name_hash128"`
		ValueHash     string `json:"value_hash"`
	}
	var recs []rec
	var hist map[string][]rec
	b, _ := os.ReadFile("testdata/patrickstanley.id-history.json")
	if err := json.Unmarshal(b, &hist); err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"445838", "445851", "445873", "445884"} {
		recs = append(recs, hist[h]...)
	}
	var block []rec
	b, _ = os.ReadFile("testdata/block-462592-operations.json")
	if err := json.Unmarshal(b, &block); err != nil {
		t.Fatal(err)
	}
	if len(block) != 14 {
		t.Fatalf("block 462592: %d records", len(block))
	}
	recs = append(recs, block...)
	// The update's payload CH is its record's consensus_hash; the transfer's
	// payload CH (that of block 445875) is unknown, so a stand-in is used.
	standIn := "00112233445566778899aabbccddeeff"
	for i, r := range recs {
		var payload string
		switch r.Opcode {
		case "NAME_PREORDER":
			payload = "69643f" + r.PreorderHash + r.ConsensusHash
		case "NAME_REGISTRATION":
			payload = "69643a" + hex.EncodeToString([]byte(r.Name))
		case "NAME_UPDATE":
			ch, _ := ParseHash128(r.ConsensusHash)
			payload = "69642b" + NameConsensusHash(r.Name, ch).String() + r.ValueHash
		case "NAME_TRANSFER":
			if got := NameHash128(r.Name).String(); got != r.NameHash128 {
				t.Errorf("%s: hash128 %s, record says %s", r.Name, got, r.NameHash128)
			}
			payload = "69643e3e" + r.NameHash128 + standIn
		default:
			t.Fatalf("record %d: unexpected opcode %s", i, r.Opcode)
		}
		p := unhex(t, payload)
		op, err := Decode(p, MainnetMagic, Epoch2)
		if err != nil {
			t.Fatalf("record %d (%s %s): %v", i, r.Opcode, r.Name, err)
		}
		if op.OpcodeName() != r.Opcode || op.StoredOp() != r.Op {
			t.Errorf("record %d: %s %s, want %s %s", i, op.OpcodeName(), op.StoredOp(), r.Opcode, r.Op)
		}
		switch o := op.(type) {
		case *NamePreorder:
			if o.PreorderHash.String() != r.PreorderHash || o.ConsensusHash.String() != r.ConsensusHash {
				t.Errorf("record %d: %+v", i, o)
			}
		case *NameRegistration:
			if o.Name != r.Name || o.ValueHash != nil {
				t.Errorf("record %d: %+v", i, o)
			}
		case *NameUpdate:
			if o.ValueHash.String() != r.ValueHash || o.NameConsensusHash.String() != "93d8b6008b260febd26fb03bc502c533" {
				t.Errorf("record %d: %+v", i, o)
			}
		case *NameTransfer:
			if !o.KeepData || o.NameHash128.String() != r.NameHash128 || o.ConsensusHash.String() != standIn {
				t.Errorf("record %d: %+v", i, o)
			}
		}
		enc, err := Encode(op, MainnetMagic)
		if err != nil || !bytes.Equal(enc, p) {
			t.Errorf("record %d: re-encoded %x, %v; want %x", i, enc, err, p)
		}
	}
}
