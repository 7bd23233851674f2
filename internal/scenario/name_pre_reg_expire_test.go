package scenario_test

import (
	"context"
	"math"
	"testing"

	"github.com/zonemirror/zonemirror/internal/scenario"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// Helpers of helper h6's ports (this file and name_pre_reg_epoch_test.go,
// name_pre_regup_test.go, name_pre_xfer_test.go).

// cliNameInfo is the node's /v1/names/NAME as the CLI (blockstack.js
// getNameInfo) saw it: nil on a 404, i.e. for a name never created or one
// past its renewal deadline (rpc.py GET_name_info answers
// {"error": "Name expired"} with 404 then).
func cliNameInfo(s *scenario.S, name string) scenario.Rec {
	w := s.Whois(name)
	if _, bad := w["error"]; bad {
		return nil
	}
	return w
}

// cliGracePeriod is the grace period the CLI used: testlib passes the
// epoch's grace period as -G, and CLINetworkAdapter.getGracePeriod falls
// back to blockstack.js's 5000 when it is 0.
func cliGracePeriod(s *scenario.S) int64 {
	if g := s.Net.EpochAt(s.GetCurrentBlock()).GracePeriod; g != 0 {
		return g
	}
	return 5000
}

// cliInGracePeriod is blockstack.js safety.isInGracePeriod: the API knows
// the name and the chain is at or past its expire_block, within the grace
// period.
func cliInGracePeriod(s *scenario.S, name string) bool {
	info := cliNameInfo(s, name)
	if info == nil {
		return false
	}
	h, exp := s.GetCurrentBlock(), info.I("expire_block")
	return h >= exp && h < exp+cliGracePeriod(s)
}

// cliCanRegister fails t unless the CLI's safety checks of a preorder or
// registration of name would have passed (cli.js txPreorder/txRegister:
// the name is available or unknown to the API, not in its grace period,
// its namespace is ready): the scenario expected the call to succeed.
func cliCanRegister(t *testing.T, s *scenario.S, name string) {
	t.Helper()
	if !cliRegisterPasses(s, name) {
		t.Errorf("at %d the CLI would refuse to preorder/register %s: whois %v, namespace %v", s.GetCurrentBlock(), name, s.Whois(name), s.GetNamespace(nsOf(name)))
	}
}

// cliRegisterPasses reports whether the CLI's safety checks of a preorder
// or registration of name pass (see cliCanRegister).
func cliRegisterPasses(s *scenario.S, name string) bool {
	return cliNameInfo(s, name) == nil && s.GetNamespace(nsOf(name)) != nil
}

// nsOf is the namespace id of a name.
func nsOf(name string) string {
	_, id, err := wire.SplitName(name)
	if err != nil {
		panic(err)
	}
	return id
}

// cliCanManage fails t unless the CLI's safety checks of an update,
// transfer or revoke of name by owner would have passed (the API shows
// owner owning it, not in its grace period).
func cliCanManage(t *testing.T, s *scenario.S, name, owner string) {
	t.Helper()
	info := cliNameInfo(s, name)
	if info == nil || info.S("address") != scenario.AddrReencode(owner) {
		t.Errorf("at %d the CLI would refuse to manage %s: %s does not own it (%v)", s.GetCurrentBlock(), name, owner, info)
	}
	if cliInGracePeriod(s, name) {
		t.Errorf("at %d the CLI would refuse to manage %s: in its grace period", s.GetCurrentBlock(), name)
	}
}

// cliCanRenew fails t unless the CLI's safety checks of a renewal of name
// by owner would have passed (the API shows owner owning it).
func cliCanRenew(t *testing.T, s *scenario.S, name, owner string) {
	t.Helper()
	info := cliNameInfo(s, name)
	if info == nil || info.S("address") != scenario.AddrReencode(owner) {
		t.Errorf("at %d the CLI would refuse to renew %s: %s does not own it (%v)", s.GetCurrentBlock(), name, owner, info)
	}
}

// feeIs is the scenarios' abs(op_fee - want) < 10e-8.
func feeIs(rec scenario.Rec, want float64) bool { return math.Abs(rec.F("op_fee")-want) < 10e-8 }

// checkNoPreorder fails t if name is still preordered by sender for
// recipient.
func checkNoPreorder(t *testing.T, s *scenario.S, name string, sender *scenario.W, recipient string) {
	t.Helper()
	if p := s.GetNamePreorder(name, scenario.PaymentScript(sender.Addr), recipient); p != nil {
		t.Errorf("%s still preordered by %s for %s: %v", name, sender.Addr, recipient, p)
	}
}

// name_pre_reg_expire: in epoch 2 (lifetime multiplier 2), a name
// registered in a namespace of lifetime 5 is gone 11 blocks later.
func TestNamePreRegExpire(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "682", "BLOCKSTACK_EPOCH_2_PRICE_MULTIPLIER": "1.0"}, stdWallets()...)
	w := s.Wallets
	// NAMESPACE_LIFETIME_MULTIPLIER = get_epoch_namespace_lifetime_multiplier(EPOCH_1_END_BLOCK + 1): epoch 2's
	mult := s.Net.EpochAt(683).LifetimeMultiplier
	readyNamespace(s, "test", 5)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NextBlocks(int(5 * mult))
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	checkNoPreorder(t, s, "foo.test", w[2], w[3].Addr)
	if rec := s.GetName("foo.test"); rec != nil {
		t.Errorf("not expired: %v", rec)
	}
}

