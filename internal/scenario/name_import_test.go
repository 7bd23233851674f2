package scenario_test

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/zonemirror/zonemirror/internal/scenario"
	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// impBurnAddress is config.py's BLOCKSTACK_BURN_ADDRESS.
const impBurnAddress = "1111111111111111111114oLvT2"

// impOriginalPrice is the price of foo.test the epoch-scenarios assert
// (250 * 4^4 * NAME_COST_UNIT (100) in satoshis).
const impOriginalPrice = 6400000

// impGraceEnv is the TEST ENV of the nextepoch/epoch3 scenarios: epoch 1
// ends at e1, epoch 2 at e2, both later epochs multiply lifetimes by 2,
// and epoch 3's grace period is 5 blocks.
func impGraceEnv(e1, e2 int) scenario.Env {
	return scenario.Env{
		"BLOCKSTACK_EPOCH_1_END_BLOCK":                       strconv.Itoa(e1),
		"BLOCKSTACK_EPOCH_2_END_BLOCK":                       strconv.Itoa(e2),
		"BLOCKSTACK_EPOCH_2_NAMESPACE_LIFETIME_MULTIPLIER":   "2",
		"BLOCKSTACK_EPOCH_3_NAMESPACE_LIFETIME_MULTIPLIER":   "2",
		"BLOCKSTACK_EPOCH_3_NAMESPACE_LIFETIME_GRACE_PERIOD": "5",
	}
}

// impLifetimeMultiplier is the scenarios' NAMESPACE_LIFETIME_MULTIPLIER:
// get_epoch_namespace_lifetime_multiplier(EPOCH_1_END_BLOCK + 1, "test"),
// epoch 1's end as the TEST ENV sets it (config.py's 436650 otherwise).
func impLifetimeMultiplier(s *scenario.S, env scenario.Env) int {
	end := int64(436650)
	if v, ok := env["BLOCKSTACK_EPOCH_1_END_BLOCK"]; ok {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			panic(err)
		}
		end = n
	}
	return int(s.Net.EpochAt(end + 1).LifetimeMultiplier)
}

// impImportKeys is name_import's key derivation: the reveal key
// (wallets[1]), then its first n children, each funded with 1 BTC by
// wallets[1] in a block of its own.
func impImportKeys(s *scenario.S, n int) []*scenario.W {
	w := s.Wallets
	keys := []*scenario.W{w[1]}
	for i := range uint32(n) {
		child := s.Adopt(w[1].Child(i))
		s.SendFunds(w[1], 100000000, child.Addr)
		s.NextBlock()
		keys = append(keys, child)
	}
	return keys
}

// impWhois is testlib.blockstack_cli_whois(name) where the scenario
// returns False on an error.
func impWhois(t *testing.T, s *scenario.S, name string) scenario.Rec {
	t.Helper()
	w := s.Whois(name)
	if e, bad := w["error"]; bad {
		t.Fatalf("whois %s at %d: error %v", name, s.GetCurrentBlock(), e)
	}
	return w
}

// impWhoisFails is the scenarios' "if 'error' not in whois: return False".
func impWhoisFails(t *testing.T, s *scenario.S, name string) {
	t.Helper()
	if w := s.Whois(name); w["error"] == nil {
		t.Fatalf("whois %s at %d: %v, want an error", name, s.GetCurrentBlock(), w)
	}
}

// impField fails t unless the number field of rec is want.
func impField(t *testing.T, s *scenario.S, rec scenario.Rec, field string, want int64) {
	t.Helper()
	if got := rec.I(field); got != want {
		t.Fatalf("at block %d: %s is %d, want %d (%v)", s.GetCurrentBlock(), field, got, want, rec)
	}
}

