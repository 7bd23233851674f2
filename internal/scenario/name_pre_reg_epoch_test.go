package scenario_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/zonemirror/zonemirror/internal/scenario"
)

// cliRenewPasses reports whether the CLI's safety checks of a renewal of
// name by owner pass (the API shows owner owning it; the burn address is
// the CLI's own, so it always agrees).
func cliRenewPasses(s *scenario.S, name, owner string) bool {
	info := cliNameInfo(s, name)
	return info != nil && info.S("address") == scenario.AddrReencode(owner)
}

// sameField reports whether two records have equal values in field, both
// present (a Python dict lookup of a missing key fails the scenario).
func sameField(a, b scenario.Rec, field string) bool {
	x, okA := a[field]
	y, okB := b[field]
	return okA && okB && fmt.Sprint(x) == fmt.Sprint(y)
}

// name_pre_reg_epoch3_newprices: when epoch 3 begins, every name price
// and every namespace price is a tenth of epoch 2's; a renewal that
// transfers and updates (an epoch-3 operation) then goes through.
func TestNamePreRegEpoch3Newprices(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "682", "BLOCKSTACK_EPOCH_2_END_BLOCK": "693",
		"BLOCKSTACK_EPOCH_2_NAMESPACE_LIFETIME_MULTIPLIER": "1"}, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 52595) // 689-691
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock() // 692
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock() // 693

	var names, namespaces []string
	for _, c := range []string{"o", "j", "1"} {
		for i := range 32 {
			names = append(names, "f"+strings.Repeat(c, i)+".test")
		}
	}
	for i := 1; i < 20; i++ {
		namespaces = append(namespaces, strings.Repeat("b", i))
	}
	nameCosts, namespaceCosts := map[string]int64{}, map[string]int64{}
	for _, n := range names {
		nameCosts[n] = s.NameCost(n)
	}
	for _, ns := range namespaces {
		namespaceCosts[ns] = s.NamespaceCost(ns)
	}
	// activate epoch 3
	s.NextBlock() // 694
	for _, n := range names {
		if c := s.NameCost(n); c*10 != nameCosts[n] {
			t.Errorf("wrong name cost change for %s: %d * 10 != %d", n, c, nameCosts[n])
		}
	}
	for _, ns := range namespaces {
		if c := s.NamespaceCost(ns); c*10 != namespaceCosts[ns] {
			t.Errorf("wrong namespace cost change for %s: %d * 10 != %d", ns, c, namespaceCosts[ns])
		}
	}
	// should succeed
	cliCanRenew(t, s, "foo.test", w[3].Addr)
	s.NameRenew("foo.test", w[3], scenario.ZonefileHash(hx("22", 20)), scenario.Recipient(w[0].Addr))
	s.NextBlock() // 695

	checkNamespaceReady(t, s, "test")
	checkNoPreorder(t, s, "foo.test", w[2], w[3].Addr)
	rec := s.GetName("foo.test")
	if rec == nil {
		t.Fatal("name does not exist")
	}
	checkOwner(t, rec, w[0].Addr)
	if rec.S("value_hash") != hx("22", 20) {
		t.Errorf("wrong value hash: %v", rec)
	}
	if rec.I("last_renewed") != 695 {
		t.Errorf("wrong last_renewed: %v", rec)
	}
}

// renewXferUpBeforeEpoch3 is the opening of the epoch3_renewxferup
// scenarios: a name registered at 693, a renewal that also transfers and
// updates it sent without the CLI's checks in epoch 2 (block 694, ignored:
// the name is not renewed), then epoch 3 and the same renewal with the
// checks (696).
func renewXferUpBeforeEpoch3(t *testing.T, s *scenario.S) {
	t.Helper()
	w := s.Wallets
	readyNamespace(s, "test", 52595) // 689-691
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock() // 692
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock() // 693
	whois := s.Whois("foo.test")
	if whois["error"] != nil {
		t.Fatalf("whois: %v", whois)
	}
	// should succeed in being sent (safety_checks=False; tx_fee only the fee)
	s.NameRenew("foo.test", w[3], scenario.ZonefileHash(hx("22", 20)), scenario.Recipient(w[0].Addr))
	// should fail to get accepted
	s.NextBlock() // 694
	// should NOT have been renewed
	whois2 := s.Whois("foo.test")
	if !sameField(whois2, whois, "block_renewed_at") {
		t.Errorf("accidentally renewed: %v, then %v", whois, whois2)
	}
	// activate epoch 3
	s.NextBlock() // 695
	// should succeed
	cliCanRenew(t, s, "foo.test", w[3].Addr)
	s.NameRenew("foo.test", w[3], scenario.ZonefileHash(hx("22", 20)), scenario.Recipient(w[0].Addr))
	s.NextBlock() // 696
}

