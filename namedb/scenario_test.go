package namedb

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// Scenarios: blocks of operations → the expected name table. Each ports the
// intent of one or more of the original's integration scenarios
// (PROTOCOL.md §13), written from the rules.

// name_pre_reg_up_xfer: the whole life of a name, and what every step
// leaves in the record, the history and the whitelist.
func TestScenarioLifecycle(t *testing.T) {
	ctx := context.Background()
	c := newChain(t, testNet())
	p := c.net.Wire
	creator, launcher, alice, bob := newActor(p, "creator"), newActor(p, "launcher"), newActor(p, "alice"), newActor(p, "bob")
	c.launch(creator, launcher, "test", 100)

	c.preorder(alice, "foo.test", alice, 640_000)
	c.mustAccept(c.mine(), 1)
	pre := c.tip()
	c.register(alice, "foo.test", alice, vh("zone 1"))
	c.mustAccept(c.mine(), 1)
	reg := c.tip()
	info, err := c.db.Name(ctx, "foo.test")
	if err != nil || info == nil {
		t.Fatal(info, err)
	}
	r := info.Record
	if r.Address != alice.addr || r.FirstRegistered != reg || r.BlockNumber != pre || r.PreorderBlockNumber != pre ||
		r.Op != ":" || r.OpFee != IntFee(640_000) || *r.ValueHash != *vh("zone 1") || string(r.SenderPubkey) != string(alice.pub) ||
		r.LastCreationOp != "?" || r.ConsensusHash != nil || info.Status != StatusRegistered {
		t.Fatalf("registered record: %+v", r)
	}
	if info.ExpireBlock != reg+100 || info.RenewalDeadline != reg+110 {
		t.Errorf("deadlines %d %d", info.ExpireBlock, info.RenewalDeadline)
	}

	c.update(alice, "foo.test", *vh("zone 2"))
	c.mustAccept(c.mine(), 1)
	c.transfer(alice, "foo.test", bob, true)
	c.mustAccept(c.mine(), 1)
	if got := c.owner("foo.test"); got != bob.addr {
		t.Fatalf("owner after transfer %q", got)
	}
	info, _ = c.db.Name(ctx, "foo.test")
	if info.Record.SenderPubkey != nil || *info.Record.ValueHash != *vh("zone 2") || info.Record.Op != ">>" {
		t.Errorf("transferred record %+v", info.Record)
	}
	c.transfer(bob, "foo.test", alice, false)
	c.mustAccept(c.mine(), 1)
	info, _ = c.db.Name(ctx, "foo.test")
	if info.Record.ValueHash != nil || info.Record.Op != ">~" || info.Record.Address != alice.addr {
		t.Errorf("transfer without data %+v", info.Record)
	}

	hist, err := c.db.NameHistory(ctx, "foo.test")
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 5 || len(hist[pre]) != 1 || len(hist[reg]) != 1 {
		t.Errorf("history has %d blocks: %v", len(hist), hist)
	}
	for _, h := range []string{"zone 1", "zone 2"} {
		if ok, _ := c.db.IsWhitelisted(ctx, *vh(h)); !ok {
			t.Errorf("%s not whitelisted", h)
		}
	}
	if n, _ := c.db.WhitelistCount(ctx); n != 2 {
		t.Errorf("whitelist count %d", n)
	}
	names, _ := c.db.NamesOwnedBy(ctx, alice.addr)
	if len(names) != 1 || names[0] != "foo.test" {
		t.Errorf("alice owns %v", names)
	}
	if st, _ := c.db.Tx(ctx, info.Record.TxID); st == nil || st.Status != "accepted" || st.Opcode != "NAME_TRANSFER" {
		t.Errorf("tx status %+v", st)
	}
}

