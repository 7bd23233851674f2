package scenario_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/zonemirror/zonemirror/internal/scenario"
)

// The name_pre_reg_up family: a name preordered, registered and updated,
// then transferred, renewed, revoked, left to expire and registered again.

// h3Keys are the twelve wallet keys the family's scenarios use, in their
// order (the first five are the usual ones).
var h3Keys = []string{w5JesPi, w5KHqsi, w5Kg5kJ, w5JuVso, w5KEpiS,
	"5K5hDuynZ6EQrZ4efrchCwy6DLhdsEzuJtTDAf3hqdsCKbxfoeD",
	"5J39aXEeHh9LwfQ4Gy5Vieo7sbqiUMBXkPH7SaMHixJhSSBpAqz",
	"5K9LmMQskQ9jP1p7dyieLDAeB6vsAj4GK8dmGNJAXS1qHDqnWhP",
	"5KcNen67ERBuvz2f649t9F2o1ddTjC5pVUEqcMtbxNgHqgxG2gZ",
	"5Jyq6RH7H42aPasyrvobvLvZGPDGYrq9m2Gq5qPEkAwDD7fqNHu",
	"5KBc5xk9Rk3qmYg1PXPzsJ1kPfJkvzShK5ZGEn3q4Gzw4JWqMuy",
	"5K6Nou64uUXg8YzuiVuRQswuGRfH1tdb9GUC9NBEV1xmKxWMJ54",
}

// h3Start starts a scenario with the first n of h3Keys as its wallets.
func h3Start(t *testing.T, env scenario.Env, n int) *scenario.S {
	t.Helper()
	ws := make([]*scenario.W, n)
	for i := range ws {
		ws[i] = scenario.Wallet(h3Keys[i])
	}
	return scenario.Start(t, env, ws...)
}

// h3Epoch2OldPrice is the TEST ENV of the family's expiry scenarios: "in
// epoch 2 immediately, but with the old price".
func h3Epoch2OldPrice() scenario.Env {
	return scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "682", "BLOCKSTACK_EPOCH_2_PRICE_MULTIPLIER": "1.0"}
}

// h3NotPreordered fails t if get_name_preorder(name, payer's script, addr)
// finds a preorder.
func h3NotPreordered(t *testing.T, s *scenario.S, name string, payer *scenario.W, addr string) {
	t.Helper()
	if p := s.GetNamePreorder(name, scenario.PaymentScript(payer.Addr), addr); p != nil {
		t.Fatalf("%s still preordered (by %s for %s): %v", name, payer.Addr, addr, p)
	}
}

// h3Registered returns get_name(name), failing t if it is None.
func h3Registered(t *testing.T, s *scenario.S, name string) scenario.Rec {
	t.Helper()
	rec := s.GetName(name)
	if rec == nil {
		t.Fatalf("%s not registered (get_name is None)", name)
	}
	return rec
}

// h3ValueHash fails t unless rec's value_hash is want ("" for None).
func h3ValueHash(t *testing.T, rec scenario.Rec, want string) {
	t.Helper()
	if want == "" {
		if !rec.Null("value_hash") {
			t.Fatalf("%s: value_hash %q, want None", rec.S("name"), rec.S("value_hash"))
		}
		return
	}
	if rec.Null("value_hash") || rec.S("value_hash") != want {
		t.Fatalf("%s: value_hash %q, want %s", rec.S("name"), rec.S("value_hash"), want)
	}
}

// h3Hash is ("%02x" % i) * 20.
func h3Hash(i int) string { return hx(fmt.Sprintf("%02x", i), 20) }

// h3Historic is get_name_at(name, block, include_expired=True)[0], failing
// t if there is none.
func h3Historic(t *testing.T, s *scenario.S, name string, block int64) scenario.Rec {
	t.Helper()
	recs := s.GetNameAt(name, block, true)
	if len(recs) == 0 {
		t.Fatalf("no %s at %d", name, block)
	}
	return recs[0]
}

// h3CheckUp is the check() of name_pre_reg_up and the scenarios that
// repeat it: "test" ready, foo.test not preordered by wallets[2] for
// wallets[3], registered to owner with value hash valueHash ("" for None).
func h3CheckUp(t *testing.T, s *scenario.S, owner *scenario.W, valueHash string) scenario.Rec {
	t.Helper()
	w := s.Wallets
	checkNamespaceReady(t, s, "test")
	h3NotPreordered(t, s, "foo.test", w[2], w[3].Addr)
	rec := h3Registered(t, s, "foo.test")
	checkOwner(t, rec, owner.Addr)
	h3ValueHash(t, rec, valueHash)
	return rec
}

// h3PreReg is the two blocks after readyNamespace: foo.test preordered by
// wallets[2] for wallets[3], then registered.
func h3PreReg(s *scenario.S) {
	w := s.Wallets
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
}

// name_pre_reg_up: preorder, register, update; the name has the update's
// value hash.
func TestNamePreRegUp(t *testing.T) {
	t.Parallel()
	s := h3Start(t, nil, 5)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	h3PreReg(s)
	s.NameUpdate("foo.test", hx("11", 20), w[3])
	s.NextBlock()

	h3CheckUp(t, s, w[3], hx("11", 20))
}

// name_pre_reg_up_cantforce: an update signed by someone else than the
// owner (safety checks off) does not change the name; the owner's update
// in the same block does.
func TestNamePreRegUpCantforce(t *testing.T) {
	t.Parallel()
	s := h3Start(t, nil, 5)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	h3PreReg(s)
	forced := s.NameUpdate("foo.test", hx("22", 20), w[4])
	s.NameUpdate("foo.test", hx("11", 20), w[3])
	s.NextBlock()

	// updated by [3], not [4]
	h3CheckUp(t, s, w[3], hx("11", 20))
	s.Rejected(forced)
}

