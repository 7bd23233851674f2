package scenario_test

import (
	"testing"

	"github.com/zonemirror/zonemirror/internal/scenario"
)

// The wallet keys of the import scenarios beyond harness_test.go's five,
// and the keys of their multisig wallets.
var (
	impK5K5hDu = "5K5hDuynZ6EQrZ4efrchCwy6DLhdsEzuJtTDAf3hqdsCKbxfoeD"
	impK5J39aX = "5J39aXEeHh9LwfQ4Gy5Vieo7sbqiUMBXkPH7SaMHixJhSSBpAqz"
	impK5K9LmM = "5K9LmMQskQ9jP1p7dyieLDAeB6vsAj4GK8dmGNJAXS1qHDqnWhP"
	impK5KcNen = "5KcNen67ERBuvz2f649t9F2o1ddTjC5pVUEqcMtbxNgHqgxG2gZ"

	impMulti1 = []string{"5JfHdMq9XnZ9mwW5H6LsfVCn9u6iGAj2FCVYtfhcHn72Tphvm5P", "5JaqLZaKD7cgkfsxSZBNiu6gaFxo1XAiTXw1mhtatipNNCtZBZG", "5KNsAkiHRDZb5Yyedxov2Fncr6CcNPV52yqJbzQ8M2W6dkg2qJp"}
	impMulti2 = []string{"5JPrkpfLT3rDf1Lgm1DpA2Cfepwf9wCtEbDx1HSEdd4J2R5YMxZ", "5JiALcfvzFsKcvLnHf7ECgLdp6FxbcAXB1GPvEYP7HeigbDCQ9E", "5KScD5XL5Hj83Yjvm3u4HD78vSYwFRyq9StTLPnrWrCTGiqTvVP"}
	impMulti3 = []string{"5JPR5iVN8KGMdU9JfzoTCsipXazUcZPRY8zp7f3g8FRff2HBaAV", "5KTTwEyATY8v12MjNdoeA1u2ZGqgjnBNcyZjk3YSkiVJWYxqBSm", "5KQ1s8UEYz3oyFRUejBvb1imMdtpoP98w6NQYGxQsSo3u6DmztZ"}
	impMulti4 = []string{"5JpAkdEJuzF8E74UptksRLiB6Bf9QnwxGQutJTRWo5EAGVZfXmY", "5Hyc4wreVpZyzcfb56Zt1ymovda2xGucGZsAwoQz34iYK6aEKhR", "5JypKiQGiaD8AN6X86xtnuQYj7nnpLvp4VfcTVdDh4yFkLewAGx"}
)

// impWallets are the single-key wallets of the given keys, in order.
func impWallets(keys ...string) []*scenario.W {
	var out []*scenario.W
	for _, k := range keys {
		out = append(out, scenario.Wallet(k))
	}
	return out
}

// impNine are the nine wallets most import scenarios use.
func impNine() []*scenario.W {
	return impWallets(w5JesPi, w5KHqsi, w5Kg5kJ, w5JuVso, w5KEpiS, impK5K5hDu, impK5J39aX, impK5K9LmM, impK5KcNen)
}

// impSeven are the seven wallets of name_imp_xfer_up_xfer{,_condensed}.
func impSeven() []*scenario.W {
	return impWallets(w5JesPi, w5KHqsi, w5Kg5kJ, w5JuVso, w5KEpiS, impK5K9LmM, impK5KcNen)
}

// impRevealTest is the two blocks of most import scenarios:
// blockstack_namespace_preorder("test", wallets[1].addr,
// wallets[0].privkey) and the reveal with the .id price function and the
// given lifetime (version_bits, if given).
func impRevealTest(s *scenario.S, lifetime uint32, version ...uint16) {
	w := s.Wallets
	s.NamespacePreorder("test", w[1].Addr, w[0])
	s.NextBlock()
	s.NamespaceReveal("test", w[1].Addr, lifetime, 250, 4, idBuckets, 10, 10, w[0], version...)
	s.NextBlock()
}

