package scenario_test

import (
	"testing"

	"github.com/zonemirror/zonemirror/internal/scenario"
)

// h5CheckRenewedAfter fails t unless rec was last renewed d blocks after
// its registration (name_rec['last_renewed'] - d == first_registered).
func h5CheckRenewedAfter(t *testing.T, rec scenario.Rec, d int64) {
	t.Helper()
	if rec.I("last_renewed")-d != rec.I("first_registered") {
		t.Errorf("last_renewed %d, first_registered %d: want a renewal %d blocks after", rec.I("last_renewed"), rec.I("first_registered"), d)
	}
}

// name_pre_reg_renew: the owner renews its name 11 blocks after
// registering it.
func TestNamePreRegRenew(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NextBlocks(10)
	s.NameRenew("foo.test", w[3])
	s.NextBlock()
	s.NextBlock()

	rec := h5CheckRegistered(t, s, "test", "foo.test", w[2], w[3].Addr)
	h5CheckRenewedAfter(t, rec, 11)
}

// name_pre_reg_renew_snv: the same renewal; check() also verified the
// registration by SNV (left out: SNV lookups are out of scope).
func TestNamePreRegRenewSnv(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	// snv_block_id: only for the SNV lookup, left out
	s.NextBlocks(10)
	s.NameRenew("foo.test", w[3])
	s.NextBlock()
	s.NextBlock()
	// last_block_id, last_consensus: only for the SNV lookup, left out

	rec := h5CheckRegistered(t, s, "test", "foo.test", w[2], w[3].Addr)
	h5CheckRenewedAfter(t, rec, 11)
}

// name_pre_reg_renew_cantforce: a wallet that does not own the name
// cannot renew it.
func TestNamePreRegRenewCantforce(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NextBlocks(10)
	// safety_checks=False
	s.NameRenew("foo.test", w[4])
	s.NextBlock()
	s.NextBlock()

	rec := h5CheckRegistered(t, s, "test", "foo.test", w[2], w[3].Addr)
	h5CheckRenewedAfter(t, rec, 0)
}

// name_pre_reg_renew_renew: two renewals; the last one counts.
func TestNamePreRegRenewRenew(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NextBlocks(10)
	s.NameRenew("foo.test", w[3])
	s.NextBlock()
	s.NextBlock()
	s.NameRenew("foo.test", w[3])
	s.NextBlock()

	rec := h5CheckRegistered(t, s, "test", "foo.test", w[2], w[3].Addr)
	h5CheckRenewedAfter(t, rec, 13)
}

// name_pre_reg_renew_sameblock: a renewal in the block that preorders and
// registers the name fails; the block holds two operations.
func TestNamePreRegRenewSameblock(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NameRegister("foo.test", w[2], w[3].Addr)
	// safety_checks=False
	s.NameRenew("foo.test", w[3])
	s.NextBlock()
	renewBlock := s.GetCurrentBlock()

	h5CheckRegistered(t, s, "test", "foo.test", w[2], w[3].Addr)
	if n := s.GetNumBlockstackOpsAt(renewBlock); n != 2 {
		t.Errorf("%d operations at %d, want 2: %v", n, renewBlock, s.BlockOps(renewBlock))
	}
}

// name_pre_reg_renew_expire_multi: a name in a 3-block namespace is
// renewed too late and expires; another wallet registers it again and
// renews it.
func TestNamePreRegRenewExpireMulti(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 3)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NextBlocks(2)
	whois := s.Whois("foo.test")
	if _, bad := whois["error"]; bad {
		t.Fatalf("whois foo.test: %v", whois)
	}
	if whois.S("owner_address") != w[3].Addr {
		t.Fatalf("whois foo.test: owner %s, want %s", whois.S("owner_address"), w[3].Addr)
	}
	s.NameRenew("foo.test", w[3])
	s.NextBlocks(5)
	if whois := s.Whois("foo.test"); whois["error"] == nil {
		t.Fatalf("whois foo.test after expiry: %v", whois)
	}
	s.NamePreorder("foo.test", w[3], w[2].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[3], w[2].Addr)
	s.NextBlock()
	s.NextBlocks(2)
	whois = s.Whois("foo.test")
	if _, bad := whois["error"]; bad {
		t.Fatalf("whois foo.test: %v", whois)
	}
	if whois.S("owner_address") != w[2].Addr {
		t.Fatalf("whois foo.test: owner %s, want %s", whois.S("owner_address"), w[2].Addr)
	}
	s.NameRenew("foo.test", w[2])
	s.NextBlock()
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	if p := s.GetNamePreorder("foo.test", scenario.PaymentScript(w[2].Addr), w[3].Addr); p != nil {
		t.Errorf("preorder by wallets[2] for wallets[3]: %v", p)
	}
	if p := s.GetNamePreorder("foo.test", scenario.PaymentScript(w[3].Addr), w[2].Addr); p != nil {
		t.Errorf("preorder by wallets[3] for wallets[2]: %v", p)
	}
	rec := s.GetName("foo.test")
	checkOwner(t, rec, w[2].Addr)
	h5CheckRenewedAfter(t, rec, 3)
}

