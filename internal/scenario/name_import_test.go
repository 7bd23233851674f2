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

// The import scenarios (name_import*; name_imp* are in name_imp_test.go).
// What the ports leave out: testlib's tx_fee= (it only sets the miner's
// fee), expect_snv_fail_at and SNV lookups, the zone files and profiles
// blockstack_import_user/renew_user upload, and the profile half of
// blockstack_cli_lookup (its name-standing half is impLookup). A call
// made with expect_fail=True that the scenario expects the client to
// refuse sends nothing; every other call is sent.

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
	burnBalance := s.Balance(burnAddress)
	s.NextBlocks(4)                             // expired
	s.NamePreorder("foo.test", w[2], w[3].Addr) // +name_cost
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NextBlocks(5)                             // expired
	s.NamePreorder("foo.test", w[3], w[4].Addr) // +name_cost
	s.NextBlock()
	s.NameRegister("foo.test", w[3], w[4].Addr)
	s.NextBlock()
	s.NextBlock()
	s.NameRenew("foo.test", w[4])               // +name_cost
	s.NextBlocks(5)                             // expired
	s.NamePreorder("foo.test", w[2], w[3].Addr) // +name_cost
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
	s.NamePreorder("foo2.test", w[4], w[0].Addr)
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
	newBurnBalance := s.Balance(burnAddress)
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

// impOwnerIs fails t unless whois's owner_address is owner's.
func impOwnerIs(t *testing.T, s *scenario.S, whois scenario.Rec, owner *scenario.W) {
	t.Helper()
	if whois.S("owner_address") != scenario.AddrReencode(owner.Addr) {
		t.Fatalf("at %d: owner %v, want %s", s.GetCurrentBlock(), whois["owner_address"], owner.Addr)
	}
}

// impNoPreorderFor fails t if name is preordered by payer for recipient.
func impNoPreorderFor(t *testing.T, s *scenario.S, name string, payer, recipient *scenario.W) {
	t.Helper()
	if p := s.GetNamePreorder(name, scenario.PaymentScript(payer.Addr), recipient.Addr); p != nil {
		t.Fatalf("%s preordered by %s for %s: %v", name, payer.Addr, recipient.Addr, p)
	}
}

// impCheckReregup is the check of the *_expire_reregup scenarios:
// foo.test registered anew for wallets[4], and the namespace ready.
func impCheckReregup(t *testing.T, s *scenario.S) {
	t.Helper()
	w := s.Wallets
	checkNamespaceReady(t, s, "test")
	impNotPreordered(t, s, "foo.test")
	checkOwner(t, s.GetName("foo.test"), w[4].Addr)
	if s.GetNamespace("test") == nil {
		t.Fatal("no namespace test")
	}
}

// name_import_nextepoch_epoch3_expire_reregup: an imported name expires in
// epoch 3; the client refuses to preorder it during its grace period, and
// once the grace period is over another registers it.
func TestNameImportNextepochEpoch3ExpireReregup(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, impGraceEnv(693, 695), impNine()...)
	w := s.Wallets
	impEpoch3Start(s, 3)
	impEpoch3ToGrace(t, s, nil)
	for range 5 {
		// preorder by wallets[3] for wallets[4], expect_fail: the safety
		// checks refuse it (grace period), nothing is sent
		s.NextBlock() // 697 … 701
	}
	// safety checks SHOULD allow the preorder to go through
	s.NamePreorder("foo.test", w[3], w[4].Addr)
	s.NextBlock() // 702
	s.NameRegister("foo.test", w[3], w[4].Addr, scenario.ZonefileHash(hx("33", 20)))
	s.NextBlock() // 703

	impCheckReregup(t, s)
}

// impCheckRenewedEpoch3 is the check of the renewxferup scenarios: the
// name renewed `after` blocks after its import, and the prices (at 703).
func impCheckRenewedEpoch3(t *testing.T, s *scenario.S, firstNameBlock, after int64) {
	t.Helper()
	checkNamespaceReady(t, s, "test")
	impNotPreordered(t, s, "foo.test")
	impRenewedAfter(t, s.GetName("foo.test"), after)
	if s.GetNamespace("test") == nil {
		t.Fatal("no namespace test")
	}
	impCheckPrices(t, s, firstNameBlock, 703)
}

// name_import_nextepoch_epoch3_renewxferup: an imported name renewed to a
// new owner with a new zone file hash right after epoch 3 begins; its
// expiry and renewal deadline follow the renewal.
func TestNameImportNextepochEpoch3Renewxferup(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, impGraceEnv(691, 692), impNine()...)
	w := s.Wallets
	first := impEpoch3Start(s, 3)
	// epoch 3 should be active...
	impField(t, s, impWhois(t, s, "foo.test"), "expire_block", s.GetCurrentBlock()+4)
	s.NameRenew("foo.test", w[3], scenario.ZonefileHash(hx("22", 20)), scenario.Recipient(w[2].Addr))
	s.NextBlock() // end of 693 (new epoch)
	whois := impWhois(t, s, "foo.test")
	impField(t, s, whois, "expire_block", s.GetCurrentBlock()+4)
	impField(t, s, whois, "renewal_deadline", s.GetCurrentBlock()+9)

	impCheckRenewedEpoch3(t, s, first, 2)
}