// impNotPreordered is the check's loop: for every wallet i, no preorder of
// each name by wallets[i] for wallets[(i+1)%5].
func impNotPreordered(t *testing.T, s *scenario.S, names ...string) {
	t.Helper()
	w := s.Wallets
	for i := range w {
		for _, name := range names {
			if p := s.GetNamePreorder(name, scenario.PaymentScript(w[i].Addr), w[(i+1)%5].Addr); p != nil {
				t.Fatalf("%s preordered by wallets[%d]: %v", name, i, p)
			}
		}
	}
}

// impName is db.get_name(name) in scenario(): the record, failing t if
// there is none (the original would have raised on None[...]).
func impName(t *testing.T, s *scenario.S, name string) scenario.Rec {
	t.Helper()
	rec := s.GetName(name)
	if rec == nil {
		t.Fatalf("%s: no name record", name)
	}
	return rec
}

// impCHNone is the scenario's "name_rec['consensus_hash'] is None" check.
func impCHNone(t *testing.T, s *scenario.S, name string) {
	t.Helper()
	if rec := impName(t, s, name); !rec.Null("consensus_hash") {
		t.Fatalf("%s: consensus hash %v, want None", name, rec["consensus_hash"])
	}
}

// impCHIs is the scenario's "name_rec['consensus_hash'] == want" check.
func impCHIs(t *testing.T, s *scenario.S, name, want string) {
	t.Helper()
	if rec := impName(t, s, name); rec.S("consensus_hash") != want {
		t.Fatalf("%s: consensus hash %v, want %s", name, rec["consensus_hash"], want)
	}
}

// impCHPrev is "name_rec['consensus_hash'] ==
// get_consensus_at(get_current_block()-1)": the consensus hash the last
// operation carried; it returns it.
func impCHPrev(t *testing.T, s *scenario.S, name string) string {
	t.Helper()
	want := s.GetConsensusAt(s.GetCurrentBlock() - 1)
	impCHIs(t, s, name, want)
	return want
}

// impValue fails t unless rec's value hash is want.
func impValue(t *testing.T, rec scenario.Rec, want string) {
	t.Helper()
	if rec == nil {
		t.Fatal("no name record")
	}
	if rec.S("value_hash") != want {
		t.Fatalf("%s: value hash %q, want %q", rec.S("name"), rec.S("value_hash"), want)
	}
}

// impHistoricImport is the check of the name's state at the import block
// (get_name_at(name, import_block, include_expired=True)[0]): the import's
// value hash, owned by owner.
func impHistoricImport(t *testing.T, s *scenario.S, name string, block int64, value, owner string) {
	t.Helper()
	hist := s.GetNameAt(name, block, true)
	if len(hist) == 0 {
		t.Fatalf("%s: no record at %d", name, block)
	}
	h := hist[0]
	if _, ok := h["value_hash"]; !ok || h.S("value_hash") != value {
		t.Fatalf("%s at %d: value hash %v, want %s", name, block, h["value_hash"], value)
	}
	checkOwner(t, h, owner)
}

// name_imp_xfer_up: an imported name carries no consensus hash; a transfer
// and then an update each set the name's consensus hash to the one they
// carried.
func TestNameImpXferUp(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, impNine()...)
	w := s.Wallets
	impRevealTest(s, 52595)
	s.NameImport("foo.test", w[3].Addr, hx("11", 20), w[1])
	s.NextBlock()
	s.NamespaceReady("test", w[1])
	s.NextBlock()
	impCHNone(t, s, "foo.test")
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()
	impCHPrev(t, s, "foo.test")
	s.NameUpdate("foo.test", hx("22", 20), w[4])
	s.NextBlock()
	impCHPrev(t, s, "foo.test")

	checkNamespaceReady(t, s, "test")
	impNotPreordered(t, s, "foo.test")
	rec := s.GetName("foo.test")
	impValue(t, rec, hx("22", 20))
	checkOwner(t, rec, w[4].Addr)
}