// name_pre_reg_expire_failure: the lifetime counts in epoch-2 units (a
// multiplier of 2): 6 blocks after a registration with lifetime 5 the name
// is still there (the pre-0.14 literal lifetime no longer applies).
func TestNamePreRegExpireFailure(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "682", "BLOCKSTACK_EPOCH_2_PRICE_MULTIPLIER": "1.0"}, stdWallets()...)
	w := s.Wallets
	// NAMESPACE_LIFETIME_MULTIPLIER = get_epoch_namespace_lifetime_multiplier(EPOCH_1_END_BLOCK - 1):
	// epoch 1's, which config.py sets to 1 (no TEST ENV changes it)
	const mult = 1
	readyNamespace(s, "test", 5)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NextBlocks(5 * mult)
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	checkNoPreorder(t, s, "foo.test", w[2], w[3].Addr)
	if s.GetName("foo.test") == nil {
		t.Error("expired incorrectly")
	}
}

// name_pre_reg_expire_isdead: once a name expires, its owner's update,
// transfer, renewal and revoke (sent without the CLI's checks) all fail:
// at each of those blocks the name's state is still its registration.
func TestNamePreRegExpireIsdead(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "682", "BLOCKSTACK_EPOCH_2_PRICE_MULTIPLIER": "1.0"}, stdWallets()...)
	w := s.Wallets
	mult := s.Net.EpochAt(683).LifetimeMultiplier // epoch 2's
	readyNamespace(s, "test", 2)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	// wait for it to expire...
	s.NextBlocks(int(2*mult + 1))

	// verify that operations fail (safety_checks=False: sent)
	var failBlocks []int64
	s.NameUpdate("foo.test", hx("11", 20), w[3])
	s.NextBlock()
	failBlocks = append(failBlocks, s.GetCurrentBlock())
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()
	failBlocks = append(failBlocks, s.GetCurrentBlock())
	s.NameRenew("foo.test", w[3]) // tx_fee=10000*5: the fee only
	s.NextBlock()
	failBlocks = append(failBlocks, s.GetCurrentBlock())
	s.NameRevoke("foo.test", w[3])
	s.NextBlock()
	failBlocks = append(failBlocks, s.GetCurrentBlock())

	checkNamespaceReady(t, s, "test")
	checkNoPreorder(t, s, "foo.test", w[2], w[3].Addr)
	if rec := s.GetName("foo.test"); rec != nil {
		t.Errorf("still registered: %v", rec)
	}
	// at each of the fail blocks, the name has not changed from its registration
	for _, fb := range failBlocks {
		hist := s.GetNameAt("foo.test", fb, true)
		if len(hist) == 0 {
			t.Errorf("no name at %d", fb)
			continue
		}
		if op := hist[0].S("opcode"); op != "NAME_REGISTRATION" {
			t.Errorf("accepted opcode %s at %d", op, fb)
		}
	}
}