// name_import_nextepoch_epoch3_renewxferup_renewxferup: as
// name_import_nextepoch_epoch3_renewxferup, then the name expires into its
// grace period and the new owner renews it to another.
func TestNameImportNextepochEpoch3RenewxferupRenewxferup(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, impGraceEnv(691, 692), impNine()...)
	w := s.Wallets
	first := impEpoch3Start(s, 3)
	impField(t, s, impWhois(t, s, "foo.test"), "expire_block", s.GetCurrentBlock()+4)
	s.NameRenew("foo.test", w[3], scenario.ZonefileHash(hx("22", 20)), scenario.Recipient(w[2].Addr))
	s.NextBlock() // end of 693 (new epoch)
	whois := impWhois(t, s, "foo.test")
	impField(t, s, whois, "expire_block", s.GetCurrentBlock()+4)
	impField(t, s, whois, "renewal_deadline", s.GetCurrentBlock()+9)
	// expire it again
	s.NextBlocks(4)
	impLookupExpired(t, s, "foo.test", "name is expired")
	whois = impWhois(t, s, "foo.test")
	impField(t, s, whois, "expire_block", s.GetCurrentBlock())
	impField(t, s, whois, "renewal_deadline", s.GetCurrentBlock()+5)
	s.NameRenew("foo.test", w[2], scenario.ZonefileHash(hx("33", 20)), scenario.Recipient(w[4].Addr))
	s.NextBlock() // 699
	whois = impWhois(t, s, "foo.test")
	impField(t, s, whois, "expire_block", s.GetCurrentBlock()+4)
	impField(t, s, whois, "renewal_deadline", s.GetCurrentBlock()+9)
	impOwnerIs(t, s, whois, w[4])

	impCheckRenewedEpoch3(t, s, first, 7)
}

// name_import_nextepoch_import_expire_reregister: a name imported in epoch
// 1 and again in epoch 2 expires and is registered by another; the
// history keeps both imports and their fees.
func TestNameImportNextepochImportExpireReregister(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "701"}, impNine()...)
	w := s.Wallets
	impRevealTest(s, 5)
	s.NameImport("foo.test", w[3].Addr, hx("11", 20), w[1])
	// for funsies, pass the namespace lifetime
	s.NextBlocks(10)
	importBlock1 := s.GetCurrentBlock()
	s.NextBlock()
	s.NameImport("foo.test", w[4].Addr, hx("22", 20), w[1])
	s.NextBlock()
	importBlock2 := s.GetCurrentBlock()
	s.NextBlock()
	s.NamespaceReady("test", w[1])
	s.NextBlock()
	// name should definitely not be expired
	impWhois(t, s, "foo.test")
	// wait for expiration (with multiplier)
	s.NextBlocks(5 * int(s.Net.EpochAt(s.GetCurrentBlock()).LifetimeMultiplier))
	// name should definitely be expired
	impWhoisFails(t, s, "foo.test")
	// re-register (should work)
	s.NamePreorder("foo.test", w[7], w[8].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[7], w[8].Addr)
	s.NextBlock()

	originalPrice := float64(impOriginalPrice)
	currPrice := originalPrice * s.Net.EpochAt(260).NamePriceMultiplier
	rec := impCheckReregistered(t, s)
	// epoch 2 fee paid
	if math.Abs(rec.F("op_fee")-currPrice) >= 10e-8 {
		t.Fatalf("op_fee %v, want %v", rec["op_fee"], currPrice)
	}
	for _, c := range []struct {
		block int64
		value string
		owner *scenario.W
		fee   float64
		what  string
	}{{importBlock1, "11", w[3], originalPrice, "epoch 1 fee"}, {importBlock2, "22", w[4], currPrice, "epoch 2 fee"}} {
		impHistoricImport(t, s, "foo.test", c.block, hx(c.value, 20), c.owner.Addr)
		h := s.GetNameAt("foo.test", c.block, true)[0]
		if math.Abs(h.F("op_fee")-c.fee) >= 10e-8 {
			t.Fatalf("foo.test at %d: op_fee %v, want %v (%s)", c.block, h["op_fee"], c.fee, c.what)
		}
	}
}

// name_import_nextepoch_preorder_epoch3_expire_grace: a preorder made
// while the imported name is live does not let its payer register the
// name, before, during or after the name's grace period; a preorder made
// during the grace period registers it once the grace period is over.
func TestNameImportNextepochPreorderEpoch3ExpireGrace(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, impGraceEnv(693, 695), impNine()...)
	w := s.Wallets
	impEpoch3Start(s, 3)
	var rejected []*scenario.Sent
	// should go through (safety_checks=False)
	s.NamePreorder("foo.test", w[1], w[2].Addr)
	whois := impWhois(t, s, "foo.test")
	// this should be the second-to-last block
	impField(t, s, whois, "expire_block", s.GetCurrentBlock()+2)
	s.NextBlock() // end of 693; begin epoch 2
	// should go through, but be rejected (safety_checks=False)
	rejected = append(rejected, s.NameRegister("foo.test", w[1], w[2].Addr))
	impOwnerIs(t, s, impWhois(t, s, "foo.test"), w[3])
	s.NextBlock() // 694
	rejected = append(rejected, s.NameRegister("foo.test", w[1], w[2].Addr))
	whois = impWhois(t, s, "foo.test")
	impOwnerIs(t, s, whois, w[3])
	// this should be the last block
	impField(t, s, whois, "expire_block", s.GetCurrentBlock()+2)
	impField(t, s, whois, "renewal_deadline", s.GetCurrentBlock()+2)
	s.NextBlock() // 695 (epoch 3 begins)
	impOwnerIs(t, s, impWhois(t, s, "foo.test"), w[3])
	rejected = append(rejected, s.NameRegister("foo.test", w[1], w[2].Addr))
	s.NextBlock() // end of 696
	whois = impWhois(t, s, "foo.test")
	// this should be the expire block
	impField(t, s, whois, "expire_block", s.GetCurrentBlock())
	// should now be a grace period
	impField(t, s, whois, "renewal_deadline", s.GetCurrentBlock()+5)
	impOwnerIs(t, s, whois, w[3])
	lastTx := whois["last_transaction_height"]
	rejected = append(rejected, s.NameRegister("foo.test", w[1], w[2].Addr))
	s.NextBlock() // end of 697
	impOwnerIs(t, s, impWhois(t, s, "foo.test"), w[3])
	// expect_fail: the client refuses (grace period), nothing sent; then
	// with safety_checks=False: goes through, rejected
	rejected = append(rejected, s.NameRegister("foo.test", w[1], w[2].Addr))
	s.NextBlock() // 698
	whois = impWhois(t, s, "foo.test")
	impOwnerIs(t, s, whois, w[3])
	impLastTx(t, s, whois, lastTx)
	rejected = append(rejected, s.NameRegister("foo.test", w[1], w[2].Addr, scenario.ZonefileHash(hx("44", 20))))
	s.NextBlock() // 699
	whois = impWhois(t, s, "foo.test")
	impOwnerIs(t, s, whois, w[3])
	impLastTx(t, s, whois, lastTx)
	rejected = append(rejected, s.NameRegister("foo.test", w[1], w[2].Addr, scenario.ZonefileHash(hx("44", 20))))
	// should go through, and be accepted (safety_checks=False)
	preorder := s.NamePreorder("foo.test", w[3], w[0].Addr)
	s.NextBlock() // 700
	s.Accepted(preorder)
	whois = impWhois(t, s, "foo.test")
	impOwnerIs(t, s, whois, w[3])
	impLastTx(t, s, whois, lastTx)
	// should fail (expect_fail: nothing sent); then with
	// safety_checks=False: goes through, rejected
	rejected = append(rejected, s.NameRegister("foo.test", w[3], w[0].Addr, scenario.ZonefileHash(hx("44", 20))))
	s.NextBlock() // end of 701 (end of grace period)
	impWhoisFails(t, s, "foo.test")
	// should go through, and be rejected (expired preorder)
	rejected = append(rejected, s.NameRegister("foo.test", w[1], w[2].Addr, scenario.ZonefileHash(hx("44", 20))))
	s.NextBlock() // 702 (name can be registered again)
	impWhoisFails(t, s, "foo.test")
	// should go through, and be accepted
	s.NameRegister("foo.test", w[3], w[0].Addr, scenario.ZonefileHash(hx("33", 20)))
	s.NextBlock() // 703
	impOwnerIs(t, s, impWhois(t, s, "foo.test"), w[0])

	checkNamespaceReady(t, s, "test")
	impNotPreordered(t, s, "foo.test")
	impNoPreorderFor(t, s, "foo.test", w[3], w[0])
	checkOwner(t, s.GetName("foo.test"), w[0].Addr)
	if s.GetNamespace("test") == nil {
		t.Fatal("no namespace test")
	}
	s.Rejected(rejected...)
}

