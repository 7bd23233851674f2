package wire

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

const (
	h20 = "0102030405060708090a0b0c0d0e0f1011121314"
	h16 = "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"
)

func hx(s string) string            { return hex.EncodeToString([]byte(s)) }
func nulPad(s string, n int) string { return hx(s) + strings.Repeat("00", n-len(s)) }

// reveal builds a NAMESPACE_REVEAL body: lifetime, coeff, base, buckets,
// discounts, version, id.
func reveal(version, discounts, id string) string {
	return "0000cd73" + "fa" + "04" + "6543210000000000" + discounts + version + hx(id)
}

// Every operation: valid payloads decode to the right operation and
// re-encode to the same bytes, in the epochs that allow them; every way a
// payload can be invalid gives its own reason code.
func TestPayloads(t *testing.T) {
	cases := []struct {
		name    string
		payload string // hex, from the magic on
		epoch   Epoch
		want    string // opcode name for valid payloads
		code    ErrorCode
		check   func(t *testing.T, op Op)
	}{
		// NAME_PREORDER
		{name: "preorder", payload: "69643f" + h20 + h16, epoch: Epoch1, want: "NAME_PREORDER", check: func(t *testing.T, op Op) {
			o := op.(*NamePreorder)
			if o.PreorderHash.String() != h20 || o.ConsensusHash.String() != h16 || o.TokenFee != nil {
				t.Errorf("%+v", o)
			}
		}},
		{name: "preorder with token fee epoch 4", payload: "69643f" + h20 + h16 + "000000017d784000" + nulPad("STACKS", 19), epoch: Epoch4, want: "NAME_PREORDER", check: func(t *testing.T, op Op) {
			o := op.(*NamePreorder)
			if *o.TokenFee != 6400000000 || o.TokenUnits.String() != "STACKS" {
				t.Errorf("%+v", o)
			}
		}},
		{name: "preorder token units not canonical", payload: "69643f" + h20 + h16 + "0000000000000001" + "00" + nulPad("STACKS", 18), epoch: Epoch5, want: "NAME_PREORDER"},
		{name: "preorder with token fee epoch 3", payload: "69643f" + h20 + h16 + "000000017d784000" + nulPad("STACKS", 19), epoch: Epoch3, code: ErrNotInEpoch},
		{name: "preorder short", payload: "69643f" + h20 + h16[:30], epoch: Epoch3, code: ErrBodyLength},
		{name: "preorder long", payload: "69643f" + h20 + h16 + "00", epoch: Epoch4, code: ErrBodyLength},

		// NAME_REGISTRATION
		{name: "registration raw", payload: "69643a" + hx("muneeb.id"), epoch: Epoch1, want: "NAME_REGISTRATION", check: func(t *testing.T, op Op) {
			if o := op.(*NameRegistration); o.Name != "muneeb.id" || o.ValueHash != nil || o.StoredOp() != ":" {
				t.Errorf("%+v", o)
			}
		}},
		{name: "registration shortest", payload: "69643a" + hx("a.b"), epoch: Epoch1, want: "NAME_REGISTRATION"},
		{name: "registration 37 bytes", payload: "69643a" + hx(strings.Repeat("a", 35)+".b"), epoch: Epoch1, want: "NAME_REGISTRATION"},
		{name: "registration 38 bytes", payload: "69643a" + hx(strings.Repeat("a", 36)+".b"), epoch: Epoch1, code: ErrInvalidName},
		{name: "registration value hash epoch 3", payload: "69643a" + nulPad("muneeb.id", 37) + h20, epoch: Epoch3, want: "NAME_REGISTRATION", check: func(t *testing.T, op Op) {
			if o := op.(*NameRegistration); o.Name != "muneeb.id" || o.ValueHash == nil || o.ValueHash.String() != h20 || o.TokenFee != nil {
				t.Errorf("%+v", o)
			}
		}},
		{name: "registration value hash full-width name", payload: "69643a" + hx(strings.Repeat("z", 34)+".id") + h20, epoch: Epoch3, want: "NAME_REGISTRATION"},
		{name: "registration value hash epoch 2", payload: "69643a" + nulPad("muneeb.id", 37) + h20, epoch: Epoch2, code: ErrNotInEpoch},
		{name: "registration token epoch 4", payload: "69643a" + nulPad("muneeb.id", 37) + h20 + "0000000000000000", epoch: Epoch4, want: "NAME_REGISTRATION", check: func(t *testing.T, op Op) {
			if o := op.(*NameRegistration); o.TokenFee == nil || *o.TokenFee != 0 {
				t.Errorf("%+v", o)
			}
		}},
		{name: "registration token epoch 3", payload: "69643a" + nulPad("muneeb.id", 37) + h20 + "0000000000000000", epoch: Epoch3, code: ErrNotInEpoch},
		{name: "registration 58-byte body", payload: "69643a" + nulPad("muneeb.id", 37) + h20 + "00", epoch: Epoch4, code: ErrBodyLength},
		{name: "registration stray NUL", payload: "69643a" + hx("muneeb.id") + "00", epoch: Epoch1, code: ErrInvalidName},
		{name: "registration NUL inside padded name", payload: "69643a" + hx("mun") + "00" + nulPad("eb.id", 33) + h20, epoch: Epoch3, code: ErrInvalidName},
		{name: "registration upper case", payload: "69643a" + hx("Muneeb.id"), epoch: Epoch1, code: ErrInvalidName},
		{name: "registration no dot", payload: "69643a" + hx("muneebid"), epoch: Epoch1, code: ErrInvalidName},
		{name: "registration two dots", payload: "69643a" + hx("a.b.id"), epoch: Epoch1, code: ErrInvalidName},
		{name: "registration plus", payload: "69643a" + hx("a+b.id"), epoch: Epoch1, code: ErrInvalidName},
		{name: "registration empty name", payload: "69643a" + hx(".id"), epoch: Epoch1, code: ErrInvalidName},
		{name: "registration empty namespace", payload: "69643a" + hx("abc."), epoch: Epoch1, code: ErrInvalidName},
		{name: "registration namespace 20 chars", payload: "69643a" + hx("a."+strings.Repeat("n", 20)), epoch: Epoch1, code: ErrInvalidName},
		{name: "registration empty body", payload: "69643a", epoch: Epoch1, code: ErrInvalidName},

		// NAME_UPDATE
		{name: "update", payload: "69642b" + h16 + h20, epoch: Epoch1, want: "NAME_UPDATE", check: func(t *testing.T, op Op) {
			if o := op.(*NameUpdate); o.NameConsensusHash.String() != h16 || o.ValueHash.String() != h20 {
				t.Errorf("%+v", o)
			}
		}},
		{name: "update short", payload: "69642b" + h16 + h20[:38], epoch: Epoch1, code: ErrBodyLength},
		{name: "update long", payload: "69642b" + h16 + h20 + "00", epoch: Epoch1, code: ErrBodyLength},

		// NAME_TRANSFER
		{name: "transfer keep", payload: "69643e3e" + h16 + h16, epoch: Epoch1, want: "NAME_TRANSFER", check: func(t *testing.T, op Op) {
			if o := op.(*NameTransfer); !o.KeepData || o.StoredOp() != ">>" {
				t.Errorf("%+v", o)
			}
		}},
		{name: "transfer clear", payload: "69643e7e" + h16 + h16, epoch: Epoch1, want: "NAME_TRANSFER", check: func(t *testing.T, op Op) {
			if o := op.(*NameTransfer); o.KeepData || o.StoredOp() != ">~" {
				t.Errorf("%+v", o)
			}
		}},
		{name: "transfer bad disposition", payload: "69643e21" + h16 + h16, epoch: Epoch1, code: ErrBadDisposition},
		{name: "transfer short", payload: "69643e3e" + h16 + h16[:30], epoch: Epoch1, code: ErrBodyLength},

		// NAME_REVOKE, NAME_IMPORT
		{name: "revoke", payload: "69647e" + hx("muneeb.id"), epoch: Epoch1, want: "NAME_REVOKE"},
		{name: "revoke bad name", payload: "69647e" + hx("muneeb"), epoch: Epoch1, code: ErrInvalidName},
		{name: "import", payload: "69643b" + hx("muneeb.id"), epoch: Epoch1, want: "NAME_IMPORT"},
		{name: "import bad name", payload: "69643b" + hx("muneeb.id") + "00", epoch: Epoch1, code: ErrInvalidName},

		// NAMESPACE_PREORDER
		{name: "namespace preorder epoch 3", payload: "69642a" + h20 + h16, epoch: Epoch3, want: "NAMESPACE_PREORDER"},
		{name: "namespace preorder 36 bytes in epoch 4", payload: "69642a" + h20 + h16, epoch: Epoch4, code: ErrNotInEpoch},
		{name: "namespace preorder token epoch 4", payload: "69642a" + h20 + h16 + "000000017d784000", epoch: Epoch4, want: "NAMESPACE_PREORDER"},
		{name: "namespace preorder token epoch 2", payload: "69642a" + h20 + h16 + "000000017d784000", epoch: Epoch2, code: ErrNotInEpoch},
		{name: "namespace preorder 40 bytes", payload: "69642a" + h20 + h16 + "00000000", epoch: Epoch4, code: ErrBodyLength},

		// NAMESPACE_REVEAL
		{name: "reveal", payload: "696426" + reveal("0001", "44", "id"), epoch: Epoch1, want: "NAMESPACE_REVEAL", check: func(t *testing.T, op Op) {
			o := op.(*NamespaceReveal)
			want := [16]uint8{6, 5, 4, 3, 2, 1}
			if o.NamespaceID != "id" || o.Lifetime != 52595 || o.Coeff != 250 || o.Base != 4 || o.Buckets != want ||
				o.NonalphaDiscount != 4 || o.NoVowelDiscount != 4 || o.Version != 1 {
				t.Errorf("%+v", o)
			}
		}},
		{name: "reveal 19-char id", payload: "696426" + reveal("0002", "f1", strings.Repeat("x", 19)), epoch: Epoch3, want: "NAMESPACE_REVEAL"},
		{name: "reveal 20-char id", payload: "696426" + reveal("0002", "f1", strings.Repeat("x", 20)), epoch: Epoch3, code: ErrBodyLength},
		{name: "reveal no id", payload: "696426" + reveal("0001", "44", ""), epoch: Epoch1, code: ErrBodyLength},
		{name: "reveal bad id", payload: "696426" + reveal("0001", "44", "i.d"), epoch: Epoch1, code: ErrInvalidNamespaceID},
		{name: "reveal version 4", payload: "696426" + reveal("0004", "44", "id"), epoch: Epoch1, code: ErrBadNamespaceParams},
		{name: "reveal version 0", payload: "696426" + reveal("0000", "44", "id"), epoch: Epoch1, code: ErrBadNamespaceParams},
		{name: "reveal zero discount", payload: "696426" + reveal("0001", "40", "id"), epoch: Epoch1, code: ErrBadNamespaceParams},

		// NAMESPACE_READY
		{name: "ready", payload: "696421" + hx(".id"), epoch: Epoch1, want: "NAMESPACE_READY"},
		{name: "ready no dot", payload: "696421" + hx("id"), epoch: Epoch1, code: ErrInvalidNamespaceID},
		{name: "ready empty", payload: "696421", epoch: Epoch1, code: ErrInvalidNamespaceID},
		{name: "ready only dot", payload: "696421" + hx("."), epoch: Epoch1, code: ErrInvalidNamespaceID},
		{name: "ready bad char", payload: "696421" + hx(".i+d"), epoch: Epoch1, code: ErrInvalidNamespaceID},

		// ANNOUNCE
		{name: "announce", payload: "696423" + h20, epoch: Epoch1, want: "ANNOUNCE"},
		{name: "announce short", payload: "696423" + h16, epoch: Epoch1, code: ErrBodyLength},

		// TOKEN_TRANSFER
		{name: "token transfer", payload: "696424" + h16 + nulPad("STACKS", 19) + "00000000000f4240" + "beef", epoch: Epoch4, want: "TOKEN_TRANSFER", check: func(t *testing.T, op Op) {
			o := op.(*TokenTransfer)
			if o.TokenFee != 1000000 || o.TokenUnits.String() != "STACKS" || hex.EncodeToString(o.ScratchArea) != "beef" {
				t.Errorf("%+v", o)
			}
		}},
		{name: "token transfer no scratch", payload: "696424" + h16 + nulPad("STACKS", 19) + "00000000000f4240", epoch: Epoch5, want: "TOKEN_TRANSFER"},
		{name: "token transfer epoch 3", payload: "696424" + h16 + nulPad("STACKS", 19) + "00000000000f4240", epoch: Epoch3, code: ErrNotInEpoch},
		{name: "token transfer short", payload: "696424" + h16 + nulPad("STACKS", 19) + "00000000000f42", epoch: Epoch4, code: ErrBodyLength},

		// framing
		{name: "too short", payload: "6964", epoch: Epoch1, code: ErrPayloadTooShort},
		{name: "wrong magic", payload: "69653f" + h20 + h16, epoch: Epoch1, code: ErrWrongMagic},
		{name: "unknown opcode", payload: "696440" + h20, epoch: Epoch1, code: ErrUnknownOpcode},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := unhex(t, c.payload)
			op, err := Decode(p, MainnetMagic, c.epoch)
			if c.want == "" {
				code, ok := CodeOf(err)
				if !ok || code != c.code {
					t.Fatalf("Decode = %v, %v; want error %s", op, err, c.code)
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if op.OpcodeName() != c.want || byte(op.Opcode()) != p[2] {
				t.Fatalf("decoded %s, want %s", op.OpcodeName(), c.want)
			}
			if c.check != nil {
				c.check(t, op)
			}
			enc, err := Encode(op, MainnetMagic)
			if err != nil || !bytes.Equal(enc, p) {
				t.Fatalf("Encode = %x, %v; want %x", enc, err, p)
			}
			// Every valid payload also decodes with AnyEpoch.
			if _, err := Decode(p, MainnetMagic, AnyEpoch); err != nil {
				t.Errorf("AnyEpoch: %v", err)
			}
			// JSON round trip.
			js, err := MarshalOpJSON(op)
			if err != nil {
				t.Fatal(err)
			}
			back, err := UnmarshalOpJSON(js)
			if err != nil {
				t.Fatalf("UnmarshalOpJSON(%s): %v", js, err)
			}
			enc2, err := Encode(back, MainnetMagic)
			if err != nil || !bytes.Equal(enc2, p) {
				t.Fatalf("JSON round trip %s gave %x, %v; want %x", js, enc2, err, p)
			}
		})
	}
}

