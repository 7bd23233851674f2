package scenario_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/zonemirror/zonemirror/internal/scenario"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// name_pre_reg_collisions
func TestNamePreRegCollisions(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, stdWallets()...)
	w := s.Wallets
	s.NamespacePreorder("test", w[1].Addr, w[0])
	s.NextBlock()
	// both rejected: two reveals of one namespace in one block
	r1 := s.NamespaceReveal("test", w[1].Addr, 52595, 250, 4, idBuckets, 10, 10, w[0])
	r2 := s.NamespaceReveal("test", w[1].Addr, 52595, 250, 4, idBuckets, 10, 10, w[0])
	s.NextBlock()
	s.Rejected(r1, r2)
	s.NamespaceReveal("test", w[1].Addr, 52595, 250, 4, idBuckets, 10, 10, w[0])
	// rejected: the namespace is revealed only once the block goes through
	early := s.NamespaceReady("test", w[1])
	s.NextBlock()
	s.Rejected(early)
	s.NamespaceReady("test", w[1])
	s.NextBlock()
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	g1 := s.NameRegister("foo.test", w[2], w[3].Addr)
	g2 := s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.Rejected(g1, g2)
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameUpdate("foo.test", hx("11", 20), w[3])
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()
	s.NameRenew("foo.test", w[4])
	s.NameUpdate("foo.test", hx("22", 20), w[4])
	s.NameTransfer("foo.test", w[3].Addr, true, w[4])
	s.NextBlock()
	for i := range 9 {
		s.NameUpdate("foo.test", hx(string(rune('0'+i))+string(rune('0'+i)), 20), w[3])
	}
	s.NextBlock()
	for range 5 {
		s.NameTransfer("foo.test", w[4].Addr, true, w[3])
		s.NameTransfer("foo.test", w[3].Addr, true, w[4])
	}
	s.NextBlock()
	for range 5 {
		s.NameTransfer("foo.test", w[4].Addr, true, w[3])
		s.NameUpdate("foo.test", hx("aa", 20), w[4])
		s.NameTransfer("foo.test", w[3].Addr, true, w[4])
		s.NameUpdate("foo.test", hx("bb", 20), w[3])
	}
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	if p := s.GetNamePreorder("foo.test", scenario.PaymentScript(w[2].Addr), w[3].Addr); p != nil {
		t.Fatalf("preordered: %v", p)
	}
	rec := s.GetName("foo.test")
	checkOwner(t, rec, w[3].Addr)
	if rec.S("value_hash") != hx("bb", 20) {
		t.Fatalf("value hash is %q", rec.S("value_hash"))
	}
}

// name_pre_reg_multisig
func TestNamePreRegMultisig(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "682", "BLOCKSTACK_EPOCH_2_NAMESPACE_LIFETIME_MULTIPLIER": "1"},
		scenario.Wallet(w5JesPi), scenario.Wallet(w5KHqsi),
		scenario.MultisigWallet(2, "5JfHdMq9XnZ9mwW5H6LsfVCn9u6iGAj2FCVYtfhcHn72Tphvm5P", "5JaqLZaKD7cgkfsxSZBNiu6gaFxo1XAiTXw1mhtatipNNCtZBZG", "5KNsAkiHRDZb5Yyedxov2Fncr6CcNPV52yqJbzQ8M2W6dkg2qJp"),
		scenario.MultisigWallet(2, "5JPrkpfLT3rDf1Lgm1DpA2Cfepwf9wCtEbDx1HSEdd4J2R5YMxZ", "5JiALcfvzFsKcvLnHf7ECgLdp6FxbcAXB1GPvEYP7HeigbDCQ9E", "5KScD5XL5Hj83Yjvm3u4HD78vSYwFRyq9StTLPnrWrCTGiqTvVP"))
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	checkNamespaceReady(t, s, "test")
	if s.GetNamePreorder("foo.test", scenario.PaymentScript(w[2].Addr), w[3].Addr) != nil {
		t.Fatal("preorder exists")
	}
	checkOwner(t, s.GetName("foo.test"), w[3].Addr)
}