// name_import_nextepoch_renew_epoch3_renewxferup: an imported name renewed
// in epoch 1, expiring in epoch 3 and renewed to a new owner in its grace
// period.
func TestNameImportNextepochRenewEpoch3Renewxferup(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, impGraceEnv(694, 696), impNine()...)
	w := s.Wallets
	first := impEpoch3Start(s, 3)
	s.NextBlock() // end of 693
	// this should be the penultimate block
	impField(t, s, impWhois(t, s, "foo.test"), "expire_block", s.GetCurrentBlock()+1)
	s.NameRenew("foo.test", w[3])
	s.NextBlock() // end of 694 (epoch 2 is now active)
	s.NextBlock() // 695
	impField(t, s, impWhois(t, s, "foo.test"), "expire_block", s.GetCurrentBlock()+3)
	s.NextBlock() // end of 696 (epoch 3 is now active)
	impField(t, s, impWhois(t, s, "foo.test"), "expire_block", s.GetCurrentBlock()+2)
	s.NextBlock() // 697
	whois := impWhois(t, s, "foo.test")
	impField(t, s, whois, "expire_block", s.GetCurrentBlock()+1)
	s.NextBlock() // 698 (the scenario checks the whois of 697 again)
	impField(t, s, whois, "expire_block", s.GetCurrentBlock())
	s.NextBlocks(4) // end of 699 (expired now) … 702
	s.NameRenew("foo.test", w[3], scenario.ZonefileHash(hx("22", 20)), scenario.Recipient(w[2].Addr))
	s.NextBlock() // 703
	whois = impWhois(t, s, "foo.test")
	impField(t, s, whois, "expire_block", s.GetCurrentBlock()+4)
	impField(t, s, whois, "renewal_deadline", s.GetCurrentBlock()+9)

	impCheckRenewedEpoch3(t, s, first, 12)
}

// name_import_nextepoch_transfer_epoch3_expire_reregup: an imported name
// transferred in epoch 2 still expires in epoch 3; the client refuses to
// preorder it in its grace period, and after it another registers it.
func TestNameImportNextepochTransferEpoch3ExpireReregup(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, impGraceEnv(693, 695), impNine()...)
	w := s.Wallets
	impEpoch3Start(s, 2)
	impEpoch3ToGrace(t, s, func() {
		s.NameTransfer("foo.test", w[0].Addr, true, w[2])
	})
	for range 5 {
		// preorder by wallets[3] for wallets[4], expect_fail: nothing sent
		s.NextBlock() // 697 … 701
	}
	s.NamePreorder("foo.test", w[3], w[4].Addr)
	s.NextBlock() // 702
	s.NameRegister("foo.test", w[3], w[4].Addr, scenario.ZonefileHash(hx("33", 20)))
	s.NextBlock() // 703

	impCheckReregup(t, s)
}

// name_import_nextepoch_transfer_epoch3_renewxferup: an imported name
// transferred in epoch 2 expires in epoch 3; the client refuses an update
// in the grace period, and the new owner renews it to another.
func TestNameImportNextepochTransferEpoch3Renewxferup(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, impGraceEnv(692, 694), impNine()...)
	w := s.Wallets
	first := impEpoch3Start(s, 3)
	// this should be the second-to-last block
	impField(t, s, impWhois(t, s, "foo.test"), "expire_block", s.GetCurrentBlock()+2)
	s.NextBlock() // end of 693
	// we should have 3 more blocks to go now
	impField(t, s, impWhois(t, s, "foo.test"), "expire_block", s.GetCurrentBlock()+3)
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock() // end of 694, begin epoch 3
	whois := impWhois(t, s, "foo.test")
	impField(t, s, whois, "expire_block", s.GetCurrentBlock()+2)
	impField(t, s, whois, "renewal_deadline", s.GetCurrentBlock()+2)
	s.NextBlock() // end of 695
	whois = impWhois(t, s, "foo.test")
	impField(t, s, whois, "expire_block", s.GetCurrentBlock()+1)
	impField(t, s, whois, "renewal_deadline", s.GetCurrentBlock()+6)
	s.NextBlock() // end of 696; the name is expired
	// update, expect_fail: impossible in the renewal period, nothing sent
	// renew should work
	s.NameRenew("foo.test", w[4], scenario.ZonefileHash(hx("22", 20)), scenario.Recipient(w[2].Addr))
	s.NextBlock() // end of 697
	whois = impWhois(t, s, "foo.test")
	impField(t, s, whois, "expire_block", s.GetCurrentBlock()+4)
	impField(t, s, whois, "renewal_deadline", s.GetCurrentBlock()+9)

	impCheckRenewedEpoch3(t, s, first, 6)
}