// impLookup is the part of testlib.blockstack_cli_lookup(name) that is the
// name's standing (cli-blockstack's nameLookup over the node's
// /v1/names/NAME): "Name not found" when the node has no live record (a
// name past its renewal deadline is a 404 there, which blockstack.js
// reports as not found), the grace-period error "Name is expired at block
// … and must be renewed by block …", or "" when the lookup goes on to the
// zone file and the profile (Gaia: out of scope).
func impLookup(s *scenario.S, name string) string {
	rec := s.GetNameBlockchainRecord(name)
	if rec == nil {
		return "Name not found"
	}
	last := s.GetCurrentBlock()
	expire, deadline := rec.I("expire_block"), rec.I("renewal_deadline")
	if deadline > 0 && last >= deadline {
		return "Name not found"
	}
	if deadline > 0 && last >= expire && last < deadline {
		return fmt.Sprintf("Name is expired at block %d and must be renewed by block %d", expire, deadline)
	}
	return ""
}

// impLookupOK is "res = blockstack_cli_lookup(name); if 'error' in res:
// return False", on the name's standing.
func impLookupOK(t *testing.T, s *scenario.S, name string) {
	t.Helper()
	if e := impLookup(s, name); e != "" {
		t.Fatalf("lookup %s at %d: %s", name, s.GetCurrentBlock(), e)
	}
}

// impLookupExpired is "if 'error' not in res or '<want>' not in
// res['error'](.lower()): return False".
func impLookupExpired(t *testing.T, s *scenario.S, name, want string) {
	t.Helper()
	if e := impLookup(s, name); e == "" || !strings.Contains(strings.ToLower(e), want) {
		t.Fatalf("lookup %s at %d: error %q, want one with %q", name, s.GetCurrentBlock(), e, want)
	}
}

// impCLIBurn is the burn address cli-blockstack's network adapter gives a
// preorder or renewal of name (src/network.js getNamespaceBurnAddress): a
// version-2 namespace's creator while reveal_block + receiveFeesPeriod >
// the block height, else the burn address — receiveFeesPeriod being the
// -N testlib passes, get_epoch_namespace_receive_fees_period of the
// current block. (The harness's default is blockstack.js's own rule, with
// a fixed 52595 and >=, which the CLI overrides.)
func impCLIBurn(s *scenario.S, name string) scenario.Opt {
	_, nsID, _ := wire.SplitName(name)
	ns, ok := s.DB.Namespace(nsID)
	cur := s.GetCurrentBlock()
	addr := impBurnAddress
	if ok && ns.Version == wire.NamespaceVersionPayToCreator && ns.RevealBlock+s.Net.EpochAt(cur).NamespaceReceiveFeesPeriod > cur {
		addr = ns.Address
	}
	return scenario.BurnAddr(addr)
}

// impPriceAt is blockstack.price_name(label, namespace_rec, block).
func impPriceAt(s *scenario.S, label, nsID string, block int64) float64 {
	ns, ok := s.DB.Namespace(nsID)
	if !ok {
		panic("no namespace " + nsID)
	}
	f := &netparams.PriceFunction{Coeff: ns.Coeff, Base: ns.Base, NonalphaDiscount: ns.NonalphaDiscount, NoVowelDiscount: ns.NoVowelDiscount, Version: ns.Version}
	for i := range f.Buckets {
		if i < len(ns.Buckets) {
			f.Buckets[i] = uint8(ns.Buckets[i])
		}
	}
	p := netparams.NamePrice(s.Net, s.Net.EpochAt(block), f, label)
	if p.IsInt {
		return float64(p.Int)
	}
	return p.Float
}

// impCheckPrices is the price check of the epoch scenarios: the import at
// firstNameBlock paid the original price (6400000), and the price of foo
// at block `at` is the original price times that block's epoch price
// multiplier.
func impCheckPrices(t *testing.T, s *scenario.S, firstNameBlock, at int64) {
	t.Helper()
	hist := s.GetNameAt("foo.test", firstNameBlock)
	if len(hist) == 0 {
		t.Fatalf("foo.test: no record at %d", firstNameBlock)
	}
	if fee := hist[0].F("op_fee"); math.Abs(impOriginalPrice-fee) >= 10e-8 {
		t.Fatalf("foo.test at %d: op_fee %v, want %d", firstNameBlock, fee, impOriginalPrice)
	}
	mult := s.Net.EpochAt(at).NamePriceMultiplier
	currentFee := impOriginalPrice * mult
	currentPrice := impPriceAt(s, "foo", "test", at)
	if math.Abs(currentPrice-currentFee) >= 10e-8 {
		t.Fatalf("price of foo at %d: %v, want %v", at, currentPrice, currentFee)
	}
	if math.Abs(impOriginalPrice*mult-currentPrice) >= 10e-8 {
		t.Fatalf("price of foo at %d: %v, want %v", at, currentPrice, impOriginalPrice*mult)
	}
}

