package scenario_test

import (
	"testing"

	"github.com/zonemirror/zonemirror/internal/scenario"
)

// name_pre_xfer_up_xfer_quirks: a transfer sets the consensus hash only
// when no update did before it (since the last registration); after an
// update, transfers keep the update's consensus hash — in the name's
// record and in its history.
func TestNamePreXferUpXferQuirks(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, append(stdWallets(),
		scenario.Wallet("5K9LmMQskQ9jP1p7dyieLDAeB6vsAj4GK8dmGNJAXS1qHDqnWhP"),
		scenario.Wallet("5KcNen67ERBuvz2f649t9F2o1ddTjC5pVUEqcMtbxNgHqgxG2gZ"))...)
	w := s.Wallets
	// chAt is the consensus hash of the name's record and of its newest
	// state at the current block (get_name, get_name_at)
	chAt := func(name string) (string, string) {
		t.Helper()
		rec := s.GetName(name)
		if rec == nil {
			t.Fatalf("no %s", name)
		}
		hist := s.GetNameAt(name, s.GetCurrentBlock())
		if len(hist) == 0 {
			t.Fatalf("no history of %s at %d", name, s.GetCurrentBlock())
		}
		return rec.S("consensus_hash"), hist[0].S("consensus_hash")
	}
	prevConsensus := func() string { return s.GetConsensusAt(s.GetCurrentBlock() - 1) }
	checkCH := func(name, want, what string) {
		t.Helper()
		rec, hist := chAt(name)
		if rec != want {
			t.Errorf("%s: %s: record consensus hash %s, want %s", name, what, rec, want)
		}
		if hist != want {
			t.Errorf("%s: %s: history consensus hash %s, want %s", name, what, hist, want)
		}
	}

	readyNamespace(s, "test", 52595)
	for _, n := range []string{"foo.test", "bar.test", "baz.test"} {
		s.NamePreorder(n, w[2], w[3].Addr)
	}
	s.NextBlock()
	for _, n := range []string{"foo.test", "bar.test", "baz.test"} {
		cliCanRegister(t, s, n)
		s.NameRegister(n, w[2], w[3].Addr)
	}
	s.NextBlock()

	// foo.test, baz.test: NAME_PREORDER, NAME_REGISTRATION, NAME_TRANSFER:
	// the consensus hash is the transfer's (there was none before)
	for _, n := range []string{"foo.test", "baz.test"} {
		cliCanManage(t, s, n, w[3].Addr)
		s.NameTransfer(n, w[4].Addr, true, w[3])
	}
	s.NextBlock()
	for _, n := range []string{"foo.test", "baz.test"} {
		rec := s.GetName(n)
		if rec == nil || rec.Null("consensus_hash") {
			t.Fatalf("NAME_TRANSFER did not set the consensus hash: %v", rec)
		}
		if rec.S("consensus_hash") != prevConsensus() {
			t.Fatalf("NAME_TRANSFER set wrong consensus hash (expected %s): %v", prevConsensus(), rec)
		}
	}

	// bar.test: NAME_PREORDER, NAME_REGISTRATION, NAME_UPDATE: the update's
	cliCanManage(t, s, "bar.test", w[3].Addr)
	s.NameUpdate("bar.test", hx("11", 20), w[3])
	s.NextBlock()
	barRec := s.GetName("bar.test")
	if barRec == nil || barRec.Null("consensus_hash") {
		t.Fatalf("no consensus hash set on update: %v", barRec)
	}
	barUpdateCH := barRec.S("consensus_hash")
	if barUpdateCH != prevConsensus() {
		t.Fatalf("NAME_UPDATE did not set consensus hash %s: %v", prevConsensus(), barRec)
	}

	// bar.test: … NAME_UPDATE, NAME_TRANSFER: still the update's
	cliCanManage(t, s, "bar.test", w[3].Addr)
	s.NameTransfer("bar.test", w[4].Addr, true, w[3])
	s.NextBlock()
	if rec := s.GetName("bar.test"); rec.S("consensus_hash") != barUpdateCH {
		t.Fatalf("update consensus hash not preserved (expected %s): %v", barUpdateCH, rec)
	}

	// foo.test: … NAME_TRANSFER, NAME_UPDATE: foo's update's
	cliCanManage(t, s, "foo.test", w[4].Addr)
	s.NameUpdate("foo.test", hx("22", 20), w[4])
	// bar.test: … NAME_UPDATE, NAME_TRANSFER, NAME_UPDATE: bar's last update's
	cliCanManage(t, s, "bar.test", w[4].Addr)
	s.NameUpdate("bar.test", hx("33", 20), w[4])
	// baz.test: … NAME_TRANSFER, NAME_TRANSFER: the last transfer's
	cliCanManage(t, s, "baz.test", w[4].Addr)
	s.NameTransfer("baz.test", w[3].Addr, true, w[4])
	s.NextBlock()
	fooUpdateCH, _ := chAt("foo.test")
	checkCH("foo.test", prevConsensus(), "NAME_UPDATE")
	barUpdateCH, _ = chAt("bar.test")
	checkCH("bar.test", prevConsensus(), "NAME_UPDATE")
	checkCH("baz.test", prevConsensus(), "NAME_TRANSFER")

	// foo.test, bar.test: … NAME_UPDATE, NAME_TRANSFER: their last update's;
	// baz.test: the last transfer's still
	cliCanManage(t, s, "foo.test", w[4].Addr)
	s.NameTransfer("foo.test", w[3].Addr, true, w[4])
	cliCanManage(t, s, "bar.test", w[4].Addr)
	s.NameTransfer("bar.test", w[3].Addr, true, w[4])
	cliCanManage(t, s, "baz.test", w[3].Addr)
	s.NameTransfer("baz.test", w[4].Addr, true, w[3])
	s.NextBlock()
	checkCH("foo.test", fooUpdateCH, "NAME_TRANSFER after NAME_UPDATE")
	checkCH("bar.test", barUpdateCH, "NAME_TRANSFER after NAME_UPDATE")
	checkCH("baz.test", prevConsensus(), "NAME_TRANSFER")

	// foo.test, bar.test: … NAME_TRANSFER, NAME_TRANSFER: their last update's
	cliCanManage(t, s, "foo.test", w[3].Addr)
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	cliCanManage(t, s, "bar.test", w[3].Addr)
	s.NameTransfer("bar.test", w[4].Addr, true, w[3])
	s.NextBlock()
	checkCH("foo.test", fooUpdateCH, "NAME_TRANSFER after NAME_UPDATE")
	checkCH("bar.test", barUpdateCH, "NAME_TRANSFER after NAME_UPDATE")

	checkNamespaceReady(t, s, "test")
	for _, n := range []string{"foo.test", "bar.test"} {
		checkNoPreorder(t, s, n, w[2], w[3].Addr)
		rec := s.GetName(n)
		if rec == nil {
			t.Fatalf("%s not registered", n)
		}
		checkOwner(t, rec, w[4].Addr)
	}
}