// Every way a preorder and a registration can be refused.
func TestScenarioRegistrationRules(t *testing.T) {
	c := newChain(t, testNet())
	p := c.net.Wire
	creator, launcher, alice, bob := newActor(p, "creator"), newActor(p, "launcher"), newActor(p, "alice"), newActor(p, "bob")

	// Before the namespace is ready.
	c.nsPreorder(creator, "test", launcher, namespaceFee)
	c.mine()
	c.nsReveal(creator, idLike("test", 100, 1), launcher)
	c.preorder(alice, "early.test", alice, 1_000_000)
	c.mine()
	c.register(alice, "early.test", alice, nil)
	c.expect(c.mine(), code(ErrNamespaceNotReady))
	c.nsReady(launcher, "test")
	c.mustAccept(c.mine(), 1)
	c.register(alice, "early.test", alice, nil)
	c.expect(c.mine(), code(ErrPreorderBeforeReady))

	// Prices: "foo" is 3 letters with vowels: 64,000,000 × 0.1 = 640,000.
	c.preorder(alice, "foo.test", alice, 639_999)
	c.preorder(alice, "bar.test", alice, 640_000)
	c.preorder(bob, "baz.test", bob, 640_000)
	c.preorder(bob, "qux.test", alice, 640_000) // bob pays for alice
	c.mustAccept(c.mine(), 4)
	c.register(alice, "foo.test", alice, nil) // underpaid
	c.register(alice, "bar.test", bob, nil)   // preorder was for alice as recipient
	c.register(alice, "baz.test", bob, nil)   // preordered by bob
	c.register(bob, "qux.test", alice, nil)   // fine
	c.register(alice, "nope.test", alice, nil)
	c.expect(c.mine(), code(ErrFeeTooLow), code(ErrNoPreorder), code(ErrNoPreorder), ok, code(ErrNoPreorder))
	if c.owner("qux.test") != alice.addr {
		t.Error("qux.test not alice's")
	}

	// Wrong payment address; a taken name; a pending preorder hash; a stale consensus hash.
	po := c.preorder(alice, "wrong.test", alice, 1_000_000)
	po.Payment.Address = bob.addr
	c.preorder(bob, "qux.test", bob, 640_000)
	c.mustAccept(c.mine(), 2)
	c.register(alice, "wrong.test", alice, nil)
	c.register(bob, "qux.test", bob, nil)
	c.preorder(bob, "qux.test", bob, 640_000)
	stale := c.preorder(alice, "stale.test", alice, 640_000)
	stale.Op.(*wire.NamePreorder).ConsensusHash = wire.Hash128{1, 2, 3}
	c.expect(c.mine(), code(ErrPaymentAddress), code(ErrNameTaken), code(ErrPreorderExists), code(ErrConsensusHash))

	// A preorder older than the namespace lifetime can no longer be used.
	c.preorder(alice, "slow.test", alice, 640_000)
	c.mustAccept(c.mine(), 1)
	c.mineTo(c.tip() + 100)
	c.register(alice, "slow.test", alice, nil)
	c.expect(c.mine(), code(ErrPreorderExpired))

	counts, err := c.db.RejectionCounts(context.Background())
	if err != nil || counts["ErrNoPreorder"] != 3 || counts["ErrFeeTooLow"] != 1 {
		t.Errorf("rejection counts %v %v", counts, err)
	}
}

// name_pre_reg_cantsteal, name_pre_reg_up_xfer_cantsteal,
// name_pre_reg_renew_cantforce, name_pre_reg_revoke_cantforce: only the
// owner acts on a name.
func TestScenarioCantSteal(t *testing.T) {
	c := newChain(t, testNet())
	p := c.net.Wire
	creator, launcher, alice, mallory := newActor(p, "creator"), newActor(p, "launcher"), newActor(p, "alice"), newActor(p, "mallory")
	c.launch(creator, launcher, "test", 100)
	c.claim(alice, "foo.test")
	c.preorder(mallory, "foo.test", mallory, 1_000_000)
	c.mine()
	c.register(mallory, "foo.test", mallory, nil)
	c.update(mallory, "foo.test", *vh("evil"))
	c.transfer(mallory, "foo.test", newActor(p, "accomplice"), true)
	c.renew(mallory, "foo.test", mallory, 1_000_000, nil)
	c.revoke(mallory, "foo.test")
	c.transfer(alice, "foo.test", alice, true)
	c.expect(c.mine(), code(ErrNameTaken), code(ErrNameNotFound), code(ErrNotOwner), code(ErrNotOwner), code(ErrNotOwner), code(ErrSameOwner))
	if c.owner("foo.test") != alice.addr {
		t.Fatal("name stolen")
	}
}