// name_pre_reg_up_expire_reregister: in a namespace of lifetime 1 (2
// blocks with epoch 2's multiplier), foo.test is preordered, registered,
// updated and left to expire nine times over, each time by the next
// wallet; it ends with wallets[0] and value hash 0a…, and every update is
// in the name's history.
func TestNamePreRegUpExpireReregister(t *testing.T) {
	t.Parallel()
	s := h3Start(t, h3Epoch2OldPrice(), 12)
	w := s.Wallets
	// get_epoch_namespace_lifetime_multiplier(EPOCH_1_END_BLOCK + 1, "test")
	mult := s.Net.EpochAt(683).LifetimeMultiplier
	readyNamespace(s, "test", 1)
	var updateBlocks []int64
	var updateHashes []string
	// preorder, register, update, expire (multiple times); safety checks off
	for i := 2; i < 11; i++ {
		s.NamePreorder("foo.test", w[i], w[(i+1)%11].Addr)
		s.NextBlock()
		s.NameRegister("foo.test", w[i], w[(i+1)%11].Addr)
		s.NextBlock()
		s.NameUpdate("foo.test", h3Hash(i), w[(i+1)%11])
		s.NextBlock()
		updateBlocks = append(updateBlocks, s.GetCurrentBlock())
		updateHashes = append(updateHashes, h3Hash(i))
		// wait for expiration
		for j := int64(0); j < mult-2; j++ {
			s.NextBlock()
		}
		if i == 10 {
			break
		}
		s.NextBlock()
	}

	checkNamespaceReady(t, s, "test")
	h3NotPreordered(t, s, "foo.test", w[2], w[3].Addr)
	// registered to new owner, updated
	rec := h3Registered(t, s, "foo.test")
	h3ValueHash(t, rec, hx("0a", 20))
	checkOwner(t, rec, w[0].Addr)
	// updated historically too
	for i, b := range updateBlocks {
		h := h3Historic(t, s, "foo.test", b)
		if h.S("opcode") != "NAME_UPDATE" {
			t.Fatalf("not an update at %d: %v", b, h)
		}
		if h.Null("value_hash") || h.S("value_hash") != updateHashes[i] {
			t.Fatalf("wrong update hash at %d: got %q, want %s", b, h.S("value_hash"), updateHashes[i])
		}
	}
}

// name_pre_reg_up_expire_reregister_failure: in a namespace of lifetime 2
// (4 blocks with epoch 2's multiplier) the name has not expired three
// blocks after its registration, so another wallet's registration fails
// and the first owner keeps it.
func TestNamePreRegUpExpireReregisterFailure(t *testing.T) {
	t.Parallel()
	s := h3Start(t, h3Epoch2OldPrice(), 12)
	w := s.Wallets
	readyNamespace(s, "test", 2)
	// preorder, register, update, expire (multiple times), not taking
	// the lifetime multiplier into account; safety checks off
	var second *scenario.Sent
	for i := 2; i < 4; i++ {
		s.NamePreorder("foo.test", w[i], w[(i+1)%11].Addr)
		s.NextBlock()
		reg := s.NameRegister("foo.test", w[i], w[(i+1)%11].Addr)
		s.NextBlock()
		if i == 3 {
			second = reg
			break
		}
		s.NameUpdate("foo.test", h3Hash(i), w[(i+1)%11])
		s.NextBlock()
	}

	// registered to the original owner, updated
	checkNamespaceReady(t, s, "test")
	h3NotPreordered(t, s, "foo.test", w[2], w[3].Addr)
	rec := h3Registered(t, s, "foo.test")
	h3ValueHash(t, rec, hx("02", 20))
	checkOwner(t, rec, w[3].Addr)
	s.Rejected(second) // the scenario expects its SNV lookup to fail
}

// name_pre_reg_up_expire_reregup: three names of a 2-block lifetime
// (epoch 3, multiplier 1, no grace period) expire and are registered by
// their former owner for their former payer, with zone-file hashes; whois
// shows the new owner and hash.
func TestNamePreRegUpExpireReregup(t *testing.T) {
	t.Parallel()
	s := h3Start(t, scenario.Env{
		"BLOCKSTACK_EPOCH_1_END_BLOCK":                       "682",
		"BLOCKSTACK_EPOCH_2_END_BLOCK":                       "683",
		"BLOCKSTACK_EPOCH_2_NAMESPACE_LIFETIME_MULTIPLIER":   "1",
		"BLOCKSTACK_EPOCH_3_NAMESPACE_LIFETIME_MULTIPLIER":   "1",
		"BLOCKSTACK_EPOCH_3_NAMESPACE_LIFETIME_GRACE_PERIOD": "0",
	}, 5)
	w := s.Wallets
	readyNamespace(s, "test", 2)
	names := []string{"foo1.test", "foo2.test", "foo3.test"}
	for _, n := range names {
		s.NamePreorder(n, w[2], w[3].Addr)
	}
	s.NextBlock()
	for _, n := range names {
		s.NameRegister(n, w[2], w[3].Addr)
	}
	s.NextBlock()
	for i, n := range names {
		s.NameUpdate(n, hx(fmt.Sprintf("%d%d", i+1, i+1), 20), w[3])
	}
	s.NextBlock()
	// whois
	for i, n := range names {
		res := s.Whois(n)
		if _, bad := res["error"]; bad {
			t.Fatalf("whois %s: %v", n, res)
		}
		if res.Null("zonefile_hash") || res.S("zonefile_hash") != hx(fmt.Sprintf("%d%d", i+1, i+1), 20) {
			t.Fatalf("whois %s: %v", n, res)
		}
		if res.S("owner_address") != w[3].Addr {
			t.Fatalf("whois %s: %v", n, res)
		}
	}
	// expire
	s.NextBlocks(4)
	for _, n := range names {
		s.NamePreorder(n, w[3], w[2].Addr)
	}
	s.NextBlock()
	for i, n := range names {
		s.NameRegister(n, w[3], w[2].Addr, scenario.ZonefileHash(hx(fmt.Sprintf("%da", i+1), 20)))
	}
	s.NextBlock()
	// whois
	for i, n := range names {
		res := s.Whois(n)
		if _, bad := res["error"]; bad {
			t.Fatalf("whois %s: %v", n, res)
		}
		if res.Null("zonefile_hash") || res.S("zonefile_hash") != hx(fmt.Sprintf("%da", i+1), 20) {
			t.Fatalf("whois %s: %v", n, res)
		}
		if res.S("owner_address") != w[2].Addr {
			t.Fatalf("whois %s: %v", n, res)
		}
	}

	checkNamespaceReady(t, s, "test")
	for _, n := range names {
		h3NotPreordered(t, s, n, w[2], w[3].Addr)
		h3NotPreordered(t, s, n, w[3], w[2].Addr)
		checkOwner(t, h3Registered(t, s, n), w[2].Addr)
	}
}

