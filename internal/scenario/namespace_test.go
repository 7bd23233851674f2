package scenario_test

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/zonemirror/zonemirror/internal/scenario"
)

// namespace_preorder_reveal_import_multi_multikey_ready
func TestNamespacePreorderRevealImportMultiMultikeyReady(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, scenario.Wallet(w5JesPi), scenario.Wallet(w5KHqsi), scenario.Wallet(w5KEpiS))
	w := s.Wallets
	s.NamespacePreorder("test", w[1].Addr, w[0])
	s.NextBlock()
	s.NamespaceReveal("test", w[1].Addr, 52595, 250, 4, idBuckets, 10, 10, w[0])
	s.NextBlock()
	// derive importer keys and do imports: always the reveal key, then
	// its children
	keys := []*scenario.W{w[1]}
	for i := range uint32(3) {
		child := s.Adopt(w[1].Child(i))
		s.SendFunds(w[1], 100000000, child.Addr)
		s.NextBlock()
		keys = append(keys, child)
	}
	s.NameImport("foo.test", scenario.AddrReencode("1BKufFedDrueBBFBXtiATB2PSdsBGZxf3N"), hx("11", 20), w[1])
	s.NextBlock()
	s.NameImport("foo.test", scenario.AddrReencode("1ARVjrtKnUVWt2GNrpuFLnNCL2WGUhKdkW"), hx("33", 20), keys[2])
	s.NextBlock()
	s.NameImport("foo.test", scenario.AddrReencode("1PYu4vKB3g2QLDFdurxqYSJ9aJSed7tne1"), hx("22", 20), keys[1])
	s.NextBlock()
	s.NamespaceReady("test", w[1])
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	foo := s.GetName("foo.test")
	if foo == nil || foo.S("value_hash") != hx("22", 20) {
		t.Fatalf("foo.test %v", foo)
	}
	checkOwner(t, foo, "1PYu4vKB3g2QLDFdurxqYSJ9aJSed7tne1")
}

// The further wallets of the scenarios with eight or nine, in their order
// after the five of harness_test.go.
var (
	h1W5K5hDu = "5K5hDuynZ6EQrZ4efrchCwy6DLhdsEzuJtTDAf3hqdsCKbxfoeD"
	h1W5J39aX = "5J39aXEeHh9LwfQ4Gy5Vieo7sbqiUMBXkPH7SaMHixJhSSBpAqz"
	h1W5K9LmM = "5K9LmMQskQ9jP1p7dyieLDAeB6vsAj4GK8dmGNJAXS1qHDqnWhP"
	h1W5KcNen = "5KcNen67ERBuvz2f649t9F2o1ddTjC5pVUEqcMtbxNgHqgxG2gZ"
)

// h1Wallets returns the first n of the nine one-key wallets the namespace
// scenarios list.
func h1Wallets(n int) []*scenario.W {
	var out []*scenario.W
	for _, k := range []string{w5JesPi, w5KHqsi, w5Kg5kJ, w5JuVso, w5KEpiS, h1W5K5hDu, h1W5J39aX, h1W5K9LmM, h1W5KcNen}[:n] {
		out = append(out, scenario.Wallet(k))
	}
	return out
}

// h1Multisig are the four 2-of-3 key sets of the multisig and segwit
// scenarios (namespace_check, namespace_preorder_reveal_ready_multisig);
// h1SegwitMultisig those of namespace_preorder_reveal_ready_segwit_multisig.
var (
	h1Multisig = [4][3]string{
		{"5JfHdMq9XnZ9mwW5H6LsfVCn9u6iGAj2FCVYtfhcHn72Tphvm5P", "5JaqLZaKD7cgkfsxSZBNiu6gaFxo1XAiTXw1mhtatipNNCtZBZG", "5KNsAkiHRDZb5Yyedxov2Fncr6CcNPV52yqJbzQ8M2W6dkg2qJp"},
		{"5JPrkpfLT3rDf1Lgm1DpA2Cfepwf9wCtEbDx1HSEdd4J2R5YMxZ", "5JiALcfvzFsKcvLnHf7ECgLdp6FxbcAXB1GPvEYP7HeigbDCQ9E", "5KScD5XL5Hj83Yjvm3u4HD78vSYwFRyq9StTLPnrWrCTGiqTvVP"},
		{"5JPR5iVN8KGMdU9JfzoTCsipXazUcZPRY8zp7f3g8FRff2HBaAV", "5KTTwEyATY8v12MjNdoeA1u2ZGqgjnBNcyZjk3YSkiVJWYxqBSm", "5KQ1s8UEYz3oyFRUejBvb1imMdtpoP98w6NQYGxQsSo3u6DmztZ"},
		{"5JpAkdEJuzF8E74UptksRLiB6Bf9QnwxGQutJTRWo5EAGVZfXmY", "5Hyc4wreVpZyzcfb56Zt1ymovda2xGucGZsAwoQz34iYK6aEKhR", "5JypKiQGiaD8AN6X86xtnuQYj7nnpLvp4VfcTVdDh4yFkLewAGx"},
	}
	h1SegwitMultisig = [4][3]string{
		h1Multisig[0], h1Multisig[1],
		{"Ky1SXQ71uvWWbKDPGP7ZEzbY6nexcmTV8NjL3tLGm2JxXvkVsvpd", "KzMF3Hssn6GeM4s3hWDxKXQzGjmFN42E1dBdvHc6P4AdSopE51Ki", "L2c82atnjfYdtLSap43jMzTYSXiS2f5wrkVBwRJwRBJddaMNBUfg"},
		{"KwgKTD84drKBowAd3sXWeBMSixgGqGyRq3ZWikQkGWuY3j2iCbjJ", "L47CUjK9ELreBrvmRcR6dxNQ1isCNkW8EroFTLed74qYHXHd4rRq", "KwsxLrkNQ6o18EvThw8o8B5ihK6fLNrQbo71VxhPRg8yoeUtp5cu"},
	}
)

// h1Ints returns a record's list-of-integers field.
func h1Ints(t *testing.T, rec scenario.Rec, field string) []int64 {
	t.Helper()
	l, ok := rec[field].([]any)
	if !ok {
		t.Fatalf("field %q is %T (%v), not a list", field, rec[field], rec[field])
	}
	out := make([]int64, len(l))
	for i, v := range l {
		n, ok := v.(json.Number)
		if !ok {
			t.Fatalf("field %q[%d] is %T", field, i, v)
		}
		x, err := n.Int64()
		if err != nil {
			t.Fatalf("field %q[%d]: %v", field, i, err)
		}
		out[i] = x
	}
	return out
}