// name_pre_reg_expire_nextepoch_reregister: a name registered in epoch 1
// lives on into epoch 2 (whose multiplier doubles its lifetime), so a
// preorder and registration of it there fail; once it really expires it
// is registered anew — first_registered moves, block_number stays at the
// first preorder, and each preorder paid its epoch's price.
func TestNamePreRegExpireNextepochReregister(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "698"}, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 5)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	firstPreorder := s.GetCurrentBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NextBlocks(5)
	// epoch shifts here (698)
	s.NextBlock()
	s.NamePreorder("foo.test", w[2], w[3].Addr) // safety_checks=False
	s.NextBlock()
	// should fail
	s.NameRegister("foo.test", w[2], w[3].Addr) // safety_checks=False
	s.NextBlock()
	// verify it failed
	rec := s.GetNameBlockchainRecord("foo.test")
	if rec == nil {
		t.Fatal("blockstack_cli_get_name_blockchain_record: no foo.test")
	}
	if rec.I("first_registered") != 693 {
		t.Fatalf("invalid first registered: %v", rec)
	}
	// actually expire
	s.NextBlocks(int(5*s.Net.EpochAt(s.GetCurrentBlock()).LifetimeMultiplier - 5 - 3))
	// should work
	s.NamePreorder("foo.test", w[3], w[4].Addr) // safety_checks=False
	s.NextBlock()
	cliCanRegister(t, s, "foo.test")
	s.NameRegister("foo.test", w[3], w[4].Addr)
	s.NextBlock()
	lastFirstBlock := s.GetCurrentBlock()

	const originalPrice = 6400000
	currPrice := originalPrice * s.Net.EpochAt(lastFirstBlock).NamePriceMultiplier
	checkNamespaceReady(t, s, "test")
	// not preordered
	if p := s.GetNamePreorderIncludeFailed("foo.test", scenario.PaymentScript(w[3].Addr), w[4].Addr); p != nil {
		t.Errorf("preordered (w3 for w4): %v", p)
	}
	// failed preorder is still there, and paid the epoch 2 fee
	p := s.GetNamePreorderIncludeFailed("foo.test", scenario.PaymentScript(w[2].Addr), w[3].Addr)
	if p == nil {
		t.Errorf("missing preorder (%s, %s)", scenario.PaymentScript(w[2].Addr), w[3].Addr)
	} else if !feeIs(p, currPrice) {
		t.Errorf("wrong preorder fee: %v != %v", p["op_fee"], currPrice)
	}
	nameRec := s.GetName("foo.test")
	if nameRec == nil {
		t.Fatal("still expired")
	}
	checkOwner(t, nameRec, w[4].Addr)
	if nameRec.I("first_registered") != lastFirstBlock {
		t.Errorf("wrong first_registered; expected %d: %v", lastFirstBlock, nameRec)
	}
	if nameRec.I("block_number") != firstPreorder {
		t.Errorf("wrong block_number; expected %d: %v", firstPreorder, nameRec)
	}
	if !feeIs(nameRec, currPrice) {
		t.Errorf("wrong fee: %v != %v", nameRec["op_fee"], currPrice)
	}
	hist := s.GetNameAt("foo.test", firstPreorder+1, true)
	if len(hist) == 0 {
		t.Fatalf("no name at %d", firstPreorder+1)
	}
	// epoch 1 fee paid on the first preorder
	if hist[0].S("address") != w[3].Addr || hist[0].S("sender") != scenario.PaymentScript(w[3].Addr) {
		t.Errorf("historic sender is wrong: %v", hist[0])
	}
	if !feeIs(hist[0], originalPrice) {
		t.Errorf("wrong historic fee at epoch 1: %v != %v", hist[0]["op_fee"], originalPrice)
	}
	// epoch 2 fee paid on the second preorder
	hist = s.GetNameAt("foo.test", lastFirstBlock, true)
	if len(hist) == 0 {
		t.Fatalf("no name at %d", lastFirstBlock)
	}
	if !feeIs(hist[0], currPrice) {
		t.Errorf("wrong historic fee at epoch 2: %v != %v", hist[0]["op_fee"], currPrice)
	}
}

