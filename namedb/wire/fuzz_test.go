package wire

import (
	"bytes"
	"encoding/json"
	"testing"

	btcwire "github.com/btcsuite/btcd/wire/v2"
)

// FuzzDecode: any bytes in any epoch either fail with a *RuleError or decode
// to an operation that encodes back to exactly the same bytes, and whose JSON
// reads back to the same operation.
func FuzzDecode(f *testing.F) {
	seeds := []string{
		"69643f" + h20 + h16,
		"69643f" + h20 + h16 + "000000017d784000" + nulPad("STACKS", 19),
		"69643a" + hx("muneeb.id"),
		"69643a" + nulPad("muneeb.id", 37) + h20,
		"69643a" + nulPad("muneeb.id", 37) + h20 + "0000000000000007",
		"69642b" + h16 + h20,
		"69643e3e" + h16 + h16,
		"69647e" + hx("muneeb.id"),
		"69643b" + hx("muneeb.id"),
		"69642a" + h20 + h16,
		"69642a" + h20 + h16 + "000000017d784000",
		"696426" + reveal("0001", "44", "id"),
		"696421" + hx(".id"),
		"696423" + h20,
		"696424" + h16 + nulPad("STACKS", 19) + "00000000000f4240" + "beef",
	}
	for _, s := range seeds {
		for _, e := range []byte{0, 1, 3, 4, 5} {
			f.Add(unhex(f, s), e)
		}
	}
	f.Fuzz(func(t *testing.T, payload []byte, e byte) {
		epoch := Epoch(e % 6)
		op, err := Decode(payload, MainnetMagic, epoch)
		if err != nil {
			if _, ok := CodeOf(err); !ok {
				t.Fatalf("error without a reason code: %v", err)
			}
			return
		}
		enc, err := Encode(op, MainnetMagic)
		if err != nil {
			t.Fatalf("decoded %x to %+v but cannot encode it: %v", payload, op, err)
		}
		if !bytes.Equal(enc, payload) {
			t.Fatalf("round trip %x -> %x", payload, enc)
		}
		js, err := MarshalOpJSON(op)
		if err != nil {
			t.Fatal(err)
		}
		back, err := UnmarshalOpJSON(js)
		if err != nil {
			t.Fatalf("JSON %s does not read back: %v", js, err)
		}
		if enc2, err := Encode(back, MainnetMagic); err != nil || !bytes.Equal(enc2, payload) {
			t.Fatalf("JSON round trip %s -> %x, %v", js, enc2, err)
		}
	})
}

// FuzzDecodeTx: any bytes that parse as a transaction either fail with a
// reason code or give an operation whose payload re-encodes exactly.
func FuzzDecodeTx(f *testing.F) {
	raw, err := readRawTxHex()
	if err != nil {
		f.Fatal(err)
	}
	for _, h := range raw {
		f.Add(unhex(f, h))
	}
	var buf bytes.Buffer
	for _, tx := range []*btcwire.MsgTx{
		mkTx(f, "69643a"+hx("muneeb.id"), out(ownerScript, 5500), out(changeScript, 1), out(BurnScript(), 25000)),
		mkTx(f, "69643b"+hx("muneeb.id"), out(ownerScript, 5500), out(p2pkhScript(Hash160{1}), 5500)),
		mkTx(f, "696426"+reveal("0001", "44", "id"), out(ownerScript, 5500), out(changeScript, 1)),
	} {
		buf.Reset()
		_ = tx.Serialize(&buf)
		f.Add(append([]byte(nil), buf.Bytes()...))
	}
	f.Fuzz(func(t *testing.T, rawTx []byte) {
		tx := &btcwire.MsgTx{}
		if err := tx.Deserialize(bytes.NewReader(rawTx)); err != nil {
			return
		}
		for _, p := range []Params{MainnetParams, TestnetParams} {
			top, err := DecodeTx(tx, nil, p, AnyEpoch)
			if err != nil {
				if _, ok := CodeOf(err); !ok {
					t.Fatalf("error without a reason code: %v", err)
				}
				continue
			}
			payload, _ := FindPayload(tx)
			enc, err := Encode(top.Op, p.Magic)
			if err != nil || !bytes.Equal(enc, payload) {
				t.Fatalf("payload %x re-encodes to %x, %v", payload, enc, err)
			}
			if _, err := json.Marshal(top); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// FuzzUnmarshalOpJSON: JSON from anyone either fails or gives an operation
// that encodes, and whose payload decodes back to the same JSON.
func FuzzUnmarshalOpJSON(f *testing.F) {
	f.Add([]byte(`{"opcode":"NAME_REVOKE","name":"a.id"}`))
	f.Add([]byte(`{"opcode":"NAME_RENEWAL","op":"::","name":"a.id","value_hash":"` + h20 + `","token_fee":7}`))
	f.Add([]byte(`{"opcode":"TOKEN_TRANSFER","consensus_hash":"` + h16 + `","token_units":"hex:00000000000000000000000000000000000041","token_fee":1,"scratch_area":"00"}`))
	f.Add([]byte(`{"opcode":"NAMESPACE_REVEAL","lifetime":1,"coeff":2,"base":3,"buckets":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,0],"nonalpha_discount":1,"no_vowel_discount":15,"version":2,"namespace_id":"x"}`))
	f.Fuzz(func(t *testing.T, js []byte) {
		op, err := UnmarshalOpJSON(js)
		if err != nil {
			return
		}
		payload, err := Encode(op, MainnetMagic)
		if err != nil {
			return // e.g. a name that breaks the syntax: refused, not a crash
		}
		back, err := Decode(payload, MainnetMagic, AnyEpoch)
		if err != nil {
			t.Fatalf("encoded %x from %s does not decode: %v", payload, js, err)
		}
		if r, ok := op.(*NameRegistration); ok {
			back.(*NameRegistration).Renewal = r.Renewal
		}
		a, _ := MarshalOpJSON(op)
		b, _ := MarshalOpJSON(back)
		if !bytes.Equal(a, b) {
			t.Fatalf("JSON %s -> %x -> %s", a, payload, b)
		}
	})
}

func readRawTxHex() ([]string, error) {
	var vs []rawTxVector
	b, err := readTestdata("raw-tx.json")
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &vs); err != nil {
		return nil, err
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Hex
	}
	return out, nil
}

// Reencode takes any string: an error, or an address of the wanted
// network that maps back to the same form from the other network.
func FuzzReencode(f *testing.F) {
	h := SumHash160([]byte("seed"))
	for _, p := range []Params{MainnetParams, TestnetParams} {
		f.Add(p.Address(p2pkhScript(h)))
		f.Add(p.Address(p2shScript(h)))
	}
	f.Add("1111111111111111111114oLvT2")
	f.Add("SSXMcDiCZ7yFSQSUj7mWzmDcdwYhq97p2i")
	f.Fuzz(func(t *testing.T, addr string) {
		test, err := TestnetParams.Reencode(addr)
		main, err2 := MainnetParams.Reencode(addr)
		if (err == nil) != (err2 == nil) {
			t.Fatalf("%q: testnet %v, mainnet %v", addr, err, err2)
		}
		if err != nil {
			return
		}
		if back, err := MainnetParams.Reencode(test); err != nil || back != main {
			t.Fatalf("%q: testnet %q back to mainnet %q %v, want %q", addr, test, back, err, main)
		}
		if again, err := TestnetParams.Reencode(main); err != nil || again != test {
			t.Fatalf("%q: mainnet %q to testnet %q %v, want %q", addr, main, again, err, test)
		}
	})
}