// name_pre_reg_up_history: ten updates, every other block; the name's
// state at each point of its history (before its preorder, at the
// preorder, at the registration) and its history of twelve entries (the
// preorder, the registration, the updates with their txids).
func TestNamePreRegUpHistory(t *testing.T) {
	t.Parallel()
	s := h3Start(t, nil, 5)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	h3PreReg(s)
	s.NextBlock()
	// a sequence of updates, every other block
	txids := map[string]string{}
	for i := range 20 {
		if i%2 != 0 {
			h := h3Hash(i)
			txids[h] = s.NameUpdate("foo.test", h, w[3]).TxID
		}
		s.NextBlock()
	}
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	h3NotPreordered(t, s, "foo.test", w[2], w[3].Addr)
	// updated (latest version: update hash pattern is 0x13)
	rec := h3Registered(t, s, "foo.test")
	h3ValueHash(t, rec, hx("13", 20))
	// the name did not exist before its preorder
	if before := s.GetNameAt("foo.test", rec.I("first_registered")-2); before != nil {
		t.Fatalf("before registration: %v", before)
	}
	// the name was preordered just prior to its registration
	at := s.GetNameAt("foo.test", rec.I("block_number"))
	if len(at) == 0 {
		t.Fatalf("no preorder at %d", rec.I("block_number"))
	}
	if at[0].Null("opcode") || at[0].S("opcode") != "NAME_PREORDER" {
		t.Fatalf("not a preorder at %d: %v", rec.I("block_number"), at[0])
	}
	// the name existed at its registration, with a null value hash
	at = s.GetNameAt("foo.test", rec.I("first_registered"))
	if len(at) == 0 {
		t.Fatalf("nothing at registration (%d)", rec.I("first_registered"))
	}
	if !at[0].Null("value_hash") {
		t.Fatalf("at registration: %v", at[0])
	}
	// get_name_record(include_history=True): 10 updates, 1 register, 1
	// preorder
	hist := s.GetNameHistory("foo.test")
	if len(hist) != 12 {
		t.Fatalf("history (%d): %v", len(hist), hist)
	}
	var blocks []int64
	for b := range hist {
		blocks = append(blocks, b)
	}
	sort.Slice(blocks, func(i, j int) bool { return blocks[i] < blocks[j] })
	// the first two have no value hash
	for i := 2; i < 12; i++ {
		snaps := hist[blocks[i]]
		if len(snaps) != 1 {
			t.Fatalf("multiple snapshots at %d: %v", blocks[i], snaps)
		}
		want := h3Hash(2*(i-2) + 1)
		if snaps[0].Null("value_hash") || snaps[0].S("value_hash") != want {
			t.Fatalf("invalid value hash %q (expected %s) at %d", snaps[0].S("value_hash"), want, blocks[i])
		}
		if snaps[0].S("txid") != txids[want] {
			t.Fatalf("invalid txid %q at %d, want %s", snaps[0].S("txid"), blocks[i], txids[want])
		}
	}
}

// name_pre_reg_up_nonstandard_zonefile is not ported: see table_h3.md.

// name_pre_reg_up_notstale: an update carrying a consensus hash 50 blocks
// old (safety checks off) is refused.
func TestNamePreRegUpNotstale(t *testing.T) {
	t.Parallel()
	s := h3Start(t, nil, 5)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	h3PreReg(s)
	s.NameUpdate("foo.test", hx("11", 20), w[3])
	s.NextBlock()
	ch := s.GetConsensusAt(s.GetCurrentBlock())
	// lots of blocks later...
	s.NextBlocks(50)
	// update with stale consensus hash (should fail)
	stale := s.NameUpdate("foo.test", hx("22", 20), w[3], scenario.ConsensusHash(ch))
	s.NextBlock()

	// updated, but not the stale update hash
	h3CheckUp(t, s, w[3], hx("11", 20))
	s.Rejected(stale)
}

// name_pre_reg_up_renew: the owner renews an updated name; last_renewed
// moves past first_registered, owner and value hash stay.
func TestNamePreRegUpRenew(t *testing.T) {
	t.Parallel()
	s := h3Start(t, nil, 5)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	h3PreReg(s)
	s.NameUpdate("foo.test", hx("11", 20), w[3])
	s.NextBlock()
	s.NameRenew("foo.test", w[3])
	s.NextBlock()

	rec := h3CheckUp(t, s, w[3], hx("11", 20))
	if rec.I("last_renewed") <= rec.I("first_registered") {
		t.Fatalf("not renewed: last_renewed %d, first_registered %d", rec.I("last_renewed"), rec.I("first_registered"))
	}
}

// name_pre_reg_up_revoke: a revoked name loses its value hash and cannot
// be transferred (safety checks off).
func TestNamePreRegUpRevoke(t *testing.T) {
	t.Parallel()
	s := h3Start(t, nil, 5)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	h3PreReg(s)
	s.NameUpdate("foo.test", hx("11", 20), w[3])
	s.NextBlock()
	s.NameRevoke("foo.test", w[3])
	s.NextBlock()
	// should fail
	xfer := s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()

	// revoked, data NOT preserved, NOT transferred
	rec := h3CheckUp(t, s, w[3], "")
	if !rec.B("revoked") {
		t.Fatal("not revoked")
	}
	s.Rejected(xfer)
}

// name_pre_reg_up_revoke_reregister_update: a revoked name refuses
// updates, transfers and renewals (safety checks off) before and after it
// expires; once expired, another wallet registers and updates it, and it
// is no longer revoked.
func TestNamePreRegUpRevokeReregisterUpdate(t *testing.T) {
	t.Parallel()
	s := h3Start(t, h3Epoch2OldPrice(), 5)
	w := s.Wallets
	mult := s.Net.EpochAt(683).LifetimeMultiplier
	readyNamespace(s, "test", 10)
	h3PreReg(s)
	s.NameUpdate("foo.test", hx("00", 20), w[3])
	s.NextBlock()
	s.NameRevoke("foo.test", w[3])
	s.NextBlock()
	// can't do anything with the name for another 10 blocks; the
	// renewals' tx_fee=50000 changes only the bitcoin fee
	var refused []*scenario.Sent
	refused = append(refused, s.NameUpdate("foo.test", hx("11", 20), w[3]))
	s.NextBlock()
	refused = append(refused, s.NameTransfer("foo.test", w[4].Addr, true, w[3]))
	s.NextBlock()
	refused = append(refused, s.NameRenew("foo.test", w[3]))
	s.NextBlock()
	// wait for it to expire...
	s.NextBlocks(int(8 * mult))
	// operations continue to fail
	refused = append(refused, s.NameUpdate("foo.test", hx("11", 20), w[3]))
	s.NextBlock()
	refused = append(refused, s.NameTransfer("foo.test", w[4].Addr, true, w[3]))
	s.NextBlock()
	refused = append(refused, s.NameRenew("foo.test", w[3]))
	s.NextBlock()
	// re-preorder, re-register, re-update
	s.NamePreorder("foo.test", w[4], w[0].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[4], w[0].Addr)
	s.NextBlock()
	s.NameUpdate("foo.test", hx("11", 20), w[0])
	s.NextBlock()

	// registered to the new owner, updated, no longer revoked
	rec := h3CheckUp(t, s, w[0], hx("11", 20))
	if rec.B("revoked") {
		t.Fatal("still revoked")
	}
	s.Rejected(refused...) // the scenario expects their SNV lookups to fail
}

// name_pre_reg_up_snv: preorder, register, update, as name_pre_reg_up; the
// original also looked the name up by SNV (left out: out of scope).
func TestNamePreRegUpSnv(t *testing.T) {
	t.Parallel()
	s := h3Start(t, nil, 5)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	h3PreReg(s)
	// snv_block_id, snv_consensus: for the SNV lookup only
	s.NameUpdate("foo.test", hx("11", 20), w[3])
	s.NextBlock()

	h3CheckUp(t, s, w[3], hx("11", 20))
	// snv_lookup("foo.test", snv_block_id, last_consensus): left out (SNV)
}