func h1Int64s(xs []int) []int64 {
	out := make([]int64, len(xs))
	for i, x := range xs {
		out[i] = int64(x)
	}
	return out
}

// h1Reveal are the fields a scenario compares in a revealed namespace.
type h1Reveal struct {
	id                         string
	lifetime, coeff, base      int64
	buckets                    []int
	noVowel, nonalpha          int64
	revealBlock, preorderBlock int64 // 0: not compared
}

// check compares ns with r, field by field as the scenarios do.
func (r h1Reveal) check(t *testing.T, ns scenario.Rec) {
	t.Helper()
	if ns == nil {
		t.Fatalf("%s: no namespace", r.id)
	}
	if ns.S("namespace_id") != r.id {
		t.Errorf("%s: wrong namespace ID %q", r.id, ns.S("namespace_id"))
	}
	for _, f := range []struct {
		name string
		want int64
	}{{"lifetime", r.lifetime}, {"coeff", r.coeff}, {"base", r.base}, {"no_vowel_discount", r.noVowel}, {"nonalpha_discount", r.nonalpha}} {
		if got := ns.I(f.name); got != f.want {
			t.Errorf("%s: wrong %s %d, want %d", r.id, f.name, got, f.want)
		}
	}
	if got := h1Ints(t, ns, "buckets"); !slices.Equal(got, h1Int64s(r.buckets)) {
		t.Errorf("%s: wrong buckets %v, want %v", r.id, got, r.buckets)
	}
	if r.revealBlock != 0 && ns.I("reveal_block") != r.revealBlock {
		t.Errorf("%s: wrong reveal block %d, want %d", r.id, ns.I("reveal_block"), r.revealBlock)
	}
	if r.preorderBlock != 0 && ns.I("block_number") != r.preorderBlock {
		t.Errorf("%s: wrong block number %d, want %d", r.id, ns.I("block_number"), r.preorderBlock)
	}
}

// namespace_check: an empty namespace 'test' is created (the original's
// sandbox for trying things by hand); it is ready.
func TestNamespaceCheck(t *testing.T) {
	t.Parallel()
	ws := h1Wallets(5)
	for _, m := range h1Multisig {
		ws = append(ws, scenario.MultisigWallet(2, m[:]...))
	}
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "680", "BLOCKSTACK_EPOCH_2_END_BLOCK": "681"}, ws...)
	readyNamespace(s, "test", 52595)

	checkNamespaceReady(t, s, "test")
}

// namespace_pre_reveal_imp_expire_pre_reveal_imp: a namespace is revealed
// and names imported, the reveal expires (3 blocks), another wallet
// preorders and reveals the namespace again and the first revealer imports
// the names again: the new reveal stands, and the names keep the first
// import's blocks and the first preorder's block.
func TestNamespacePreRevealImpExpirePreRevealImp(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_NAMESPACE_REVEAL_EXPIRE": "3"}, h1Wallets(8)...)
	w := s.Wallets
	s.NamespacePreorder("test", w[1].Addr, w[0])
	s.NextBlock()
	namespaceBlockNumber := s.GetCurrentBlock()
	s.NamespaceReveal("test", w[1].Addr, 52595, 250, 4, idBuckets, 10, 10, w[0])
	s.NextBlock()
	s.NameImport("foo.test", w[2].Addr, hx("11", 20), w[1])
	s.NameImport("bar.test", w[3].Addr, hx("22", 20), w[1])
	s.NameImport("baz.test", w[4].Addr, hx("33", 20), w[1])
	s.NextBlock()
	firstRegisteredBlock := s.GetCurrentBlock()
	s.NextBlocks(3)
	// blockstack_namespace_ready(expect_fail=True): the reveal has expired,
	// the node no longer knows the namespace, and the client's safety
	// checks (revealedNamespace) refuse: nothing is sent
	if s.GetNamespaceBlockchainRecord("test") != nil {
		t.Fatal("the reveal has not expired: the client would send the ready")
	}
	s.NextBlock()
	s.NamespacePreorder("test", w[3].Addr, w[2])
	s.NextBlock()
	s.NamespaceReveal("test", w[3].Addr, 52595, 250, 4, idBuckets, 10, 10, w[2])
	s.NextBlock()
	revealBlock := s.GetCurrentBlock()
	s.NameImport("foo.test", w[2].Addr, hx("11", 20), w[1])
	s.NameImport("bar.test", w[3].Addr, hx("22", 20), w[1])
	s.NameImport("baz.test", w[4].Addr, hx("33", 20), w[1])
	s.NextBlock()

	ns := s.GetNamespaceReveal("test")
	if ns == nil {
		t.Fatal("not revealed")
	}
	if h := s.GetAllPreorderedNamespaceHashes(); len(h) != 0 {
		t.Fatalf("preorder hashes: %v", h)
	}
	if ns.I("reveal_block") != revealBlock {
		t.Fatalf("revealed at %d, but expected %d", ns.I("reveal_block"), revealBlock)
	}
	if ns.S("sender") != scenario.PaymentScript(w[2].Addr) {
		t.Fatalf("not sent by %s", ns.S("sender"))
	}
	for _, name := range []string{"foo.test", "bar.test", "baz.test"} {
		rec := s.GetName(name)
		if rec == nil {
			t.Fatalf("name %q does not exist", name)
		}
		if rec.I("first_registered") != firstRegisteredBlock {
			t.Errorf("name %q first_registered at %d; expected %d", name, rec.I("first_registered"), firstRegisteredBlock)
		}
		if rec.I("last_renewed") != firstRegisteredBlock {
			t.Errorf("name %q last_renewed at %d; expected %d", name, rec.I("last_renewed"), firstRegisteredBlock)
		}
		if rec.I("namespace_block_number") != namespaceBlockNumber {
			t.Errorf("name %q namespace_block_number = %d (expected %d)", name, rec.I("namespace_block_number"), namespaceBlockNumber)
		}
	}
}

// namespace_preorder: a namespace preorder is stored.
func TestNamespacePreorder(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, h1Wallets(2)...)
	w := s.Wallets
	s.NamespacePreorder("test", w[1].Addr, w[0])
	s.NextBlock()

	if h := s.GetAllPreorderedNamespaceHashes(); len(h) != 1 {
		t.Fatalf("all hashes: %v", h)
	}
}

