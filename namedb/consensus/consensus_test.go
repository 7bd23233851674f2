package consensus

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// The serializations P and R of PROTOCOL.md §8.3: the real preorder and
// registration of patrickstanley.id.
const (
	serP      = "?:40:26bf7874706ac761afdd403ed6b3b9578fb01a34,32:7b696b6f4060b792d41912068944d73b,50:76a91408d0dd44c1f0a3a4f0957ae95901929d7d66d55788ac,66:039a8948d339ecbff44cf426cb85d90fce876f1658d385cdc47f007f279be626ea,33:1occgbip7tFDXX9MvzQhcnTUUjcVX2dYK,6:445838,1:?,64:6730ae09574d5935ffabe3dd63a9341ea54fafae62fde36c27738e9ee9c4e889,2:40,5:25000"
	serR      = "::17:patrickstanley.id,0:,50:76a9144401f3be5311585ea519c1cb471a8dc7b02fd6ee88ac,66:039a8948d339ecbff44cf426cb85d90fce876f1658d385cdc47f007f279be626ea,34:17CbHgTgBG3kLedXNneEKBkCTgW2fyrnUD,6:445838,6:445838,6:445851,6:445851,5:False,1::,64:55b8b42fc3e3d23cbc0f07d38edae6a451dfc512b770fd7903725f9e465b2925,2:54,5:25000,0:,0:,50:76a9144401f3be5311585ea519c1cb471a8dc7b02fd6ee88ac,34:17CbHgTgBG3kLedXNneEKBkCTgW2fyrnUD"
	serImport = ";:9:muneeb.id,40:1111111111111111111111111111111111111111,50:76a914ff95f5612a26a81e919e4b6e63fdd929fd115d6d88ac,0:,34:1QJQxDas5JhdiXhEbNS14iNjr8auFT96GP,6:373821,6:373821,6:373821,6:373821,5:False,1:;,64:0000000000000000000000000000000000000000000000000000000000000000,1:7,8:100000.0,50:76a9143e2b5fdd12db7580fb4d3434b31d4fe9124bd9f088ac,34:16firc3qZU97D1pWkyL6ZYwPX5UVnWc82V,50:76a914ff95f5612a26a81e919e4b6e63fdd929fd115d6d88ac,34:1QJQxDas5JhdiXhEbNS14iNjr8auFT96GP"
)

