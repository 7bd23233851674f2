package scenario_test

import (
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/zonemirror/zonemirror/internal/scenario"
)

// h5RevokeRegistered is the opening of the revoke scenarios: .test with
// the given lifetime, foo.test preordered by wallets[2] for wallets[3] and
// registered.
func h5RevokeRegistered(s *scenario.S, lifetime uint32) {
	w := s.Wallets
	readyNamespace(s, "test", lifetime)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
}

// name_pre_reg_revoke: the owner revokes its name; it still exists,
// revoked.
func TestNamePreRegRevoke(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, stdWallets()...)
	w := s.Wallets
	h5RevokeRegistered(s, 52595)
	s.NameRevoke("foo.test", w[3])
	s.NextBlock()

	rec := h5CheckRegistered(t, s, "test", "foo.test", w[2], w[3].Addr)
	if !rec.B("revoked") {
		t.Error("foo.test not revoked")
	}
}

// name_pre_reg_revoke_snv: the same revocation; check() also verified
// the registration by SNV (left out: SNV lookups are out of scope).
func TestNamePreRegRevokeSnv(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, stdWallets()...)
	w := s.Wallets
	h5RevokeRegistered(s, 52595)
	// snv_block_id: only for the SNV lookup, left out
	s.NameRevoke("foo.test", w[3])
	s.NextBlock()
	// last_consensus: only for the SNV lookup, left out

	rec := h5CheckRegistered(t, s, "test", "foo.test", w[2], w[3].Addr)
	if !rec.B("revoked") {
		t.Error("foo.test not revoked")
	}
}

// name_pre_reg_revoke_cantforce: a wallet that does not own the name
// cannot revoke it.
func TestNamePreRegRevokeCantforce(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, stdWallets()...)
	w := s.Wallets
	h5RevokeRegistered(s, 52595)
	// safety_checks=False
	s.NameRevoke("foo.test", w[4])
	s.NextBlock()

	rec := h5CheckRegistered(t, s, "test", "foo.test", w[2], w[3].Addr)
	if rec.B("revoked") {
		t.Error("foo.test revoked")
	}
}

// name_pre_reg_revoke_sameblock: a revocation in the block that
// preorders and registers the name fails; the block holds two
// operations.
func TestNamePreRegRevokeSameblock(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NameRegister("foo.test", w[2], w[3].Addr)
	// safety_checks=False
	s.NameRevoke("foo.test", w[3])
	s.NextBlock()
	revokeBlock := s.GetCurrentBlock()

	rec := h5CheckRegistered(t, s, "test", "foo.test", w[2], w[3].Addr)
	if rec.B("revoked") {
		t.Error("foo.test revoked")
	}
	if n := s.GetNumBlockstackOpsAt(revokeBlock); n != 2 {
		t.Errorf("%d operations at %d, want 2: %v", n, revokeBlock, s.BlockOps(revokeBlock))
	}
}

// h5RevokeThenTry is the middle of the revoke_isdead/reregister
// scenarios: the owner revokes foo.test, then (safety checks off) tries an
// update, a transfer and a renewal, waits 8 × the epoch-2 lifetime
// multiplier blocks (the name expires) and tries them again. It returns
// the blocks of the tries, before and after the wait.
func h5RevokeThenTry(s *scenario.S, mult int64) (early, late []int64) {
	w := s.Wallets
	s.NameRevoke("foo.test", w[3])
	s.NextBlock()
	try := func() []int64 {
		var blocks []int64
		s.NameUpdate("foo.test", hx("11", 20), w[3])
		s.NextBlock()
		blocks = append(blocks, s.GetCurrentBlock())
		s.NameTransfer("foo.test", w[4].Addr, true, w[3])
		s.NextBlock()
		blocks = append(blocks, s.GetCurrentBlock())
		s.NameRenew("foo.test", w[3])
		s.NextBlock()
		return append(blocks, s.GetCurrentBlock())
	}
	early = try()
	s.NextBlocks(int(8 * mult))
	late = try()
	return early, late
}

// h5CheckStillRevokedAt fails t unless foo.test's state at each block
// (get_name_at(…, include_expired=True)[0]) is its revocation.
func h5CheckStillRevokedAt(t *testing.T, s *scenario.S, blocks []int64) {
	t.Helper()
	for _, b := range blocks {
		recs := s.GetNameAt("foo.test", b, true)
		if len(recs) == 0 {
			t.Errorf("no name at %d", b)
			continue
		}
		if op := recs[0].S("opcode"); op != "NAME_REVOKE" {
			t.Errorf("accepted opcode %s at %d", op, b)
		}
	}
}