// namespace_preorder_burn: a namespace preorder that pays another address
// instead of burning is parsed but refused; the same preorder, burning,
// then goes through and the namespace is revealed.
func TestNamespacePreorderBurn(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, h1Wallets(3)...)
	w := s.Wallets
	// the client's transaction (tx_only) with its output 2, the payment,
	// paying wallets[2] instead, re-signed and broadcast
	bad := s.NamespacePreorder("test", w[1].Addr, w[0], scenario.BurnAddr(w[2].Addr))
	s.NextBlock()
	// get_block_statistics: num_parsed_ops is 1 (the only transaction of
	// the block is parsed as an operation)
	if st, why := s.TxStatus(bad); st == "" {
		t.Fatalf("the preorder paying wallets[2] was not parsed as an operation (%s)", why)
	}
	s.NamespacePreorder("test", w[1].Addr, w[0])
	preorderBlock := s.GetCurrentBlock() + 1
	s.NextBlock()
	s.NamespaceReveal("test", w[1].Addr, 52595, 250, 4, idBuckets, 10, 10, w[0])
	revealBlock := s.GetCurrentBlock() + 1
	s.NextBlock()

	h1Reveal{"test", 52595, 250, 4, idBuckets, 10, 10, revealBlock, preorderBlock}.check(t, s.GetNamespaceReveal("test"))
}

// namespace_preorder_expire: a namespace preorder expires after a day; a
// later preorder by another wallet is the only one outstanding.
func TestNamespacePreorderExpire(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, h1Wallets(8)...)
	w := s.Wallets
	s.NamespacePreorder("test", w[1].Addr, w[0])
	s.NextBlock()
	s.NextBlocks(145)
	s.NamespacePreorder("test", w[3].Addr, w[2])
	s.NextBlock()

	hashes := s.GetAllPreorderedNamespaceHashes()
	if len(hashes) != 1 {
		t.Fatalf("preorder hashes: %v", hashes)
	}
	p := s.GetNamespacePreorder(hashes[0])
	if p == nil || p.S("address") != scenario.AddrReencode(w[2].Addr) {
		t.Fatalf("expected address %s, got %v", w[2].Addr, p)
	}
}

// namespace_preorder_reveal: a preordered namespace is revealed with the
// given price function.
func TestNamespacePreorderReveal(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, h1Wallets(2)...)
	w := s.Wallets
	s.NamespacePreorder("test", w[1].Addr, w[0])
	preorderBlock := s.GetCurrentBlock() + 1
	s.NextBlock()
	s.NamespaceReveal("test", w[1].Addr, 52595, 250, 4, idBuckets, 10, 10, w[0])
	revealBlock := s.GetCurrentBlock() + 1
	s.NextBlock()

	h1Reveal{"test", 52595, 250, 4, idBuckets, 10, 10, revealBlock, preorderBlock}.check(t, s.GetNamespaceReveal("test"))
}

// namespace_preorder_reveal_badinput: the client refuses reveals with a bad
// key or out-of-range parameters (nothing is sent); the well-formed reveal
// goes through.
func TestNamespacePreorderRevealBadinput(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "680", "BLOCKSTACK_EPOCH_2_END_BLOCK": "681"}, h1Wallets(5)...)
	w := s.Wallets
	// blockstack_cli_namespace_preorder("test", wallets[0] pays, wallets[1] reveals)
	s.NamespacePreorder("test", w[1].Addr, w[0])
	preorderBlock := s.GetCurrentBlock() + 1
	s.NextBlock()
	// refused by the client, nothing sent (the scenario asserts 'error' for
	// each): payment key "abcd"; reveal key "abcd"; coeff 256; coeff -1;
	// base -1; a bucket of 16; a bucket of -1; a non-alpha discount of 0;
	// of 16; a no-vowel discount of 0; of 16
	s.NamespaceReveal("test", w[1].Addr, 52595, 250, 4, idBuckets, 10, 10, w[0])
	revealBlock := s.GetCurrentBlock() + 1
	s.NextBlock()

	h1Reveal{"test", 52595, 250, 4, idBuckets, 10, 10, revealBlock, preorderBlock}.check(t, s.GetNamespaceReveal("test"))
}

// namespace_preorder_reveal_expire: a reveal not made ready within a day
// expires: neither the reveal nor the preorder remains.
func TestNamespacePreorderRevealExpire(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, h1Wallets(8)...)
	w := s.Wallets
	s.NamespacePreorder("test", w[1].Addr, w[0])
	s.NextBlock()
	s.NamespaceReveal("test", w[1].Addr, 52595, 250, 4, idBuckets, 10, 10, w[0])
	s.NextBlock()
	s.NextBlocks(145)
	// blockstack_namespace_ready(expect_fail=True): the reveal has expired
	// and the client's safety checks refuse; nothing is sent
	if s.GetNamespaceBlockchainRecord("test") != nil {
		t.Fatal("the reveal has not expired: the client would send the ready")
	}
	s.NextBlock()
	s.NextBlock()

	if ns := s.GetNamespaceReveal("test"); ns != nil {
		t.Fatalf("still revealed: %v", ns)
	}
	if h := s.GetAllPreorderedNamespaceHashes(); len(h) != 0 {
		t.Fatalf("preorder hashes: %v", h)
	}
}