// name_pre_reg_expire_num_names: the number of live names and of names
// ever created, as a name expires and names are registered (again).
func TestNamePreRegExpireNumNames(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "682", "BLOCKSTACK_EPOCH_2_PRICE_MULTIPLIER": "1.0"}, stdWallets()...)
	w := s.Wallets
	mult := s.Net.EpochAt(683).LifetimeMultiplier // epoch 2's
	// get_num_names (and the REST API's /v1/blockchains/bitcoin/name_count,
	// the same count) without and with include_expired
	counts := func(wantLive, wantAll int) {
		t.Helper()
		ctx := context.Background()
		live, err := s.DB.NameCount(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		all, err := s.DB.AllNames(ctx, 0, 1<<20, true)
		if err != nil {
			t.Fatal(err)
		}
		if live != wantLive {
			t.Errorf("at %d: wrong number of names: %d, want %d", s.GetCurrentBlock(), live, wantLive)
		}
		if len(all) != wantAll {
			t.Errorf("at %d: wrong number of cumulative names: %d, want %d", s.GetCurrentBlock(), len(all), wantAll)
		}
	}
	readyNamespace(s, "test", 5)
	counts(0, 0)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	counts(1, 1)
	// expire
	s.NextBlocks(int(5 * mult))
	s.NextBlock()
	counts(0, 1)
	s.NamePreorder("foo2.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo2.test", w[2], w[3].Addr)
	s.NextBlock()
	counts(1, 2)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	counts(2, 2)

	checkNamespaceReady(t, s, "test")
	checkNoPreorder(t, s, "foo.test", w[2], w[3].Addr)
	for _, name := range []string{"foo.test", "foo2.test"} {
		rec := s.GetName(name)
		if rec == nil {
			t.Errorf("no name: %s", name)
			continue
		}
		checkOwner(t, rec, w[3].Addr)
	}
}