// name_pre_reg_up_update_transfer: two names updated in one block and
// transferred (keeping data) in another, three blocks later: both keep the
// updates' consensus hash.
func TestNamePreRegUpUpdateTransfer(t *testing.T) {
	t.Parallel()
	s := h3Start(t, nil, 5)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NamePreorder("foo2.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NameRegister("foo2.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameUpdate("foo2.test", hx("11", 20), w[3])
	s.NameUpdate("foo.test", hx("11", 20), w[3])
	// this is the hash that must be present in the name after the
	// TRANSFER
	expected := s.GetConsensusAt(s.GetCurrentBlock())
	s.NextBlocks(3)
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NameTransfer("foo2.test", w[4].Addr, true, w[3])
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	h3NotPreordered(t, s, "foo.test", w[2], w[3].Addr)
	rec := h3Registered(t, s, "foo.test")
	rec2 := h3Registered(t, s, "foo2.test")
	// updated, and data is preserved; transferred
	h3ValueHash(t, rec, hx("11", 20))
	checkOwner(t, rec, w[4].Addr)
	// right consensus
	if rec.S("consensus_hash") != expected {
		t.Fatalf("expected %s, got %s", expected, rec.S("consensus_hash"))
	}
	// matching consensus
	if rec.S("consensus_hash") != rec2.S("consensus_hash") {
		t.Fatalf("consensus mismatch: %s != %s", rec.S("consensus_hash"), rec2.S("consensus_hash"))
	}
	// transfer.snv_consensus_extras: not in v21 (the check is skipped there)
}

// name_pre_reg_up_xfer: preorder, register, update, transfer (keep data);
// the transfer keeps the update's consensus hash (the quirk).
func TestNamePreRegUpXfer(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, stdWallets()...)
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

// name_pre_reg_up_xfer_cantsteal: a transfer signed by the recipient, and
// one signed by a third wallet (safety checks off), both fail.
func TestNamePreRegUpXferCantsteal(t *testing.T) {
	t.Parallel()
	s := h3Start(t, nil, 5)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	h3PreReg(s)
	s.NameUpdate("foo.test", hx("11", 20), w[3])
	s.NextBlock()
	// should fail: can't give a name to yourself
	self := s.NameTransfer("foo.test", w[4].Addr, true, w[4])
	s.NextBlock()
	// should fail: can't steal a name
	steal := s.NameTransfer("foo.test", w[4].Addr, true, w[0])
	s.NextBlock()

	// updated, data preserved, NOT transferred
	h3CheckUp(t, s, w[3], hx("11", 20))
	s.Rejected(self, steal) // the scenario expects their SNV lookups to fail
}

// name_pre_reg_up_xfer_delays: every operation waits two blocks after the
// previous one and carries the consensus hash of the block that previous
// one was in; updates and transfers back and forth (one not keeping data)
// end with wallets[4] owning the last update's value hash.
func TestNamePreRegUpXferDelays(t *testing.T) {
	t.Parallel()
	s := h3Start(t, nil, 5)
	w := s.Wallets
	cons := func() scenario.Opt { return scenario.ConsensusHash(s.GetConsensusAt(s.GetCurrentBlock())) }
	s.NamespacePreorder("test", w[1].Addr, w[0])
	s.NextBlock()
	s.NextBlocks(2)
	s.NamespaceReveal("test", w[1].Addr, 52595, 250, 4, idBuckets, 10, 10, w[0])
	s.NextBlock()
	s.NextBlocks(2)
	s.NamespaceReady("test", w[1])
	s.NextBlock()
	ch := cons()
	s.NextBlocks(2)
	s.NamePreorder("foo.test", w[2], w[3].Addr, ch)
	s.NextBlock()
	s.NextBlocks(2)
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	ch = cons()
	s.NextBlocks(2)
	s.NameUpdate("foo.test", hx("11", 20), w[3], ch)
	s.NextBlock()
	ch = cons()
	s.NextBlocks(2)
	s.NameTransfer("foo.test", w[4].Addr, true, w[3], ch)
	s.NextBlock()
	ch = cons()
	s.NextBlocks(2)
	s.NameUpdate("foo.test", hx("22", 20), w[4], ch)
	s.NextBlock()
	ch = cons()
	s.NextBlocks(2)
	s.NameTransfer("foo.test", w[3].Addr, false, w[4], ch)
	s.NextBlock()
	ch = cons()
	s.NextBlocks(2)
	s.NameUpdate("foo.test", hx("33", 20), w[3], ch)
	s.NextBlock()
	ch = cons()
	s.NextBlocks(2)
	s.NameTransfer("foo.test", w[4].Addr, true, w[3], ch)
	s.NextBlock()
	s.NextBlocks(2)

	h3CheckUp(t, s, w[4], hx("33", 20))
}

// h3CheckHistoric is the history check of the xfer_expire_reregister
// scenarios: at each transfer block the name's state is a NAME_TRANSFER
// to its recipient, at each update block a NAME_UPDATE with its hash.
func h3CheckHistoric(t *testing.T, s *scenario.S, transferBlocks []int64, recipients []string, updateBlocks []int64, updateHashes []string) {
	t.Helper()
	if len(transferBlocks) != len(updateBlocks) {
		t.Fatal("test bug: did not transfer or update the right amount of times")
	}
	for i, b := range transferBlocks {
		h := h3Historic(t, s, "foo.test", b)
		if h.S("opcode") != "NAME_TRANSFER" {
			t.Fatalf("was not transferred at %d: %v", b, h)
		}
		if h.S("address") != recipients[i] || h.S("sender") != scenario.PaymentScript(recipients[i]) {
			t.Fatalf("wrong address/sender at %d, got %s, %s", b, h.S("address"), h.S("sender"))
		}
	}
	for i, b := range updateBlocks {
		h := h3Historic(t, s, "foo.test", b)
		if h.S("opcode") != "NAME_UPDATE" {
			t.Fatalf("was not updated at %d: %v", b, h)
		}
		if h.Null("value_hash") || h.S("value_hash") != updateHashes[i] {
			t.Fatalf("wrong update hash at %d: expected %s, got %q", b, updateHashes[i], h.S("value_hash"))
		}
	}
}

// name_pre_reg_up_xfer_expire_reregister: three rounds of preorder,
// register, update and transfer, each after the last round's name expired
// (lifetime 2, 4 blocks in epoch 2); the last owner has it, and the
// history holds every round's update and transfer.
func TestNamePreRegUpXferExpireReregister(t *testing.T) {
	t.Parallel()
	s := h3Start(t, h3Epoch2OldPrice(), 12)
	w := s.Wallets
	mult := s.Net.EpochAt(683).LifetimeMultiplier
	readyNamespace(s, "test", 2)
	var transferBlocks, updateBlocks []int64
	var recipients, updateHashes []string
	// preorder, register, update, expire (multiple times), with the
	// client's safety checks
	for i := 2; i < 5; i++ {
		s.NamePreorder("foo.test", w[i], w[(i+1)%11].Addr)
		s.NextBlock()
		s.NameRegister("foo.test", w[i], w[(i+1)%11].Addr)
		s.NextBlock()
		s.NameUpdate("foo.test", h3Hash(i), w[(i+1)%11])
		s.NextBlock()
		updateBlocks = append(updateBlocks, s.GetCurrentBlock())
		updateHashes = append(updateHashes, h3Hash(i))
		s.NameTransfer("foo.test", w[i].Addr, true, w[(i+1)%11])
		s.NextBlock()
		transferBlocks = append(transferBlocks, s.GetCurrentBlock())
		recipients = append(recipients, w[i].Addr)
		if i == 4 {
			break
		}
		s.NextBlocks(int(2*mult - 1))
	}

	checkNamespaceReady(t, s, "test")
	h3NotPreordered(t, s, "foo.test", w[2], w[3].Addr)
	// registered to the new owner, updated, transferred
	rec := h3Registered(t, s, "foo.test")
	h3ValueHash(t, rec, hx("04", 20))
	checkOwner(t, rec, w[4].Addr)
	h3CheckHistoric(t, s, transferBlocks, recipients, updateBlocks, updateHashes)
}

// name_pre_reg_up_xfer_expire_reregister_delays: as
// name_pre_reg_up_xfer_expire_reregister with a lifetime of 10 (20
// blocks), two blocks between operations and each carrying the consensus
// hash of the block of the previous one.
func TestNamePreRegUpXferExpireReregisterDelays(t *testing.T) {
	t.Parallel()
	s := h3Start(t, h3Epoch2OldPrice(), 12)
	w := s.Wallets
	mult := s.Net.EpochAt(683).LifetimeMultiplier
	cons := func() scenario.Opt { return scenario.ConsensusHash(s.GetConsensusAt(s.GetCurrentBlock())) }
	readyNamespace(s, "test", 10)
	ch := cons()
	s.NextBlocks(2)
	var transferBlocks, updateBlocks []int64
	var recipients, updateHashes []string
	// preorder, register, update, expire (multiple times), accounting for
	// the lifetime multiplier; with the client's safety checks
	for i := 2; i < 5; i++ {
		s.NamePreorder("foo.test", w[i], w[(i+1)%11].Addr, ch)
		s.NextBlock()
		ch = cons()
		s.NextBlocks(2)
		s.NameRegister("foo.test", w[i], w[(i+1)%11].Addr)
		s.NextBlock()
		ch = cons()
		s.NextBlocks(2)
		s.NameUpdate("foo.test", h3Hash(i), w[(i+1)%11], ch)
		s.NextBlock()
		updateBlocks = append(updateBlocks, s.GetCurrentBlock())
		updateHashes = append(updateHashes, h3Hash(i))
		ch = cons()
		s.NextBlocks(2)
		s.NameTransfer("foo.test", w[i].Addr, true, w[(i+1)%11], ch)
		s.NextBlock()
		transferBlocks = append(transferBlocks, s.GetCurrentBlock())
		recipients = append(recipients, w[i].Addr)
		ch = cons()
		s.NextBlocks(2)
		if i == 4 {
			break
		}
		// eat up the rest of the lifetime
		s.NextBlocks(int(10*mult - 10))
		ch = cons()
		s.NextBlocks(3)
	}

	checkNamespaceReady(t, s, "test")
	h3NotPreordered(t, s, "foo.test", w[2], w[3].Addr)
	rec := h3Registered(t, s, "foo.test")
	h3ValueHash(t, rec, hx("04", 20))
	checkOwner(t, rec, w[4].Addr)
	h3CheckHistoric(t, s, transferBlocks, recipients, updateBlocks, updateHashes)
}

// name_pre_reg_up_xfer_expire_reregister_failure: with a lifetime of 3 (6
// blocks in epoch 2) the name has not expired when the second round
// (safety checks off) registers, updates and transfers it: all fail, the
// first round's recipient keeps it.
func TestNamePreRegUpXferExpireReregisterFailure(t *testing.T) {
	t.Parallel()
	s := h3Start(t, h3Epoch2OldPrice(), 12)
	w := s.Wallets
	readyNamespace(s, "test", 3)
	// only the first round should succeed, due to the namespace lifetime
	// multiplier introduced in 0.14
	var refused []*scenario.Sent
	for i := 2; i < 4; i++ {
		s.NamePreorder("foo.test", w[i], w[(i+1)%11].Addr)
		s.NextBlock()
		reg := s.NameRegister("foo.test", w[i], w[(i+1)%11].Addr)
		s.NextBlock()
		up := s.NameUpdate("foo.test", h3Hash(i), w[(i+1)%11])
		s.NextBlock()
		xfer := s.NameTransfer("foo.test", w[i].Addr, true, w[(i+1)%11])
		s.NextBlock()
		if i == 3 {
			refused = append(refused, reg, up, xfer)
		}
	}

	checkNamespaceReady(t, s, "test")
	h3NotPreordered(t, s, "foo.test", w[2], w[3].Addr)
	// registered to the old owner, updated, transferred only once
	rec := h3Registered(t, s, "foo.test")
	h3ValueHash(t, rec, hx("02", 20))
	checkOwner(t, rec, w[2].Addr)
	s.Rejected(refused...) // the scenario expects their SNV lookups to fail
}

// name_pre_reg_up_xfer_nokeep_up_xfer_up_xfer_nokeep: update, transfer
// without data, update, transfer with data, update, transfer without data:
// the last owner has no value hash.
func TestNamePreRegUpXferNokeepUpXferUpXferNokeep(t *testing.T) {
	t.Parallel()
	s := h3Start(t, nil, 5)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	h3PreReg(s)
	s.NameUpdate("foo.test", hx("11", 20), w[3])
	s.NextBlock()
	s.NameTransfer("foo.test", w[4].Addr, false, w[3])
	s.NextBlock()
	s.NameUpdate("foo.test", hx("22", 20), w[4])
	s.NextBlock()
	s.NameTransfer("foo.test", w[3].Addr, true, w[4])
	s.NextBlock()
	s.NameUpdate("foo.test", hx("33", 20), w[3])
	s.NextBlock()
	s.NameTransfer("foo.test", w[4].Addr, false, w[3])
	s.NextBlock()

	// updated, and data is NOT preserved; transferred
	h3CheckUp(t, s, w[4], "")
}

// name_pre_reg_up_xfer_nokeepdata: a transfer that does not keep the data
// clears the value hash.
func TestNamePreRegUpXferNokeepdata(t *testing.T) {
	t.Parallel()
	s := h3Start(t, nil, 5)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	h3PreReg(s)
	s.NameUpdate("foo.test", hx("11", 20), w[3])
	s.NextBlock()
	s.NameTransfer("foo.test", w[4].Addr, false, w[3])
	s.NextBlock()

	h3CheckUp(t, s, w[4], "")
}

// h3CheckRenewals is the renewal check of the xfer_renew_expire_reregister
// scenario: at each renewal block the name's state is a renewal (op "::").
func h3CheckRenewals(t *testing.T, s *scenario.S, renewBlocks []int64) {
	t.Helper()
	for _, b := range renewBlocks {
		recs := s.GetNameAt("foo.test", b, true)
		if len(recs) == 0 {
			t.Fatalf("name doesn't exist at %d", b)
		}
		if recs[0].S("op") != "::" {
			t.Fatalf("name not renewed at %d: %v", b, recs[0])
		}
	}
}

// name_pre_reg_up_xfer_renew_expire_reregister: three rounds of preorder,
// register, update, transfer and renewal (safety checks off), each after
// the last round's renewed name expired (lifetime 2, 4 blocks in epoch
// 2); the history holds every update, transfer and renewal.
func TestNamePreRegUpXferRenewExpireReregister(t *testing.T) {
	t.Parallel()
	s := h3Start(t, h3Epoch2OldPrice(), 12)
	w := s.Wallets
	mult := s.Net.EpochAt(683).LifetimeMultiplier
	readyNamespace(s, "test", 2)
	var transferBlocks, updateBlocks, renewBlocks []int64
	var recipients, updateHashes []string
	for i := 2; i < 5; i++ {
		s.NamePreorder("foo.test", w[i], w[(i+1)%11].Addr)
		s.NextBlock()
		s.NameRegister("foo.test", w[i], w[(i+1)%11].Addr)
		s.NextBlock()
		s.NameUpdate("foo.test", h3Hash(i), w[(i+1)%11])
		s.NextBlock()
		updateBlocks = append(updateBlocks, s.GetCurrentBlock())
		updateHashes = append(updateHashes, h3Hash(i))
		s.NameTransfer("foo.test", w[i].Addr, true, w[(i+1)%11])
		s.NextBlock()
		transferBlocks = append(transferBlocks, s.GetCurrentBlock())
		recipients = append(recipients, w[i].Addr)
		// tx_fee=50000 changes only the bitcoin fee
		s.NameRenew("foo.test", w[i])
		s.NextBlock()
		renewBlocks = append(renewBlocks, s.GetCurrentBlock())
		// wait for the name to expire
		s.NextBlocks(int(2*mult - 1))
		if i == 4 {
			break
		}
		s.NextBlock()
	}

	checkNamespaceReady(t, s, "test")
	h3NotPreordered(t, s, "foo.test", w[2], w[3].Addr)
	rec := h3Registered(t, s, "foo.test")
	h3ValueHash(t, rec, hx("04", 20))
	checkOwner(t, rec, w[4].Addr)
	// historically updated and transferred and renewed
	h3CheckHistoric(t, s, transferBlocks, recipients, updateBlocks, updateHashes)
	h3CheckRenewals(t, s, renewBlocks)
}

// name_pre_reg_up_xfer_renew_expire_reregister_failure: with a lifetime of
// 4 (8 blocks in epoch 2), renewed, the name has not expired when the
// second round (safety checks off) registers, updates and transfers it:
// all fail; the second round's renewal is sent but never mined.
func TestNamePreRegUpXferRenewExpireReregisterFailure(t *testing.T) {
	t.Parallel()
	s := h3Start(t, h3Epoch2OldPrice(), 12)
	w := s.Wallets
	readyNamespace(s, "test", 4)
	var refused []*scenario.Sent
	for i := 2; i < 4; i++ {
		s.NamePreorder("foo.test", w[i], w[(i+1)%11].Addr)
		s.NextBlock()
		reg := s.NameRegister("foo.test", w[i], w[(i+1)%11].Addr)
		s.NextBlock()
		up := s.NameUpdate("foo.test", h3Hash(i), w[(i+1)%11])
		s.NextBlock()
		xfer := s.NameTransfer("foo.test", w[i].Addr, true, w[(i+1)%11])
		s.NextBlock()
		// tx_fee=50000 changes only the bitcoin fee
		s.NameRenew("foo.test", w[i])
		if i == 3 {
			refused = append(refused, reg, up, xfer)
			break // no block: the renewal stays unmined
		}
		s.NextBlock()
	}

	checkNamespaceReady(t, s, "test")
	h3NotPreordered(t, s, "foo.test", w[2], w[3].Addr)
	// registered to the first round's recipient, updated once
	rec := h3Registered(t, s, "foo.test")
	h3ValueHash(t, rec, hx("02", 20))
	checkOwner(t, rec, w[2].Addr)
	s.Rejected(refused...) // the scenario expects their SNV lookups to fail
}

// name_pre_reg_up_xfer_renew_interleaving: six names each get an update,
// a transfer and a renewal (safety checks off) in one block, in every
// order (the name spells it); each ends with the owner and value hash its
// order implies.
func TestNamePreRegUpXferRenewInterleaving(t *testing.T) {
	t.Parallel()
	s := h3Start(t, nil, 12)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	// 6 names, for all interleavings of (u)pdate, (t)ransfer and (r)enew;
	// [owner, other]
	names := map[string][2]*scenario.W{
		"utr.test": {w[0], w[1]},
		"urt.test": {w[2], w[3]},
		"tur.test": {w[4], w[5]},
		"tru.test": {w[6], w[7]},
		"rut.test": {w[8], w[9]},
		"rtu.test": {w[10], w[11]},
	}
	// names.keys() in the order CPython 2.7 iterates that dict literal
	order := []string{"tur.test", "tru.test", "rut.test", "urt.test", "utr.test", "rtu.test"}
	for _, n := range order {
		s.NamePreorder(n, names[n][1], names[n][0].Addr)
	}
	s.NextBlock()
	for _, n := range order {
		s.NameRegister(n, names[n][1], names[n][0].Addr)
	}
	s.NextBlock()
	// intra-block interleavings
	for _, n := range order {
		rec := names[n]
		for i, op := range strings.TrimSuffix(n, ".test") {
			switch op {
			case 'r':
				// tx_fee=50000 changes only the bitcoin fee
				s.NameRenew(n, rec[0])
			case 'u':
				s.NameUpdate(n, hx(fmt.Sprintf("%d%d", i, i), 20), rec[0])
			case 't':
				// transfer and exchange wallets
				s.NameTransfer(n, rec[1].Addr, true, rec[0])
				rec[0], rec[1] = rec[1], rec[0]
			}
		}
		names[n] = rec
	}
	s.NextBlocks(5)

	checkNamespaceReady(t, s, "test")
	want := map[string]struct {
		owner *scenario.W
		hash  string
	}{
		"utr.test": {w[1], hx("00", 20)},
		"urt.test": {w[3], hx("00", 20)},
		"tur.test": {w[5], hx("11", 20)},
		"tru.test": {w[7], hx("22", 20)},
		"rut.test": {w[9], hx("11", 20)},
		"rtu.test": {w[11], hx("22", 20)},
	}
	for _, n := range order {
		rec := h3Registered(t, s, n)
		h3ValueHash(t, rec, want[n].hash)
		checkOwner(t, rec, want[n].owner.Addr)
	}
}

// h3VerifyMulti is name_pre_reg_up_xfer_(renew_)revoke_verify_multi: three
// names preordered, registered, updated, transferred (keeping data),
// renewed (if renew) and revoked, each step for the three in one block.
func h3VerifyMulti(t *testing.T, s *scenario.S, renew bool) {
	t.Helper()
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	names := []string{"foo.test", "bar.test", "baz.test"}
	preorderW := []*scenario.W{w[2], w[3], w[4]}
	registerW := []*scenario.W{w[5], w[6], w[7]}
	transferW := []*scenario.W{w[6], w[7], w[5]}
	for i, n := range names {
		s.NamePreorder(n, preorderW[i], registerW[i].Addr)
	}
	s.NextBlock()
	for i, n := range names {
		s.NameRegister(n, preorderW[i], registerW[i].Addr)
	}
	s.NextBlock()
	for i, n := range names {
		s.NameUpdate(n, strings.Repeat(fmt.Sprint(i+1), 40), registerW[i])
	}
	s.NextBlock()
	for i, n := range names {
		s.NameTransfer(n, transferW[i].Addr, true, registerW[i])
	}
	s.NextBlock()
	// exchange after transfer: the owners are the transfer wallets
	if renew {
		for i, n := range names {
			s.NameRenew(n, transferW[i])
		}
		s.NextBlock()
	}
	for i, n := range names {
		s.NameRevoke(n, transferW[i])
	}
	s.NextBlocks(5)

	checkNamespaceReady(t, s, "test")
	for i, n := range names {
		h3NotPreordered(t, s, n, preorderW[i], registerW[i].Addr)
		rec := h3Registered(t, s, n)
		// data is gone
		h3ValueHash(t, rec, "")
		// owned by the right transfer wallet
		checkOwner(t, rec, transferW[i].Addr)
		if renew && rec.I("last_renewed") == rec.I("first_registered") {
			t.Fatalf("%s not renewed", n)
		}
		if !rec.B("revoked") {
			t.Fatalf("%s not revoked", n)
		}
	}
}

// name_pre_reg_up_xfer_renew_revoke_verify_multi: three names go through
// update, transfer, renewal and revocation together, a block for each
// step; all end renewed, revoked, without data, with their recipients.
func TestNamePreRegUpXferRenewRevokeVerifyMulti(t *testing.T) {
	t.Parallel()
	s := h3Start(t, nil, 9)
	h3VerifyMulti(t, s, true)
}

// name_pre_reg_up_xfer_renew_revoke_verify_multi_multisig: the same with
// 2-of-3 p2sh multisig wallets for the names' payers and owners.
func TestNamePreRegUpXferRenewRevokeVerifyMultiMultisig(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "682", "BLOCKSTACK_EPOCH_2_NAMESPACE_LIFETIME_MULTIPLIER": "1"},
		scenario.Wallet(w5JesPi), scenario.Wallet(w5KHqsi),
		scenario.MultisigWallet(2, "5JfHdMq9XnZ9mwW5H6LsfVCn9u6iGAj2FCVYtfhcHn72Tphvm5P", "5JaqLZaKD7cgkfsxSZBNiu6gaFxo1XAiTXw1mhtatipNNCtZBZG", "5KNsAkiHRDZb5Yyedxov2Fncr6CcNPV52yqJbzQ8M2W6dkg2qJp"),
		scenario.MultisigWallet(2, "5JPrkpfLT3rDf1Lgm1DpA2Cfepwf9wCtEbDx1HSEdd4J2R5YMxZ", "5JiALcfvzFsKcvLnHf7ECgLdp6FxbcAXB1GPvEYP7HeigbDCQ9E", "5KScD5XL5Hj83Yjvm3u4HD78vSYwFRyq9StTLPnrWrCTGiqTvVP"),
		scenario.MultisigWallet(2, "5JPR5iVN8KGMdU9JfzoTCsipXazUcZPRY8zp7f3g8FRff2HBaAV", "5KTTwEyATY8v12MjNdoeA1u2ZGqgjnBNcyZjk3YSkiVJWYxqBSm", "5KQ1s8UEYz3oyFRUejBvb1imMdtpoP98w6NQYGxQsSo3u6DmztZ"),
		scenario.MultisigWallet(2, "5JpAkdEJuzF8E74UptksRLiB6Bf9QnwxGQutJTRWo5EAGVZfXmY", "5Hyc4wreVpZyzcfb56Zt1ymovda2xGucGZsAwoQz34iYK6aEKhR", "5JypKiQGiaD8AN6X86xtnuQYj7nnpLvp4VfcTVdDh4yFkLewAGx"),
		scenario.MultisigWallet(2, "5KXzk8m7sfVEciwwtb5DTBNMrHFBgn8wEWtfyi3KPNjQazWyF3e", "5JDy1qYj2no1SSXMsn8suPP6gMVofLjCR5Qfz44KB2VM6Kd2EKq", "5KBpBME2Rk7gjxoYxaB1JBrumS9zk5U6GYNRyG6BX4KzP8aovwP"),
		scenario.MultisigWallet(2, "5HqVVmKy1bqP8qZrTpk9akjzEyrC1N7JjcDD2nwaWdydBz7VjfJ", "5JT4QqGNqdvpxys7SbxDqeQYmfq24u4K8cMUsVMcNQLAXRwrZnR", "5KBiBDzJBM7V63UCwE5M6P4HbXFCzc6GaeYW4n7orhLmxFNmRrE"),
		scenario.MultisigWallet(2, "5KNTRpgjo81QoM7tdWZerzgiWagDoaHJiPV5vFeLuSVUAGWgHsS", "5JRwonrfqvr7Z4aBKLzUpZh1cdSk52n5WdS2G28Yr2WCEXjtrqN", "5JGoa62nDaFwEMp4tianJqLcEQ4eaHtu4UU3AoPxfgeP54SR2CA"),
		scenario.MultisigWallet(2, "5KDJe3ptRA1HP6HRwNpswSM3DMACMvCYbojrLXp4Zu7T98gs8ir", "5JE9Luhjrb9SVZk29AM4j3ns9zUeGs4Xuau9o3EB7QyKzerSnwH", "5JvC3DN6MnFJHHq5Hpisv47KSeCaFxGfBso6y8pMpvjb6AjPiL2"),
		scenario.MultisigWallet(2, "5JHD24XrcDhcKvEXiviwpVzFuCqm9WL1aRf25iXDUj3f8ecPtKr", "5Jwv4w9RykjJYGF4GRtDCM83KsWsaPbpEcS5BZEi1bjDRLCNFn2", "5JZwEEWNNGFLkGcxFf73GXMchzDKDwc696hK94BizmgVADVFkLe"),
		scenario.MultisigWallet(2, "5HqJVoH5iZN5B3RwMq2tgwqdxxAi9Do8d4Mt97EH6BENoa5FraE", "5JmYF8mhZkggDTope6DUPBMBgLqiVjGDWzYi3ZeczwgDX64XQd9", "5KcjdfeHvVg89mJWVmKwMGYzXFXC684AmR6EJmtkrk8ZPNoWLcx"),
		scenario.MultisigWallet(2, "5K525PQyBG3xr84qY1HjLw98dQ4YYGwK5BUavVwsaZqbVc39mAy", "5JF84NuqyDircZzFsNRFfGeknw9gmJJVMbKHba2PMYuyeda5A2B", "5JmNEVANrcgJAZvUjkNWVQPyULirSN8M7UJDkGKKUy2mLXvh4GK"),
		scenario.MultisigWallet(2, "5KhRKs5p1dAVF81MuEookKqNn4W1kNU5MUSuibnkZur4RMzLzo3", "5JCUwbYzcCFjHvJgQ5iiFGxxqDKSNtDBaeBjvU3s2tKFqe6cfeL", "5KdGj6PiD3yArpAytZ3szjbagh828bZ7yBpn82Gn4esZapqC2it"))
	h3VerifyMulti(t, s, true)
}