// namespace_preorder_reveal_expire_multi: a namespace is preordered and
// revealed three times by three wallets, each reveal expiring (2 blocks);
// the history has each reveal at its block.
func TestNamespacePreorderRevealExpireMulti(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_NAMESPACE_REVEAL_EXPIRE": "2"}, h1Wallets(8)...)
	w := s.Wallets
	var revealBlocks []int64
	for count := range 3 {
		s.NamespacePreorder("test", w[count+1].Addr, w[count])
		s.NextBlock()
		buckets := slices.Repeat([]int{count}, 16)
		c := count + 1
		s.NamespaceReveal("test", w[count+1].Addr, uint32(c), c, c, buckets, c, c, w[count])
		s.NextBlock()
		revealBlocks = append(revealBlocks, s.GetCurrentBlock())
		s.NextBlocks(3)
		// blockstack_namespace_ready(expect_fail=True): the reveal has
		// expired and the client refuses; nothing is sent
		if s.GetNamespaceBlockchainRecord("test") != nil {
			t.Fatalf("round %d: the reveal has not expired: the client would send the ready", count)
		}
		s.NextBlock()
	}

	if ns := s.GetNamespaceReveal("test"); ns != nil {
		t.Fatalf("still revealed: %v", ns)
	}
	if h := s.GetAllPreorderedNamespaceHashes(); len(h) != 0 {
		t.Fatalf("preorder hashes: %v", h)
	}
	for count := range 3 {
		recs := s.GetNamespaceAt("test", revealBlocks[count])
		if len(recs) != 1 {
			t.Fatalf("get_namespace_at(test, %d): %v", revealBlocks[count], recs)
		}
		ns := recs[0]
		for _, f := range []string{"lifetime", "coeff", "base", "nonalpha_discount", "no_vowel_discount"} {
			if ns.I(f) != int64(count+1) {
				t.Errorf("round %d: %s is %d, want %d", count, f, ns.I(f), count+1)
			}
		}
		// the original's history row holds the buckets as str(list)
		buckets := slices.Repeat([]int{count}, 16)
		want := strings.ReplaceAll(fmt.Sprint(buckets), " ", ", ")
		if str, ok := ns["buckets"].(string); ok {
			if str != want {
				t.Errorf("round %d: buckets %q, want %q", count, str, want)
			}
		} else if got := h1Ints(t, ns, "buckets"); !slices.Equal(got, h1Int64s(buckets)) {
			t.Errorf("round %d: buckets %v, want %v", count, got, buckets)
		}
		if ns.I("reveal_block") != revealBlocks[count] {
			t.Errorf("round %d: reveal_block %d, want %d", count, ns.I("reveal_block"), revealBlocks[count])
		}
		if ns.S("address") != scenario.AddrReencode(w[count].Addr) || ns.S("sender") != scenario.PaymentScript(w[count].Addr) {
			t.Errorf("round %d: sent by %s (%s), want %s", count, ns.S("address"), ns.S("sender"), w[count].Addr)
		}
		if ns.S("recipient_address") != scenario.AddrReencode(w[count+1].Addr) || ns.S("recipient") != scenario.PaymentScript(w[count+1].Addr) {
			t.Errorf("round %d: revealed to %s (%s), want %s", count, ns.S("recipient_address"), ns.S("recipient"), w[count+1].Addr)
		}
	}
}

// namespace_preorder_reveal_import_expire: names imported into a reveal
// that expires are gone with it.
func TestNamespacePreorderRevealImportExpire(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, h1Wallets(8)...)
	w := s.Wallets
	s.NamespacePreorder("test", w[1].Addr, w[0])
	s.NextBlock()
	s.NamespaceReveal("test", w[1].Addr, 52595, 250, 4, idBuckets, 10, 10, w[0])
	s.NextBlock()
	s.NameImport("foo.test", w[2].Addr, hx("11", 20), w[1])
	s.NameImport("bar.test", w[3].Addr, hx("22", 20), w[1])
	s.NameImport("baz.test", w[4].Addr, hx("33", 20), w[1])
	s.NextBlock()
	s.NextBlocks(145)
	// blockstack_namespace_ready(expect_fail=True): the reveal has expired
	// and the client refuses; nothing is sent
	if s.GetNamespaceBlockchainRecord("test") != nil {
		t.Fatal("the reveal has not expired: the client would send the ready")
	}
	s.NextBlock()
	s.NextBlock()

	if ns := s.GetNamespaceReveal("test"); ns != nil {
		t.Fatalf("still revealed: %v", ns)
	}
	if h := s.GetAllPreorderedNamespaceHashes(); len(h) != 0 {
		t.Fatalf("preorder hashes: %v", h)
	}
	for _, name := range []string{"foo.test", "bar.test", "baz.test"} {
		if rec := s.GetName(name); rec != nil {
			t.Errorf("%s exists: %v", name, rec)
		}
	}
}

// namespace_preorder_reveal_import_multi_ready: a name imported again and
// again (three times in one block) belongs to the last import.
func TestNamespacePreorderRevealImportMultiReady(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, h1Wallets(5)...)
	w := s.Wallets
	s.NamespacePreorder("test", w[1].Addr, w[0])
	s.NextBlock()
	s.NamespaceReveal("test", w[1].Addr, 52595, 250, 4, idBuckets, 10, 10, w[0])
	s.NextBlock()
	s.NameImport("foo.test", w[2].Addr, hx("11", 20), w[1])
	s.NextBlock()
	s.NameImport("foo.test", w[3].Addr, hx("22", 20), w[1])
	s.NextBlock()
	s.NameImport("foo.test", w[4].Addr, hx("44", 20), w[1])
	s.NameImport("foo.test", w[4].Addr, hx("55", 20), w[1])
	s.NameImport("foo.test", w[4].Addr, hx("33", 20), w[1])
	s.NextBlock()
	s.NamespaceReady("test", w[1])
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	foo := s.GetName("foo.test")
	if foo == nil || foo.S("value_hash") != hx("33", 20) {
		t.Fatalf("foo.test %v", foo)
	}
	checkOwner(t, foo, w[4].Addr)
}

