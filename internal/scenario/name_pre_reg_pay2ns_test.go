package scenario_test

import (
	"testing"

	"github.com/zonemirror/zonemirror/internal/scenario"
)

// The pay-to-namespace-creator scenarios: a version-2 namespace whose
// names' payments go to its creator (the namespace record's address, the
// reveal's sender) for the epoch's NAMESPACE_RECEIVE_FEES_PERIOD after the
// reveal, and to the burn address after. Every payment the original's
// client chose itself goes where the client sent it (the layer's ClientBurnAddress).

// h5Pay2nsEnv is the TEST ENV the pay2ns scenarios share (epoch 3 from
// block 684), plus extra lines.
func h5Pay2nsEnv(extra scenario.Env) scenario.Env {
	env := scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "682", "BLOCKSTACK_EPOCH_2_END_BLOCK": "683",
		"BLOCKSTACK_EPOCH_2_NAMESPACE_LIFETIME_MULTIPLIER": "1"}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

// h5ReadyPay2ns opens the pay2ns scenarios: "test" preordered by
// wallets[0] for wallets[1], revealed with version_bits=2, made ready by
// wallets[1]; it returns the namespace's address (the creator) and its
// balance then.
func h5ReadyPay2ns(t *testing.T, s *scenario.S) (string, int64) {
	t.Helper()
	w := s.Wallets
	s.NamespacePreorder("test", w[1].Addr, w[0])
	s.NextBlock()
	s.NamespaceReveal("test", w[1].Addr, 52595, 250, 4, idBuckets, 10, 10, w[0], 2)
	s.NextBlock()
	s.NamespaceReady("test", w[1])
	s.NextBlock()
	nsRec := s.GetNamespaceBlockchainRecord("test")
	if nsRec == nil {
		t.Fatal("no namespace record for test")
	}
	return nsRec.S("address"), s.Balance(nsRec.S("address"))
}

// h5CheckCredited fails t unless addr got n × the op_fee of name's last
// record since it had balance before.
func h5CheckCredited(t *testing.T, s *scenario.S, addr string, before int64, name string, n int64) int64 {
	t.Helper()
	rec := s.GetNameBlockchainRecord(name)
	if rec == nil {
		t.Fatalf("no record of %s", name)
	}
	cost := rec.I("op_fee")
	if got := s.Balance(addr) - before; got != n*cost {
		t.Fatalf("address %s did not get credited: %d != %d × %d", addr, got, n, cost)
	}
	return cost
}

// h5ClientRefusesBurn fails t unless the client's safety checks refuse a
// payment of name to given (expect_fail): the client compares it with the
// address it would choose itself (cli.js txPreorder/renew:
// trueNamespaceBurnAddress === givenNamespaceBurnAddress).
func h5ClientRefusesBurn(t *testing.T, s *scenario.S, name, given string) {
	t.Helper()
	if scenario.AddrReencode(given) == s.ClientBurnAddress(name) {
		t.Fatalf("the client would not refuse paying %s to %s at block %d", name, given, s.GetCurrentBlock())
	}
}

// name_pre_reg_pay2ns: a registration in a pay-to-creator namespace pays
// the creator the name's price.
func TestNamePreRegPay2ns(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, h5Pay2nsEnv(nil), stdWallets()...)
	w := s.Wallets
	nsAddr, nsBalance := h5ReadyPay2ns(t, s)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	h5CheckCredited(t, s, nsAddr, nsBalance, "foo.test", 1)

	h5CheckRegistered(t, s, "test", "foo.test", w[2], w[3].Addr)
}