// checkRenewedTo is the epoch3_renewxferup scenarios' check: the name is
// owned by owner with value hash value, last renewed at block renewed.
func checkRenewedTo(t *testing.T, s *scenario.S, owner, value string, renewed int64) {
	t.Helper()
	w := s.Wallets
	checkNamespaceReady(t, s, "test")
	checkNoPreorder(t, s, "foo.test", w[2], w[3].Addr)
	rec := s.GetName("foo.test")
	if rec == nil {
		t.Fatal("name does not exist")
	}
	checkOwner(t, rec, owner)
	if rec.S("value_hash") != value {
		t.Errorf("wrong value hash: %v", rec)
	}
	if rec.I("last_renewed") != renewed {
		t.Errorf("wrong last_renewed (want %d): %v", renewed, rec)
	}
}

// name_pre_reg_epoch3_renewxferup: a renewal that transfers and updates
// a name is ignored in epoch 2 and accepted in epoch 3.
func TestNamePreRegEpoch3Renewxferup(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "682", "BLOCKSTACK_EPOCH_2_END_BLOCK": "694",
		"BLOCKSTACK_EPOCH_2_NAMESPACE_LIFETIME_MULTIPLIER": "1"}, stdWallets()...)
	renewXferUpBeforeEpoch3(t, s)
	checkRenewedTo(t, s, s.Wallets[0].Addr, hx("22", 20), 696)
}

// name_pre_reg_epoch3_renewxferup_renewxferup: as epoch3_renewxferup, and
// the new owner renews, transfers and updates the name once more.
func TestNamePreRegEpoch3RenewxferupRenewxferup(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "682", "BLOCKSTACK_EPOCH_2_END_BLOCK": "694",
		"BLOCKSTACK_EPOCH_2_NAMESPACE_LIFETIME_MULTIPLIER": "1"}, stdWallets()...)
	w := s.Wallets
	renewXferUpBeforeEpoch3(t, s)
	// should succeed
	cliCanRenew(t, s, "foo.test", w[0].Addr)
	s.NameRenew("foo.test", w[0], scenario.ZonefileHash(hx("33", 20)), scenario.Recipient(w[1].Addr))
	s.NextBlock() // 697
	checkRenewedTo(t, s, w[1].Addr, hx("33", 20), 697)
}

// name_pre_epoch3_regup: a registration carrying a zone-file hash is
// rejected in epoch 2 and accepted (with the same preorder) in epoch 3.
func TestNamePreEpoch3Regup(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "682", "BLOCKSTACK_EPOCH_2_END_BLOCK": "693",
		"BLOCKSTACK_EPOCH_2_NAMESPACE_LIFETIME_MULTIPLIER": "1"}, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 52595) // 689-691
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock() // 692
	// should succeed in being sent (safety_checks=False), but will be rejected
	s.NameRegister("foo.test", w[2], w[3].Addr, scenario.ZonefileHash(hx("22", 20)))
	s.NextBlock() // 693
	// must NOT be registered
	if who := s.Whois("foo.test"); who["error"] == nil {
		t.Fatalf("registered in epoch 2: %v", who)
	}
	// epoch 3 now active: try again, and it should succeed
	cliCanRegister(t, s, "foo.test")
	s.NameRegister("foo.test", w[2], w[3].Addr, scenario.ZonefileHash(hx("22", 20)))
	s.NextBlock() // 694

	checkNamespaceReady(t, s, "test")
	checkNoPreorder(t, s, "foo.test", w[2], w[3].Addr)
	rec := s.GetName("foo.test")
	if rec == nil {
		t.Fatal("name does not exist")
	}
	checkOwner(t, rec, w[3].Addr)
	if rec.S("value_hash") != hx("22", 20) {
		t.Errorf("wrong value hash: %v", rec)
	}
}