// namespace_preorder_reveal_import_multi_ready_quota: imports may exceed
// the 25-name quota of an address, but the owner of more than 25 names can
// then only transfer or revoke; preorders by such an owner, and
// registrations to it, fail.
func TestNamespacePreorderRevealImportMultiReadyQuota(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, h1Wallets(5)...)
	w := s.Wallets
	s.NamespacePreorder("test", w[1].Addr, w[0])
	s.NextBlock()
	s.NamespaceReveal("test", w[1].Addr, 52595, 250, 4, idBuckets, 10, 10, w[0])
	s.NextBlock()
	s.NameImport("foo.test", w[2].Addr, hx("11", 20), w[1])
	s.NextBlock()
	// try to exceed quota (currently 25): order 25, and try to register a
	// 26th (the client's safety checks pass: wallets[3] owns at most 24
	// names when each import is made)
	for i := range 25 {
		s.NameImport(fmt.Sprintf("foo%d.test", i), w[3].Addr, hx("22", 20), w[1])
		if i%2 == 1 {
			s.NextBlock()
		}
	}
	s.NextBlock()
	// try to exceed quota: order 26 (safety checks off), and try to update
	// one of them (and try to transfer one too)
	for i := range 26 {
		s.NameImport(fmt.Sprintf("bar%d.test", i), w[4].Addr, hx("33", 20), w[1])
		if i%2 == 1 {
			s.NextBlock()
		}
	}
	s.NextBlock()
	s.NamespaceReady("test", w[1])
	s.NextBlock()

	// The calls below without safety_checks=False and without expect_fail
	// passed the client's checks (a refusal would have raised in testlib):
	// they were all sent. The client checks the recipient's quota, not the
	// sender's.
	s.NamePreorder("foofail.test", w[3], w[1].Addr)
	s.NextBlock()
	// should fail
	s.NameRegister("foofail.test", w[3], w[1].Addr)
	s.NextBlock()
	// should succeed
	s.NameUpdate("foo0.test", hx("55", 20), w[3])
	s.NextBlock()
	s.NamePreorder("barfail.test", w[4], w[2].Addr)
	s.NextBlock()
	// should fail (exceeded quota)
	s.NameRegister("barfail.test", w[4], w[2].Addr)
	s.NextBlock()
	// should fail (exceeded quota--have to revoke or give names away)
	s.NameUpdate("bar0.test", hx("44", 20), w[4])
	s.NextBlock()
	// should succeed (give a name away)
	s.NameTransfer("bar0.test", w[1].Addr, true, w[4])
	s.NextBlock()
	// should fail (wallets[4] no longer owns it; safety checks off)
	s.NameUpdate("bar0.test", hx("44", 20), w[4])
	s.NextBlock()
	// should succeed (revoke a name)
	s.NameRevoke("bar2.test", w[4])
	s.NextBlock()
	// should succeed (now under quota)
	s.NameUpdate("bar1.test", hx("66", 20), w[4])
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	for i := range 25 {
		if s.GetName(fmt.Sprintf("foo%d.test", i)) == nil {
			t.Errorf("foo%d.test does not exist", i)
		}
	}
	for i := range 26 {
		if s.GetName(fmt.Sprintf("bar%d.test", i)) == nil {
			t.Errorf("bar%d.test does not exist", i)
		}
	}
	for _, n := range []string{"foofail.test", "barfail.test"} {
		if rec := s.GetName(n); rec != nil {
			t.Errorf("%s exists: %v", n, rec)
		}
	}
	if rec := s.GetName("foo0.test"); rec == nil || rec.S("value_hash") != hx("55", 20) {
		t.Errorf("foo0.test: %v", rec)
	}
	rec := s.GetName("bar0.test")
	if rec == nil || rec.S("value_hash") != hx("33", 20) || rec.S("address") != scenario.AddrReencode(w[1].Addr) {
		t.Errorf("bar0.test: %v", rec)
	}
	if rec := s.GetName("bar2.test"); rec == nil || !rec.B("revoked") {
		t.Errorf("bar2.test not revoked: %v", rec)
	}
	if rec := s.GetName("bar1.test"); rec == nil || rec.S("value_hash") != hx("66", 20) {
		t.Errorf("bar1.test: %v", rec)
	}
}

// namespace_preorder_reveal_import_onlyimporter: only the revealer (and its
// keychain) may import: imports by other wallets (safety checks off) fail,
// before and after the revealer's first import.
func TestNamespacePreorderRevealImportOnlyimporter(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, h1Wallets(5)...)
	w := s.Wallets
	s.NamespacePreorder("test", w[1].Addr, w[0])
	s.NextBlock()
	s.NamespaceReveal("test", w[1].Addr, 52595, 250, 4, idBuckets, 10, 10, w[0])
	s.NextBlock()
	s.NameImport("foo.test", w[4].Addr, hx("11", 20), w[2])
	s.NameImport("bar.test", w[2].Addr, hx("22", 20), w[3])
	s.NameImport("baz.test", w[3].Addr, hx("33", 20), w[4])
	s.NextBlock()
	s.NameImport("goo.test", w[2].Addr, hx("11", 20), w[1])
	s.NameImport("foo.test", w[4].Addr, hx("11", 20), w[2])
	s.NameImport("bar.test", w[2].Addr, hx("22", 20), w[3])
	s.NameImport("baz.test", w[3].Addr, hx("33", 20), w[4])
	s.NextBlock()
	s.NamespaceReady("test", w[1])
	s.NextBlock()
	// (the SNV checks, expect_snv_fail, are left out)

	checkNamespaceReady(t, s, "test")
	for _, n := range []string{"foo.test", "bar.test", "baz.test"} {
		if rec := s.GetName(n); rec != nil {
			t.Errorf("%s exists: %v", n, rec)
		}
	}
	if s.GetName("goo.test") == nil {
		t.Error("goo.test does not exist")
	}
}

// h1CheckImported is the check of namespace_preorder_reveal_import_ready
// and _sameblock: the three imported names with their hashes and owners.
func h1CheckImported(t *testing.T, s *scenario.S) {
	t.Helper()
	w := s.Wallets
	checkNamespaceReady(t, s, "test")
	for _, c := range []struct {
		name, hash string
		owner      *scenario.W
	}{{"foo.test", hx("11", 20), w[2]}, {"bar.test", hx("22", 20), w[3]}, {"baz.test", hx("33", 20), w[4]}} {
		rec := s.GetName(c.name)
		if rec == nil {
			t.Errorf("%s does not exist", c.name)
			continue
		}
		if rec.S("value_hash") != c.hash {
			t.Errorf("%s: value hash %q, want %q", c.name, rec.S("value_hash"), c.hash)
		}
		if rec.S("address") != scenario.AddrReencode(c.owner.Addr) {
			t.Errorf("%s: owned by %s, want %s", c.name, rec.S("address"), c.owner.Addr)
		}
	}
}

// namespace_preorder_reveal_import_ready: names imported into a reveal
// exist once the namespace is ready.
func TestNamespacePreorderRevealImportReady(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, h1Wallets(5)...)
	w := s.Wallets
	s.NamespacePreorder("test", w[1].Addr, w[0])
	s.NextBlock()
	s.NamespaceReveal("test", w[1].Addr, 52595, 250, 4, idBuckets, 10, 10, w[0])
	s.NextBlock()
	s.NameImport("foo.test", w[2].Addr, hx("11", 20), w[1])
	s.NameImport("bar.test", w[3].Addr, hx("22", 20), w[1])
	s.NameImport("baz.test", w[4].Addr, hx("33", 20), w[1])
	s.NextBlock()
	s.NamespaceReady("test", w[1])
	s.NextBlock()

	h1CheckImported(t, s)
}