// impRenewedAfter is "name_rec['last_renewed'] - n ==
// name_rec['first_registered']".
func impRenewedAfter(t *testing.T, rec scenario.Rec, n int64) {
	t.Helper()
	if rec == nil {
		t.Fatal("no name record")
	}
	if rec.I("last_renewed")-n != rec.I("first_registered") {
		t.Fatalf("%s: last_renewed %d, first_registered %d: want %d blocks apart", rec.S("name"), rec.I("last_renewed"), rec.I("first_registered"), n)
	}
}

// impStandardStart is the opening of most import scenarios: the namespace
// revealed with the given lifetime, foo.test imported for wallets[3] with
// value 11…, and the namespace made ready, a block each. It returns the
// import block.
func impStandardStart(s *scenario.S, lifetime uint32) int64 {
	w := s.Wallets
	impRevealTest(s, lifetime)
	s.NameImport("foo.test", w[3].Addr, hx("11", 20), w[1])
	s.NextBlock()
	importBlock := s.GetCurrentBlock()
	s.NamespaceReady("test", w[1])
	s.NextBlock()
	return importBlock
}

// name_import: imports with the reveal key and two child keys, of the same
// name in one block and of three names in one block; the last import of
// each name wins.
func TestNameImport(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, impNine()...)
	w := s.Wallets
	impRevealTest(s, 52595)
	keys := impImportKeys(s, 3)
	s.NameImport("foo.test", w[3].Addr, hx("11", 20), keys[0])
	s.NextBlock()
	// import twice
	s.NameImport("bar.test", w[4].Addr, hx("22", 20), keys[0])
	s.NextBlock()
	s.NameImport("bar.test", w[4].Addr, hx("33", 20), keys[1])
	s.NextBlock()
	for range 2 {
		// import thrice in the same block
		s.NameImport("baz.test", w[5].Addr, hx("44", 20), keys[0])
		s.NameImport("baz.test", w[5].Addr, hx("55", 20), keys[1])
		s.NameImport("baz.test", w[5].Addr, hx("66", 20), keys[2])
		s.NextBlock()
		// import all three in the same block
		s.NameImport("foo.test", w[5].Addr, hx("66", 20), keys[0])
		s.NameImport("bar.test", w[3].Addr, hx("77", 20), keys[1])
		s.NameImport("baz.test", w[4].Addr, hx("88", 20), keys[2])
		s.NextBlock()
	}
	s.NamespaceReady("test", w[1])
	s.NextBlock()

	ns := s.GetNamespace("test")
	if ns == nil || ns.S("namespace_id") != "test" {
		t.Fatalf("test not ready: %v", ns)
	}
	for _, c := range []struct {
		name, value string
		owner       int
	}{{"foo.test", "66", 5}, {"bar.test", "77", 3}, {"baz.test", "88", 4}} {
		impNotPreordered(t, s, c.name)
		rec := s.GetName(c.name)
		impValue(t, rec, hx(c.value, 20))
		checkOwner(t, rec, w[c.owner].Addr)
	}
}