// name_pre_reg_pay2ns_fail: a preorder that pays someone else than the
// creator (here the reveal's recipient) does not register; its pending
// preorder then blocks the same preorder paying the creator; another
// preorder (for another recipient) paying the creator registers. The
// creator got both payments.
func TestNamePreRegPay2nsFail(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, h5Pay2nsEnv(nil), stdWallets()...)
	w := s.Wallets
	nsAddr, nsBalance := h5ReadyPay2ns(t, s)
	// expect_fail: the client refuses paying wallets[1]; nothing sent
	h5ClientRefusesBurn(t, s, "foo.test", w[1].Addr)
	// safety_checks=False
	s.NamePreorder("foo.test", w[2], w[3].Addr, scenario.BurnAddr(w[1].Addr))
	s.NextBlock()
	// safety_checks=False
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	if rec := s.GetNameBlockchainRecord("foo.test"); rec != nil {
		t.Fatalf("foo.test registered: %v", rec)
	}
	// safety_checks=False
	s.NamePreorder("foo.test", w[2], w[3].Addr, scenario.BurnAddr(w[0].Addr))
	s.NextBlock()
	if ops := s.BlockOps(s.GetCurrentBlock()); len(ops) > 0 {
		t.Fatalf("operations at %d: %v", s.GetCurrentBlock(), ops)
	}
	// safety_checks=False
	s.NamePreorder("foo.test", w[2], w[4].Addr, scenario.BurnAddr(w[0].Addr))
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[4].Addr)
	s.NextBlock()
	if rec := s.GetNameBlockchainRecord("foo.test"); rec == nil {
		t.Fatal("foo.test not registered")
	}
	h5CheckCredited(t, s, nsAddr, nsBalance, "foo.test", 2)

	checkNamespaceReady(t, s, "test")
	if p := s.GetNamePreorder("foo.test", scenario.PaymentScript(w[2].Addr), w[4].Addr); p != nil {
		t.Errorf("preorder exists: %v", p)
	}
	checkOwner(t, s.GetName("foo.test"), w[4].Addr)
}

// name_pre_reg_pay2ns_burn: with a 3-block receive-fees period, the
// first name pays the creator; after the period a name paid to the burn
// address registers, and one paid to the creator does not.
func TestNamePreRegPay2nsBurn(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, h5Pay2nsEnv(scenario.Env{"BLOCKSTACK_EPOCH_3_NAMESPACE_LIFETIME_MULTIPLIER": "1",
		"BLOCKSTACK_EPOCH_3_NAMESPACE_RECEIVE_FEES_PERIOD": "3"}), stdWallets()...)
	w := s.Wallets
	nsAddr, nsBalance := h5ReadyPay2ns(t, s)
	burn := burnAddress
	burnBalance := s.Balance(burn)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	cost := h5CheckCredited(t, s, nsAddr, nsBalance, "foo.test", 1)

	s.NamePreorder("foo2.test", w[2], w[3].Addr)
	// expect_fail: the client refuses paying the creator; nothing sent
	h5ClientRefusesBurn(t, s, "foo_fail.test", nsAddr)
	// safety_checks=False
	s.NamePreorder("foo_fail.test", w[2], w[3].Addr, scenario.BurnAddr(nsAddr), scenario.Price(cost))
	s.NextBlock()
	// safety_checks=False
	s.NameRegister("foo_fail.test", w[2], w[3].Addr)
	s.NameRegister("foo2.test", w[2], w[3].Addr)
	s.NextBlock()
	if whois := s.Whois("foo_fail.test"); whois["error"] == nil {
		t.Fatalf("foo_fail.test: %v", whois)
	}
	rec2 := s.GetNameBlockchainRecord("foo2.test")
	if rec2 == nil {
		t.Fatal("foo2.test not registered")
	}
	cost2 := rec2.I("op_fee")
	if got := s.Balance(nsAddr) - nsBalance; got < 2*cost || got >= 3*cost {
		t.Fatalf("address %s got credited after fee capture period: %d, want 2 × %d", nsAddr, got, cost)
	}
	if got := s.Balance(burn) - cost2; got != burnBalance {
		t.Fatalf("null burn address did not get credited: %d != %d + %d", got+cost2, burnBalance, cost2)
	}

	checkNamespaceReady(t, s, "test")
	for _, name := range []string{"foo.test", "foo2.test"} {
		if p := s.GetNamePreorder(name, scenario.PaymentScript(w[2].Addr), w[3].Addr); p != nil {
			t.Errorf("%s: preorder exists: %v", name, p)
		}
		checkOwner(t, s.GetName(name), w[3].Addr)
	}
}