// name_imp_xfer_up_multi_snv: three imports, a transfer of one and an
// update of another; the SNV lookups of the original are left out.
func TestNameImpXferUpMultiSnv(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, impNine()...)
	w := s.Wallets
	impRevealTest(s, 52595)
	s.NameImport("foo.test", w[3].Addr, hx("11", 20), w[1])
	s.NextBlock()
	s.NameImport("bar.test", w[5].Addr, hx("33", 20), w[1])
	s.NextBlock()
	s.NameImport("baz.test", w[6].Addr, hx("33", 20), w[1])
	s.NextBlock()
	s.NamespaceReady("test", w[1])
	s.NextBlock()
	s.NameTransfer("bar.test", w[4].Addr, true, w[5])
	s.NextBlock()
	s.NameUpdate("baz.test", hx("22", 20), w[6])
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	impNotPreordered(t, s, "foo.test", "bar.test", "baz.test")
	for _, name := range []string{"foo.test", "bar.test", "baz.test"} {
		if s.GetName(name) == nil {
			t.Fatalf("%s not registered", name)
		}
	}
	impValue(t, s.GetName("baz.test"), hx("22", 20))
	checkOwner(t, s.GetName("bar.test"), w[4].Addr)
	// left out: blockstack.lib.snv.snv_lookup of foo.test (SNV)
}

// name_imp_xfer_up_snv: import, transfer, update; the SNV lookup of the
// original is left out.
func TestNameImpXferUpSnv(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, impNine()...)
	w := s.Wallets
	impRevealTest(s, 52595)
	s.NameImport("foo.test", w[3].Addr, hx("11", 20), w[1])
	s.NextBlock()
	s.NamespaceReady("test", w[1])
	s.NextBlock()
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()
	s.NameUpdate("foo.test", hx("22", 20), w[4])
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	impNotPreordered(t, s, "foo.test")
	rec := s.GetName("foo.test")
	impValue(t, rec, hx("22", 20))
	checkOwner(t, rec, w[4].Addr)
	// left out: blockstack.lib.snv.snv_lookup of foo.test (SNV)
}

// name_imp_xfer_up_xfer: an imported name transferred back and forth and
// updated, a block each; a transfer sets the consensus hash it carried
// until the name has been updated, after which a transfer keeps the last
// update's (the quirk).
func TestNameImpXferUpXfer(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, impSeven()...)
	w := s.Wallets
	impRevealTest(s, 52595)
	s.NameImport("foo.test", w[3].Addr, hx("11", 20), w[1])
	s.NextBlock()
	s.NamespaceReady("test", w[1])
	s.NextBlock()
	impCHNone(t, s, "foo.test")

	xfer := func(to, from int) {
		t.Helper()
		s.NameTransfer("foo.test", w[to].Addr, true, w[from])
		s.NextBlock()
	}
	update := func(value string, owner int) string {
		t.Helper()
		s.NameUpdate("foo.test", hx(value, 20), w[owner])
		s.NextBlock()
		return impCHPrev(t, s, "foo.test")
	}
	// before any update: each transfer's own consensus hash
	for _, x := range [][2]int{{4, 3}, {5, 4}, {4, 5}, {5, 4}, {4, 5}} {
		xfer(x[0], x[1])
		impCHPrev(t, s, "foo.test")
	}
	updateCH := update("11", 4)
	for _, x := range [][2]int{{5, 4}, {4, 5}, {5, 4}, {4, 5}, {5, 4}} {
		xfer(x[0], x[1])
		impCHIs(t, s, "foo.test", updateCH)
	}
	update("22", 5)
	updateCH = s.GetConsensusAt(s.GetCurrentBlock() - 1)
	xfer(4, 5)
	impCHIs(t, s, "foo.test", updateCH)
	update("33", 4)
	updateCH = update("44", 4)
	xfer(5, 4)
	impCHIs(t, s, "foo.test", updateCH)
	xfer(4, 5)
	impCHIs(t, s, "foo.test", updateCH)
	update("55", 4)
	updateCH = update("66", 4)
	xfer(5, 4)
	impCHIs(t, s, "foo.test", updateCH)
	updateCH = update("11", 5)
	xfer(4, 5)
	impCHIs(t, s, "foo.test", updateCH)

	checkNamespaceReady(t, s, "test")
	if p := s.GetNamePreorder("foo.test", scenario.PaymentScript(w[2].Addr), w[3].Addr); p != nil {
		t.Fatalf("preordered: %v", p)
	}
	rec := s.GetName("foo.test")
	impValue(t, rec, hx("11", 20))
	checkOwner(t, rec, w[4].Addr)
}

