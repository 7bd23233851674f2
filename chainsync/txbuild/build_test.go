package txbuild

import (
	"errors"
	"reflect"
	"testing"

	"github.com/btcsuite/btcd/chainhash/v2"
	btcwire "github.com/btcsuite/btcd/wire/v2"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

var params = wire.TestnetParams

func coins(k *Key, values ...int64) []Coin {
	var out []Coin
	for i, v := range values {
		h := chainhash.Hash{byte(i + 1), 0xc0}
		out = append(out, Coin{OutPoint: *btcwire.NewOutPoint(&h, uint32(i)), Value: v, Script: k.Script})
	}
	return out
}

// Every operation builds into a transaction that the indexer's decoder
// reads back as the same operation, sender, recipient and payment.
func TestBuildDecodes(t *testing.T) {
	b := &Builder{Params: params}
	alice, bob := KeyFromSeed("alice", params), KeyFromSeed("bob", params)
	ch := wire.Hash128{1, 2, 3}
	value := wire.SumHash160([]byte("zone"))
	pre, err := b.Preorder("foo.test", alice, bob.Address, ch, b.BurnAddress(), 640_000)
	if err != nil {
		t.Fatal(err)
	}
	nsPre, err := b.NamespacePreorder("test", alice, bob.Address, ch, 40_000_000)
	if err != nil {
		t.Fatal(err)
	}
	reveal := &wire.NamespaceReveal{Lifetime: 100, Coeff: 250, Base: 4, Buckets: [16]uint8{6, 5, 4, 3, 2, 1},
		NonalphaDiscount: 4, NoVowelDiscount: 4, Version: 1, NamespaceID: "test"}
	for _, tc := range []struct {
		name      string
		r         Request
		outputs   int
		recipient string
		pay       int64
	}{
		{"preorder", pre, 3, "", 640_000},
		{"register", Register("foo.test", bob.Address, &value), 3, bob.Address, 0},
		{"renew", Renew("foo.test", bob.Address, nil, b.BurnAddress(), 640_000), 4, bob.Address, 640_000},
		{"update", Update("foo.test", ch, value), 2, "", 0},
		{"transfer", Transfer("foo.test", bob.Address, true, ch), 3, bob.Address, 0},
		{"revoke", Revoke("foo.test"), 2, "", 0},
		{"import", Import("foo.test", bob.Address, value), 4, bob.Address, 0},
		{"namespace preorder", nsPre, 3, "", 40_000_000},
		{"namespace reveal", NamespaceReveal(reveal, bob.Address), 3, bob.Address, 0},
		{"namespace ready", NamespaceReady("test"), 2, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cs := coins(alice, 30_000, 100_000_000, 60_000)
			tx, err := b.Build(alice, cs, tc.r)
			if err != nil {
				t.Fatal(err)
			}
			var prevouts []wire.Prevout
			var in int64
			for _, txin := range tx.TxIn {
				for _, c := range cs {
					if c.OutPoint == txin.PreviousOutPoint {
						prevouts = append(prevouts, wire.Prevout{Script: c.Script, Value: c.Value})
						in += c.Value
					}
				}
			}
			got, err := wire.DecodeTx(tx, prevouts, params, wire.Epoch3)
			if err != nil {
				t.Fatalf("the indexer refuses it: %v", err)
			}
			if !reflect.DeepEqual(got.Op, tc.r.Op) {
				t.Errorf("op %+v, want %+v", got.Op, tc.r.Op)
			}
			if got.SenderAddress != alice.Address || string(got.SenderPubkey) != string(alice.Pub) {
				t.Errorf("sender %s %x", got.SenderAddress, got.SenderPubkey)
			}
			if got.Outputs != tc.outputs {
				t.Errorf("%d outputs, want %d", got.Outputs, tc.outputs)
			}
			if tc.recipient != "" && (got.Recipient == nil || got.Recipient.Address != tc.recipient) {
				t.Errorf("recipient %+v, want %s", got.Recipient, tc.recipient)
			}
			if tc.pay != 0 && (got.Payment == nil || got.Payment.Value != tc.pay || got.Payment.Address != b.BurnAddress()) {
				t.Errorf("payment %+v, want %d to the burn address", got.Payment, tc.pay)
			}
			if tc.name == "import" && (got.ImportValueHash == nil || *got.ImportValueHash != value) {
				t.Errorf("import value hash %v", got.ImportValueHash)
			}
			// The fee is about FeeRate per byte of the signed transaction.
			size := int64(tx.SerializeSize())
			if got.Fee < size*10 || got.Fee > size*10+5500 {
				t.Errorf("fee %d for %d bytes at 10 sat/B", got.Fee, size)
			}
			if len(tx.TxIn) != 1 {
				t.Errorf("%d inputs; the largest coin covers it", len(tx.TxIn))
			}
		})
	}
}

// Not enough funds, a coin of someone else and a bad address are refused
// with errors that say so.
func TestBuildRefuses(t *testing.T) {
	b := &Builder{Params: params}
	alice, bob := KeyFromSeed("alice", params), KeyFromSeed("bob", params)
	if _, err := b.Build(alice, coins(alice, 1000, 2000), Register("foo.test", bob.Address, nil)); !errors.Is(err, ErrFunds) {
		t.Errorf("small coins: %v", err)
	}
	if _, err := b.Build(alice, coins(bob, 1e8), Revoke("foo.test")); !errors.Is(err, ErrRequest) {
		t.Errorf("bob's coin: %v", err)
	}
	if _, err := b.Build(alice, coins(alice, 1e8), Register("foo.test", "not-an-address", nil)); !errors.Is(err, ErrRequest) {
		t.Errorf("bad recipient: %v", err)
	}
	if _, err := b.Build(alice, coins(alice, 1e8), Register("Foo.test", bob.Address, nil)); !errors.Is(err, ErrRequest) {
		t.Errorf("bad name: %v", err)
	}
	// Several small coins are combined.
	tx, err := b.Build(alice, coins(alice, 4000, 4000, 4000, 4000), Revoke("foo.test"))
	if err != nil || len(tx.TxIn) < 2 {
		t.Errorf("combined coins: %v", err)
	}
}

func TestKeyFromWIF(t *testing.T) {
	k := KeyFromSeed("wif", params)
	// cQ… is the testnet WIF of a compressed key; round-trip through btcutil.
	w := wifOf(t, k)
	got, err := KeyFromWIF(w, params)
	if err != nil || got.Address != k.Address {
		t.Fatalf("%v %v", got, err)
	}
	if _, err := KeyFromWIF("not a key", params); err == nil {
		t.Error("garbage accepted")
	}
}