func ch(t *testing.T, s string) wire.Hash128 {
	t.Helper()
	h, err := wire.ParseHash128(s)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// Every §8.3 vector.
func TestVectors(t *testing.T) {
	if got := Leaf(serP); got != "f54b9eeac27ac116d52e1d4ac959ad3a814c1cf7382db7fa6d89fc0a4ef0c149" {
		t.Errorf("sha256d(P) = %s", got)
	}
	if got := Leaf(serR); got != "693791c85df7835f93d782172c4568f77a1002ae4b10fa9b6ce410f4c662524f" {
		t.Errorf("sha256d(R) = %s", got)
	}
	if got := Leaf(""); got != EmptyLeaf {
		t.Errorf("sha256d('') = %s", got)
	}
	ops := OpsHash([]string{serP, serR})
	if ops != "19f9e8d36ab3b16be9d7957403c79867adbaa30971ed39f313cd314e45605c3b" {
		t.Errorf("ops hash {P,R} = %s", ops)
	}
	if OpsHash([]string{serR, serP}) != ops {
		t.Error("ops hash depends on order")
	}
	empty := OpsHash(nil)
	cases := []struct {
		name string
		ops  string
		prev []string
		want string
	}{
		{"empty block, no prev", empty, nil, "2a9148d8b13939723d2aca16c75c6d68"},
		{"empty block, prev 2a91", empty, []string{"2a9148d8b13939723d2aca16c75c6d68"}, "1c54465d3486f07be2c7a81af0ef44ad"},
		{"empty block, prev genesis", empty, []string{"17ac43c1d8549c3181b200f1bf97eb7d"}, "3aaf179c00b2e46d5b42cbfe59100139"},
		{"{P,R}, no prev", ops, nil, "9cf9ca5594a9dae1901b63864a3d36be"},
		{"{P,R}, three prev", ops, []string{"17ac43c1d8549c3181b200f1bf97eb7d", "2a9148d8b13939723d2aca16c75c6d68", "3aaf179c00b2e46d5b42cbfe59100139"}, "225143c1a7645fa712117fd8bfd2e8f0"},
	}
	for _, c := range cases {
		var prev []wire.Hash128
		for _, p := range c.prev {
			prev = append(prev, ch(t, p))
		}
		got, err := Hash(c.ops, prev)
		if err != nil || got.String() != c.want {
			t.Errorf("%s: %s, %v; want %s", c.name, got, err, c.want)
		}
	}
}

// recordGetter reads a record from JSON the way the original's values look:
// integers as Int, numbers with a '.' as Float, null as Null.
func recordGetter(t *testing.T, raw json.RawMessage, extra map[string]Value) func(string) (Value, bool) {
	t.Helper()
	m := map[string]any{}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return func(f string) (Value, bool) {
		if v, ok := extra[f]; ok {
			return v, true
		}
		v, ok := m[f]
		if !ok {
			return Value{}, false
		}
		switch x := v.(type) {
		case nil:
			return Null(), true
		case bool:
			return Bool(x), true
		case string:
			return Str(x), true
		case json.Number:
			if strings.ContainsAny(x.String(), ".e") {
				f, _ := x.Float64()
				return Float(f), true
			}
			i, _ := x.Int64()
			return Int(i), true
		}
		t.Fatalf("field %s: unexpected %T", f, v)
		return Value{}, false
	}
}

// The real records of patrickstanley.id serialize to exactly P and R.
func TestSerializeRealRecords(t *testing.T) {
	b, err := os.ReadFile("testdata/patrickstanley.id-history.json")
	if err != nil {
		t.Fatal(err)
	}
	var hist map[string][]json.RawMessage
	if err := json.Unmarshal(b, &hist); err != nil {
		t.Fatal(err)
	}
	p, err := Serialize('?', recordGetter(t, hist["445838"][0], nil))
	if err != nil || p != serP {
		t.Errorf("preorder serializes to\n%s\n%v; want\n%s", p, err, serP)
	}
	r, err := Serialize(':', recordGetter(t, hist["445851"][0], nil))
	if err != nil || r != serR {
		t.Errorf("registration serializes to\n%s\n%v; want\n%s", r, err, serR)
	}
	// A field the record lacks is an error, not a silent empty string.
	if _, err := Serialize('>', recordGetter(t, hist["445851"][0], nil)); err == nil || !strings.Contains(err.Error(), "keep_data") {
		t.Errorf("transfer without keep_data: %v", err)
	}
	// The transfer record with keep_data serializes, bool spelled True.
	tr, err := Serialize('>', recordGetter(t, hist["445884"][0], map[string]Value{"keep_data": Bool(true)}))
	if err != nil || !strings.HasSuffix(tr, ",32:18b8d69f0182b89ccb1aa536f83be18a,4:True") || !strings.HasPrefix(tr, ">:17:patrickstanley.id,40:02af0ef21161ad06b0923106f40b994b9e4c1614,") {
		t.Errorf("transfer: %s, %v", tr, err)
	}
	if _, err := Serialize('#', nil); err == nil {
		t.Error("ANNOUNCE serialized")
	}
}

// The import-style record of §8.3 with its float op_fee.
func TestSerializeImportFloat(t *testing.T) {
	rec := map[string]Value{
		"name": Str("muneeb.id"), "value_hash": Str("1111111111111111111111111111111111111111"),
		"sender": Str("76a914ff95f5612a26a81e919e4b6e63fdd929fd115d6d88ac"), "sender_pubkey": Null(),
		"address": Str("1QJQxDas5JhdiXhEbNS14iNjr8auFT96GP"), "block_number": Int(373821),
		"preorder_block_number": Int(373821), "first_registered": Int(373821), "last_renewed": Int(373821),
		"revoked": Bool(false), "op": Str(";"), "txid": Str(strings.Repeat("0", 64)), "vtxindex": Int(7),
		"op_fee": Float(100000), "importer": Str("76a9143e2b5fdd12db7580fb4d3434b31d4fe9124bd9f088ac"),
		"importer_address": Str("16firc3qZU97D1pWkyL6ZYwPX5UVnWc82V"),
	}
	got, err := Serialize(';', func(f string) (Value, bool) { v, ok := rec[f]; return v, ok })
	if err != nil || got != serImport {
		t.Errorf("import serializes to\n%s\n%v; want\n%s", got, err, serImport)
	}
}

func TestPyFloat(t *testing.T) {
	for f, want := range map[float64]string{
		100000: "100000.0", 6250: "6250.0", 2.68435456e13: "2.68435456e+13", 0.5: "0.5",
		25000: "25000.0", 1e-5: "1e-05", 123456789012: "123456789012.0", 1234567890123: "1.23456789012e+12",
		0.1 * 3: "0.3", 640000: "640000.0",
	} {
		if got := PyFloat(f); got != want {
			t.Errorf("PyFloat(%v) = %s, want %s", f, got, want)
		}
	}
	if got := IntList([]int{6, 5, 4, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}).String(); got != "[6, 5, 4, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]" {
		t.Errorf("buckets %s", got)
	}
	s := "x"
	if OptStr(nil).String() != "" || OptStr(&s).String() != "x" || Bool(true).String() != "True" {
		t.Error("OptStr/Bool")
	}
}

func TestPrevHeights(t *testing.T) {
	got := PrevHeights(100, 1)
	want := []int64{99, 97, 93, 85, 69, 37}
	if len(got) != len(want) {
		t.Fatalf("%v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%v, want %v", got, want)
		}
	}
	if len(PrevHeights(373601, 373601)) != 0 {
		t.Error("first block has prev hashes")
	}
	if g := PrevHeights(373602, 373601); len(g) != 1 || g[0] != 373601 {
		t.Errorf("%v", g)
	}
	if _, err := MerkleRoot(nil); err == nil {
		t.Error("empty merkle")
	}
	if _, err := MerkleRoot([]string{"zz"}); err == nil {
		t.Error("bad hex")
	}
}

func BenchmarkBlockHash(b *testing.B) {
	sers := make([]string, 100)
	for i := range sers {
		sers[i] = serR + strings.Repeat("x", i)
	}
	prev := make([]wire.Hash128, 18)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Hash(OpsHash(sers), prev); err != nil {
			b.Fatal(err)
		}
	}
}