// name_pre_reg_revoke_reregister: a revoked name is frozen until it
// expires, then anyone may register it; block_number survives.
func TestScenarioRevokeReregister(t *testing.T) {
	ctx := context.Background()
	c := newChain(t, testNet())
	p := c.net.Wire
	creator, launcher, alice, bob := newActor(p, "creator"), newActor(p, "launcher"), newActor(p, "alice"), newActor(p, "bob")
	c.launch(creator, launcher, "test", 20)
	c.claim(alice, "foo.test")
	first, _ := c.db.Name(ctx, "foo.test")
	c.revoke(alice, "foo.test")
	c.mustAccept(c.mine(), 1)
	info, _ := c.db.Name(ctx, "foo.test")
	if info.Status != StatusRevoked || info.Record.ValueHash != nil {
		t.Fatalf("after revoke: %+v", info)
	}
	c.update(alice, "foo.test", *vh("x"))
	c.transfer(alice, "foo.test", bob, true)
	c.renew(alice, "foo.test", alice, 1_000_000, nil)
	c.revoke(alice, "foo.test")
	c.expect(c.mine(), code(ErrNameNotFound), code(ErrNameNotFound), code(ErrNameRevoked), code(ErrNameRevoked))
	c.preorder(bob, "foo.test", bob, 1_000_000)
	c.mine()
	c.register(bob, "foo.test", bob, nil)
	c.expect(c.mine(), code(ErrNameRevoked))

	// Expired past the grace period (lifetime 20 + grace 10 after the
	// later of ready and last renewal): bob may take it.
	// bob's first preorder is still pending (too old to use, but a hash
	// is never pending twice), so he preorders for another address.
	c.mineTo(first.Record.LastRenewed + 31)
	bob2 := newActor(p, "bob2")
	c.preorder(bob, "foo.test", bob, 1_000_000)
	c.preorder(bob, "foo.test", bob2, 1_000_000)
	c.expect(c.mine(), code(ErrPreorderExists), ok)
	c.register(bob, "foo.test", bob2, nil)
	c.mustAccept(c.mine(), 1)
	info, _ = c.db.Name(ctx, "foo.test")
	if info.Status != StatusRegistered || info.Record.Address != bob2.addr || info.Record.Revoked ||
		info.Record.BlockNumber != first.Record.BlockNumber {
		t.Fatalf("re-registered: %+v", info.Record)
	}
}