// name_pre_reg_expire_pay2ns_multi: a pay-to-creator (version 2)
// namespace is paid for every preorder and renewal of a name registered,
// expired and registered again while its receive-fees period (17 blocks)
// lasts; afterwards preorders pay the burn address, and a preorder forced
// to pay the namespace does not register.
func TestNamePreRegExpirePay2nsMulti(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{
		"BLOCKSTACK_EPOCH_1_END_BLOCK":                       "682",
		"BLOCKSTACK_EPOCH_2_END_BLOCK":                       "683",
		"BLOCKSTACK_EPOCH_2_NAMESPACE_LIFETIME_MULTIPLIER":   "1",
		"BLOCKSTACK_EPOCH_3_NAMESPACE_LIFETIME_MULTIPLIER":   "1",
		"BLOCKSTACK_EPOCH_3_NAMESPACE_LIFETIME_GRACE_PERIOD": "0",
		"BLOCKSTACK_EPOCH_3_NAMESPACE_RECEIVE_FEES_PERIOD":   "17",
	}, stdWallets()...)
	w := s.Wallets

	s.NamespacePreorder("test", w[1].Addr, w[0])
	s.NextBlock()
	s.NamespaceReveal("test", w[1].Addr, 3, 250, 4, idBuckets, 10, 10, w[0], 2)
	s.NextBlock()
	s.NamespaceReady("test", w[1])
	s.NextBlock()

	nsRec := s.GetNamespaceBlockchainRecord("test")
	if nsRec == nil {
		t.Fatal("no namespace test")
	}
	nsAddr := nsRec.S("address")
	namespaceBalance := s.Balance(nsAddr)
	burnBalance := s.Balance(burnAddress)

	cliCanRegister(t, s, "foo.test")
	s.NamePreorder("foo.test", w[2], w[3].Addr) // +name_cost
	s.NextBlock()
	cliCanRegister(t, s, "foo.test")
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NextBlocks(4)
	s.NextBlock() // expired
	cliCanRegister(t, s, "foo.test")
	s.NamePreorder("foo.test", w[3], w[4].Addr) // +name_cost
	s.NextBlock()
	cliCanRegister(t, s, "foo.test")
	s.NameRegister("foo.test", w[3], w[4].Addr)
	s.NextBlock()
	s.NextBlock()
	cliCanRenew(t, s, "foo.test", w[4].Addr)
	s.NameRenew("foo.test", w[4]) // +name_cost
	s.NextBlock()
	s.NextBlocks(4)
	s.NextBlock() // expired
	cliCanRegister(t, s, "foo.test")
	// +name_cost: the scenario's balance assertions below show that its
	// client paid this preorder (sent at tip 707 = reveal 690 + period 17)
	// to the namespace. cli-blockstack as published would pay the burn
	// address there (src/network.js:174, reveal_block + period >
	// blockHeight), and name_pre_reg_pay2ns_burn asserts exactly that at
	// the same boundary (tip 693 = 690 + 3): the two scenarios cannot both
	// have passed with one client. Each port follows its own scenario's
	// evidence, so this preorder pays the namespace. The node (and
	// zonemirror) then refuses the registration below: at block 709 the
	// period is over and only the burn address is accepted (register.py:317).
	s.NamePreorder("foo.test", w[2], w[3].Addr, scenario.BurnAddr(nsAddr))
	s.NextBlock()
	cliCanRegister(t, s, "foo.test")
	third := s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.Rejected(third)

	newNamespaceBalance := s.Balance(nsAddr)
	nameRec := s.GetNameBlockchainRecord("foo.test")
	if nameRec == nil {
		t.Fatal("no foo.test")
	}
	nameCost := nameRec.F("op_fee")
	s.NextBlocks(3)
	s.NextBlock() // expired
	if float64(newNamespaceBalance-namespaceBalance) != 4*nameCost {
		t.Errorf("address %s did not get credited: %d != %d + 4*%v", nsAddr, newNamespaceBalance, namespaceBalance, nameCost)
	}

	// preorder should send to the null burn address now
	cliCanRegister(t, s, "foo2.test")
	s.NamePreorder("foo2.test", w[4], w[0].Addr) // does not pay to namespace
	// forcing it to the namespace address with the checks on (expect_fail):
	// the CLI refuses (trueNamespaceBurnAddress != given), nothing is sent
	if got := scenario.AddrReencode(s.ClientBurnAddress("x.test")); got == nsAddr {
		t.Errorf("the CLI would not refuse a preorder burning to the namespace address at %d", s.GetCurrentBlock())
	}
	// safety_checks=False, price name_cost, burn_addr the namespace's: sent (+name_cost)
	s.NamePreorder("foo_fail.test", w[4], w[0].Addr, scenario.BurnAddr(nsAddr), scenario.Price(int64(nameCost)))
	s.NextBlock()
	// should be accepted
	cliCanRegister(t, s, "foo2.test")
	s.NameRegister("foo2.test", w[4], w[0].Addr)
	// should be rejected (safety_checks=False)
	s.NameRegister("foo_fail.test", w[4], w[0].Addr)
	s.NextBlock()
	// should have been rejected due to the wrong burn address
	if who := s.Whois("foo_fail.test"); who["error"] == nil {
		t.Errorf("foo_fail.test registered: %v", who)
	}
	newBurnBalance := s.Balance(burnAddress)
	newNamespaceBalance = s.Balance(nsAddr)
	nameRec2 := s.GetNameBlockchainRecord("foo2.test")
	if nameRec2 == nil {
		t.Fatal("no foo2.test")
	}
	nameCost2 := nameRec2.F("op_fee")
	// the namespace got foo.test's fees and foo_fail's, not foo2's
	if d := float64(newNamespaceBalance - namespaceBalance); d < 5*nameCost || d > 6*nameCost {
		t.Errorf("address %s got credited after the fee capture period: %d - %d not within 5..6 * %v", nsAddr, newNamespaceBalance, namespaceBalance, nameCost)
	}
	// the burn address received the fee for the second name
	if float64(newBurnBalance)-nameCost2 != float64(burnBalance) {
		t.Errorf("null burn address did not get credited: %d != %d + %v", newBurnBalance, burnBalance, nameCost2)
	}

	checkNamespaceReady(t, s, "test")
	checkNoPreorder(t, s, "foo2.test", w[4], w[0].Addr)
	rec := s.GetName("foo2.test")
	if rec == nil {
		t.Fatal("foo2.test does not exist")
	}
	checkOwner(t, rec, w[0].Addr)
}