// name_pre_reg_segwit
func TestNamePreRegSegwit(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "682", "BLOCKSTACK_EPOCH_2_NAMESPACE_LIFETIME_MULTIPLIER": "1"},
		scenario.Wallet(w5JesPi), scenario.Wallet(w5KHqsi),
		scenario.SegwitWallet("5JfHdMq9XnZ9mwW5H6LsfVCn9u6iGAj2FCVYtfhcHn72Tphvm5P"),
		scenario.SegwitWallet("5JPrkpfLT3rDf1Lgm1DpA2Cfepwf9wCtEbDx1HSEdd4J2R5YMxZ"))
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	checkNamespaceReady(t, s, "test")
	if s.GetNamePreorder("foo.test", scenario.PaymentScript(w[2].Addr), w[3].Addr) != nil {
		t.Fatal("preorder exists")
	}
	checkOwner(t, s.GetName("foo.test"), w[3].Addr)
}

// The helpers of helper h5's ports (name_pre_reg_*, their renewal, revoke,
// pay-to-namespace-creator and same-block families), prefixed h5 so that
// they cannot clash with other families' helpers.

// h5CheckRegistered is the check most of these scenarios end with: the
// namespace is ready, name is no longer preordered by payer for owner, and
// name exists, owned by owner (address and sender).
func h5CheckRegistered(t *testing.T, s *scenario.S, nsID, name string, payer *scenario.W, owner string) scenario.Rec {
	t.Helper()
	checkNamespaceReady(t, s, nsID)
	if p := s.GetNamePreorder(name, scenario.PaymentScript(payer.Addr), owner); p != nil {
		t.Fatalf("%s still preordered: %v", name, p)
	}
	rec := s.GetName(name)
	checkOwner(t, rec, owner)
	return rec
}

// h5NamespaceLifetimeMultiplier is
// get_epoch_namespace_lifetime_multiplier(EPOCH_1_END_BLOCK + 1, "test"),
// which the revoke scenarios read at import time.
func h5NamespaceLifetimeMultiplier(env scenario.Env) int64 {
	net, err := env.Network()
	if err != nil {
		panic(err)
	}
	end1 := int64(436650)
	if v, ok := env["BLOCKSTACK_EPOCH_1_END_BLOCK"]; ok {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			panic(err)
		}
		end1 = n
	}
	return net.EpochAt(end1 + 1).LifetimeMultiplier
}

// name_pre_reg: preorder and register a name in a ready namespace; the
// recipient owns it.
func TestNamePreReg(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()

	h5CheckRegistered(t, s, "test", "foo.test", w[2], w[3].Addr)
}

// name_pre_reg_portal: the same registration ("demo.id") in epoch 3 (the
// original drove it for the portal; check() asks only the state engine).
func TestNamePreRegPortal(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "680", "BLOCKSTACK_EPOCH_2_END_BLOCK": "681"}, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "id", 52595)
	s.NamePreorder("demo.id", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("demo.id", w[2], w[3].Addr)
	s.NextBlock()

	h5CheckRegistered(t, s, "id", "demo.id", w[2], w[3].Addr)
}

// name_pre_reg_snv: a registration; check() also verified it by SNV
// (left out: SNV lookups are out of scope).
func TestNamePreRegSnv(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	// snv_block_id, snv_consensus: only for the SNV lookup, left out

	h5CheckRegistered(t, s, "test", "foo.test", w[2], w[3].Addr)
}

