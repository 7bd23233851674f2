package namedb

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// odd strings: every class appendJSONString copies or hands on.
var oddStrings = []string{"", "a.id", "muneeb.id", `q"uote`, `back\slash`, "<tag>", "a&b", "tab\there", "nl\n", "\x00\x01\x1f",
	"\x7f", "é", "日本", "\u2028\u2029", "\xff\xfe bad utf-8", "~!@#$%^*()_+-=[]{}|;':,./?"}

func randString(r *rand.Rand) string {
	if r.IntN(3) == 0 {
		return oddStrings[r.IntN(len(oddStrings))]
	}
	b := make([]byte, r.IntN(40))
	for i := range b {
		b[i] = byte(r.IntN(256))
		if r.IntN(4) != 0 {
			b[i] = byte(0x20 + r.IntN(0x5f))
		}
	}
	return string(b)
}

func randHex(r *rand.Rand) Hex {
	switch r.IntN(3) {
	case 0:
		return nil
	case 1:
		return Hex{}
	}
	b := make(Hex, 1+r.IntN(40))
	for i := range b {
		b[i] = byte(r.IntN(256))
	}
	return b
}

func randFee(r *rand.Rand) Fee {
	switch r.IntN(6) {
	case 0:
		return Fee{IsFloat: true, Float: r.Float64() * 1e6}
	case 1:
		return Fee{IsFloat: true, Float: []float64{0, 1e-7, 1e21, -3.5, math.Inf(1), math.NaN()}[r.IntN(6)]}
	}
	return Fee{Int: r.Int64N(1<<62) - 1<<61}
}

func randInt(r *rand.Rand) int64 {
	if r.IntN(4) == 0 {
		return []int64{0, -1, math.MaxInt64, math.MinInt64}[r.IntN(4)]
	}
	return r.Int64N(1_000_000)
}

func randName(r *rand.Rand) *NameRecord {
	rec := &NameRecord{
		Name: randString(r), NamespaceID: randString(r), Sender: randHex(r), SenderPubkey: randHex(r),
		Address: randString(r), BlockNumber: randInt(r), PreorderBlockNumber: randInt(r),
		FirstRegistered: randInt(r), LastRenewed: randInt(r), Revoked: r.IntN(2) == 0,
		Op: randString(r), Opcode: randString(r), TxID: randString(r), Vtxindex: int(randInt(r)),
		OpFee: randFee(r), Importer: randHex(r), NamespaceBlockNumber: randInt(r), LastCreationOp: randString(r),
	}
	for i := range rec.PreorderHash {
		rec.PreorderHash[i] = byte(r.IntN(256))
	}
	rec.NameHash128 = wire.NameHash128(rec.Name)
	if r.IntN(2) == 0 {
		vh := wire.Hash160{byte(r.IntN(256)), 7}
		rec.ValueHash = &vh
	}
	if r.IntN(2) == 0 {
		a := randString(r)
		rec.ImporterAddress = &a
	}
	if r.IntN(2) == 0 {
		ch := wire.Hash128{byte(r.IntN(256)), 9}
		rec.ConsensusHash = &ch
	}
	return rec
}

func randPreorder(r *rand.Rand) *PreorderRecord {
	p := &PreorderRecord{
		Sender: randHex(r), SenderPubkey: randHex(r), Address: randString(r), BlockNumber: randInt(r),
		Op: randString(r), Opcode: randString(r), TxID: randString(r), Vtxindex: int(randInt(r)),
		OpFee: randFee(r), BurnAddress: randString(r), Namespace: r.IntN(2) == 0,
	}
	p.PreorderHash[3], p.ConsensusHash[5] = byte(r.IntN(256)), byte(r.IntN(256))
	return p
}

// sameAsEncodingJSON fails t unless got (and its error) is what
// json.Marshal gives for v.
func sameAsEncodingJSON(t *testing.T, v any, got []byte, gotErr error) {
	t.Helper()
	want, wantErr := json.Marshal(v)
	if (gotErr != nil) != (wantErr != nil) {
		t.Fatalf("error %v, encoding/json's %v", gotErr, wantErr)
	}
	if wantErr == nil && !bytes.Equal(got, want) {
		t.Fatalf("\n got %s\nwant %s", got, want)
	}
}

func TestRecordJSONMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20_000 {
		rec := randName(r)
		got, err := marshalName(rec)
		sameAsEncodingJSON(t, rec, got, err)
		p := randPreorder(r)
		got, err = marshalPreorder(p)
		sameAsEncodingJSON(t, p, got, err)
	}
	var nilName *NameRecord
	got, err := marshalName(nilName)
	sameAsEncodingJSON(t, nilName, got, err)
	var nilPreorder *PreorderRecord
	got, err = marshalPreorder(nilPreorder)
	sameAsEncodingJSON(t, nilPreorder, got, err)
	for _, s := range oddStrings {
		q, _ := json.Marshal(s)
		if got := appendJSONString([]byte("x"), s); !bytes.Equal(got, append([]byte("x"), q...)) {
			t.Fatalf("string %q: %s, want %s", s, got, q)
		}
	}
}

// realHistory is the history of patrickstanley.id on mainnet (the copy of
// shared/data/vectors that the API's tests use).
func realHistory(tb testing.TB) map[string][]json.RawMessage {
	tb.Helper()
	raw, err := os.ReadFile("../mirror/httpapi/testdata/patrickstanley.id-history.json")
	if err != nil {
		tb.Fatal(err)
	}
	var hist map[string][]json.RawMessage
	if err := json.Unmarshal(raw, &hist); err != nil {
		tb.Fatal(err)
	}
	return hist
}

// The real records of patrickstanley.id re-encode as encoding/json does.
func TestRecordJSONRealRecords(t *testing.T) {
	hist := realHistory(t)
	names, preorders := 0, 0
	for _, recs := range hist {
		for _, js := range recs {
			var probe map[string]any
			json.Unmarshal(js, &probe)
			if _, ok := probe["name"]; ok {
				rec := &NameRecord{}
				if err := json.Unmarshal(js, rec); err != nil {
					t.Fatal(err)
				}
				got, err := marshalName(rec)
				sameAsEncodingJSON(t, rec, got, err)
				names++
			} else {
				p := &PreorderRecord{}
				if err := json.Unmarshal(js, p); err != nil {
					t.Fatal(err)
				}
				got, err := marshalPreorder(p)
				sameAsEncodingJSON(t, p, got, err)
				preorders++
			}
		}
	}
	if names != 3 || preorders != 1 {
		t.Fatalf("%d name and %d preorder records, want the file's 3 and 1", names, preorders)
	}
}

// FuzzRecordJSON: whatever the fields, the records encode as encoding/json
// encodes them.
func FuzzRecordJSON(f *testing.F) {
	f.Add("a.id", "id", []byte{0x76, 0xa9}, int64(5), false, 1.5, "<&>")
	f.Add("", "", []byte(nil), int64(-1), true, math.Inf(1), "\xff")
	f.Fuzz(func(t *testing.T, name, ns string, sender []byte, n int64, float bool, fee float64, other string) {
		rec := &NameRecord{Name: name, NamespaceID: ns, Sender: sender, SenderPubkey: Hex(other),
			Address: other, BlockNumber: n, FirstRegistered: -n, Op: other, TxID: name + other,
			OpFee: Fee{Int: n, Float: fee, IsFloat: float}, ImporterAddress: &other, LastCreationOp: ns,
			PreorderBlockNumber: n ^ 7}
		got, err := marshalName(rec)
		sameAsEncodingJSON(t, rec, got, err)
		p := &PreorderRecord{Sender: sender, Address: name, BlockNumber: n, Op: ns, Opcode: other,
			OpFee: Fee{Int: n, Float: fee, IsFloat: float}, BurnAddress: other}
		got, err = marshalPreorder(p)
		sameAsEncodingJSON(t, p, got, err)
	})
}

func BenchmarkRecordJSON(b *testing.B) {
	rec := &NameRecord{}
	if err := json.Unmarshal(realHistory(b)["445851"][0], rec); err != nil {
		b.Fatal(err)
	}
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			json.Marshal(rec)
		}
	})
	b.Run("marshalName", func(b *testing.B) {
		for b.Loop() {
			marshalName(rec)
		}
	})
}