// name_import_expire_isdead: an imported name that expired cannot be
// updated, transferred, renewed or revoked; its history keeps only the
// import.
func TestNameImportExpireIsdead(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, impNine()...)
	w := s.Wallets
	mult := impLifetimeMultiplier(s, nil)
	importBlock := impStandardStart(s, 2)
	s.NextBlocks(2*mult + 1)
	var failBlocks []int64
	var sent []*scenario.Sent
	// all with safety_checks=False
	sent = append(sent, s.NameUpdate("foo.test", hx("11", 20), w[3]))
	s.NextBlock()
	failBlocks = append(failBlocks, s.GetCurrentBlock())
	sent = append(sent, s.NameTransfer("foo.test", w[4].Addr, true, w[3]))
	s.NextBlock()
	failBlocks = append(failBlocks, s.GetCurrentBlock())
	sent = append(sent, s.NameRenew("foo.test", w[3]))
	s.NextBlock()
	failBlocks = append(failBlocks, s.GetCurrentBlock())
	sent = append(sent, s.NameRevoke("foo.test", w[3]))
	s.NextBlock()
	failBlocks = append(failBlocks, s.GetCurrentBlock())
	// (expect_snv_fail_at: SNV, left out)

	checkNamespaceReady(t, s, "test")
	impNotPreordered(t, s, "foo.test")
	if rec := s.GetName("foo.test"); rec != nil {
		t.Fatalf("foo.test exists: %v", rec)
	}
	hist := s.GetNameAt("foo.test", importBlock, true)
	if len(hist) != 1 {
		t.Fatalf("foo.test at %d: %d records, want 1: %v", importBlock, len(hist), hist)
	}
	impHistoricImport(t, s, "foo.test", importBlock, hx("11", 20), w[3].Addr)
	for _, fb := range failBlocks {
		hist := s.GetNameAt("foo.test", fb, true)
		if len(hist) != 1 {
			t.Fatalf("foo.test at %d: %d records, want 1: %v", fb, len(hist), hist)
		}
		if op := hist[0].S("opcode"); op != "NAME_IMPORT" {
			t.Fatalf("foo.test at %d: %s, want NAME_IMPORT", fb, op)
		}
	}
	s.Rejected(sent...)
}

// name_import_expire_pre_reg_expire_pay2ns_multi: a pay-to-creator
// namespace collects the registrations and renewals of a name that keeps
// expiring until its fee period ends; after that, a payment to the
// creator does not register a name and the price is burned.
func TestNameImportExpirePreRegExpirePay2nsMulti(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{
		"BLOCKSTACK_EPOCH_1_END_BLOCK":                       "682",
		"BLOCKSTACK_EPOCH_2_END_BLOCK":                       "683",
		"BLOCKSTACK_EPOCH_2_NAMESPACE_LIFETIME_MULTIPLIER":   "1",
		"BLOCKSTACK_EPOCH_3_NAMESPACE_LIFETIME_MULTIPLIER":   "1",
		"BLOCKSTACK_EPOCH_3_NAMESPACE_LIFETIME_GRACE_PERIOD": "0",
		"BLOCKSTACK_EPOCH_3_NAMESPACE_RECEIVE_FEES_PERIOD":   "22",
	}, impWallets(w5JesPi, w5KHqsi, w5Kg5kJ, w5JuVso, w5KEpiS)...)
	w := s.Wallets
	impRevealTest(s, 3, 2)
	s.NameImport("foo.test", w[3].Addr, hx("11", 20), w[1])
	s.NextBlock()
	s.NamespaceReady("test", w[1])
	s.NextBlock()
	nsRec := s.GetNamespaceBlockchainRecord("test")
	if nsRec == nil {
		t.Fatal("no namespace test")
	}
	nsAddr := nsRec.S("address")
	nsBalance := s.Balance(nsAddr)
	burnBalance := s.Balance(impBurnAddress)
	s.NextBlocks(4)                                                        // expired
	s.NamePreorder("foo.test", w[2], w[3].Addr, impCLIBurn(s, "foo.test")) // +name_cost
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NextBlocks(5)                                                        // expired
	s.NamePreorder("foo.test", w[3], w[4].Addr, impCLIBurn(s, "foo.test")) // +name_cost
	s.NextBlock()
	s.NameRegister("foo.test", w[3], w[4].Addr)
	s.NextBlock()
	s.NextBlock()
	s.NameRenew("foo.test", w[4], impCLIBurn(s, "foo.test"))               // +name_cost
	s.NextBlocks(5)                                                        // expired
	s.NamePreorder("foo.test", w[2], w[3].Addr, impCLIBurn(s, "foo.test")) // +name_cost
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	newNsBalance := s.Balance(nsAddr)
	nameRec := s.GetNameBlockchainRecord("foo.test")
	if nameRec == nil {
		t.Fatal("no foo.test")
	}
	nameCost := nameRec.F("op_fee")
	s.NextBlock()
	s.NextBlock() // stop fee collection
	s.NextBlock()
	s.NextBlock() // expired
	if float64(newNsBalance-nsBalance) != 4*nameCost {
		t.Fatalf("the namespace received %d, want 4 × %v", newNsBalance-nsBalance, nameCost)
	}
	// does not pay to namespace
	s.NamePreorder("foo2.test", w[4], w[0].Addr, impCLIBurn(s, "foo2.test"))
	// foo_fail.test paying the namespace (burn_addr=its address),
	// expect_fail: the client refuses (not the namespace's burn address
	// any more) and sends nothing
	// +name_cost: the same with safety_checks=False and the price given
	s.NamePreorder("foo_fail.test", w[4], w[0].Addr, scenario.BurnAddr(nsAddr), scenario.Price(int64(nameCost)))
	s.NextBlock()
	s.NameRegister("foo2.test", w[4], w[0].Addr)
	s.NameRegister("foo_fail.test", w[4], w[0].Addr) // safety_checks=False
	s.NextBlock()
	impWhoisFails(t, s, "foo_fail.test")
	newBurnBalance := s.Balance(impBurnAddress)
	newNsBalance = s.Balance(nsAddr)
	rec2 := s.GetNameBlockchainRecord("foo2.test")
	if rec2 == nil {
		t.Fatal("no foo2.test")
	}
	nameCost2 := rec2.F("op_fee")
	if d := float64(newNsBalance - nsBalance); d < 5*nameCost || d > 6*nameCost {
		t.Fatalf("the namespace received %v, want 5 to 6 × %v", d, nameCost)
	}
	if float64(newBurnBalance)-nameCost2 != float64(burnBalance) {
		t.Fatalf("burned %d, want %v", newBurnBalance-burnBalance, nameCost2)
	}

	checkNamespaceReady(t, s, "test")
	if p := s.GetNamePreorder("foo2.test", scenario.PaymentScript(w[4].Addr), w[0].Addr); p != nil {
		t.Fatalf("foo2.test preordered: %v", p)
	}
	checkOwner(t, s.GetName("foo2.test"), w[0].Addr)
}