// Each encoder refuses what it cannot write as a valid payload.
func TestEncodeRefuses(t *testing.T) {
	fee := uint64(1)
	units := TokenUnits{'S'}
	vh := Hash160{}
	for name, op := range map[string]Op{
		"bad name":                &NameRegistration{Name: "no-dot"},
		"token fee without value": &NameRegistration{Name: "a.id", TokenFee: &fee},
		"revoke bad name":         &NameRevoke{Name: "A.id"},
		"import bad name":         &NameImport{Name: "a..id"},
		"ready bad id":            &NamespaceReady{NamespaceID: ""},
		"reveal bad version":      &NamespaceReveal{NamespaceID: "x", Version: 9, NonalphaDiscount: 1, NoVowelDiscount: 1},
		"reveal bad bucket":       &NamespaceReveal{NamespaceID: "x", Version: 1, NonalphaDiscount: 1, NoVowelDiscount: 1, Buckets: [16]uint8{16}},
		"preorder half token":     &NamePreorder{TokenUnits: &units},
	} {
		if b, err := Encode(op, MainnetMagic); err == nil {
			t.Errorf("%s: encoded %x", name, b)
		}
	}
	if _, err := Encode(&NameRegistration{Name: "a.id", ValueHash: &vh, TokenFee: &fee}, MainnetMagic); err != nil {
		t.Errorf("65-byte form: %v", err)
	}
}