// impNamespaceBalance is the namespace's record (blockstack_cli_get_
// namespace_blockchain_record) and its address's balance.
func impNamespaceBalance(t *testing.T, s *scenario.S) (string, int64) {
	t.Helper()
	ns := s.GetNamespaceBlockchainRecord("test")
	if ns == nil {
		t.Fatal("no namespace test")
	}
	return ns.S("address"), s.Balance(ns.S("address"))
}

// impOpFee is get_name_blockchain_record(name)['op_fee'].
func impOpFee(t *testing.T, s *scenario.S, name string) float64 {
	t.Helper()
	rec := s.GetNameBlockchainRecord(name)
	if rec == nil {
		t.Fatalf("no %s", name)
	}
	return rec.F("op_fee")
}

// name_import_pay2ns_expire_reregup: the registration of an expired
// imported name in a pay-to-creator namespace pays the creator.
func TestNameImportPay2nsExpireReregup(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{
		"BLOCKSTACK_EPOCH_1_END_BLOCK":                       "682",
		"BLOCKSTACK_EPOCH_2_END_BLOCK":                       "683",
		"BLOCKSTACK_EPOCH_3_NAMESPACE_LIFETIME_GRACE_PERIOD": "0",
	}, impWallets(w5JesPi, w5KHqsi, w5Kg5kJ, w5JuVso, w5KEpiS)...)
	w := s.Wallets
	impRevealTest(s, 2, 2)
	s.NameImport("foo.test", w[3].Addr, hx("11", 20), w[1])
	s.NextBlock()
	s.NamespaceReady("test", w[1])
	s.NextBlock()
	// expire it
	s.NextBlocks(4)
	impWhoisFails(t, s, "foo.test")
	nsAddr, nsBalance := impNamespaceBalance(t, s)
	s.NamePreorder("foo.test", w[2], w[4].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[4].Addr, scenario.ZonefileHash(hx("22", 20)))
	s.NextBlock()
	newBalance := s.Balance(nsAddr)
	nameCost := impOpFee(t, s, "foo.test")
	if float64(newBalance-nsBalance) != nameCost {
		t.Fatalf("the namespace received %d, want %v", newBalance-nsBalance, nameCost)
	}
	if v := s.GetNameBlockchainRecord("foo.test").S("value_hash"); v != hx("22", 20) {
		t.Fatalf("value hash %q", v)
	}

	checkNamespaceReady(t, s, "test")
	impNoPreorderFor(t, s, "foo.test", w[2], w[4])
	checkOwner(t, s.GetName("foo.test"), w[4].Addr)
}

// name_import_pay2ns_renew: renewals of an imported name in a
// pay-to-creator namespace pay the creator.
func TestNameImportPay2nsRenew(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{
		"BLOCKSTACK_EPOCH_1_END_BLOCK":                     "682",
		"BLOCKSTACK_EPOCH_2_END_BLOCK":                     "683",
		"BLOCKSTACK_EPOCH_2_NAMESPACE_LIFETIME_MULTIPLIER": "1",
	}, impWallets(w5JesPi, w5KHqsi, w5Kg5kJ, w5JuVso, w5KEpiS)...)
	w := s.Wallets
	impRevealTest(s, 2, 2)
	// the import and the ready in one block
	s.NameImport("foo.test", w[3].Addr, hx("11", 20), w[1])
	s.NamespaceReady("test", w[1])
	s.NextBlock()
	nsAddr, nsBalance := impNamespaceBalance(t, s)
	s.NameRenew("foo.test", w[3])
	s.NextBlock()
	nameCost := impOpFee(t, s, "foo.test")
	if d := s.Balance(nsAddr) - nsBalance; float64(d) != nameCost {
		t.Fatalf("the namespace received %d, want %v", d, nameCost)
	}
	s.NameRenew("foo.test", w[3], scenario.Recipient(w[4].Addr), scenario.ZonefileHash(hx("22", 20)))
	s.NextBlock()
	nameCost = impOpFee(t, s, "foo.test")
	if d := s.Balance(nsAddr) - nsBalance; float64(d) != 2*nameCost {
		t.Fatalf("the namespace received %d, want 2 × %v", d, nameCost)
	}

	checkNamespaceReady(t, s, "test")
	checkOwner(t, s.GetName("foo.test"), w[4].Addr)
}

// impPriceEnv is the TEST ENV of the *_expire_reregister and renew-update
// scenarios: epoch 1 ends before the first block, epoch 2 prices at 1.0.
var impPriceEnv = scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "682", "BLOCKSTACK_EPOCH_2_PRICE_MULTIPLIER": "1.0"}

// name_import_renew: an imported name renewed by its owner.
func TestNameImportRenew(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, impNine()...)
	w := s.Wallets
	impStandardStart(s, 52595)
	s.NextBlocks(10)
	s.NameRenew("foo.test", w[3])
	s.NextBlock()
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	impNotPreordered(t, s, "foo.test")
	impRenewedAfter(t, s.GetName("foo.test"), 12)
}