// name_pre_reg_multi_snv: three names registered blocks apart; check()
// also verified the first by SNV from later consensus hashes, serial
// numbers and transaction ids (left out: SNV lookups are out of scope).
func TestNamePreRegMultiSnv(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, append(stdWallets(),
		scenario.Wallet("5K5hDuynZ6EQrZ4efrchCwy6DLhdsEzuJtTDAf3hqdsCKbxfoeD"),
		scenario.Wallet("5J39aXEeHh9LwfQ4Gy5Vieo7sbqiUMBXkPH7SaMHixJhSSBpAqz"),
		scenario.Wallet("5K9LmMQskQ9jP1p7dyieLDAeB6vsAj4GK8dmGNJAXS1qHDqnWhP"),
		scenario.Wallet("5KcNen67ERBuvz2f649t9F2o1ddTjC5pVUEqcMtbxNgHqgxG2gZ"),
		scenario.Wallet("5Jyq6RH7H42aPasyrvobvLvZGPDGYrq9m2Gq5qPEkAwDD7fqNHu"),
		scenario.Wallet("5KBc5xk9Rk3qmYg1PXPzsJ1kPfJkvzShK5ZGEn3q4Gzw4JWqMuy"),
		scenario.Wallet("5K6Nou64uUXg8YzuiVuRQswuGRfH1tdb9GUC9NBEV1xmKxWMJ54"))...)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NextBlocks(5)
	s.NamePreorder("bar.test", w[4], w[5].Addr)
	s.NextBlock()
	s.NameRegister("bar.test", w[4], w[5].Addr)
	s.NextBlock()
	s.NextBlocks(5)
	s.NamePreorder("baz.test", w[6], w[7].Addr)
	s.NextBlock()
	s.NameRegister("baz.test", w[6], w[7].Addr)
	s.NextBlock()
	// the SNV anchors (block ids, serial numbers, txids, last consensus
	// hash) are only for the SNV lookups, left out

	h5CheckRegistered(t, s, "test", "foo.test", w[2], w[3].Addr)
	h5CheckRegistered(t, s, "test", "bar.test", w[4], w[5].Addr)
	h5CheckRegistered(t, s, "test", "baz.test", w[6], w[7].Addr)
}

// name_pre_reg_segwit_multisig: preorder and register from a p2sh-p2wsh
// multisig wallet to another.
func TestNamePreRegSegwitMultisig(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "682", "BLOCKSTACK_EPOCH_2_NAMESPACE_LIFETIME_MULTIPLIER": "1"},
		scenario.Wallet(w5JesPi), scenario.Wallet(w5KHqsi),
		scenario.MultisigSegwitWallet(2, "5JfHdMq9XnZ9mwW5H6LsfVCn9u6iGAj2FCVYtfhcHn72Tphvm5P", "5JaqLZaKD7cgkfsxSZBNiu6gaFxo1XAiTXw1mhtatipNNCtZBZG", "5KNsAkiHRDZb5Yyedxov2Fncr6CcNPV52yqJbzQ8M2W6dkg2qJp"),
		scenario.MultisigSegwitWallet(2, "5JPrkpfLT3rDf1Lgm1DpA2Cfepwf9wCtEbDx1HSEdd4J2R5YMxZ", "5JiALcfvzFsKcvLnHf7ECgLdp6FxbcAXB1GPvEYP7HeigbDCQ9E", "5KScD5XL5Hj83Yjvm3u4HD78vSYwFRyq9StTLPnrWrCTGiqTvVP"))
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()

	h5CheckRegistered(t, s, "test", "foo.test", w[2], w[3].Addr)
}

// name_pre_reg_cantsteal: a registration by a wallet that did not
// preorder the name (sent first, in the same block as the preorderer's)
// does not take it; the preorderer's recipient gets it.
func TestNamePreRegCantsteal(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	// only wallets[3] should get it (both sent with safety_checks=False)
	thief := s.NameRegister("foo.test", w[4], w[3].Addr)
	good := s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.Rejected(thief)
	s.Accepted(good)

	h5CheckRegistered(t, s, "test", "foo.test", w[2], w[3].Addr)
}

// name_pre_reg_nodups: four preorders of one name by different wallets,
// then their four registrations in one block: all collide, the name stays
// unregistered and every preorder stays pending.
func TestNamePreRegNodups(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, append(stdWallets(), scenario.Wallet("5KBVhBpDqTkdWm49mnHnKxaLHjtTtf8pZ5yyw6hW3gi9Wo4qe8C"))...)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	pairs := [][2]int{{2, 3}, {4, 5}, {0, 1}, {5, 2}}
	// all sent with safety_checks=False
	for _, p := range pairs {
		s.NamePreorder("foo.test", w[p[0]], w[p[1]].Addr)
	}
	s.NextBlock()
	for _, p := range pairs {
		s.NameRegister("foo.test", w[p[0]], w[p[1]].Addr)
	}
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	for _, p := range pairs {
		if s.GetNamePreorder("foo.test", scenario.PaymentScript(w[p[0]].Addr), w[p[1]].Addr) == nil {
			t.Errorf("preorder of foo.test by wallets[%d] for wallets[%d] is gone", p[0], p[1])
		}
	}
	if rec := s.GetName("foo.test"); rec != nil {
		t.Errorf("foo.test registered: %v", rec)
	}
}