func TestUnmarshalOpJSONErrors(t *testing.T) {
	for name, js := range map[string]string{
		"not json":       `{`,
		"no opcode":      `{"name":"a.id"}`,
		"unknown opcode": `{"opcode":"NAME_STEAL"}`,
		"unknown field":  `{"opcode":"NAME_REVOKE","name":"a.id","color":"red"}`,
		"missing field":  `{"opcode":"NAME_UPDATE","value_hash":"` + h20 + `"}`,
		"bad hex":        `{"opcode":"NAME_UPDATE","value_hash":"zz","name_consensus_hash":"` + h16 + `"}`,
		"op mismatch":    `{"opcode":"NAME_TRANSFER","op":">>","keep_data":false,"name_hash128":"` + h16 + `","consensus_hash":"` + h16 + `"}`,
		"units too long": `{"opcode":"TOKEN_TRANSFER","consensus_hash":"` + h16 + `","token_units":"ABCDEFGHIJKLMNOPQRSTU","token_fee":1,"scratch_area":""}`,
	} {
		if op, err := UnmarshalOpJSON([]byte(js)); err == nil {
			t.Errorf("%s: accepted as %+v", name, op)
		}
	}
	// A renewal's JSON encodes as ':' and stays a renewal.
	op, err := UnmarshalOpJSON([]byte(`{"opcode":"NAME_RENEWAL","op":"::","name":"a.id","value_hash":null}`))
	if err != nil || op.StoredOp() != "::" {
		t.Fatalf("renewal: %v %v", op, err)
	}
}