// name_pre_reg_nextepoch_expire_reregister: a name registered in epoch 1
// lives on under epoch 2's doubled lifetime, then expires and is
// preordered and registered again by the same wallets; the new record
// keeps the first preorder's block_number and paid epoch 2's price, the
// old one epoch 1's.
func TestNamePreRegNextepochExpireReregister(t *testing.T) {
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
	// epoch shifts here
	s.NextBlock()
	// actually expire
	s.NextBlocks(int(5*s.Net.EpochAt(s.GetCurrentBlock()).LifetimeMultiplier - 5))
	// should work now (sent with the CLI's checks, results unchecked: sent
	// if the checks pass)
	if cliRegisterPasses(s, "foo.test") {
		s.NamePreorder("foo.test", w[2], w[3].Addr)
	}
	s.NextBlock()
	if cliRegisterPasses(s, "foo.test") {
		s.NameRegister("foo.test", w[2], w[3].Addr)
	}
	s.NextBlock()
	lastFirstBlock := s.GetCurrentBlock()

	const originalPrice = 6400000
	// get_epoch_price_multiplier(267): a block of epoch 1
	currPrice := originalPrice * s.Net.EpochAt(267).NamePriceMultiplier
	checkNamespaceReady(t, s, "test")
	if p := s.GetNamePreorderIncludeFailed("foo.test", scenario.PaymentScript(w[2].Addr), w[3].Addr); p != nil {
		t.Errorf("still preordered: %v", p)
	}
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
	if !feeIs(rec, currPrice) {
		t.Errorf("wrong fee: %v != %v", rec["op_fee"], currPrice)
	}
	hist := s.GetNameAt("foo.test", firstPreorder+1, true)
	if len(hist) == 0 {
		t.Fatalf("no name at %d", firstPreorder+1)
	}
	if hist[0].S("address") != w[3].Addr || hist[0].S("sender") != scenario.PaymentScript(w[3].Addr) {
		t.Errorf("historic sender is wrong: %v", hist[0])
	}
	if !feeIs(hist[0], originalPrice) {
		t.Errorf("wrong historic fee at epoch 1: %v != %v", hist[0]["op_fee"], originalPrice)
	}
	hist = s.GetNameAt("foo.test", lastFirstBlock, true)
	if len(hist) == 0 {
		t.Fatalf("no name at %d", lastFirstBlock)
	}
	if !feeIs(hist[0], currPrice) {
		t.Errorf("wrong historic fee at epoch 2: %v != %v", hist[0]["op_fee"], currPrice)
	}
}