// namespace_preorder_reveal_import_ready_sameblock: imports and the ready
// in one block: the imports come first and count.
func TestNamespacePreorderRevealImportReadySameblock(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, h1Wallets(5)...)
	w := s.Wallets
	s.NamespacePreorder("test", w[1].Addr, w[0])
	s.NextBlock()
	s.NamespaceReveal("test", w[1].Addr, 52595, 250, 4, idBuckets, 10, 10, w[0])
	s.NextBlock()
	s.NameImport("foo.test", w[2].Addr, hx("11", 20), w[1])
	s.NameImport("bar.test", w[3].Addr, hx("22", 20), w[1])
	s.NameImport("baz.test", w[4].Addr, hx("33", 20), w[1])
	s.NamespaceReady("test", w[1])
	s.NextBlock()

	h1CheckImported(t, s)
}

// h1ThreeNamespaces are the reveals of namespace_preorder_reveal_multi and
// _ready_multi: test1..test3 with price functions one apart.
var h1ThreeNamespaces = []h1Reveal{
	{"test1", 52595, 250, 4, []int{6, 5, 4, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 11, 10, 0, 0},
	{"test2", 52596, 251, 5, []int{7, 6, 5, 4, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 12, 11, 0, 0},
	{"test3", 52597, 252, 6, []int{8, 7, 6, 5, 4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, 13, 12, 0, 0},
}

// h1PreorderRevealThree preorders test1..test3 (wallets 0, 2, 4 pay, for
// wallets 1, 3, 5) in one block and reveals them in the next.
func h1PreorderRevealThree(s *scenario.S) {
	w := s.Wallets
	for i := range h1ThreeNamespaces {
		s.NamespacePreorder(h1ThreeNamespaces[i].id, w[2*i+1].Addr, w[2*i])
	}
	s.NextBlock()
	for i, r := range h1ThreeNamespaces {
		s.NamespaceReveal(r.id, w[2*i+1].Addr, uint32(r.lifetime), int(r.coeff), int(r.base), r.buckets, int(r.nonalpha), int(r.noVowel), w[2*i])
	}
	s.NextBlock()
}

// namespace_preorder_reveal_multi: three namespaces preordered in one block
// and revealed in the next.
func TestNamespacePreorderRevealMulti(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, h1Wallets(8)...)
	h1PreorderRevealThree(s)

	for _, r := range h1ThreeNamespaces {
		r.check(t, s.GetNamespaceReveal(r.id))
	}
}

// namespace_preorder_reveal_ready_multi: three namespaces preordered,
// revealed and made ready together.
func TestNamespacePreorderRevealReadyMulti(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, h1Wallets(8)...)
	w := s.Wallets
	h1PreorderRevealThree(s)
	for i, r := range h1ThreeNamespaces {
		s.NamespaceReady(r.id, w[2*i+1])
	}
	s.NextBlock()

	for _, r := range h1ThreeNamespaces {
		if ns := s.GetNamespaceReveal(r.id); ns != nil {
			t.Errorf("%s still revealed", r.id)
		}
		r.check(t, s.GetNamespace(r.id))
	}
}

// namespace_preorder_reveal_nodups: two preorders of one namespace by two
// wallets, and both reveals in one block: neither reveal counts.
func TestNamespacePreorderRevealNodups(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, h1Wallets(9)...)
	w := s.Wallets
	s.NamespacePreorder("test", w[1].Addr, w[0])
	s.NextBlock()
	// the client checks only that the namespace is not revealed or ready
	s.NamespacePreorder("test", w[2].Addr, w[3])
	s.NextBlock()
	r1 := s.NamespaceReveal("test", w[1].Addr, 52595, 250, 4, idBuckets, 10, 10, w[0])
	r2 := s.NamespaceReveal("test", w[2].Addr, 11111, 222, 3, []int{4, 5, 6, 7, 8, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0}, 11, 12, w[3])
	s.NextBlock()
	s.Rejected(r1, r2) // expect_snv_fail_at: no operation on 'test' in this block

	if ns := s.GetNamespaceReveal("test"); ns != nil {
		t.Fatalf("revealed: %v", ns)
	}
}

// namespace_preorder_reveal_ready: preorder, reveal, ready.
func TestNamespacePreorderRevealReady(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, h1Wallets(5)...)
	readyNamespace(s, "test", 52595)

	checkNamespaceReady(t, s, "test")
}

// namespace_preorder_reveal_ready_history: the ready namespace's history
// has its preorder at its preorder block and its reveal at the next.
func TestNamespacePreorderRevealReadyHistory(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, h1Wallets(2)...)
	readyNamespace(s, "test", 52595)

	checkNamespaceReady(t, s, "test")
	ns := s.GetNamespace("test")
	if ns.S("opcode") != "NAMESPACE_READY" {
		t.Fatalf("opcode %q", ns.S("opcode"))
	}
	preorders := s.GetNamespaceAt("test", ns.I("block_number"))
	reveals := s.GetNamespaceAt("test", ns.I("block_number")+1)
	if len(preorders) == 0 || preorders[0].S("opcode") != "NAMESPACE_PREORDER" {
		t.Fatalf("at %d: %v", ns.I("block_number"), preorders)
	}
	if len(reveals) == 0 || reveals[0].S("opcode") != "NAMESPACE_REVEAL" {
		t.Fatalf("at %d: %v", ns.I("block_number")+1, reveals)
	}
}

// namespace_preorder_reveal_ready_nodups: a reveal by a wallet that did
// not preorder fails; once the namespace is ready the client refuses any
// further preorder, reveal or ready of it.
func TestNamespacePreorderRevealReadyNodups(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, h1Wallets(9)...)
	w := s.Wallets
	s.NamespacePreorder("test", w[1].Addr, w[0])
	s.NextBlock()
	// wallets[4] preordered nothing; the client's checks pass (the
	// namespace is not revealed), so it is sent
	bad := s.NamespaceReveal("test", w[3].Addr, 52595, 250, 4, idBuckets, 10, 10, w[4])
	s.NextBlock()
	s.Rejected(bad) // expect_snv_fail_at
	s.NamespaceReveal("test", w[1].Addr, 52595, 250, 4, idBuckets, 10, 10, w[0])
	s.NextBlock()
	s.NamespaceReady("test", w[1])
	s.NextBlock()
	// expect_fail=True, each refused by the client's safety checks (the
	// namespace exists and is ready), nothing sent: the preorder by
	// wallets[4]; its reveal (coeff 251); its ready; wallets[0]'s reveal
	// (coeff 252); wallets[1]'s second ready — one block each
	if ns := s.GetNamespaceBlockchainRecord("test"); ns == nil || !ns.B("ready") {
		t.Fatalf("the namespace is not ready: the client would send: %v", ns)
	}
	s.NextBlocks(5)

	checkNamespaceReady(t, s, "test")
	ns := s.GetNamespace("test")
	if ns.I("coeff") != 250 {
		t.Errorf("coeff %d", ns.I("coeff"))
	}
	if ns.S("recipient_address") != scenario.AddrReencode(w[1].Addr) {
		t.Errorf("recipient address %s", ns.S("recipient_address"))
	}
}