// impCondensed is the operations of name_imp_xfer_up_xfer_condensed and
// its multisig variants: an import, then blocks of several transfers and
// updates of one name each, all sent with safety_checks=False. ch, if
// set, gives the consensus_hash= each transfer and update of the
// _delays variant carries: ch(block, index in block) ("" for none).
func impCondensed(t *testing.T, s *scenario.S, ch func(block, i int) string) {
	t.Helper()
	w := s.Wallets
	impRevealTest(s, 52595)
	chs := map[string]string{}
	if ch != nil {
		chs["1"] = s.GetConsensusAt(s.GetCurrentBlock())
	}
	s.NameImport("foo.test", w[3].Addr, hx("11", 20), w[1])
	s.NextBlock()
	s.NamespaceReady("test", w[1])
	s.NextBlock()
	if ch != nil {
		chs["2"] = s.GetConsensusAt(s.GetCurrentBlock())
	}
	// an operation: "x<to><from>" transfers from wallets[from] to
	// wallets[to]; "u<owner><value>" updates as wallets[owner]
	blocks := [][]string{
		{"x43", "x54", "x45", "x54", "x45"},
		{"u411", "x54", "x45", "x54", "x45", "x54", "u522"},
		{"x45", "u433"},
		{"u444", "x54", "x45", "u455"},
		{"u466", "x54", "u511"},
		{"x45"},
	}
	for b, ops := range blocks {
		for i, op := range ops {
			var opts []scenario.Opt
			if ch != nil {
				if k := ch(b, i); k != "" {
					opts = append(opts, scenario.ConsensusHash(chs[k]))
				}
			}
			a, c := int(op[1]-'0'), int(op[2]-'0')
			if op[0] == 'x' {
				s.NameTransfer("foo.test", w[a].Addr, true, w[c], opts...)
			} else {
				s.NameUpdate("foo.test", hx(op[2:], 20), w[a], opts...)
			}
		}
		s.NextBlock()
		if ch != nil && b == 1 {
			chs["3"] = s.GetConsensusAt(s.GetCurrentBlock())
		}
	}
}

// impCondensedCheck is the check of the condensed scenarios.
func impCondensedCheck(t *testing.T, s *scenario.S) {
	t.Helper()
	w := s.Wallets
	checkNamespaceReady(t, s, "test")
	if p := s.GetNamePreorder("foo.test", scenario.PaymentScript(w[2].Addr), w[3].Addr); p != nil {
		t.Fatalf("preordered: %v", p)
	}
	rec := s.GetName("foo.test")
	impValue(t, rec, hx("11", 20))
	checkOwner(t, rec, w[4].Addr)
}

// name_imp_xfer_up_xfer_condensed: name_imp_xfer_up_xfer's transfers and
// updates, several of one name in each block; each applies in block
// order.
func TestNameImpXferUpXferCondensed(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, impSeven()...)
	impCondensed(t, s, nil)
	impCondensedCheck(t, s)
}

// impMultisigEnv is the TEST ENV of the multisig import scenarios.
var impMultisigEnv = scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "682", "BLOCKSTACK_EPOCH_2_NAMESPACE_LIFETIME_MULTIPLIER": "1"}

// name_imp_xfer_up_xfer_condensed_multisig: the condensed transfers and
// updates between p2sh multisig owners.
func TestNameImpXferUpXferCondensedMultisig(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, impMultisigEnv, scenario.Wallet(w5JesPi), scenario.Wallet(w5KHqsi),
		scenario.MultisigWallet(2, impMulti1...), scenario.MultisigWallet(2, impMulti2...),
		scenario.MultisigWallet(2, impMulti3...), scenario.MultisigWallet(2, impMulti4...))
	impCondensed(t, s, nil)
	impCondensedCheck(t, s)
}

// name_imp_xfer_up_xfer_condensed_multisig_delays: the condensed multisig
// transfers and updates, carrying consensus hashes a few blocks old.
func TestNameImpXferUpXferCondensedMultisigDelays(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, impMultisigEnv, scenario.Wallet(w5JesPi), scenario.Wallet(w5KHqsi),
		scenario.MultisigWallet(2, impMulti1...), scenario.MultisigWallet(2, impMulti2...),
		scenario.MultisigWallet(2, impMulti3...), scenario.MultisigWallet(2, impMulti4...))
	// consensus_hash (1), consensus_hash_2 (2), consensus_hash_3 (3) of
	// each operation, by block and position ("" for none given)
	chs := [][]string{
		{"1", "1", "1", "1", "1"},
		{"", "1", "2", "2", "1", "2", "1"},
		{"1", "2"},
		{"", "3", "3", "2"},
		{"3", "1", "2"},
		{"1"},
	}
	impCondensed(t, s, func(b, i int) string { return chs[b][i] })
	impCondensedCheck(t, s)
}