// name_pre_reg_renew, name_pre_reg_grace_expire,
// name_pre_reg_expire_reregister: the grace boundaries exactly.
func TestScenarioExpiryAndGrace(t *testing.T) {
	ctx := context.Background()
	c := newChain(t, testNet())
	p := c.net.Wire
	creator, launcher, alice, bob := newActor(p, "creator"), newActor(p, "launcher"), newActor(p, "alice"), newActor(p, "bob")
	c.launch(creator, launcher, "test", 20)
	c.mineTo(40) // past ready_block + lifetime + grace, so only last_renewed keeps names alive
	c.claim(alice, "foo.test")
	reg := c.tip()
	expire := reg + 20

	c.mineTo(expire - 2)
	c.update(alice, "foo.test", *vh("before expiry")) // block expire-1
	c.mustAccept(c.mine(), 1)
	c.update(alice, "foo.test", *vh("in grace")) // block expire: in grace
	c.transfer(alice, "foo.test", bob, true)
	c.expect(c.mine(), code(ErrGracePeriod), code(ErrGracePeriod))
	info, _ := c.db.Name(ctx, "foo.test")
	if !info.GracePeriod || info.Status != StatusRegistered {
		t.Fatalf("at %d: %+v", c.tip(), info)
	}
	// Renewal in grace; the price is this block's (3 letters with vowels: 6,400,000 × 0.1).
	c.renew(alice, "foo.test", alice, 639_999, nil)
	c.renew(bob, "foo.test", bob, 640_000, nil)
	c.expect(c.mine(), code(ErrFeeTooLow), code(ErrNotOwner))
	c.renew(alice, "foo.test", alice, 640_000, vh("renewed"))
	c.mustAccept(c.mine(), 1)
	renewed := c.tip()
	info, _ = c.db.Name(ctx, "foo.test")
	if info.Record.LastRenewed != renewed || info.ExpireBlock != renewed+20 || info.GracePeriod || *info.Record.ValueHash != *vh("renewed") {
		t.Fatalf("renewed record %+v", info)
	}
	if ok, _ := c.db.IsWhitelisted(ctx, *vh("renewed")); !ok {
		t.Error("a renewal's value hash is not whitelisted")
	}

	// Past renewal_deadline the name is gone: no renewal, anyone registers.
	c.mineTo(renewed + 20 + 10)
	c.preorder(bob, "foo.test", bob, 1_000_000)
	c.mustAccept(c.mine(), 1)
	c.renew(alice, "foo.test", alice, 1_000_000, nil)
	c.register(bob, "foo.test", bob, nil)
	c.expect(c.mine(), code(ErrNameNotFound), ok)
	if c.owner("foo.test") != bob.addr {
		t.Fatal("expired name not re-registered")
	}
}

// name_pre_reg_quota, name_pre_reg_quota_sameblock: at most
// MaxNamesPerSender live names per owner, counting this block's.
func TestScenarioQuota(t *testing.T) {
	n := testNet()
	n.MaxNamesPerSender = 3
	c := newChain(t, n)
	p := c.net.Wire
	creator, launcher, alice, bob := newActor(p, "creator"), newActor(p, "launcher"), newActor(p, "alice"), newActor(p, "bob")
	c.launch(creator, launcher, "test", 100)
	for _, name := range []string{"a1.test", "a2.test", "a3.test", "a4.test"} {
		c.preorder(alice, name, alice, 25_600_000)
	}
	c.mustAccept(c.mine(), 4)
	for _, name := range []string{"a1.test", "a2.test", "a3.test", "a4.test"} {
		c.register(alice, name, alice, nil)
	}
	c.expect(c.mine(), ok, ok, ok, code(ErrQuota))
	c.claim(bob, "b1.test")
	c.preorder(alice, "a5.test", alice, 25_600_000)
	c.transfer(bob, "b1.test", alice, true)
	c.renew(alice, "a1.test", alice, 25_600_000, nil) // the renewed name counts itself
	c.expect(c.mine(), code(ErrQuota), code(ErrQuota), code(ErrQuota))
}

// An owner whose names the block writes many times (more than the short
// list ownedNames searches), one of them twice (away and back): each
// counts once toward the quota.
func TestScenarioQuotaManyWrites(t *testing.T) {
	n := testNet()
	n.MaxNamesPerSender = 41
	c := newChain(t, n)
	p := c.net.Wire
	creator, launcher, alice, bob, carol, dave := newActor(p, "creator"), newActor(p, "launcher"), newActor(p, "alice"), newActor(p, "bob"), newActor(p, "carol"), newActor(p, "dave")
	c.launch(creator, launcher, "test", 100)
	names := make([]string, 40)
	for i := range names {
		names[i] = fmt.Sprintf("q%02d.test", i)
		c.preorder(alice, names[i], alice, 102_400_000)
	}
	c.mustAccept(c.mine(), 40)
	for _, name := range names {
		c.register(alice, name, alice, nil)
	}
	c.mustAccept(c.mine(), 40)
	c.claim(carol, "c1.test")
	c.claim(dave, "d1.test")
	for i, name := range names {
		c.update(alice, name, *vh(fmt.Sprint("alice ", i)))
	}
	c.transfer(alice, names[0], bob, true)
	c.transfer(bob, names[0], alice, true)
	c.transfer(carol, "c1.test", alice, true) // alice has 40: the 41st is allowed
	c.transfer(dave, "d1.test", alice, true)  // alice has 41
	want := make([]*ErrorCode, 0, 44)
	for range 43 {
		want = append(want, ok)
	}
	c.expect(c.mine(), append(want, code(ErrQuota))...)
	if c.owner(names[0]) != alice.addr || c.owner("c1.test") != alice.addr || c.owner("d1.test") != dave.addr {
		t.Fatalf("owners: %s %s %s", c.owner(names[0]), c.owner("c1.test"), c.owner("d1.test"))
	}
}