// namespace_preorder_reveal_ready_noimports: an import into a ready
// namespace (safety checks off) fails.
func TestNamespacePreorderRevealReadyNoimports(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, h1Wallets(2)...)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NameImport("foo.test", w[1].Addr, hx("11", 20), w[0])
	s.NextBlock()
	// (expect_snv_fail is left out)

	checkNamespaceReady(t, s, "test")
	if rec := s.GetName("foo.test"); rec != nil {
		t.Fatalf("foo.test exists: %v", rec)
	}
}

// namespace_preorder_reveal_ready_wait: ten blocks between preorder,
// reveal and ready change nothing.
func TestNamespacePreorderRevealReadyWait(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, h1Wallets(2)...)
	w := s.Wallets
	s.NamespacePreorder("test", w[1].Addr, w[0])
	s.NextBlocks(10)
	s.NamespaceReveal("test", w[1].Addr, 52595, 250, 4, idBuckets, 10, 10, w[0])
	s.NextBlocks(10)
	s.NamespaceReady("test", w[1])
	s.NextBlocks(10)

	checkNamespaceReady(t, s, "test")
}

// h1ReadyMultisig is namespace_preorder_reveal_ready_multisig and its
// variants: wallets 5..8 are multisig, segwit or segwit-multisig wallets.
// Namespace 'test' is preordered by wallets[5] (v2: wallets[0]), 'mult'
// (version 2, pay to creator) by wallets[0] (v2: wallets[5]); names are
// imported into 'mult' with the revealer's key and its children; after the
// ready, two preorders and a renewal pay the creator, whose balance grows by
// their prices; then the two names are registered.
func h1ReadyMultisig(t *testing.T, extra []*scenario.W, v2 bool) {
	s := scenario.Start(t, scenario.Env{
		"BLOCKSTACK_EPOCH_1_END_BLOCK":                       "680",
		"BLOCKSTACK_EPOCH_2_END_BLOCK":                       "681",
		"BLOCKSTACK_EPOCH_2_NAMESPACE_LIFETIME_MULTIPLIER":   "2",
		"BLOCKSTACK_EPOCH_3_NAMESPACE_LIFETIME_MULTIPLIER":   "2",
		"BLOCKSTACK_EPOCH_3_NAMESPACE_LIFETIME_GRACE_PERIOD": "5",
	}, append(h1Wallets(5), extra...)...)
	w := s.Wallets
	testCreator, multCreator := w[5], w[0]
	if v2 {
		testCreator, multCreator = w[0], w[5]
	}
	s.NamespacePreorder("test", w[1].Addr, testCreator)
	s.NamespacePreorder("mult", w[2].Addr, multCreator)
	s.NextBlock()
	s.NamespaceReveal("test", w[1].Addr, 52595, 250, 4, idBuckets, 10, 10, testCreator)
	s.NamespaceReveal("mult", w[2].Addr, 52595, 250, 4, idBuckets, 10, 10, multCreator, 2)
	s.NextBlock()

	// always start with the reveal key, then use children
	keys := []*scenario.W{w[2]}
	for i := range uint32(4) {
		child := s.Adopt(w[2].Child(i))
		s.SendFunds(w[1], 100000000, child.Addr)
		s.NextBlock()
		keys = append(keys, child)
	}
	// should succeed
	s.NameImport("foo.mult", w[2].Addr, hx("00", 20), keys[0])
	s.NextBlock()
	s.NameImport("bar.mult", w[3].Addr, hx("11", 20), keys[1])
	s.NameImport("baz.mult", w[4].Addr, hx("22", 20), keys[2])
	s.NameImport("goo.mult", w[5].Addr, hx("33", 20), keys[3])
	s.NextBlock()
	s.NamespaceReady("test", w[1])
	s.NamespaceReady("mult", w[2])
	s.NextBlock()

	namespaceBalance := s.Balance(multCreator.Addr)
	// get prices
	helloCost := s.NameCost("hello.mult")
	worldCost := s.NameCost("world.mult")
	fooCost := s.NameCost("foo.mult")
	// register/renew
	s.NamePreorder("hello.mult", w[1], w[2].Addr)
	s.NamePreorder("world.mult", w[6], w[7].Addr)
	s.NameRenew("foo.mult", w[2])
	s.NextBlock()
	if got, want := s.Balance(multCreator.Addr), namespaceBalance+helloCost+worldCost+fooCost; got != want {
		t.Fatalf("wrong balance %d, want %d + %d + %d + %d", got, namespaceBalance, helloCost, worldCost, fooCost)
	}
	s.NameRegister("hello.mult", w[1], w[2].Addr)
	s.NameRegister("world.mult", w[6], w[7].Addr, scenario.ZonefileHash(hx("44", 20)))
	s.NextBlock()

	for _, c := range []struct {
		id      string
		creator *scenario.W
	}{{"test", testCreator}, {"mult", multCreator}} {
		if s.GetNamespaceReveal(c.id) != nil {
			t.Errorf("%s still revealed", c.id)
		}
		ns := s.GetNamespace(c.id)
		if ns == nil || ns.S("namespace_id") != c.id {
			t.Fatalf("%s not ready: %v", c.id, ns)
		}
		if ns.S("address") != scenario.AddrReencode(c.creator.Addr) {
			t.Errorf("%s: address %s, want %s", c.id, ns.S("address"), c.creator.Addr)
		}
	}
	// the zone-file lookups of the original's check compare nothing here:
	// no name expects a zone file
	for _, c := range []struct {
		name  string
		owner *scenario.W
		hash  string // "": not compared
	}{
		{"foo.mult", w[2], hx("00", 20)}, {"bar.mult", w[3], hx("11", 20)}, {"baz.mult", w[4], hx("22", 20)},
		{"goo.mult", w[5], hx("33", 20)}, {"hello.mult", w[2], ""}, {"world.mult", w[7], hx("44", 20)},
	} {
		rec := s.GetName(c.name)
		if rec == nil {
			t.Errorf("%s does not exist", c.name)
			continue
		}
		if rec.S("address") != scenario.AddrReencode(c.owner.Addr) {
			t.Errorf("%s: owned by %s, want %s", c.name, rec.S("address"), c.owner.Addr)
		}
		if c.hash != "" && rec.S("value_hash") != c.hash {
			t.Errorf("%s: value hash %q, want %q", c.name, rec.S("value_hash"), c.hash)
		}
	}
}