func TestErrorCodeStrings(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Codes() {
		s := c.String()
		if !strings.HasPrefix(s, "Err") || seen[s] {
			t.Errorf("code %d: String() = %q", int(c), s)
		}
		seen[s] = true
	}
	if len(seen) != int(numErrorCodes) {
		t.Errorf("%d names for %d codes", len(seen), numErrorCodes)
	}
	if s := ErrorCode(999).String(); !strings.Contains(s, "999") {
		t.Errorf("unknown code: %q", s)
	}
	err := ruleError(ErrBodyLength, "x")
	if err.Error() != "ErrBodyLength: x" {
		t.Errorf("Error() = %q", err.Error())
	}
	if _, ok := CodeOf(nil); ok {
		t.Error("CodeOf(nil) found a code")
	}
}

func TestNameHelpers(t *testing.T) {
	n, ns, err := SplitName("muneeb.id")
	if err != nil || n != "muneeb" || ns != "id" {
		t.Errorf("SplitName: %q %q %v", n, ns, err)
	}
	if _, err := B40("UPPER"); err == nil {
		t.Error("B40 accepted upper case")
	}
	if b, _ := B40("000"); !bytes.Equal(b, []byte{0}) {
		t.Errorf("B40(000) = %x", b)
	}
	var u TokenUnits
	if err := u.UnmarshalText([]byte("hex:" + strings.Repeat("00", 18) + "41")); err != nil || u[18] != 'A' {
		t.Errorf("hex token units: %v %x", err, u)
	}
	if txt, _ := u.MarshalText(); string(txt) != "hex:"+strings.Repeat("00", 18)+"41" {
		t.Errorf("token units text %s", txt)
	}
}