// name_pre_reg_collisions, name_pre_reg_dup_sameblock,
// name_pre_reg_sameblock, name_pre_reg_update_sameblock,
// name_pre_reg_xfer_sameblock: PROTOCOL.md §7.6 exactly.
func TestScenarioSameBlock(t *testing.T) {
	c := newChain(t, testNet())
	p := c.net.Wire
	creator, launcher, alice, bob, carol := newActor(p, "creator"), newActor(p, "launcher"), newActor(p, "alice"), newActor(p, "bob"), newActor(p, "carol")
	c.launch(creator, launcher, "test", 100)

	// Two valid registrations of one name in one block: both refused.
	c.preorder(alice, "clash.test", alice, 1_000_000)
	c.preorder(bob, "clash.test", bob, 1_000_000)
	c.mustAccept(c.mine(), 2)
	c.register(alice, "clash.test", alice, nil)
	c.register(bob, "clash.test", bob, nil)
	c.expect(c.mine(), code(ErrCollision), code(ErrCollision))
	if c.owner("clash.test") != "" {
		t.Fatal("a collided name was registered")
	}

	// Preorder and registration in one block, twice: the first registration wins.
	c.preorder(alice, "dup.test", alice, 1_000_000)
	c.register(alice, "dup.test", alice, nil)
	c.preorder(bob, "dup.test", bob, 1_000_000)
	c.register(bob, "dup.test", bob, nil)
	c.expect(c.mine(), ok, ok, ok, code(ErrCollision))
	if c.owner("dup.test") != alice.addr {
		t.Fatal("first registration did not win")
	}

	// The same preorder hash twice in one block: the first wins.
	c.preorder(carol, "twice.test", carol, 1_000_000)
	c.preorder(carol, "twice.test", carol, 1_000_000)
	c.expect(c.mine(), ok, code(ErrPreorderExists))

	// An operation on a name registered earlier in the same block is refused.
	c.preorder(carol, "fresh.test", carol, 1_000_000)
	c.mine()
	c.register(carol, "fresh.test", carol, nil)
	c.transfer(carol, "fresh.test", bob, true)
	c.revoke(carol, "fresh.test")
	c.expect(c.mine(), ok, code(ErrNameNotFound), code(ErrNameNotFound))

	// Other operations apply in order, each seeing the ones before: a
	// transfer then the new owner's update, and two updates of one name.
	c.transfer(alice, "dup.test", bob, true)
	c.update(bob, "dup.test", *vh("bob 1"))
	c.update(bob, "dup.test", *vh("bob 2"))
	c.mustAccept(c.mine(), 3)
	info, _ := c.db.Name(context.Background(), "dup.test")
	if info.Record.Address != bob.addr || *info.Record.ValueHash != *vh("bob 2") {
		t.Fatalf("sequential ops: %+v", info.Record)
	}

	// A name its owner updated and then transferred in one block is not
	// the old owner's for the rest of the block.
	c.update(bob, "dup.test", *vh("bob 3"))
	c.transfer(bob, "dup.test", alice, true)
	c.update(bob, "dup.test", *vh("bob 4"))
	c.update(alice, "dup.test", *vh("alice 5"))
	c.expect(c.mine(), ok, ok, code(ErrNameNotFound), ok)
	info, _ = c.db.Name(context.Background(), "dup.test")
	if info.Record.Address != alice.addr || *info.Record.ValueHash != *vh("alice 5") {
		t.Fatalf("after the transfer back: %+v", info.Record)
	}
}