// name_pre_reg_revoke_isdead: after a revocation, the owner's update,
// transfer and renewal fail, before and after the name expires.
func TestNamePreRegRevokeIsdead(t *testing.T) {
	t.Parallel()
	env := scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "682", "BLOCKSTACK_EPOCH_2_PRICE_MULTIPLIER": "1.0"}
	s := scenario.Start(t, env, stdWallets()...)
	w := s.Wallets
	h5RevokeRegistered(s, 10)
	early, late := h5RevokeThenTry(s, h5NamespaceLifetimeMultiplier(env))

	checkNamespaceReady(t, s, "test")
	if p := s.GetNamePreorder("foo.test", scenario.PaymentScript(w[2].Addr), w[3].Addr); p != nil {
		t.Errorf("foo.test preordered: %v", p)
	}
	if rec := s.GetName("foo.test"); rec != nil {
		t.Errorf("foo.test exists: %v", rec)
	}
	h5CheckStillRevokedAt(t, s, append(early, late...))
}

// name_pre_reg_revoke_reregister: a revoked name that expired can be
// registered again (by its last owner, for another wallet), fresh.
func TestNamePreRegRevokeReregister(t *testing.T) {
	t.Parallel()
	env := scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "682", "BLOCKSTACK_EPOCH_2_PRICE_MULTIPLIER": "1.0"}
	s := scenario.Start(t, env, stdWallets()...)
	w := s.Wallets
	h5RevokeRegistered(s, 10)
	_, late := h5RevokeThenTry(s, h5NamespaceLifetimeMultiplier(env))
	s.NamePreorder("foo.test", w[3], w[4].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[3], w[4].Addr)
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	if p := s.GetNamePreorder("foo.test", scenario.PaymentScript(w[2].Addr), w[3].Addr); p != nil {
		t.Errorf("foo.test preordered: %v", p)
	}
	rec := s.GetName("foo.test")
	checkOwner(t, rec, w[4].Addr)
	if !rec.Null("value_hash") {
		t.Errorf("value hash is %s", rec.S("value_hash"))
	}
	if rec.B("revoked") {
		t.Error("foo.test revoked")
	}
	// fail_blocks holds only the tries after the wait
	h5CheckStillRevokedAt(t, s, late)
}

// name_pre_reg_revoke_reregister_newowner: the same, registered again by
// another wallet.
func TestNamePreRegRevokeReregisterNewowner(t *testing.T) {
	t.Parallel()
	env := scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "682", "BLOCKSTACK_EPOCH_2_PRICE_MULTIPLIER": "1.0"}
	s := scenario.Start(t, env, stdWallets()...)
	w := s.Wallets
	h5RevokeRegistered(s, 10)
	early, late := h5RevokeThenTry(s, h5NamespaceLifetimeMultiplier(env))
	s.NamePreorder("foo.test", w[4], w[0].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[4], w[0].Addr)
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	if p := s.GetNamePreorder("foo.test", scenario.PaymentScript(w[2].Addr), w[3].Addr); p != nil {
		t.Errorf("foo.test preordered: %v", p)
	}
	rec := s.GetName("foo.test")
	checkOwner(t, rec, w[0].Addr)
	if !rec.Null("value_hash") {
		t.Errorf("value hash is %s", rec.S("value_hash"))
	}
	if rec.B("revoked") {
		t.Error("foo.test revoked")
	}
	h5CheckStillRevokedAt(t, s, append(early, late...))
}

// h5ResolveDID is the original's DID resolution (blockstackd
// rpc_get_DID_record → BlockstackDB.get_DID_name, nameset/namedb.py:840-900,
// then load_name_info, blockstackd.py:574): did:stack:v0:ADDRESS-INDEX is
// the INDEX-th name creation (a registration, or a name's first import;
// history rows with a creator_address, nameset/db.py:1846, 1977-1989) by
// ADDRESS, ordered by block and vtxindex; its record is the name's last
// state from that creation on, up to the name's next preorder (its next
// life), and nothing if a state in between is revoked. zonemirror has no
// DID resolution (/v1/dids is "lower priority" in PROTOCOL.md §9), so the
// resolution is done here from namedb's name histories; names are the
// names the scenario created (it imports none). It returns nil where the
// original answered an error.
func h5ResolveDID(s *scenario.S, did string, names ...string) scenario.Rec {
	rest, ok := strings.CutPrefix(did, "did:stack:v0:")
	i := strings.LastIndex(rest, "-")
	if !ok || i < 0 {
		return nil
	}
	addr := scenario.AddrReencode(rest[:i])
	index, err := strconv.Atoi(rest[i+1:])
	if err != nil {
		return nil
	}
	type creation struct {
		name   string
		block  int64
		vtx    int64
		states map[int64][]scenario.Rec
	}
	var creations []creation
	for _, name := range names {
		hist := s.GetNameHistory(name)
		for b, recs := range hist {
			for _, r := range recs {
				if r.S("opcode") == "NAME_REGISTRATION" && scenario.AddrReencode(r.S("address")) == addr {
					creations = append(creations, creation{name, b, r.I("vtxindex"), hist})
				}
			}
		}
	}
	sort.Slice(creations, func(i, j int) bool {
		a, b := creations[i], creations[j]
		return a.block < b.block || a.block == b.block && a.vtx < b.vtx
	})
	if index >= len(creations) {
		return nil
	}
	c := creations[index]
	var heights []int64
	for b := range c.states {
		if b >= c.block {
			heights = append(heights, b)
		}
	}
	sort.Slice(heights, func(i, j int) bool { return heights[i] < heights[j] })
	var latest scenario.Rec
	for _, b := range heights {
		for _, r := range c.states[b] { // oldest first within a block
			if b == c.block && r.I("vtxindex") < c.vtx {
				continue
			}
			if r.S("op") == "?" {
				return latest // the name's next life
			}
			if r["revoked"] == true {
				return nil
			}
			latest = r
		}
	}
	return latest
}