// name_pre_reg_up_xfer_renew_xfer: a transfer, a renewal and a transfer
// after an update all leave the name with the update's consensus hash; the
// last recipient owns it, renewed.
func TestNamePreRegUpXferRenewXfer(t *testing.T) {
	t.Parallel()
	s := h3Start(t, nil, 5)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	h3PreReg(s)
	s.NameUpdate("foo.test", hx("11", 20), w[3])
	s.NextBlock()
	// consensus hash should be the one from the last NAME_UPDATE
	rec := h3Registered(t, s, "foo.test")
	if want := s.GetConsensusAt(s.GetCurrentBlock() - 1); rec.S("consensus_hash") != want {
		t.Fatalf("wrong consensus hash %s: expected %s", rec.S("consensus_hash"), want)
	}
	updateCH := rec.S("consensus_hash")
	sameCH := func(after string) {
		t.Helper()
		if rec := h3Registered(t, s, "foo.test"); rec.S("consensus_hash") != updateCH {
			t.Fatalf("after the %s: wrong consensus hash %s: expected %s", after, rec.S("consensus_hash"), updateCH)
		}
	}
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()
	sameCH("transfer")
	s.NameRenew("foo.test", w[4])
	s.NextBlock()
	sameCH("renewal")
	s.NameTransfer("foo.test", w[3].Addr, true, w[4])
	s.NextBlock()
	sameCH("second transfer")

	checkNamespaceReady(t, s, "test")
	h3NotPreordered(t, s, "foo.test", w[2], w[3].Addr)
	rec = h3Registered(t, s, "foo.test")
	checkOwner(t, rec, w[3].Addr)
	if rec.I("last_renewed") <= rec.I("first_registered") {
		t.Fatalf("not renewed: last_renewed %d, first_registered %d", rec.I("last_renewed"), rec.I("first_registered"))
	}
}