// name_pre_reg_nextepoch_register_multisig: a multisig wallet's
// registration fails in epoch 1 (its preorder stays), and with that same
// epoch-1 preorder succeeds in epoch 2; each name keeps the price its
// preorder paid.
func TestNamePreRegNextepochRegisterMultisig(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "694"},
		scenario.Wallet(w5JesPi), scenario.Wallet(w5KHqsi),
		scenario.MultisigWallet(2, "5JfHdMq9XnZ9mwW5H6LsfVCn9u6iGAj2FCVYtfhcHn72Tphvm5P", "5JaqLZaKD7cgkfsxSZBNiu6gaFxo1XAiTXw1mhtatipNNCtZBZG", "5KNsAkiHRDZb5Yyedxov2Fncr6CcNPV52yqJbzQ8M2W6dkg2qJp"),
		scenario.MultisigWallet(2, "5JPrkpfLT3rDf1Lgm1DpA2Cfepwf9wCtEbDx1HSEdd4J2R5YMxZ", "5JiALcfvzFsKcvLnHf7ECgLdp6FxbcAXB1GPvEYP7HeigbDCQ9E", "5KScD5XL5Hj83Yjvm3u4HD78vSYwFRyq9StTLPnrWrCTGiqTvVP"),
		scenario.Wallet(w5KEpiS))
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	// (wallet=wallets[3] is a testlib argument it ignores)
	if cliRegisterPasses(s, "foo.test") {
		s.NamePreorder("foo.test", w[2], w[3].Addr)
	}
	s.NextBlock()
	// should fail, since multisig isn't enabled yet
	if cliRegisterPasses(s, "foo.test") {
		s.NameRegister("foo.test", w[2], w[3].Addr)
	}
	s.NextBlock()
	// foo.test should be preordered (in both 0.13 and 0.14)
	if s.GetNamePreorder("foo.test", scenario.PaymentScript(w[2].Addr), w[3].Addr) == nil {
		t.Fatal("foo.test not preordered")
	}
	// epoch changes here
	if cliRegisterPasses(s, "bar.test") {
		s.NamePreorder("bar.test", w[3], w[4].Addr)
	}
	s.NextBlock()
	if cliRegisterPasses(s, "foo.test") {
		s.NameRegister("foo.test", w[2], w[3].Addr)
	}
	s.NextBlock()
	if cliRegisterPasses(s, "bar.test") {
		s.NameRegister("bar.test", w[3], w[4].Addr)
	}
	s.NextBlock()

	const originalPrice = 6400000
	// get_epoch_price_multiplier(262): a block of epoch 1
	currPrice := originalPrice * s.Net.EpochAt(262).NamePriceMultiplier
	checkNamespaceReady(t, s, "test")
	if p := s.GetNamePreorderIncludeFailed("foo.test", scenario.PaymentScript(w[2].Addr), w[3].Addr); p != nil {
		t.Errorf("preorder exists: %v", p)
	}
	if p := s.GetNamePreorderIncludeFailed("foo.test", scenario.PaymentScript(w[3].Addr), w[4].Addr); p != nil {
		t.Errorf("preorder exists: %v", p)
	}
	foo, bar := s.GetName("foo.test"), s.GetName("bar.test")
	if foo == nil || bar == nil {
		t.Fatalf("name does not exist: foo %v, bar %v", foo, bar)
	}
	checkOwner(t, foo, w[3].Addr)
	checkOwner(t, bar, w[4].Addr)
	// paid the epoch 1 fee
	if !feeIs(foo, originalPrice) {
		t.Errorf("foo paid %v, expected %v", foo["op_fee"], originalPrice)
	}
	// paid the epoch 2 fee
	if !feeIs(bar, currPrice) {
		t.Errorf("bar paid %v, expected %v", bar["op_fee"], currPrice)
	}
}

// name_pre_reg_nextepoch_renew: a name registered in epoch 1 is renewed
// in epoch 2 (where its lifetime doubled) 22 blocks later, paying epoch
// 2's price; its registration keeps epoch 1's.
func TestNamePreRegNextepochRenew(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "704"}, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 11)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	// wait for a bit...
	s.NextBlocks(10)
	// next epoch takes effect...
	s.NextBlock()
	// wait for a bit more (namespace lifetime should have 2x'ed)
	s.NextBlocks(10)
	// sent with the CLI's checks, result unchecked: sent if they pass
	if cliRenewPasses(s, "foo.test", w[3].Addr) {
		s.NameRenew("foo.test", w[3])
	}
	s.NextBlock()
	s.NextBlock()

	const originalPrice = 6400000
	// get_epoch_price_multiplier(273): a block of epoch 1
	currPrice := originalPrice * s.Net.EpochAt(273).NamePriceMultiplier
	checkNamespaceReady(t, s, "test")
	checkNoPreorder(t, s, "foo.test", w[2], w[3].Addr)
	rec := s.GetName("foo.test")
	if rec == nil {
		t.Fatal("foo.test does not exist")
	}
	checkOwner(t, rec, w[3].Addr)
	// renewed (22 blocks later)
	if rec.I("last_renewed")-22 != rec.I("first_registered") {
		t.Errorf("last_renewed %d, first_registered %d", rec.I("last_renewed"), rec.I("first_registered"))
	}
	// the renewal paid the epoch 2 fee
	if !feeIs(rec, currPrice) {
		t.Errorf("wrong op fee: %v != %v", rec["op_fee"], currPrice)
	}
	// the original paid the epoch 1 fee
	hist := s.GetNameAt("foo.test", 693)
	if len(hist) == 0 {
		t.Fatal("no name at 693")
	}
	if !feeIs(hist[0], originalPrice) {
		t.Errorf("wrong historic op fee: %v != %v", hist[0]["op_fee"], originalPrice)
	}
}