// name_import_renew_nextepoch: an imported name renewed in the next
// epoch; the import paid the epoch-1 price.
func TestNameImportRenewNextepoch(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "697"}, impNine()...)
	w := s.Wallets
	first := impStandardStart(s, 52595)
	s.NextBlocks(10)
	// renew; expect different fee
	s.NameRenew("foo.test", w[3])
	s.NextBlock()
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	impNotPreordered(t, s, "foo.test")
	impRenewedAfter(t, s.GetName("foo.test"), 12)
	if s.GetNamespace("test") == nil {
		t.Fatal("no namespace test")
	}
	impCheckPrices(t, s, first, 266)
}

// name_import_renew_pay2ns_burn_multi: renewals pay the creator of a
// pay-to-creator namespace during its fee period; after it a renewal that
// pays the creator is rejected and one that burns is accepted.
func TestNameImportRenewPay2nsBurnMulti(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{
		"BLOCKSTACK_EPOCH_1_END_BLOCK":                     "682",
		"BLOCKSTACK_EPOCH_2_END_BLOCK":                     "683",
		"BLOCKSTACK_EPOCH_2_NAMESPACE_LIFETIME_MULTIPLIER": "1",
		"BLOCKSTACK_EPOCH_3_NAMESPACE_LIFETIME_MULTIPLIER": "1",
		"BLOCKSTACK_EPOCH_3_NAMESPACE_RECEIVE_FEES_PERIOD": "4",
	}, impWallets(w5JesPi, w5KHqsi, w5Kg5kJ, w5JuVso, w5KEpiS)...)
	w := s.Wallets
	impRevealTest(s, 52595, 2)
	s.NameImport("foo.test", w[3].Addr, hx("11", 20), w[1])
	s.NextBlock()
	s.NamespaceReady("test", w[1])
	s.NextBlock()
	nsAddr, nsBalance := impNamespaceBalance(t, s)
	burnBalance := s.Balance(burnAddress)
	// should send to namespace burn address
	s.NameRenew("foo.test", w[3])
	s.NextBlock()
	// should send to namespace burn address
	s.NameRenew("foo.test", w[3])
	s.NextBlock()
	nameRec := s.GetNameBlockchainRecord("foo.test")
	if nameRec == nil {
		t.Fatal("no foo.test")
	}
	nameCost := nameRec.F("op_fee")
	if d := s.Balance(nsAddr) - nsBalance; float64(d) != 2*nameCost {
		t.Fatalf("the namespace received %d, want 2 × %v", d, nameCost)
	}
	// should be rejected if not burned: with burn_addr=the namespace's
	// address and expect_fail the client refuses, nothing sent; then with
	// safety_checks=False it goes through
	bad := s.NameRenew("foo.test", w[3], scenario.BurnAddr(nsAddr))
	s.NextBlock()
	// should have been rejected
	if rec2 := s.GetNameBlockchainRecord("foo.test"); rec2.I("last_renewed") != nameRec.I("last_renewed") {
		t.Fatalf("renewed at %d by a renewal paying the namespace after its fee period (last renewed %d before)", rec2.I("last_renewed"), nameRec.I("last_renewed"))
	}
	// renew, but correctly (with proper burn address)
	s.NameRenew("foo.test", w[3])
	s.NextBlock()
	if rec2 := s.GetNameBlockchainRecord("foo.test"); rec2.I("last_renewed") <= nameRec.I("last_renewed") {
		t.Fatalf("not renewed: last renewed %d", rec2.I("last_renewed"))
	}
	// must have burned
	if d := s.Balance(burnAddress) - burnBalance; float64(d) != nameCost {
		t.Fatalf("burned %d, want %v", d, nameCost)
	}
	s.Rejected(bad)

	checkNamespaceReady(t, s, "test")
	impNoPreorderFor(t, s, "foo.test", w[2], w[3])
	checkOwner(t, s.GetName("foo.test"), w[3].Addr)
}

// name_import_renew_revoke: an imported name renewed and revoked.
func TestNameImportRenewRevoke(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, impNine()...)
	w := s.Wallets
	impStandardStart(s, 52595)
	s.NextBlocks(10)
	s.NameRenew("foo.test", w[3])
	s.NextBlock()
	s.NameRevoke("foo.test", w[3])
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	impNotPreordered(t, s, "foo.test")
	rec := s.GetName("foo.test")
	impRevoked(t, rec)
	impRenewedAfter(t, rec, 12)
}

// impRevoked fails t unless rec is revoked and has no value hash.
func impRevoked(t *testing.T, rec scenario.Rec) {
	t.Helper()
	if rec == nil {
		t.Fatal("no name record")
	}
	if !rec.B("revoked") {
		t.Fatalf("%s not revoked", rec.S("name"))
	}
	if !rec.Null("value_hash") {
		t.Fatalf("%s: value hash %v, want None", rec.S("name"), rec["value_hash"])
	}
}

// name_import_renew_transfer: an imported name renewed and transferred.
func TestNameImportRenewTransfer(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, impNine()...)
	w := s.Wallets
	impStandardStart(s, 52595)
	s.NextBlocks(10)
	s.NameRenew("foo.test", w[3])
	s.NextBlock()
	s.NextBlock()
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	impNotPreordered(t, s, "foo.test")
	rec := s.GetName("foo.test")
	impRenewedAfter(t, rec, 12)
	checkOwner(t, rec, w[4].Addr)
}

// name_import_renew_transfer_expire_reregister: an imported name renewed
// and transferred expires and is registered by another; the history keeps
// the transfer.
func TestNameImportRenewTransferExpireReregister(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, impPriceEnv, impNine()...)
	w := s.Wallets
	mult := impLifetimeMultiplier(s, impPriceEnv)
	impStandardStart(s, 6)
	s.NextBlocks(6)
	s.NameRenew("foo.test", w[3])
	s.NextBlock()
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()
	transferBlock := s.GetCurrentBlock()
	s.NextBlocks(6 * mult) // expire
	s.NamePreorder("foo.test", w[7], w[8].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[7], w[8].Addr)
	s.NextBlock()

	rec := impCheckReregistered(t, s)
	if !rec.Null("value_hash") {
		t.Fatalf("value hash %v, want None", rec["value_hash"])
	}
	hist := s.GetNameAt("foo.test", transferBlock, true)
	if len(hist) == 0 {
		t.Fatalf("no record at %d", transferBlock)
	}
	if op := hist[0].S("opcode"); op != "NAME_TRANSFER" {
		t.Fatalf("at %d: %s, want NAME_TRANSFER", transferBlock, op)
	}
	checkOwner(t, hist[0], w[4].Addr)
}