// name_pre_reg_renew_transfer_update: renew, transfer, update: the
// renewal stands, the new owner's update is the value hash.
func TestNamePreRegRenewTransferUpdate(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NextBlock()
	s.NameRenew("foo.test", w[3])
	s.NextBlock()
	s.NextBlock()
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()
	s.NameUpdate("foo.test", hx("11", 20), w[4])
	s.NextBlock()
	s.NextBlock()

	h5CheckRenewedTransferredUpdated(t, s, w)
}

// name_pre_reg_renew_update_transfer: renew, update, transfer (keeping
// the data).
func TestNamePreRegRenewUpdateTransfer(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NextBlock()
	s.NameRenew("foo.test", w[3])
	s.NextBlock()
	s.NextBlock()
	s.NameUpdate("foo.test", hx("11", 20), w[3])
	s.NextBlock()
	s.NextBlock()
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()

	h5CheckRenewedTransferredUpdated(t, s, w)
}

// h5CheckRenewedTransferredUpdated is the check of the renew/transfer/
// update scenarios: foo.test renewed, value hash 11…, owned by wallets[4].
func h5CheckRenewedTransferredUpdated(t *testing.T, s *scenario.S, w []*scenario.W) {
	t.Helper()
	checkNamespaceReady(t, s, "test")
	if p := s.GetNamePreorder("foo.test", scenario.PaymentScript(w[2].Addr), w[3].Addr); p != nil {
		t.Fatalf("'foo.test' still preordered: %v", p)
	}
	rec := s.GetName("foo.test")
	if rec == nil {
		t.Fatal("'foo.test' not registered")
	}
	if rec.I("last_renewed") <= rec.I("first_registered") {
		t.Errorf("not renewed: last_renewed %d, first_registered %d", rec.I("last_renewed"), rec.I("first_registered"))
	}
	if rec.S("value_hash") != hx("11", 20) {
		t.Errorf("'foo.test' invalid value hash %q", rec.S("value_hash"))
	}
	if rec.S("address") != w[4].Addr {
		t.Errorf("'foo.test' invalid owner %s", rec.S("address"))
	}
}

// name_pre_reg_renewxferup: renewals that change the owner and the zone
// file hash, checked with whois after each.
func TestNamePreRegRenewxferup(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "682", "BLOCKSTACK_EPOCH_2_END_BLOCK": "683",
		"BLOCKSTACK_EPOCH_2_NAMESPACE_LIFETIME_MULTIPLIER": "1"}, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRenew("foo.test", w[3])
	s.NextBlock()
	whois := s.Whois("foo.test")
	if _, bad := whois["error"]; bad {
		t.Fatalf("whois: %v", whois)
	}
	if !whois.Null("zonefile_hash") && whois.S("zonefile_hash") != "" {
		t.Fatalf("have a new zone file??? %v", whois)
	}
	if whois.S("owner_address") != w[3].Addr {
		t.Fatalf("wrong owner address: %v", whois)
	}
	// (the renewal with only a zone file hash is no longer supported by
	// the node.js CLI; the original left it commented out)
	s.NameRenew("foo.test", w[3], scenario.ZonefileHash(hx("22", 20)), scenario.Recipient(w[0].Addr))
	s.NextBlock()
	whois = s.Whois("foo.test")
	if _, bad := whois["error"]; bad {
		t.Fatalf("whois: %v", whois)
	}
	if whois.Null("zonefile_hash") || whois.S("zonefile_hash") != hx("22", 20) {
		t.Fatalf("whois: %v", whois)
	}
	if whois.S("owner_address") != w[0].Addr {
		t.Fatalf("whois: %v", whois)
	}
	s.NameRenew("foo.test", w[0], scenario.Recipient(w[1].Addr))
	s.NextBlock()
	whois = s.Whois("foo.test")
	if _, bad := whois["error"]; bad {
		t.Fatalf("whois: %v", whois)
	}
	if whois.Null("zonefile_hash") || whois.S("zonefile_hash") != hx("22", 20) {
		t.Fatalf("whois: %v", whois)
	}
	if whois.S("owner_address") != w[1].Addr {
		t.Fatalf("whois: %v", whois)
	}

	checkNamespaceReady(t, s, "test")
	for _, p := range [][2]int{{2, 3}, {3, 0}, {0, 1}} {
		if pre := s.GetNamePreorder("foo.test", scenario.PaymentScript(w[p[0]].Addr), w[p[1]].Addr); pre != nil {
			t.Errorf("preorder by wallets[%d] for wallets[%d]: %v", p[0], p[1], pre)
		}
	}
	rec := s.GetName("foo.test")
	checkOwner(t, rec, w[1].Addr)
	h5CheckRenewedAfter(t, rec, 3)
}