// impCheckReregistered is the check of the *_expire_reregister scenarios:
// foo.test registered anew by wallets[7] for wallets[8], with wallets[7]'s
// public key.
func impCheckReregistered(t *testing.T, s *scenario.S) scenario.Rec {
	t.Helper()
	w := s.Wallets
	checkNamespaceReady(t, s, "test")
	impNotPreordered(t, s, "foo.test")
	rec := s.GetName("foo.test")
	checkOwner(t, rec, w[8].Addr)
	if rec.S("sender_pubkey") != w[7].PubkeyHex {
		t.Fatalf("sender_pubkey %v, want %s", rec["sender_pubkey"], w[7].PubkeyHex)
	}
	return rec
}

// name_import_expire_reregister: an imported name expires and is
// registered by another; the import stays in the history.
func TestNameImportExpireReregister(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, impNine()...)
	w := s.Wallets
	mult := impLifetimeMultiplier(s, nil)
	importBlock := impStandardStart(s, 10)
	s.NextBlocks(10 * mult)
	s.NamePreorder("foo.test", w[7], w[8].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[7], w[8].Addr)
	s.NextBlock()

	impCheckReregistered(t, s)
	impHistoricImport(t, s, "foo.test", importBlock, hx("11", 20), w[3].Addr)
}

// name_import_import_expire_reregister: a name imported twice expires and
// is registered by another; both imports stay in the history.
func TestNameImportImportExpireReregister(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, impNine()...)
	w := s.Wallets
	mult := impLifetimeMultiplier(s, nil)
	impRevealTest(s, 10)
	s.NameImport("foo.test", w[3].Addr, hx("11", 20), w[1])
	s.NextBlock()
	importBlock1 := s.GetCurrentBlock()
	s.NextBlock()
	s.NameImport("foo.test", w[4].Addr, hx("22", 20), w[1])
	s.NextBlock()
	importBlock2 := s.GetCurrentBlock()
	s.NextBlock()
	s.NamespaceReady("test", w[1])
	s.NextBlock()
	s.NextBlocks(10 * mult)
	s.NamePreorder("foo.test", w[7], w[8].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[7], w[8].Addr)
	s.NextBlock()

	impCheckReregistered(t, s)
	impHistoricImport(t, s, "foo.test", importBlock1, hx("11", 20), w[3].Addr)
	impHistoricImport(t, s, "foo.test", importBlock2, hx("22", 20), w[4].Addr)
}