// name_import_renew_transfer_update: an imported name renewed, transferred
// and updated.
func TestNameImportRenewTransferUpdate(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, impPriceEnv, impNine()...)
	w := s.Wallets
	mult := impLifetimeMultiplier(s, impPriceEnv)
	impStandardStart(s, 6)
	s.NextBlocks(6*mult - 4)
	s.NameRenew("foo.test", w[3])
	s.NextBlock()
	s.NextBlock()
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()
	s.NextBlock()
	s.NameUpdate("foo.test", hx("22", 20), w[4])
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	impNotPreordered(t, s, "foo.test")
	rec := s.GetName("foo.test")
	impRenewedAfter(t, rec, int64(6*mult-4+2))
	checkOwner(t, rec, w[4].Addr)
	impValue(t, rec, hx("22", 20))
}

// name_import_renew_update: an imported name renewed and updated.
func TestNameImportRenewUpdate(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, impNine()...)
	w := s.Wallets
	impStandardStart(s, 52595)
	s.NextBlocks(10)
	s.NameRenew("foo.test", w[3])
	s.NextBlock()
	s.NameUpdate("foo.test", hx("22", 20), w[3])
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	impNotPreordered(t, s, "foo.test")
	rec := s.GetName("foo.test")
	impRenewedAfter(t, rec, 12)
	impValue(t, rec, hx("22", 20))
}

// name_import_renew_update_expire_reregister: an imported name renewed and
// updated expires and is registered by another, with no value hash and its
// renewal count reset; the history keeps the update.
func TestNameImportRenewUpdateExpireReregister(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, impPriceEnv, impNine()...)
	w := s.Wallets
	mult := impLifetimeMultiplier(s, impPriceEnv)
	impStandardStart(s, 6)
	s.NextBlocks(6)
	s.NameRenew("foo.test", w[3])
	s.NextBlock()
	s.NameUpdate("foo.test", hx("22", 20), w[3])
	s.NextBlock()
	updateBlock := s.GetCurrentBlock()
	s.NextBlocks(6 * mult) // expire
	s.NamePreorder("foo.test", w[7], w[8].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[7], w[8].Addr)
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	impNotPreordered(t, s, "foo.test")
	rec := s.GetName("foo.test")
	if rec == nil {
		t.Fatal("no foo.test")
	}
	// no longer renewed
	if rec.I("last_renewed") != rec.I("first_registered") {
		t.Fatalf("last_renewed %d, first_registered %d", rec.I("last_renewed"), rec.I("first_registered"))
	}
	impCheckReregistered(t, s)
	if !rec.Null("value_hash") {
		t.Fatalf("value hash %v, want None", rec["value_hash"])
	}
	hist := s.GetNameAt("foo.test", updateBlock, true)
	if len(hist) == 0 {
		t.Fatalf("no record at %d", updateBlock)
	}
	if op := hist[0].S("opcode"); op != "NAME_UPDATE" {
		t.Fatalf("at %d: %s, want NAME_UPDATE", updateBlock, op)
	}
	if v := hist[0]["value_hash"]; v != hx("22", 20) {
		t.Fatalf("at %d: value hash %v", updateBlock, v)
	}
}

// name_import_renew_update_transfer: an imported name renewed, updated and
// transferred.
func TestNameImportRenewUpdateTransfer(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, impPriceEnv, impNine()...)
	w := s.Wallets
	mult := impLifetimeMultiplier(s, impPriceEnv)
	impStandardStart(s, 6)
	s.NextBlocks(6*mult - 1)
	s.NameRenew("foo.test", w[3])
	s.NextBlock()
	s.NameUpdate("foo.test", hx("22", 20), w[3])
	s.NextBlock()
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	impNotPreordered(t, s, "foo.test")
	rec := s.GetName("foo.test")
	impRenewedAfter(t, rec, int64(6*mult+1))
	checkOwner(t, rec, w[4].Addr)
	impValue(t, rec, hx("22", 20))
}

// name_import_revoke: an imported name revoked.
func TestNameImportRevoke(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, impNine()...)
	w := s.Wallets
	impStandardStart(s, 52595)
	s.NameRevoke("foo.test", w[3])
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	impNotPreordered(t, s, "foo.test")
	impRevoked(t, s.GetName("foo.test"))
}

// name_import_revoke_expire_reregister: a revoked imported name expires and
// is registered by another, with its renewal count reset; the history
// keeps the revoke.
func TestNameImportRevokeExpireReregister(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, impPriceEnv, impNine()...)
	w := s.Wallets
	mult := impLifetimeMultiplier(s, impPriceEnv)
	impStandardStart(s, 6)
	s.NextBlocks(6)
	s.NameRenew("foo.test", w[3])
	s.NextBlock()
	s.NameRevoke("foo.test", w[3])
	s.NextBlock()
	revokeBlock := s.GetCurrentBlock()
	s.NextBlocks(6 * mult)
	s.NamePreorder("foo.test", w[7], w[8].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[7], w[8].Addr)
	s.NextBlock()
	registerBlock := s.GetCurrentBlock()

	checkNamespaceReady(t, s, "test")
	impNotPreordered(t, s, "foo.test")
	rec := s.GetName("foo.test")
	if rec == nil {
		t.Fatal("no foo.test")
	}
	if !rec.Null("value_hash") {
		t.Fatalf("value hash %v, want None", rec["value_hash"])
	}
	// renewal count reset
	if rec.I("last_renewed") != rec.I("first_registered") || rec.I("first_registered") != registerBlock {
		t.Fatalf("last_renewed %d, first_registered %d, registered at %d", rec.I("last_renewed"), rec.I("first_registered"), registerBlock)
	}
	if rec.S("sender_pubkey") != w[7].PubkeyHex {
		t.Fatalf("sender_pubkey %v, want %s", rec["sender_pubkey"], w[7].PubkeyHex)
	}
	hist := s.GetNameAt("foo.test", revokeBlock, true)
	if len(hist) == 0 {
		t.Fatalf("no record at %d", revokeBlock)
	}
	if op := hist[0].S("opcode"); op != "NAME_REVOKE" {
		t.Fatalf("at %d: %s, want NAME_REVOKE", revokeBlock, op)
	}
}