// name_imp_xfer_up_xfer_condensed_multisig_singlesig: the condensed
// transfers and updates between a p2sh multisig owner and a p2pkh one.
func TestNameImpXferUpXferCondensedMultisigSinglesig(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, impMultisigEnv, scenario.Wallet(w5JesPi), scenario.Wallet(w5KHqsi),
		scenario.MultisigWallet(2, impMulti1...), scenario.MultisigWallet(2, impMulti2...),
		scenario.MultisigWallet(2, impMulti3...), scenario.Wallet(w5Kg5kJ))
	impCondensed(t, s, nil)
	impCondensedCheck(t, s)
}

// name_imp_xfer_update_xfer_expire_rereg_xfer_up: an imported name is
// transferred, updated and transferred, expires, and is registered again
// by another; the new registration has no consensus hash and no
// sender_pubkey, and the import is still in the history.
func TestNameImpXferUpdateXferExpireReregXferUp(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, impNine()...)
	w := s.Wallets
	mult := impLifetimeMultiplier(s, nil)
	impRevealTest(s, 10)
	s.NameImport("foo.test", w[3].Addr, hx("11", 20), w[1])
	s.NextBlock()
	importBlock := s.GetCurrentBlock()
	s.NamespaceReady("test", w[1])
	s.NextBlock()
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()
	impCHPrev(t, s, "foo.test")
	s.NameUpdate("foo.test", hx("22", 20), w[4])
	s.NextBlock()
	updateCH := impCHPrev(t, s, "foo.test")
	s.NameTransfer("foo.test", w[3].Addr, true, w[4])
	s.NextBlock()
	impCHIs(t, s, "foo.test", updateCH)
	s.NextBlocks(10 * mult)
	s.NamePreorder("foo.test", w[7], w[8].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[7], w[8].Addr)
	s.NextBlock()
	impCHNone(t, s, "foo.test")
	s.NameTransfer("foo.test", w[0].Addr, true, w[8])
	s.NextBlock()
	impCHPrev(t, s, "foo.test")
	s.NameTransfer("foo.test", w[8].Addr, true, w[0])
	s.NextBlock()
	impCHPrev(t, s, "foo.test")
	s.NameUpdate("foo.test", hx("33", 20), w[8])
	s.NextBlock()
	impCHPrev(t, s, "foo.test")

	checkNamespaceReady(t, s, "test")
	impNotPreordered(t, s, "foo.test")
	rec := s.GetName("foo.test")
	checkOwner(t, rec, w[8].Addr)
	if !rec.Null("sender_pubkey") {
		t.Fatalf("sender_pubkey %v, want None", rec["sender_pubkey"])
	}
	impHistoricImport(t, s, "foo.test", importBlock, hx("11", 20), w[3].Addr)
}

// name_imp_xfer_xfer_up: an imported name transferred twice and updated;
// each sets the consensus hash it carried.
func TestNameImpXferXferUp(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, impNine()...)
	w := s.Wallets
	impRevealTest(s, 52595)
	s.NameImport("foo.test", w[3].Addr, hx("11", 20), w[1])
	s.NextBlock()
	s.NamespaceReady("test", w[1])
	s.NextBlock()
	impCHNone(t, s, "foo.test")
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()
	impCHPrev(t, s, "foo.test")
	s.NameTransfer("foo.test", w[0].Addr, true, w[4])
	s.NextBlock()
	impCHPrev(t, s, "foo.test")
	s.NameUpdate("foo.test", hx("22", 20), w[0])
	s.NextBlock()
	impCHPrev(t, s, "foo.test")

	checkNamespaceReady(t, s, "test")
	impNotPreordered(t, s, "foo.test")
	rec := s.GetName("foo.test")
	impValue(t, rec, hx("22", 20))
	checkOwner(t, rec, w[0].Addr)
}