// name_pre_reg_expire_reregister: an expired name is preordered and
// registered again by the same wallets; first_registered is the new
// registration's block, block_number the first preorder's.
func TestNamePreRegExpireReregister(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 5)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	firstPreorder := s.GetCurrentBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NextBlocks(int(5 * s.Net.EpochAt(s.GetCurrentBlock()).LifetimeMultiplier))
	s.NextBlock()
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	lastFirstBlock := s.GetCurrentBlock()

	checkNamespaceReady(t, s, "test")
	checkNoPreorder(t, s, "foo.test", w[2], w[3].Addr)
	rec := s.GetName("foo.test")
	if rec == nil {
		t.Fatal("still expired")
	}
	checkOwner(t, rec, w[3].Addr)
	if rec.I("first_registered") != lastFirstBlock {
		t.Errorf("wrong first_registered; expected %d: %v", lastFirstBlock, rec)
	}
	if rec.I("block_number") != firstPreorder {
		t.Errorf("wrong block_number; expected %d: %v", firstPreorder, rec)
	}
}

// name_pre_reg_expire_reregister_multi: a name registered, expired and
// registered again by other wallets, three times over.
func TestNamePreRegExpireReregisterMulti(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 2)
	for outer := range 3 {
		i := outer
		cliCanRegister(t, s, "foo.test")
		s.NamePreorder("foo.test", w[i], w[i+1].Addr)
		s.NextBlock()
		cliCanRegister(t, s, "foo.test")
		s.NameRegister("foo.test", w[i], w[i+1].Addr)
		s.NextBlock()
		// the original's inner loops reuse i (Python 2): after this one i
		// is its last value, 2*multiplier
		n := int(2*s.Net.EpochAt(s.GetCurrentBlock()).LifetimeMultiplier + 1)
		s.NextBlocks(n)
		i = n - 1
		s.NextBlock()
		cliCanRegister(t, s, "foo.test")
		s.NamePreorder("foo.test", w[(i+1)%5], w[(i+2)%5].Addr)
		s.NextBlock()
		cliCanRegister(t, s, "foo.test")
		s.NameRegister("foo.test", w[(i+1)%5], w[(i+2)%5].Addr)
		s.NextBlock()
		s.NextBlocks(int(2*s.Net.EpochAt(s.GetCurrentBlock()).LifetimeMultiplier + 1))
	}

	checkNamespaceReady(t, s, "test")
}

// name_pre_reg_expire_reregister_parallel: two preorders of one name in
// one block; the second preorderer's registration, after the first
// registration expired, fails (its preorder is too old), so the name is
// not registered.
func TestNamePreRegExpireReregisterParallel(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 2)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NamePreorder("foo.test", w[3], w[4].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NextBlocks(int(2*s.Net.EpochAt(s.GetCurrentBlock()).LifetimeMultiplier + 1))
	s.NextBlock()
	// should fail; sent with the CLI's checks and its result unchecked:
	// sent if they pass
	if cliRegisterPasses(s, "foo.test") {
		s.NameRegister("foo.test", w[3], w[4].Addr)
	}
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	checkNoPreorder(t, s, "foo.test", w[2], w[3].Addr)
	checkNoPreorder(t, s, "foo.test", w[3], w[4].Addr)
	if rec := s.GetName("foo.test"); rec != nil {
		t.Errorf("registered by accident: %v", rec)
	}
}

// name_pre_reg_expire_snv: a name expires (the SNV lookup of its old
// record at its registration block, against the last consensus hash, is
// left out: SNV is out of scope).
func TestNamePreRegExpireSnv(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, stdWallets()...)
	w := s.Wallets
	// NAMESPACE_LIFETIME_MULTIPLIER: epoch 2's (config.py: 2); the
	// scenario runs in epoch 1, whose multiplier is 1
	const mult = 2
	readyNamespace(s, "test", 5)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NextBlocks(5 * mult)
	// this one expires the name
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	checkNoPreorder(t, s, "foo.test", w[2], w[3].Addr)
	if rec := s.GetName("foo.test"); rec != nil {
		t.Errorf("not expired: %v", rec)
	}
}

