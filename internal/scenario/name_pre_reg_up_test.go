package scenario_test

import (
	"testing"

	"github.com/zonemirror/zonemirror/internal/scenario"
)

// name_pre_reg_up_xfer: preorder, register, update, transfer (keep data);
// the transfer keeps the update's consensus hash (the quirk).
func TestNamePreRegUpXfer(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, scenario.Wallet(w5JesPi), scenario.Wallet(w5KHqsi), scenario.Wallet(w5Kg5kJ),
		scenario.Wallet(w5JuVso), scenario.Wallet(w5KEpiS))
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameUpdate("foo.test", hx("11", 20), w[3])
	consensus := s.GetConsensusAt(s.GetCurrentBlock())
	s.NextBlock()
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	if s.GetNamePreorder("foo.test", scenario.PaymentScript(w[2].Addr), w[3].Addr) != nil {
		t.Fatal("'foo.test' still preordered")
	}
	rec := s.GetName("foo.test")
	checkOwner(t, rec, w[4].Addr)
	if rec.S("value_hash") != hx("11", 20) {
		t.Fatalf("'foo.test' invalid value hash %q", rec.S("value_hash"))
	}
	// QUIRK: consensus is from NAME_UPDATE
	if rec.S("consensus_hash") != consensus {
		t.Fatalf("quirk not preserved: current consensus %s != %s", rec.S("consensus_hash"), consensus)
	}
}