// name_pre_reg_up_xfer_revoke_verify_multi: three names go through update,
// transfer and revocation together, a block for each step; all end
// revoked, without data, with their recipients.
func TestNamePreRegUpXferRevokeVerifyMulti(t *testing.T) {
	t.Parallel()
	s := h3Start(t, nil, 9)
	h3VerifyMulti(t, s, false)
}

// name_pre_reg_up_xfer_up_xfer_nokeepdata_up_xfer: update, transfer,
// update, transfer without data, update, transfer: the last update's value
// hash and consensus hash stay.
func TestNamePreRegUpXferUpXferNokeepdataUpXfer(t *testing.T) {
	t.Parallel()
	s := h3Start(t, nil, 5)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	h3PreReg(s)
	s.NameUpdate("foo.test", hx("11", 20), w[3])
	s.NextBlock()
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()
	s.NameUpdate("foo.test", hx("22", 20), w[4])
	s.NextBlock()
	s.NameTransfer("foo.test", w[3].Addr, false, w[4])
	s.NextBlock()
	s.NameUpdate("foo.test", hx("33", 20), w[3])
	consensus := s.GetConsensusAt(s.GetCurrentBlock())
	s.NextBlock()
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()

	rec := h3CheckUp(t, s, w[4], hx("33", 20))
	// consensus from NAME_UPDATE
	if rec.S("consensus_hash") != consensus {
		t.Fatalf("quirk not preserved: consensus hash %s != %s", rec.S("consensus_hash"), consensus)
	}
}