// name_pre_reg_grace_expire: in its grace period an expired name cannot
// be updated, transferred or revoked (sent without the CLI's checks, all
// rejected; with them the CLI refuses) but can be renewed.
func TestNamePreRegGraceExpire(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{
		"BLOCKSTACK_EPOCH_1_END_BLOCK":                       "682",
		"BLOCKSTACK_EPOCH_2_END_BLOCK":                       "683",
		"BLOCKSTACK_EPOCH_2_NAMESPACE_LIFETIME_MULTIPLIER":   "1",
		"BLOCKSTACK_EPOCH_3_NAMESPACE_LIFETIME_MULTIPLIER":   "1",
		"BLOCKSTACK_EPOCH_3_NAMESPACE_LIFETIME_GRACE_PERIOD": "5",
	}, stdWallets()...)
	w := s.Wallets
	s.NamespacePreorder("test", w[1].Addr, w[0])
	s.NextBlock()
	s.NamespaceReveal("test", w[1].Addr, 4, 4, 4, idBuckets, 10, 10, w[0])
	s.NextBlock()
	s.NamespaceReady("test", w[1])
	s.NextBlock()
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	if who := s.Whois("foo.test"); who["error"] != nil {
		t.Fatalf("whois: %v", who)
	}
	// push to grace period
	s.NextBlocks(3)
	s.NameUpdate("foo.test", hx("22", 20), w[3]) // safety_checks=False
	s.NextBlock()
	// should not have gone through
	who := s.Whois("foo.test")
	if who["error"] != nil {
		t.Fatalf("whois: %v", who)
	}
	if !who.Null("zonefile_hash") && who.S("zonefile_hash") != "" {
		t.Errorf("update went through: %v", who)
	}
	// can't transfer: the CLI refuses (expect_fail), then sent without its checks
	if !cliInGracePeriod(s, "foo.test") {
		t.Errorf("at %d the CLI would not refuse the transfer (not in the grace period)", s.GetCurrentBlock())
	}
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()
	who = s.Whois("foo.test")
	if who["error"] != nil {
		t.Fatalf("whois: %v", who)
	}
	if who.S("owner_address") != w[3].Addr {
		t.Errorf("transfer went through: %v", who)
	}
	// can't revoke: likewise
	if !cliInGracePeriod(s, "foo.test") {
		t.Errorf("at %d the CLI would not refuse the revoke (not in the grace period)", s.GetCurrentBlock())
	}
	s.NameRevoke("foo.test", w[3])
	s.NextBlock()
	if who := s.Whois("foo.test"); who["error"] != nil {
		t.Fatalf("whois: %v", who)
	}
	// can renew
	cliCanRenew(t, s, "foo.test", w[3].Addr)
	s.NameRenew("foo.test", w[3])
	s.NextBlock()
	renewBlock := s.GetCurrentBlock()

	checkNamespaceReady(t, s, "test")
	checkNoPreorder(t, s, "foo.test", w[2], w[3].Addr)
	rec := s.GetName("foo.test")
	if rec == nil {
		t.Fatal("foo.test does not exist")
	}
	checkOwner(t, rec, w[3].Addr)
	who = s.Whois("foo.test")
	if who["error"] != nil {
		t.Fatalf("whois: %v", who)
	}
	if who.I("block_renewed_at") != renewBlock {
		t.Errorf("wrong renew block: expected %d: %v", renewBlock, who)
	}
}