// name_import_update_nextepoch_update_epoch3_renewxferup: an imported name
// updated in epochs 1, 2 and 3, expiring in epoch 3; the client refuses an
// update in the grace period and the owner renews it to another.
func TestNameImportUpdateNextepochUpdateEpoch3Renewxferup(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, impGraceEnv(692, 694), impNine()...)
	w := s.Wallets
	first := impEpoch3Start(s, 3)
	impField(t, s, impWhois(t, s, "foo.test"), "expire_block", s.GetCurrentBlock()+2)
	s.NameUpdate("foo.test", hx("00", 20), w[3])
	s.NextBlock() // end of 693
	impField(t, s, impWhois(t, s, "foo.test"), "expire_block", s.GetCurrentBlock()+3)
	s.NameUpdate("foo.test", hx("33", 20), w[3])
	s.NextBlock() // end of 694, begin epoch 3
	whois := impWhois(t, s, "foo.test")
	impField(t, s, whois, "expire_block", s.GetCurrentBlock()+2)
	impField(t, s, whois, "renewal_deadline", s.GetCurrentBlock()+2)
	s.NameUpdate("foo.test", hx("44", 20), w[3])
	s.NextBlock() // end of 695
	whois = impWhois(t, s, "foo.test")
	impField(t, s, whois, "expire_block", s.GetCurrentBlock()+1)
	impField(t, s, whois, "renewal_deadline", s.GetCurrentBlock()+6)
	s.NextBlock() // end of 696; the name is expired
	// update, expect_fail: impossible in the renewal period, nothing sent
	// renew should work
	s.NameRenew("foo.test", w[3], scenario.ZonefileHash(hx("22", 20)), scenario.Recipient(w[2].Addr))
	s.NextBlock() // end of 697
	whois = impWhois(t, s, "foo.test")
	impField(t, s, whois, "expire_block", s.GetCurrentBlock()+4)
	impField(t, s, whois, "renewal_deadline", s.GetCurrentBlock()+9)

	impCheckRenewedEpoch3(t, s, first, 6)
}

// name_import_update_renew: an imported name updated and renewed; the
// renewal keeps the value hash.
func TestNameImportUpdateRenew(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, impNine()...)
	w := s.Wallets
	impStandardStart(s, 52595)
	s.NameUpdate("foo.test", hx("22", 20), w[3])
	s.NextBlock()
	s.NextBlocks(10)
	s.NameRenew("foo.test", w[3])
	s.NextBlock()
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	impNotPreordered(t, s, "foo.test")
	rec := s.GetName("foo.test")
	impValue(t, rec, hx("22", 20))
	impRenewedAfter(t, rec, 13)
}

// impUpdateTransfer is name_import_update_transfer with the name imported
// for wallets[owner] and transferred to wallets[to].
func impUpdateTransfer(t *testing.T, s *scenario.S, owner, to int) {
	t.Helper()
	w := s.Wallets
	impRevealTest(s, 52595)
	s.NameImport("foo.test", w[owner].Addr, hx("11", 20), w[1])
	s.NextBlock()
	s.NamespaceReady("test", w[1])
	s.NextBlock()
	s.NameUpdate("foo.test", hx("22", 20), w[owner])
	s.NextBlock()
	s.NameTransfer("foo.test", w[to].Addr, true, w[owner])
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	impNotPreordered(t, s, "foo.test")
	rec := s.GetName("foo.test")
	impValue(t, rec, hx("22", 20))
	checkOwner(t, rec, w[to].Addr)
}

// name_import_update_transfer: an imported name updated and transferred
// (keeping its value hash).
func TestNameImportUpdateTransfer(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, impNine()...)
	impUpdateTransfer(t, s, 3, 4)
}

// impSegwitEnv is the TEST ENV of the multisig and segwit update-transfer
// scenarios.
var impSegwitEnv = scenario.Env{
	"BLOCKSTACK_EPOCH_1_END_BLOCK":                     "682",
	"BLOCKSTACK_EPOCH_2_END_BLOCK":                     "683",
	"BLOCKSTACK_EPOCH_2_NAMESPACE_LIFETIME_MULTIPLIER": "1",
	"BLOCKSTACK_EPOCH_3_NAMESPACE_LIFETIME_MULTIPLIER": "1",
}

// name_import_update_transfer_multisig: a name imported for a p2sh
// multisig owner, updated, and transferred to another.
func TestNameImportUpdateTransferMultisig(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, impSegwitEnv, append(impNine(), scenario.MultisigWallet(2, impMulti1...), scenario.MultisigWallet(2, impMulti2...))...)
	impUpdateTransfer(t, s, 9, 10)
}

// name_import_update_transfer_segwit: a name imported for a p2sh-p2wpkh
// owner, updated, and transferred to another.
func TestNameImportUpdateTransferSegwit(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, impSegwitEnv, append(impNine(), scenario.SegwitWallet(impMulti1[0]), scenario.SegwitWallet(impMulti2[0]))...)
	impUpdateTransfer(t, s, 9, 10)
}