// name_pre_reg_quota: an owner of 25 names cannot register a 26th.
func TestNamePreRegQuota(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	for i := range 25 {
		s.NamePreorder(fmt.Sprintf("foo%d.test", i), w[2], w[3].Addr)
	}
	s.NextBlock()
	for i := range 25 {
		s.NameRegister(fmt.Sprintf("foo%d.test", i), w[2], w[3].Addr)
	}
	s.NextBlock()
	// safety_checks=False
	s.NamePreorder("bar.test", w[2], w[3].Addr)
	s.NextBlock()
	// safety_checks=False
	s.NameRegister("bar.test", w[2], w[3].Addr)
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	for i := range 25 {
		name := fmt.Sprintf("foo%d.test", i)
		rec := s.GetName(name)
		if rec == nil {
			t.Errorf("missing %s", name)
			continue
		}
		if rec.S("address") != w[3].Addr || rec.S("sender") != scenario.PaymentScript(w[3].Addr) {
			t.Errorf("%s not owned by %s: %s", name, w[3].Addr, rec.S("address"))
		}
	}
	if rec := s.GetName("bar.test"); rec != nil {
		t.Errorf("bar.test exists: %v", rec)
	}
}

// name_pre_reg_announce: two names registered with the hashes of two
// messages as zone files, whose texts the node stores, and an
// announcement of each by its owner. check() also read the announcements
// the node logged to its working directory — only judecn.id's owner is
// an announcer — (left out: zonemirror ignores ANNOUNCE, PROTOCOL.md
// §5.11, and announcement texts are zone-file storage, out of scope).
func TestNamePreRegAnnounce(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{
		"BLOCKSTACK_EPOCH_1_END_BLOCK":                       "689",
		"BLOCKSTACK_EPOCH_2_END_BLOCK":                       "690",
		"BLOCKSTACK_EPOCH_2_NAMESPACE_LIFETIME_MULTIPLIER":   "2",
		"BLOCKSTACK_EPOCH_3_NAMESPACE_LIFETIME_MULTIPLIER":   "2",
		"BLOCKSTACK_EPOCH_3_NAMESPACE_LIFETIME_GRACE_PERIOD": "5",
	}, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "id", 52595)
	s.NamePreorder("judecn.id", w[2], w[3].Addr)
	s.NamePreorder("faker.id", w[2], w[4].Addr)
	s.NextBlock()
	message := "hello world!"
	messageHash := wire.SumHash160([]byte(message)).String()
	fake := "This should not appear"
	fakeHash := wire.SumHash160([]byte(fake)).String()
	s.NameRegister("judecn.id", w[2], w[3].Addr, scenario.ZonefileHash(messageHash))
	s.NameRegister("faker.id", w[2], w[4].Addr, scenario.ZonefileHash(fakeHash))
	s.NextBlock()
	if !s.PutZonefile(message) {
		t.Errorf("zone file %q not stored", message)
	}
	if !s.PutZonefile(fake) {
		t.Errorf("zone file %q not stored", fake)
	}
	s.Announce(message, w[3])
	s.NextBlock()
	s.Announce(fake, w[4])
	s.NextBlock()

	// expected_hash is hash160("hello world!")
	if messageHash != "13a76219ed16c5e53e2c08dde8660609bb8f63da" {
		t.Errorf("message hash %s", messageHash)
	}
	h5CheckRegistered(t, s, "id", "judecn.id", w[2], w[3].Addr)
	// the announcement files (announcements/<hash>.txt holding "hello
	// world!", the .announce list holding only its hash): left out
}