// name_pre_reg_revoke_reregister_dids: three names registered by one
// owner get its DIDs -0, -1 and -2; one is revoked, all three expire and
// other wallets register them again. The revoked name's old DID resolves
// to nothing, the other old DIDs to their old (expired) records, the new
// owners' -0 DIDs to the new ones, also after the new owners transfer the
// names back to the first owner.
func TestNamePreRegRevokeReregisterDids(t *testing.T) {
	t.Parallel()
	// EPOCH_1_END_BLOCK is set twice (680, 681): the last one counts
	env := scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "681", "BLOCKSTACK_EPOCH_2_NAMESPACE_LIFETIME_MULTIPLIER": "1",
		"BLOCKSTACK_EPOCH_3_NAMESPACE_LIFETIME_MULTIPLIER": "1"}
	s := scenario.Start(t, env, stdWallets()...)
	w := s.Wallets
	names := []string{"foo.test", "bar.test", "baz.test"}
	resolve := func(did string) scenario.Rec { return h5ResolveDID(s, did, names...) }
	readyNamespace(s, "test", 3)
	for _, n := range names {
		s.NamePreorder(n, w[2], w[3].Addr)
	}
	s.NextBlock()
	for _, n := range names {
		s.NameRegister(n, w[2], w[3].Addr)
	}
	s.NextBlock()

	fooDID := "did:stack:v0:" + w[3].Addr + "-0"
	barDID := "did:stack:v0:" + w[3].Addr + "-1"
	bazDID := "did:stack:v0:" + w[3].Addr + "-2"
	for _, did := range []string{fooDID, barDID, bazDID} {
		rec := resolve(did)
		if rec == nil {
			t.Fatalf("%s does not resolve", did)
		}
		if rec.S("address") != w[3].Addr {
			t.Fatalf("%s: wrong address %s; expected %s", did, rec.S("address"), w[3].Addr)
		}
	}
	s.NameRevoke("foo.test", w[3])
	s.NextBlock()
	s.NextBlocks(3)
	for i, n := range names {
		s.NamePreorder(n, w[4], w[i].Addr)
	}
	s.NextBlock()
	for i, n := range names {
		s.NameRegister(n, w[4], w[i].Addr)
	}
	s.NextBlock()

	if rec := resolve(fooDID); rec != nil {
		t.Fatalf("accidentally resolved %s: %v", fooDID, rec)
	}
	for _, did := range []string{barDID, bazDID} {
		rec := resolve(did)
		if rec == nil {
			t.Fatalf("%s does not resolve", did)
		}
		if rec.S("address") != w[3].Addr {
			t.Fatalf("%s: wrong address post-reregister %s; expected %s", did, rec.S("address"), w[3].Addr)
		}
	}
	newDIDs := []string{"did:stack:v0:" + w[0].Addr + "-0", "did:stack:v0:" + w[1].Addr + "-0", "did:stack:v0:" + w[2].Addr + "-0"}
	for i, did := range newDIDs {
		rec := resolve(did)
		if rec == nil {
			t.Fatalf("%s does not resolve", did)
		}
		if rec.S("address") != w[i].Addr {
			t.Fatalf("%s: wrong address post-reregister %s; expected %s", did, rec.S("address"), w[i].Addr)
		}
	}
	for i, n := range names {
		s.NameTransfer(n, w[3].Addr, true, w[i])
	}
	s.NextBlock()
	for _, did := range append([]string{barDID, bazDID}, newDIDs...) {
		rec := resolve(did)
		if rec == nil {
			t.Fatalf("%s does not resolve", did)
		}
		if rec.S("address") != w[3].Addr {
			t.Fatalf("%s: wrong address post-transfer %s; expected %s", did, rec.S("address"), w[3].Addr)
		}
	}
	if rec := resolve(fooDID); rec != nil {
		t.Fatalf("accidentally resolved %s: %v", fooDID, rec)
	}

	checkNamespaceReady(t, s, "test")
	for _, n := range names {
		checkOwner(t, s.GetName(n), w[3].Addr)
	}
}