// impUserZonefileHash is the hash of the zone file blockstack_import_user
// and blockstack_renew_user make for an owner (make_empty_zonefile with a
// URI record to the owner's profile on the test Gaia hub). The hub's read
// URL is the original's test hub's, so the hash is not the original's;
// nothing asserts it.
func impUserZonefileHash(name string, owner *scenario.W) string {
	z := fmt.Sprintf("$ORIGIN %s\n$TTL 3600\n_http._tcp\tIN\tURI\t10\t1\t\"http://localhost:4001/hub/%s/profile.json\"\n\n", name, owner.Addr)
	return wire.SumHash160([]byte(z)).String()
}

// name_import_lookup_expire_grace_renewxferup: an imported name's lookups
// across epochs 1–3; in epoch 3 it expires into a 5-block grace period
// (lookups fail as expired) and is renewed to a new owner before its
// renewal deadline. The lookups are asserted on the name's standing (the
// zone file and profile they fetch are out of scope).
func TestNameImportLookupExpireGraceRenewxferup(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, impGraceEnv(693, 695), impNine()...)
	w := s.Wallets
	s.NamespacePreorder("test", w[1].Addr, w[0])
	s.NextBlock() // end of 689
	s.NamespaceReveal("test", w[1].Addr, 2, 250, 4, idBuckets, 10, 10, w[0])
	s.NextBlock() // 690
	// blockstack_import_user('foo.test', wallets[1].privkey,
	// wallets[3].privkey): an import for wallets[3] with its zone file's
	// hash, one block (its zone file and profile upload: out of scope)
	s.NameImport("foo.test", w[3].Addr, impUserZonefileHash("foo.test", w[3]), w[1])
	s.NextBlock() // 691
	impLookupOK(t, s, "foo.test")
	s.NamespaceReady("test", w[1])
	impLookupOK(t, s, "foo.test")
	s.NextBlock() // end of 692
	whois := impWhois(t, s, "foo.test")
	impField(t, s, whois, "expire_block", s.GetCurrentBlock()+2)
	impLookupOK(t, s, "foo.test")
	s.NextBlock() // end of 693; begin epoch 2
	impLookupOK(t, s, "foo.test")
	s.NextBlock() // 694
	impLookupOK(t, s, "foo.test")
	whois = impWhois(t, s, "foo.test")
	impField(t, s, whois, "expire_block", s.GetCurrentBlock()+2)
	impField(t, s, whois, "renewal_deadline", s.GetCurrentBlock()+2)
	s.NextBlock() // 695 (epoch 3 begins)
	impLookupOK(t, s, "foo.test")
	s.NextBlock() // end of 696
	impLookupExpired(t, s, "foo.test", "expired")
	whois = impWhois(t, s, "foo.test")
	impField(t, s, whois, "expire_block", s.GetCurrentBlock())
	impField(t, s, whois, "renewal_deadline", s.GetCurrentBlock()+5)
	for range 4 {
		s.NextBlock() // 697 … 700
		impLookupExpired(t, s, "foo.test", "expired")
	}
	// blockstack_renew_user('foo.test', wallets[3].privkey,
	// wallets[0].privkey): a renewal to wallets[0] with its zone file's
	// hash, one block
	s.NameRenew("foo.test", w[3], scenario.Recipient(w[0].Addr), scenario.ZonefileHash(impUserZonefileHash("foo.test", w[0])))
	s.NextBlock() // end of 701 (end of grace period)
	impLookupOK(t, s, "foo.test")
	s.NextBlock() // 702

	checkNamespaceReady(t, s, "test")
	impNotPreordered(t, s, "foo.test")
	if p := s.GetNamePreorder("foo.test", scenario.PaymentScript(w[3].Addr), w[0].Addr); p != nil {
		t.Fatalf("preordered: %v", p)
	}
	checkOwner(t, s.GetName("foo.test"), w[0].Addr)
	if s.GetNamespace("test") == nil {
		t.Fatal("no namespace test")
	}
}

