package netparams

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// The real .id namespace (PROTOCOL.md §6.1).
var idNamespace = PriceFunction{Coeff: 250, Base: 4, Buckets: [16]uint8{6, 5, 4, 3, 2, 1}, NonalphaDiscount: 4, NoVowelDiscount: 4, Version: 1}

// The .id price table by length, verified in PROTOCOL.md against real op_fee values.
func TestIDPricesEpochs1And2(t *testing.T) {
	n := Mainnet()
	want := []float64{102_400_000, 25_600_000, 6_400_000, 1_600_000, 400_000, 100_000, 25_000, 25_000, 25_000}
	for _, h := range []int64{373601, 436650, 436651, 488500} {
		e := n.EpochAt(h)
		for i, w := range want {
			name := strings.Repeat("a", i+1)
			p := NamePrice(n, e, &idNamespace, name)
			if p.IsInt || p.Float != w {
				t.Errorf("block %d, %q: %+v, want %v", h, name, p, w)
			}
		}
	}
	// Epoch 3 is ×0.1 as a float; epochs 4 and 5 ÷10 as integers.
	if p := NamePrice(n, n.EpochAt(500000), &idNamespace, "muneeb"); p.IsInt || p.Float != 10000 {
		t.Errorf("epoch 3: %+v", p)
	}
	if p := NamePrice(n, n.EpochAt(600000), &idNamespace, "muneeb"); !p.IsInt || p.Int != 10000 {
		t.Errorf("epoch 5: %+v", p)
	}
	if p := NamePrice(n, n.EpochAt(500000), &idNamespace, "abcdefg"); p.Float != 2500 {
		t.Errorf("epoch 3 float: %v", p.Float)
	}
}

// Discounts: the maximum of the two, not the product (the docs multiply).
func TestDiscounts(t *testing.T) {
	n := Mainnet()
	e := n.EpochAt(445000)
	for name, want := range map[string]float64{
		"was2bme": 6250, "tadas_serbenta": 6250, "muneeb": 100000, "ablankstein": 25000,
		"patrickstanley": 25000, "seamur": 100000, "bcd": 1_600_000, "b2d": 1_600_000,
	} {
		if p := NamePrice(n, e, &idNamespace, name); p.Float != want {
			t.Errorf("%s: %v, want %v", name, p.Float, want)
		}
	}
}

// Every op_fee of the real records of block 462592 that names its name is
// that name's price at its preorder block.
func TestRealOpFees(t *testing.T) {
	b, err := os.ReadFile("testdata/block-462592-operations.json")
	if err != nil {
		t.Fatal(err)
	}
	var recs []struct {
		Name          string `json:"name"`
		OpFee         int64  `json:"op_fee"`
		PreorderBlock int64  `json:"preorder_block_number"`
	}
	if err := json.Unmarshal(b, &recs); err != nil {
		t.Fatal(err)
	}
	n := Mainnet()
	checked := 0
	for _, r := range recs {
		if r.Name == "" {
			continue
		}
		name, ns, err := wire.SplitName(r.Name)
		if err != nil || ns != "id" {
			t.Fatalf("%s: %v", r.Name, err)
		}
		p := NamePrice(n, n.EpochAt(r.PreorderBlock), &idNamespace, name)
		if p.Ceil() != r.OpFee || !p.Covers(r.OpFee) || p.Covers(r.OpFee-1) {
			t.Errorf("%s at %d: price %+v, real op_fee %d", r.Name, r.PreorderBlock, p, r.OpFee)
		}
		checked++
	}
	if checked != 11 {
		t.Errorf("checked %d records, want 11", checked)
	}
}

// Huge price curves do not overflow; version 3 prices in µSTX without divisor.
func TestPriceExtremes(t *testing.T) {
	n := Mainnet()
	f := PriceFunction{Coeff: 255, Base: 255, Buckets: [16]uint8{15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15}, NonalphaDiscount: 1, NoVowelDiscount: 1, Version: 1}
	if p := NamePrice(n, n.EpochAt(600000), &f, "a"); !p.IsInt || p.Int != 1<<63-1 {
		t.Errorf("clamped: %+v", p)
	}
	if p := NamePrice(n, n.EpochAt(400000), &f, "a"); p.Float < 1e38 {
		t.Errorf("float: %+v", p)
	}
	stx := PriceFunction{Coeff: 1, Base: 1, NonalphaDiscount: 1, NoVowelDiscount: 1, Version: 3}
	if p := NamePrice(n, n.EpochAt(600000), &stx, "a"); !p.IsInt || p.Int != 1733 {
		t.Errorf("stx minimum: %+v", p)
	}
	long := strings.Repeat("a", 30)
	if p := NamePrice(n, n.EpochAt(400000), &idNamespace, long); p.Float != 25000 {
		t.Errorf("length ≥ 16 uses the last bucket: %+v", p)
	}
}

