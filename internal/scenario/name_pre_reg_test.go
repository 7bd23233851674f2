package scenario_test

import (
	"testing"

	"github.com/zonemirror/zonemirror/internal/scenario"
)

// name_pre_reg_collisions
func TestNamePreRegCollisions(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, scenario.Wallet(w5JesPi), scenario.Wallet(w5KHqsi), scenario.Wallet(w5Kg5kJ),
		scenario.Wallet(w5JuVso), scenario.Wallet(w5KEpiS))
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