// impEpoch3Start is the opening of the nextepoch/epoch3 grace scenarios:
// the namespace (lifetime 2) at 690, foo.test imported for owner at 691,
// ready at 692. It returns the import block.
func impEpoch3Start(s *scenario.S, owner int) int64 {
	w := s.Wallets
	s.NamespacePreorder("test", w[1].Addr, w[0])
	s.NextBlock() // end of 689
	s.NamespaceReveal("test", w[1].Addr, 2, 250, 4, idBuckets, 10, 10, w[0])
	s.NextBlock() // 690
	s.NameImport("foo.test", w[owner].Addr, hx("11", 20), w[1])
	s.NextBlock() // 691
	first := s.GetCurrentBlock()
	s.NamespaceReady("test", w[1])
	s.NextBlock() // end of 692
	return first
}

// impEpoch3ToGrace is the blocks from 692 to 696 of the grace scenarios
// (epochs 1 and 2 end at 693 and 695): whois at 692 and 694, and at 696
// the name is expired and in its 5-block grace period. It returns whois's
// last_transaction_height at 696.
func impEpoch3ToGrace(t *testing.T, s *scenario.S, at694 func()) any {
	t.Helper()
	whois := impWhois(t, s, "foo.test")
	// this should be the second-to-last block
	impField(t, s, whois, "expire_block", s.GetCurrentBlock()+2)
	s.NextBlock() // end of 693; begin epoch 2
	s.NextBlock() // 694
	whois = impWhois(t, s, "foo.test")
	// this should be the last block
	impField(t, s, whois, "expire_block", s.GetCurrentBlock()+2)
	impField(t, s, whois, "renewal_deadline", s.GetCurrentBlock()+2)
	if at694 != nil {
		at694()
	}
	s.NextBlock() // 695 (epoch 3 begins)
	s.NextBlock() // end of 696
	whois = impWhois(t, s, "foo.test")
	// this should be the expire block
	impField(t, s, whois, "expire_block", s.GetCurrentBlock())
	// should now be a grace period
	impField(t, s, whois, "renewal_deadline", s.GetCurrentBlock()+5)
	return whois["last_transaction_height"]
}

// impLastTx fails t unless whois's last_transaction_height is want.
func impLastTx(t *testing.T, s *scenario.S, whois scenario.Rec, want any) {
	t.Helper()
	if fmt.Sprint(whois["last_transaction_height"]) != fmt.Sprint(want) {
		t.Fatalf("at %d: last_transaction_height %v, want %v", s.GetCurrentBlock(), whois["last_transaction_height"], want)
	}
}