// h5RenewBurn is the end of the pay2ns renew_burn scenarios: once the
// receive-fees period is over, a renewal paying the creator fails and one
// paying the burn address (as the client chooses) renews. rec is foo.test's
// record after the last renewal paid to the creator.
func h5RenewBurn(t *testing.T, s *scenario.S, nsAddr string, burnBalance int64, rec scenario.Rec) {
	t.Helper()
	w := s.Wallets
	cost := rec.I("op_fee")
	// expect_fail: the client refuses paying the creator; nothing sent
	h5ClientRefusesBurn(t, s, "foo.test", nsAddr)
	// safety_checks=False
	s.NameRenew("foo.test", w[3], scenario.BurnAddr(nsAddr))
	s.NextBlock()
	rec2 := s.GetNameBlockchainRecord("foo.test")
	if rec2.I("last_renewed") != rec.I("last_renewed") {
		t.Fatalf("accidentally renewed: last_renewed %d, was %d", rec2.I("last_renewed"), rec.I("last_renewed"))
	}
	s.NameRenew("foo.test", w[3])
	s.NextBlock()
	rec2 = s.GetNameBlockchainRecord("foo.test")
	if rec2.I("last_renewed") <= rec.I("last_renewed") {
		t.Fatalf("did not renew: last_renewed %d, was %d", rec2.I("last_renewed"), rec.I("last_renewed"))
	}
	if got := s.Balance(burnAddress) - cost; got != burnBalance {
		t.Fatalf("did not burn fee: %d != %d + %d", got+cost, burnBalance, cost)
	}

	checkNamespaceReady(t, s, "test")
	if p := s.GetNamePreorder("foo.test", scenario.PaymentScript(w[2].Addr), w[3].Addr); p != nil {
		t.Errorf("preorder exists: %v", p)
	}
	checkOwner(t, s.GetName("foo.test"), w[3].Addr)
}

// name_pre_reg_pay2ns_renew_burn: with a 4-block receive-fees period, the
// registration and a renewal pay the creator; then renewals must burn.
func TestNamePreRegPay2nsRenewBurn(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, h5Pay2nsEnv(scenario.Env{"BLOCKSTACK_EPOCH_3_NAMESPACE_LIFETIME_MULTIPLIER": "1",
		"BLOCKSTACK_EPOCH_3_NAMESPACE_RECEIVE_FEES_PERIOD": "4"}), stdWallets()...)
	w := s.Wallets
	nsAddr, nsBalance := h5ReadyPay2ns(t, s)
	burnBalance := s.Balance(burnAddress)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	h5CheckCredited(t, s, nsAddr, nsBalance, "foo.test", 1)
	s.NameRenew("foo.test", w[3])
	s.NextBlock()
	h5CheckCredited(t, s, nsAddr, nsBalance, "foo.test", 2)

	h5RenewBurn(t, s, nsAddr, burnBalance, s.GetNameBlockchainRecord("foo.test"))
}

// name_pre_reg_pay2ns_renew_burn_multi: the same with a 6-block period:
// the registration and three renewals pay the creator.
func TestNamePreRegPay2nsRenewBurnMulti(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, h5Pay2nsEnv(scenario.Env{"BLOCKSTACK_EPOCH_3_NAMESPACE_LIFETIME_MULTIPLIER": "1",
		"BLOCKSTACK_EPOCH_3_NAMESPACE_RECEIVE_FEES_PERIOD": "6"}), stdWallets()...)
	w := s.Wallets
	nsAddr, nsBalance := h5ReadyPay2ns(t, s)
	burnBalance := s.Balance(burnAddress)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	h5CheckCredited(t, s, nsAddr, nsBalance, "foo.test", 1)
	for range 3 {
		s.NameRenew("foo.test", w[3])
		s.NextBlock()
	}
	h5CheckCredited(t, s, nsAddr, nsBalance, "foo.test", 4)

	h5RenewBurn(t, s, nsAddr, burnBalance, s.GetNameBlockchainRecord("foo.test"))
}

// name_pre_reg_renew_pay2ns: renewals in a pay-to-creator namespace that
// change the owner and the zone file hash each pay the creator.
func TestNamePreRegRenewPay2ns(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, h5Pay2nsEnv(nil), stdWallets()...)
	w := s.Wallets
	nsAddr, nsBalance := h5ReadyPay2ns(t, s)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRenew("foo.test", w[3], scenario.ZonefileHash(hx("22", 20)), scenario.Recipient(w[4].Addr))
	s.NextBlock()
	s.NameRenew("foo.test", w[4], scenario.ZonefileHash(hx("33", 20)), scenario.Recipient(w[4].Addr))
	s.NextBlock()
	s.NameRenew("foo.test", w[4], scenario.Recipient(w[1].Addr))
	s.NextBlock()
	s.NameRenew("foo.test", w[1])
	s.NextBlock()
	h5CheckCredited(t, s, nsAddr, nsBalance, "foo.test", 5)

	checkNamespaceReady(t, s, "test")
	if p := s.GetNamePreorder("foo.test", scenario.PaymentScript(w[2].Addr), w[3].Addr); p != nil {
		t.Errorf("preorder exists: %v", p)
	}
	rec := s.GetName("foo.test")
	checkOwner(t, rec, w[1].Addr)
	if rec.S("value_hash") != hx("33", 20) {
		t.Errorf("value hash is %q", rec.S("value_hash"))
	}
}