// name_pre_reg_reregister_newowner: in a namespace of lifetime 1 (2
// blocks in epoch 2) a name is registered, expires and is registered by
// the next wallet, three times; the last owner holds it, first_registered
// is the last registration's block and block_number the first preorder's.
func TestNamePreRegReregisterNewowner(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "682", "BLOCKSTACK_EPOCH_2_PRICE_MULTIPLIER": "1.0"}, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 1)
	var firstPreorder, lastFirstBlock int64 = -1, -1
	// preorder, register, expire (multiple times); safety_checks=False
	for i := 2; i < 5; i++ {
		s.NamePreorder("foo.test", w[i], w[(i+1)%5].Addr)
		s.NextBlock()
		if firstPreorder < 0 {
			firstPreorder = s.GetCurrentBlock()
		}
		s.NameRegister("foo.test", w[i], w[(i+1)%5].Addr)
		s.NextBlock()
		lastFirstBlock = s.GetCurrentBlock()
		if i == 4 {
			break
		}
		s.NextBlocks(2)
	}

	checkNamespaceReady(t, s, "test")
	checkNoPreorder(t, s, "foo.test", w[2], w[3].Addr)
	rec := s.GetName("foo.test")
	if rec == nil {
		t.Fatal("name rec is None")
	}
	checkOwner(t, rec, w[0].Addr)
	if rec.I("first_registered") != lastFirstBlock {
		t.Errorf("wrong first_registered; expected %d: %v", lastFirstBlock, rec)
	}
	if rec.I("block_number") != firstPreorder {
		t.Errorf("wrong block_number; expected %d: %v", firstPreorder, rec)
	}
}

// name_pre_reg_reregister_sameowner: as reregister_newowner, but the same
// wallets preorder (the same preorder hash) and register each time.
func TestNamePreRegReregisterSameowner(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "682", "BLOCKSTACK_EPOCH_2_PRICE_MULTIPLIER": "1.0"}, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 1)
	var firstPreorder, lastFirstBlock int64 = -1, -1
	// safety_checks=False
	for i := 2; i < 5; i++ {
		s.NamePreorder("foo.test", w[2], w[3].Addr)
		s.NextBlock()
		if firstPreorder < 0 {
			firstPreorder = s.GetCurrentBlock()
		}
		s.NameRegister("foo.test", w[2], w[3].Addr)
		s.NextBlock()
		lastFirstBlock = s.GetCurrentBlock()
		if i == 4 {
			break
		}
		s.NextBlocks(2)
	}

	checkNamespaceReady(t, s, "test")
	checkNoPreorder(t, s, "foo.test", w[2], w[3].Addr)
	rec := s.GetName("foo.test")
	if rec == nil {
		t.Fatal("name rec is None")
	}
	checkOwner(t, rec, w[3].Addr)
	if rec.I("first_registered") != lastFirstBlock {
		t.Errorf("wrong first_registered; expected %d: %v", lastFirstBlock, rec)
	}
	if rec.I("block_number") != firstPreorder {
		t.Errorf("wrong block_number; expected %d: %v", firstPreorder, rec)
	}
}

// name_pre_reg_snapshots: the original takes snapshots of its database
// (blockstack-snapshots) after each block and restores the last one with
// fast_sync_import, checking the restored database, zone files and import
// keychains are identical — all of that concerns the original's own
// storage and is left out. What remains is check(): after a namespace
// import, a ready, and a name's preorder, registration and update, the
// name is registered to its owner.
func TestNamePreRegSnapshots(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, stdWallets()...)
	w := s.Wallets
	s.NamespacePreorder("test", w[1].Addr, w[0])
	s.NextBlock()
	s.NamespaceReveal("test", w[1].Addr, 52595, 250, 4, idBuckets, 10, 10, w[0])
	s.NextBlock()
	zf := makeEmptyZonefile("foo1.test", w[3].Addr)
	zfHash := wire.SumHash160([]byte(zf)).String()
	s.NameImport("imported.test", w[3].Addr, zfHash, w[1])
	s.NextBlock()
	// store zonefile (testlib.blockstack_put_zonefile always returned True)
	s.PutZonefile(zf)
	s.NamespaceReady("test", w[1])
	s.NextBlock()
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	zf = makeEmptyZonefile("foo2.test", w[3].Addr)
	s.NameUpdate("foo.test", wire.SumHash160([]byte(zf)).String(), w[3])
	s.NextBlock()
	s.PutZonefile(zf)

	checkNamespaceReady(t, s, "test")
	checkNoPreorder(t, s, "foo.test", w[2], w[3].Addr)
	rec := s.GetName("foo.test")
	if rec == nil {
		t.Fatal("name does not exist")
	}
	checkOwner(t, rec, w[3].Addr)
}