// name_import_nextepoch_epoch3_expire_grace: an imported name expires in
// epoch 3 into its grace period; registrations of it during the grace
// period are rejected (the name's last transaction does not change), and
// after it, registrations on preorders made during the grace period are
// rejected too.
func TestNameImportNextepochEpoch3ExpireGrace(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, impGraceEnv(693, 695), impNine()...)
	w := s.Wallets
	impEpoch3Start(s, 3)
	lastTx := impEpoch3ToGrace(t, s, nil)
	var rejected []*scenario.Sent
	// should go through (safety_checks=False)
	s.NamePreorder("foo.test", w[3], w[0].Addr)
	s.NamePreorder("foo.test", w[1], w[2].Addr)
	s.NextBlock() // end of 697
	for range 3 {
		// expect_fail: the client refuses (grace period), nothing sent;
		// then the same with safety_checks=False: goes through, rejected
		rejected = append(rejected, s.NameRegister("foo.test", w[1], w[2].Addr, scenario.ZonefileHash(hx("44", 20))))
		s.NextBlock() // 698, 699, 700
		impLastTx(t, s, impWhois(t, s, "foo.test"), lastTx)
	}
	// should go through, but be rejected (expired preorder)
	rejected = append(rejected, s.NameRegister("foo.test", w[1], w[2].Addr, scenario.ZonefileHash(hx("44", 20))))
	s.NextBlock() // end of 701 (end of grace period)
	impWhoisFails(t, s, "foo.test")
	// should go through, and be rejected (expired preorder)
	rejected = append(rejected, s.NameRegister("foo.test", w[1], w[2].Addr, scenario.ZonefileHash(hx("44", 20))))
	s.NextBlock() // 702 (name can be registered again)
	impWhoisFails(t, s, "foo.test")
	// should go through, but fail (expired preorder)
	rejected = append(rejected, s.NameRegister("foo.test", w[3], w[0].Addr, scenario.ZonefileHash(hx("33", 20))))
	s.NextBlock() // 703
	impWhoisFails(t, s, "foo.test")

	checkNamespaceReady(t, s, "test")
	impNotPreordered(t, s, "foo.test")
	if p := s.GetNamePreorder("foo.test", scenario.PaymentScript(w[3].Addr), w[0].Addr); p != nil {
		t.Fatalf("preordered: %v", p)
	}
	if rec := s.GetName("foo.test"); rec != nil {
		t.Fatalf("foo.test registered: %v", rec)
	}
	s.Rejected(rejected...)
}

// name_import_nextepoch_epoch3_expire_grace_renewxferup: as
// name_import_nextepoch_epoch3_expire_grace, but the owner renews the name
// to a new owner with a new zone file hash during the grace period; a
// registration on a preorder made during the grace period is rejected.
func TestNameImportNextepochEpoch3ExpireGraceRenewxferup(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, impGraceEnv(693, 695), impNine()...)
	w := s.Wallets
	impEpoch3Start(s, 3)
	lastTx := impEpoch3ToGrace(t, s, nil)
	var rejected []*scenario.Sent
	// should go through (safety_checks=False)
	s.NamePreorder("foo.test", w[3], w[0].Addr)
	s.NamePreorder("foo.test", w[1], w[2].Addr)
	s.NextBlock() // end of 697
	for range 3 {
		// expect_fail: the client refuses (grace period), nothing sent;
		// then the same with safety_checks=False: goes through, rejected
		rejected = append(rejected, s.NameRegister("foo.test", w[1], w[2].Addr, scenario.ZonefileHash(hx("44", 20))))
		s.NextBlock() // 698, 699, 700
		impLastTx(t, s, impWhois(t, s, "foo.test"), lastTx)
	}
	// the same again, and in the same block the renewal
	rejected = append(rejected, s.NameRegister("foo.test", w[1], w[2].Addr, scenario.ZonefileHash(hx("44", 20))))
	// renew/xfer/update
	renewal := s.NameRenew("foo.test", w[3], scenario.ZonefileHash(hx("33", 20)), scenario.Recipient(w[0].Addr))
	s.NextBlock() // end of 701 (end of grace period)
	s.Accepted(renewal)
	impWhois(t, s, "foo.test")
	// expect_fail: the client refuses, nothing sent; then with
	// safety_checks=False: goes through and is rejected (even though
	// preordered)
	rejected = append(rejected, s.NameRegister("foo.test", w[1], w[2].Addr, scenario.ZonefileHash(hx("44", 20))))
	s.NextBlock() // 702 (name can be registered again)
	whois := impWhois(t, s, "foo.test")
	if whois.S("owner_address") != w[0].Addr {
		t.Fatalf("owner %v, want %s", whois["owner_address"], w[0].Addr)
	}
	if whois.S("zonefile_hash") != hx("33", 20) {
		t.Fatalf("zone file hash %v", whois["zonefile_hash"])
	}

	checkNamespaceReady(t, s, "test")
	impNotPreordered(t, s, "foo.test")
	if p := s.GetNamePreorder("foo.test", scenario.PaymentScript(w[3].Addr), w[0].Addr); p != nil {
		t.Fatalf("preordered: %v", p)
	}
	checkOwner(t, s.GetName("foo.test"), w[0].Addr)
	s.Rejected(rejected...)
}