// namespace_preorder_reveal_import_ready, _multi_multikey_ready,
// namespace_preorder_reveal_expire, name_import_update_transfer,
// namespace_preorder_reveal_import_ready_sameblock.
func TestScenarioNamespaceAndImport(t *testing.T) {
	ctx := context.Background()
	c := newChain(t, testNet())
	p := c.net.Wire
	creator, importer, alice, bob := newActor(p, "creator"), newActor(p, "importer"), newActor(p, "alice"), newActor(p, "bob")

	c.nsReveal(creator, idLike("imp", 100, 1), importer)
	c.nsPreorder(creator, "imp", importer, 1) // too cheap for a 3-letter id
	c.expect(c.mine(), code(ErrNoPreorder), ok)
	c.nsReveal(creator, idLike("imp", 100, 1), importer)
	c.expect(c.mine(), code(ErrFeeTooLow))
	c.nsPreorder(creator, "imp2", importer, namespaceFee)
	c.mustAccept(c.mine(), 1)
	c.nsReveal(creator, idLike("imp2", 100, 2), importer)
	c.importName(importer, "x.imp2", alice, *vh("x"))
	c.nsReady(importer, "imp2")
	c.expect(c.mine(), ok, code(ErrSameBlock), code(ErrSameBlock))

	// The first import must come from the reveal recipient; later ones from
	// the keychain derived from its key.
	c.importName(alice, "a.imp2", alice, *vh("a"))
	c.importName(importer, "a.imp2", alice, *vh("a"))
	c.importName(importer, "b.imp2", bob, *vh("b"))
	c.expect(c.mine(), code(ErrImporter), ok, ok)
	keys, err := importKeychain(p, importer.pub, c.net.ImportKeyringSize)
	if err != nil || len(keys) != c.net.ImportKeyringSize+1 || keys[0] != importer.addr {
		t.Fatalf("keychain %v %v", keys, err)
	}
	child := childActor(t, p, importer, 3)
	if child.addr != keys[4] {
		t.Fatalf("child 3 address %s, keychain %s", child.addr, keys[4])
	}
	c.importName(child, "a.imp2", bob, *vh("a2")) // overwrites
	c.importName(newActor(p, "stranger"), "c.imp2", bob, *vh("c"))
	c.expect(c.mine(), ok, code(ErrImporter))
	info, _ := c.db.Name(ctx, "a.imp2")
	if info.Record.Address != bob.addr || !info.Record.OpFee.IsFloat || info.Record.LastCreationOp != ";" ||
		*info.Record.ImporterAddress != child.addr || info.Record.FirstRegistered != c.tip()-1 {
		t.Fatalf("imported record %+v", info.Record)
	}
	// Registration needs a ready namespace; import stops at READY.
	c.preorder(alice, "r.imp2", alice, 1_000_000)
	c.mine()
	c.register(alice, "r.imp2", alice, nil)
	c.nsReady(alice, "imp2")
	c.nsReady(importer, "imp2")
	c.importName(importer, "late.imp2", alice, *vh("late"))
	c.expect(c.mine(), code(ErrNamespaceNotReady), code(ErrImporter), ok, code(ErrNamespaceNotRevealed))

	// Imported names keep the float op_fee through later operations.
	c.update(bob, "a.imp2", *vh("a3"))
	c.transfer(alice, "x.imp2", bob, true)
	c.mine()
	info, _ = c.db.Name(ctx, "a.imp2")
	if !info.Record.OpFee.IsFloat || info.Record.Op != "+" {
		t.Fatalf("updated import %+v", info.Record)
	}

	// A reveal that is never readied expires; its imports vanish, and the
	// id may be preordered and revealed again, keeping its block_number.
	c.nsPreorder(creator, "gone", importer, namespaceFee)
	c.mine()
	firstPreorder := c.tip()
	c.nsReveal(creator, idLike("gone", 100, 1), importer)
	c.mine()
	revealed := c.tip()
	c.importName(importer, "v.gone", alice, *vh("v"))
	c.mustAccept(c.mine(), 1)
	if c.owner("v.gone") != alice.addr {
		t.Fatal("import not visible")
	}
	c.mineTo(revealed + c.net.NamespaceRevealExpire)
	if c.owner("v.gone") != "" {
		t.Fatal("import of an expired reveal still registered")
	}
	// The old preorder hash stays carried by the namespace record: a
	// preorder of it is accepted (it is not pending: the original's
	// namedb_get_namespace_preorder), but no reveal can use it, so the
	// second reveal goes to another recipient.
	importer2 := newActor(p, "importer2")
	c.nsReady(importer, "gone")
	c.nsPreorder(creator, "gone", importer, namespaceFee)
	c.nsPreorder(creator, "gone", importer2, namespaceFee)
	c.expect(c.mine(), code(ErrNamespaceNotRevealed), ok, ok)
	c.nsReveal(creator, idLike("gone", 100, 1), importer)
	c.expect(c.mine(), code(ErrNoPreorder))
	c.nsReveal(creator, idLike("gone", 100, 1), importer2)
	c.mustAccept(c.mine(), 1)
	if ns, _ := c.db.Namespace("gone"); ns.BlockNumber != firstPreorder || ns.RevealBlock != c.tip() {
		t.Errorf("re-revealed namespace %+v", ns)
	}
}