func h1MultisigWallets(sets [4][3]string, segwit bool) []*scenario.W {
	var out []*scenario.W
	for _, m := range sets {
		if segwit {
			out = append(out, scenario.MultisigSegwitWallet(2, m[:]...))
		} else {
			out = append(out, scenario.MultisigWallet(2, m[:]...))
		}
	}
	return out
}

// namespace_preorder_reveal_ready_multisig: namespaces preordered by a
// multisig wallet and by a one-key wallet (pay-to-creator); imports with
// child keys; preorders (one from a multisig wallet) and a renewal pay the
// creator.
func TestNamespacePreorderRevealReadyMultisig(t *testing.T) {
	t.Parallel()
	h1ReadyMultisig(t, h1MultisigWallets(h1Multisig, false), false)
}

// namespace_preorder_reveal_ready_multisig_v2: as _multisig, the
// pay-to-creator namespace preordered by the multisig wallet, whose
// balance receives the payments.
func TestNamespacePreorderRevealReadyMultisigV2(t *testing.T) {
	t.Parallel()
	h1ReadyMultisig(t, h1MultisigWallets(h1Multisig, false), true)
}

// namespace_preorder_reveal_ready_segwit: as _multisig, with p2sh-p2wpkh
// wallets.
func TestNamespacePreorderRevealReadySegwit(t *testing.T) {
	t.Parallel()
	var ws []*scenario.W
	for _, k := range []string{"5JfHdMq9XnZ9mwW5H6LsfVCn9u6iGAj2FCVYtfhcHn72Tphvm5P", "5JPrkpfLT3rDf1Lgm1DpA2Cfepwf9wCtEbDx1HSEdd4J2R5YMxZ",
		"KzdAGxpye21RkoP3tH8Qwow4eQHGEii7hwQjpsq9j13bqmoomMtS", "L1g7Z8WBo4p7NH9D2zvYQ3d73DyfWUMvzZSUR818A7EdDUagzRxm"} {
		ws = append(ws, scenario.SegwitWallet(k))
	}
	h1ReadyMultisig(t, ws, false)
}

// namespace_preorder_reveal_ready_segwit_multisig: as _multisig, with
// p2sh-p2wsh multisig wallets.
func TestNamespacePreorderRevealReadySegwitMultisig(t *testing.T) {
	t.Parallel()
	h1ReadyMultisig(t, h1MultisigWallets(h1SegwitMultisig, true), false)
}

// h1NextEpoch is namespace_preorder_reveal_ready_nextepoch(_epoch3): rounds
// of four namespaces (ids of 1, 2, 4 and 8 characters) preordered, revealed
// and made ready, each round a block apart; each pays the price of the
// epoch it is preordered in. want are the original's price_namespace at the
// check's heights: config.py under BLOCKSTACK_TEST, 41 BTC for one
// character, 40 for two or three, 4 for four to seven, 0.4 beyond; epoch 3
// divides by 10.
func h1NextEpoch(t *testing.T, env scenario.Env, rounds [][4]string, want map[string]float64) {
	s := scenario.Start(t, env, h1Wallets(9)...)
	w := s.Wallets
	for r, ids := range rounds {
		payers := []*scenario.W{w[0], w[1], w[2], w[3]}
		if r > 0 {
			payers = []*scenario.W{w[5], w[6], w[7], w[8]}
		}
		for i, id := range ids {
			s.NamespacePreorder(id, w[i+1].Addr, payers[i])
		}
		s.NextBlock()
		for i, id := range ids {
			s.NamespaceReveal(id, w[i+1].Addr, 52595, 250, 4, idBuckets, 10, 10, payers[i])
		}
		s.NextBlock()
		for i, id := range ids {
			s.NamespaceReady(id, w[i+1])
		}
		s.NextBlock()
	}

	for _, ids := range rounds {
		for _, id := range ids {
			if s.GetNamespaceReveal(id) != nil {
				t.Errorf("%s still revealed", id)
			}
			ns := s.GetNamespace(id)
			if ns == nil || ns.S("namespace_id") != id {
				t.Errorf("%s not ready: %v", id, ns)
				continue
			}
			if fee := ns.F("op_fee"); math.Abs(fee-want[id]) >= 10e-8 {
				t.Errorf("%s paid %v, want %v", id, fee, want[id])
			}
		}
	}
}

// namespace_preorder_reveal_ready_nextepoch: namespaces bought in epoch 1
// and in epoch 2 pay their epoch's (equal) prices.
func TestNamespacePreorderRevealReadyNextepoch(t *testing.T) {
	t.Parallel()
	h1NextEpoch(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "690"},
		[][4]string{{"t", "te", "test", "testtest"}, {"a", "as", "asdf", "asdfasdf"}},
		map[string]float64{
			"t": 41e8, "te": 40e8, "test": 4e8, "testtest": 0.4e8, // price_namespace(id, 0)
			"a": 41e8, "as": 40e8, "asdf": 4e8, "asdfasdf": 0.4e8, // price_namespace(id, 691)
		})
}

// namespace_preorder_reveal_ready_nextepoch_epoch3: as _nextepoch, and a
// third round in epoch 3 pays a tenth.
func TestNamespacePreorderRevealReadyNextepochEpoch3(t *testing.T) {
	t.Parallel()
	h1NextEpoch(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "690", "BLOCKSTACK_EPOCH_2_END_BLOCK": "693"},
		[][4]string{{"t", "te", "test", "testtest"}, {"a", "as", "asdf", "asdfasdf"}, {"b", "bs", "bsdf", "bsdfasdf"}},
		map[string]float64{
			"t": 41e8, "te": 40e8, "test": 4e8, "testtest": 0.4e8, // price_namespace(id, 0)
			"a": 41e8, "as": 40e8, "asdf": 4e8, "asdfasdf": 0.4e8, // price_namespace(id, 691)
			"b": 41e8 / 10, "bs": 40e8 / 10, "bsdf": 4e8 / 10, "bsdfasdf": 0.4e8 / 10, // price_namespace(id, 694)
		})
}