// name_pre_reg_nextepoch_preorder_epoch3_expire_grace: across epochs 1-3
// (lifetime multiplier 2, a grace period of 4 in epoch 3) a name's
// expire_block and renewal_deadline follow the epoch; a competing
// preorder's registrations are rejected while the name lives, in its
// grace period (where the CLI refuses them) and after it (its preorder is
// then too old), as is a preorder sent in the grace period.
func TestNamePreRegNextepochPreorderEpoch3ExpireGrace(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{
		"BLOCKSTACK_EPOCH_1_END_BLOCK":                       "693",
		"BLOCKSTACK_EPOCH_2_END_BLOCK":                       "695",
		"BLOCKSTACK_EPOCH_2_NAMESPACE_LIFETIME_MULTIPLIER":   "2",
		"BLOCKSTACK_EPOCH_3_NAMESPACE_LIFETIME_MULTIPLIER":   "2",
		"BLOCKSTACK_EPOCH_3_NAMESPACE_LIFETIME_GRACE_PERIOD": "4",
	},
		scenario.Wallet("5K5hDuynZ6EQrZ4efrchCwy6DLhdsEzuJtTDAf3hqdsCKbxfoeD"),
		scenario.Wallet("5J39aXEeHh9LwfQ4Gy5Vieo7sbqiUMBXkPH7SaMHixJhSSBpAqz"),
		scenario.Wallet("5K9LmMQskQ9jP1p7dyieLDAeB6vsAj4GK8dmGNJAXS1qHDqnWhP"),
		scenario.Wallet("5KcNen67ERBuvz2f649t9F2o1ddTjC5pVUEqcMtbxNgHqgxG2gZ"))
	w := s.Wallets
	whoisOwner := func(owner string) scenario.Rec {
		t.Helper()
		who := s.Whois("foo.test")
		if who["error"] != nil {
			t.Fatalf("at %d failed to whois foo.test: %v", s.GetCurrentBlock(), who)
		}
		if who.S("owner_address") != owner {
			t.Fatalf("at %d accidentally registered: %v", s.GetCurrentBlock(), who)
		}
		return who
	}
	// expect_fail: the CLI refuses a registration while the name is in its grace period
	cliRefusesRegister := func() {
		t.Helper()
		if cliRegisterPasses(s, "foo.test") {
			t.Errorf("at %d the CLI would not refuse the registration (expect_fail): %v", s.GetCurrentBlock(), s.Whois("foo.test"))
		}
	}
	zf44 := scenario.ZonefileHash(hx("44", 20))

	// make a test namespace
	s.NamespacePreorder("test", w[1].Addr, w[0])
	s.NextBlock() // 689
	s.NamespaceReveal("test", w[1].Addr, 2, 250, 4, idBuckets, 10, 10, w[0])
	s.NextBlock() // 690
	s.NamespaceReady("test", w[1])
	s.NextBlock() // 691
	// should succeed
	cliCanRegister(t, s, "foo.test")
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	// should succeed (safety_checks=False)
	s.NamePreorder("foo.test", w[1], w[2].Addr)
	s.NextBlock() // 692
	// should go through
	cliCanRegister(t, s, "foo.test")
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock() // 693; begin epoch 2
	// should go through, but be rejected (safety_checks=False)
	s.NameRegister("foo.test", w[1], w[2].Addr)
	s.NextBlock() // 694
	who := whoisOwner(w[3].Addr)
	if who.I("expire_block") != s.GetCurrentBlock()+3 {
		t.Errorf("wrong expire block (expect 2 more): %v", who)
	}
	if who.I("renewal_deadline") != s.GetCurrentBlock()+3 {
		t.Errorf("wrong renewal block (expect 2 more): %v", who)
	}
	// should go through, but be rejected
	s.NameRegister("foo.test", w[1], w[2].Addr)
	s.NextBlock() // 695 (epoch 3 begins)
	whoisOwner(w[3].Addr)
	// should go through, but be rejected
	s.NameRegister("foo.test", w[1], w[2].Addr)
	s.NextBlock() // 696
	who = s.Whois("foo.test")
	if who["error"] != nil {
		t.Fatalf("whois: %v", who)
	}
	// this should be the expire block
	if who.I("expire_block") != s.GetCurrentBlock()+1 {
		t.Errorf("wrong expire block (now at %d): %v", s.GetCurrentBlock(), who)
	}
	// should now be a grace period
	if who.I("renewal_deadline") != s.GetCurrentBlock()+5 {
		t.Errorf("wrong renewal block (now at %d): %v", s.GetCurrentBlock(), who)
	}
	who = whoisOwner(w[3].Addr)
	lastTransactionHeight := who.I("last_transaction_height")
	// should go through, but be rejected
	s.NameRegister("foo.test", w[1], w[2].Addr)
	// should go through, and be accepted (safety_checks=False)
	s.NamePreorder("foo.test", w[3], w[0].Addr)
	s.NextBlock() // 697 (grace period)
	whoisOwner(w[3].Addr)
	cliRefusesRegister()
	// should go through, but be rejected
	s.NameRegister("foo.test", w[1], w[2].Addr)
	s.NextBlock() // 698
	for range 3 { // 698, 699, 700
		// should NOT have gone through
		who = whoisOwner(w[3].Addr)
		if who.I("last_transaction_height") != lastTransactionHeight {
			t.Fatalf("at %d accidentally registered: %v", s.GetCurrentBlock(), who)
		}
		cliRefusesRegister()
		// should go through, but be rejected
		s.NameRegister("foo.test", w[1], w[2].Addr, zf44)
		s.NextBlock() // 699, 700, 701 (end of grace period)
	}
	// should go through, but be rejected
	s.NameRegister("foo.test", w[1], w[2].Addr, zf44)
	s.NextBlock() // 702
	if who := s.Whois("foo.test"); who["error"] == nil {
		t.Fatalf("at %d whois: %v", s.GetCurrentBlock(), who)
	}
	// should go through, but be rejected (with the CLI's checks, which pass)
	cliCanRegister(t, s, "foo.test")
	s.NameRegister("foo.test", w[1], w[2].Addr, zf44)
	s.NextBlock() // 703
	if who := s.Whois("foo.test"); who["error"] == nil {
		t.Fatalf("at %d whois: %v", s.GetCurrentBlock(), who)
	}
	// should go through, but be rejected
	cliCanRegister(t, s, "foo.test")
	s.NameRegister("foo.test", w[3], w[0].Addr, zf44)
	s.NextBlock() // 704
	if who := s.Whois("foo.test"); who["error"] == nil {
		t.Fatalf("at %d whois: %v", s.GetCurrentBlock(), who)
	}

	checkNamespaceReady(t, s, "test")
	// not preordered: the original loops i over its 4 wallets and reads
	// wallets[(i+1)%5], so i=3 reads wallets[4], which does not exist
	// (IndexError: the original's check() cannot pass); i=0..2 are ported
	for i := range 3 {
		checkNoPreorder(t, s, "foo.test", w[i], w[(i+1)%5].Addr)
	}
	// "this is still preordered under this address" — but the original
	// asserts the preorder is None
	checkNoPreorder(t, s, "foo.test", w[3], w[0].Addr)
	if rec := s.GetName("foo.test"); rec != nil {
		t.Errorf("name still registered: %v", rec)
	}
}