func TestNamespacePrices(t *testing.T) {
	n := Mainnet()
	cases := []struct {
		h    int64
		id   string
		want int64
	}{
		{400000, "a", 40_000_000_000}, {400000, "id", 4_000_000_000}, {400000, "abcd", 400_000_000}, {400000, "helloworld", 40_000_000},
		{500000, "id", 400_000_000}, {500000, "x", 4_000_000_000}, {500000, "abcdefghijklmnopqrs", 4_000_000},
		{560000, "id", 64_000_000_000}, {600000, "abcdefgh", 640_000_000},
	}
	for _, c := range cases {
		if got, ok := NamespacePrice(n.EpochAt(c.h), c.id); !ok || got != c.want {
			t.Errorf("%q at %d: %d %v, want %d", c.id, c.h, got, ok, c.want)
		}
	}
	if _, ok := NamespacePrice(n.EpochAt(400000), ""); ok {
		t.Error("empty id priced")
	}
	if _, ok := NamespacePrice(n.EpochAt(400000), strings.Repeat("a", 20)); ok {
		t.Error("20-char id priced")
	}
}

func TestEpochs(t *testing.T) {
	n := Mainnet()
	for h, want := range map[int64]wire.Epoch{373601: 1, 436650: 1, 436651: 2, 488500: 2, 488501: 3, 547921: 3, 547922: 4, 599866: 4, 599867: 5, 700000: 5} {
		if got := n.EpochAt(h).Rules; got != want {
			t.Errorf("block %d: epoch %d, want %d", h, got, want)
		}
	}
	if e := n.EpochAt(445000); e.LifetimeMultiplier != 2 || e.GracePeriod != 0 {
		t.Errorf("epoch 2: %+v", e)
	}
	if e := n.EpochAt(500000); e.GracePeriod != 5000 {
		t.Errorf("epoch 3: %+v", e)
	}
	if err := n.Validate(); err != nil {
		t.Fatal(err)
	}
	d := Devnet()
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	if d.EpochAt(1).Rules != wire.Epoch3 || d.Wire.PubKeyHashAddrID != 0x6f || d.FirstBlock != 1 || d.Confirmations != 0 {
		t.Errorf("devnet: %+v", d)
	}
	if n.GenesisConsensusHash.String() != "17ac43c1d8549c3181b200f1bf97eb7d" {
		t.Errorf("genesis CH %s", n.GenesisConsensusHash)
	}
}

// Validate names every bad key.
func TestValidate(t *testing.T) {
	d := Devnet()
	d.FirstBlock = 0
	d.Confirmations = -1
	d.MaxNamesPerSender = 0
	d.Epochs = append([]Epoch{{End: 0, Rules: 9}}, d.Epochs...)
	d.Epochs[1].LifetimeMultiplier = 0
	err := d.Validate()
	if err == nil {
		t.Fatal("accepted")
	}
	for _, key := range []string{"first_block", "confirmations", "max_names_per_sender", "epochs[0].rules", "epochs[0].end", "epochs[1].lifetime_multiplier"} {
		if !strings.Contains(err.Error(), key) {
			t.Errorf("error does not name %s: %v", key, err)
		}
	}
	d = Devnet()
	d.Epochs = nil
	if err := d.Validate(); err == nil || !strings.Contains(err.Error(), "epochs") {
		t.Errorf("no epochs: %v", err)
	}
}

func TestNamed(t *testing.T) {
	for _, name := range []string{"mainnet", "regtest", "simnet"} {
		n, err := Named(name)
		if err != nil || n.Name != name || n.Validate() != nil {
			t.Errorf("%s: %+v %v", name, n, err)
		}
	}
	// every network but mainnet records testnet addresses, as the original
	for name, want := range map[string]wire.Params{"mainnet": wire.MainnetParams, "regtest": wire.TestnetParams, "simnet": wire.TestnetParams} {
		if n, _ := Named(name); n.Wire != want {
			t.Errorf("%s: address versions %+v, want %+v", name, n.Wire, want)
		}
	}
	if _, err := Named("testnet3"); err == nil {
		t.Error("unknown network accepted")
	}
}

// Ceil is the least whole payment that covers a price.
func TestPriceCeil(t *testing.T) {
	for _, c := range []struct {
		p    Price
		want int64
	}{
		{Price{Float: 8533333.3333}, 8533334},
		{Price{Float: 6400000}, 6400000},
		{Price{Float: 1e40}, 1<<63 - 1},
		{Price{Int: 77, IsInt: true}, 77},
	} {
		got := c.p.Ceil()
		clamped := c.want == 1<<63-1
		if got != c.want || !clamped && (!c.p.Covers(got) || c.p.Covers(got-1)) {
			t.Errorf("%+v: Ceil %d, want %d", c.p, got, c.want)
		}
	}
}