// name_import_update_transfer_segwit_multisig: a name imported for a
// p2sh-p2wsh multisig owner, updated, and transferred to another.
func TestNameImportUpdateTransferSegwitMultisig(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, impSegwitEnv, append(impNine(), scenario.MultisigSegwitWallet(2, impMulti1...), scenario.MultisigSegwitWallet(2, impMulti2...))...)
	impUpdateTransfer(t, s, 9, 10)
}

// name_import_update_transfer_renew: an imported name updated, transferred
// and renewed by its new owner.
func TestNameImportUpdateTransferRenew(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, impNine()...)
	w := s.Wallets
	impStandardStart(s, 52595)
	s.NameUpdate("foo.test", hx("22", 20), w[3])
	s.NextBlock()
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()
	s.NextBlocks(10)
	s.NameRenew("foo.test", w[4])
	s.NextBlock()
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	impNotPreordered(t, s, "foo.test")
	rec := s.GetName("foo.test")
	impValue(t, rec, hx("22", 20))
	checkOwner(t, rec, w[4].Addr)
	impRenewedAfter(t, rec, 14)
}

// impRevokeVerifyMulti is name_import_update_transfer_revoke_verify_multi:
// three names imported in one block with three import keys, updated twice,
// transferred and revoked, three in a block each time.
func impRevokeVerifyMulti(t *testing.T, s *scenario.S) {
	t.Helper()
	w := s.Wallets
	impRevealTest(s, 52595)
	names := []string{"foo.test", "bar.test", "baz.test"}
	preorderers := []*scenario.W{w[2], w[3], w[4]}
	registrants := []*scenario.W{w[5], w[6], w[7]}
	recipients := []*scenario.W{w[6], w[7], w[5]}
	keys := impImportKeys(s, len(names)-1)
	for i, name := range names {
		// safety_checks=False
		s.NameImport(name, registrants[i].Addr, strings.Repeat(strconv.Itoa(9-i), 40), keys[i])
	}
	s.NextBlock()
	s.NamespaceReady("test", w[1])
	s.NextBlock()
	// update 3 names in the same block, twice
	for _, d := range []int{2, 1} {
		for i, name := range names {
			s.NameUpdate(name, strings.Repeat(strconv.Itoa(i+d), 40), registrants[i])
		}
		s.NextBlock()
	}
	// transfer 3 names in the same block
	for i, name := range names {
		s.NameTransfer(name, recipients[i].Addr, true, registrants[i])
	}
	s.NextBlock()
	// revoke 3 names in the same block (as the new owners)
	for i, name := range names {
		s.NameRevoke(name, recipients[i])
	}
	s.NextBlocks(5)

	for i, name := range names {
		impNoPreorderFor(t, s, name, preorderers[i], registrants[i])
		rec := s.GetName(name)
		impRevoked(t, rec)
		checkOwner(t, rec, recipients[i].Addr)
	}
}

// name_import_update_transfer_revoke_verify_multi: three imported names
// updated, transferred and revoked together.
func TestNameImportUpdateTransferRevokeVerifyMulti(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, impNine()...)
	impRevokeVerifyMulti(t, s)
}

// name_import_update_transfer_revoke_verify_multi_multisig: the same with
// p2sh multisig owners.
func TestNameImportUpdateTransferRevokeVerifyMultiMultisig(t *testing.T) {
	t.Parallel()
	ws := []*scenario.W{scenario.Wallet(w5JesPi), scenario.Wallet(w5KHqsi)}
	for _, keys := range [][]string{impMulti1, impMulti2, impMulti3, impMulti4,
		{"5KXzk8m7sfVEciwwtb5DTBNMrHFBgn8wEWtfyi3KPNjQazWyF3e", "5JDy1qYj2no1SSXMsn8suPP6gMVofLjCR5Qfz44KB2VM6Kd2EKq", "5KBpBME2Rk7gjxoYxaB1JBrumS9zk5U6GYNRyG6BX4KzP8aovwP"},
		{"5HqVVmKy1bqP8qZrTpk9akjzEyrC1N7JjcDD2nwaWdydBz7VjfJ", "5JT4QqGNqdvpxys7SbxDqeQYmfq24u4K8cMUsVMcNQLAXRwrZnR", "5KBiBDzJBM7V63UCwE5M6P4HbXFCzc6GaeYW4n7orhLmxFNmRrE"},
		{"5KNTRpgjo81QoM7tdWZerzgiWagDoaHJiPV5vFeLuSVUAGWgHsS", "5JRwonrfqvr7Z4aBKLzUpZh1cdSk52n5WdS2G28Yr2WCEXjtrqN", "5JGoa62nDaFwEMp4tianJqLcEQ4eaHtu4UU3AoPxfgeP54SR2CA"},
		{"5KDJe3ptRA1HP6HRwNpswSM3DMACMvCYbojrLXp4Zu7T98gs8ir", "5JE9Luhjrb9SVZk29AM4j3ns9zUeGs4Xuau9o3EB7QyKzerSnwH", "5JvC3DN6MnFJHHq5Hpisv47KSeCaFxGfBso6y8pMpvjb6AjPiL2"},
		{"5JHD24XrcDhcKvEXiviwpVzFuCqm9WL1aRf25iXDUj3f8ecPtKr", "5Jwv4w9RykjJYGF4GRtDCM83KsWsaPbpEcS5BZEi1bjDRLCNFn2", "5JZwEEWNNGFLkGcxFf73GXMchzDKDwc696hK94BizmgVADVFkLe"},
		{"5HqJVoH5iZN5B3RwMq2tgwqdxxAi9Do8d4Mt97EH6BENoa5FraE", "5JmYF8mhZkggDTope6DUPBMBgLqiVjGDWzYi3ZeczwgDX64XQd9", "5KcjdfeHvVg89mJWVmKwMGYzXFXC684AmR6EJmtkrk8ZPNoWLcx"},
	} {
		ws = append(ws, scenario.MultisigWallet(2, keys...))
	}
	s := scenario.Start(t, impMultisigEnv, ws...)
	impRevokeVerifyMulti(t, s)
}