// name_pre_xfer_up_xfer_quirks: a transfer's record keeps the consensus
// hash of the last update since the registration, else its own.
func TestScenarioTransferConsensusHashQuirk(t *testing.T) {
	ctx := context.Background()
	c := newChain(t, testNet())
	p := c.net.Wire
	creator, launcher, alice, bob := newActor(p, "creator"), newActor(p, "launcher"), newActor(p, "alice"), newActor(p, "bob")
	c.launch(creator, launcher, "test", 100)
	c.claim(alice, "foo.test")
	x1 := c.transfer(alice, "foo.test", bob, true)
	c.mine()
	info, _ := c.db.Name(ctx, "foo.test")
	if *info.Record.ConsensusHash != x1.Op.(*wire.NameTransfer).ConsensusHash {
		t.Fatal("first transfer does not keep its own consensus hash")
	}
	c.update(bob, "foo.test", *vh("u"))
	c.mine()
	info, _ = c.db.Name(ctx, "foo.test")
	updateCH := *info.Record.ConsensusHash
	c.mineTo(c.tip() + 3)
	x2 := c.transfer(bob, "foo.test", alice, true)
	c.mine()
	info, _ = c.db.Name(ctx, "foo.test")
	if *info.Record.ConsensusHash != updateCH || updateCH == x2.Op.(*wire.NameTransfer).ConsensusHash {
		t.Fatal("transfer after an update does not keep the update's consensus hash")
	}
	// v21 keeps no transfer_send_block_id (an older release's field)
	hist, _ := c.db.NameHistory(ctx, "foo.test")
	for h, recs := range hist {
		for _, r := range recs {
			if strings.Contains(string(r), "transfer_send_block_id") {
				t.Errorf("history at %d shows transfer_send_block_id: %s", h, r)
			}
		}
	}
}

// name_pre_reg_pay2ns: version-2 namespaces are paid to their creator for
// the first year, from epoch 3 on.
func TestScenarioPayToCreator(t *testing.T) {
	c := newChain(t, testNet())
	p := c.net.Wire
	creator, launcher, alice := newActor(p, "creator"), newActor(p, "launcher"), newActor(p, "alice")
	c.nsPreorder(creator, "pay", launcher, namespaceFee)
	c.mine()
	c.nsReveal(creator, idLike("pay", 1000, 2), launcher)
	c.mine()
	c.nsReady(launcher, "pay")
	c.mustAccept(c.mine(), 1)
	c.preorder(alice, "burned.pay", alice, 1_000_000)
	toCreator := c.preorder(alice, "paid.pay", alice, 1_000_000)
	toCreator.Payment.Address = creator.addr
	c.mine()
	c.register(alice, "burned.pay", alice, nil)
	c.register(alice, "paid.pay", alice, nil)
	c.expect(c.mine(), code(ErrPaymentAddress), ok)
}
