package scenario_test

import (
	"math"
	"testing"

	"github.com/zonemirror/zonemirror/internal/scenario"
)

// name_preorder: a name preorder in a ready namespace is stored, with a fee
// no lower than the name's price.
func TestNamePreorder(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	preorder := s.GetNamePreorder("foo.test", scenario.PaymentScript(w[2].Addr), w[3].Addr)
	if preorder == nil {
		t.Fatal("foo.test not preordered")
	}
	// paid fee
	if fee, cost := preorder.F("op_fee"), s.NameCost("foo.test"); fee < float64(cost) {
		t.Fatalf("Insufficient fee: %v < %d", fee, cost)
	}
}

// name_preorder_cantmodify: a preordered, unregistered name cannot be
// updated, renewed, transferred or revoked (all sent with the client's
// safety checks off); the preorder stays and the name does not exist.
func TestNamePreorderCantmodify(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()

	// no name operations should work on this name, except register
	// (the SNV checks of each block, expect_snv_fail_at, are left out)
	up := s.NameUpdate("foo.test", hx("11", 20), w[3])
	s.NextBlock()
	// the original passes tx_fee=50000 (a fee rate), which changes no rule
	renew := s.NameRenew("foo.test", w[3])
	s.NextBlock()
	xfer := s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()
	// try both addresses (should both fail)
	rev4 := s.NameRevoke("foo.test", w[4])
	s.NextBlock()
	rev3 := s.NameRevoke("foo.test", w[3])
	s.NextBlock()
	s.Rejected(up, renew, xfer, rev4, rev3)

	checkNamespaceReady(t, s, "test")
	// preordered
	if s.GetNamePreorder("foo.test", scenario.PaymentScript(w[2].Addr), w[3].Addr) == nil {
		t.Fatal("foo.test not preordered")
	}
	// NOT registered
	if rec := s.GetName("foo.test"); rec != nil {
		t.Fatalf("foo.test registered: %v", rec)
	}
}

// name_preorder_expire: a preorder expires after a day (144 blocks); the
// name can then be preordered and registered by someone else.
func TestNamePreorderExpire(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	// wait for it to expire (takes a day)
	s.NextBlocks(145)
	// re-preorder it
	s.NamePreorder("foo.test", w[3], w[4].Addr)
	s.NextBlock()
	// register it
	s.NameRegister("foo.test", w[3], w[4].Addr)
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	// not preordered (should get back nothing, no matter what, since the
	// name was registered)
	if p := s.GetNamePreorder("foo.test", scenario.PaymentScript(w[3].Addr), w[4].Addr); p != nil {
		t.Fatalf("preorder is not none: %v", p)
	}
	// registered to the right owner
	rec := s.GetName("foo.test")
	if rec == nil {
		t.Fatal("namerec is none")
	}
	if rec.S("address") != scenario.AddrReencode(w[4].Addr) {
		t.Fatalf("namerec address is %s", rec.S("address"))
	}
}

// name_preorder_nextepoch_register: one name preordered in epoch 1 and
// registered in epoch 2, another preordered and registered in epoch 2;
// each pays its own epoch's price (both 6,400,000: epoch 2's multiplier is
// 1).
func TestNamePreorderNextepochRegister(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "691"}, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	// epoch changes here
	s.NamePreorder("bar.test", w[3], w[4].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("bar.test", w[3], w[4].Addr)
	s.NextBlock()

	// get_epoch_price_multiplier(260, "test", "BTC"): block 260 is in
	// epoch 1, whose multiplier is 1.0
	const originalPrice = 6400000.0
	currPrice := originalPrice * 1.0

	checkNamespaceReady(t, s, "test")
	// not preordered
	if s.GetNamePreorderIncludeFailed("foo.test", scenario.PaymentScript(w[2].Addr), w[3].Addr) != nil {
		t.Fatal("foo.test preorder exists")
	}
	if s.GetNamePreorderIncludeFailed("bar.test", scenario.PaymentScript(w[3].Addr), w[4].Addr) != nil {
		t.Fatal("bar.test preorder exists")
	}
	foo, bar := s.GetName("foo.test"), s.GetName("bar.test")
	if foo == nil || bar == nil {
		t.Fatalf("name does not exist: foo %v, bar %v", foo, bar)
	}
	// owned by
	checkOwner(t, foo, w[3].Addr)
	checkOwner(t, bar, w[4].Addr)
	// paid epoch 1 fee
	if f := foo.F("op_fee"); math.Abs(f-originalPrice) >= 10e-8 {
		t.Errorf("foo paid %v, expected %v", f, originalPrice)
	}
	// paid epoch 2 fee
	if f := bar.F("op_fee"); math.Abs(f-currPrice) >= 10e-8 {
		t.Errorf("bar paid %v, expected %v", f, currPrice)
	}
}