// name_pre_reg_up_xfer_up_xfer_xfer_up: update, transfer there and back,
// update: the last update's value hash and consensus hash.
func TestNamePreRegUpXferUpXferXferUp(t *testing.T) {
	t.Parallel()
	s := h3Start(t, nil, 5)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	h3PreReg(s)
	s.NameUpdate("foo.test", hx("11", 20), w[3])
	s.NextBlock()
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()
	s.NameTransfer("foo.test", w[3].Addr, true, w[4])
	s.NextBlock()
	s.NameUpdate("foo.test", hx("33", 20), w[3])
	consensus := s.GetConsensusAt(s.GetCurrentBlock())
	s.NextBlock()

	rec := h3CheckUp(t, s, w[3], hx("33", 20))
	// consensus from NAME_UPDATE
	if rec.S("consensus_hash") != consensus {
		t.Fatalf("quirk not preserved: consensus hash %s != %s", rec.S("consensus_hash"), consensus)
	}
}

// name_pre_reg_up_xfer_verify: update, transfer keeping data, five blocks
// later the recipient owns the name with the value hash.
func TestNamePreRegUpXferVerify(t *testing.T) {
	t.Parallel()
	s := h3Start(t, nil, 5)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	h3PreReg(s)
	s.NameUpdate("foo.test", hx("11", 20), w[3])
	s.NextBlock()
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	// advance a bit
	s.NextBlocks(5)

	h3CheckUp(t, s, w[4], hx("11", 20))
}

// name_pre_reg_update_sameblock: preorder, registration and an update
// (safety checks off) in one block: the preorder and registration are
// accepted, the update is not.
func TestNamePreRegUpdateSameblock(t *testing.T) {
	t.Parallel()
	s := h3Start(t, nil, 5)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NameRegister("foo.test", w[2], w[3].Addr)
	// should be rejected (tx_fee=30000 changes only the bitcoin fee)
	up := s.NameUpdate("foo.test", hx("11", 20), w[3])
	s.NextBlock()
	updateBlock := s.GetCurrentBlock()

	// owned by wallets[3], no update
	h3CheckUp(t, s, w[3], "")
	if n := s.GetNumBlockstackOpsAt(updateBlock); n != 2 {
		t.Fatalf("%d operations at %d, want 2: %v", n, updateBlock, s.BlockOps(updateBlock))
	}
	s.Rejected(up) // the scenario expects its SNV lookup to fail
}
