package namedb

import (
	"context"
	"fmt"
	"testing"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// The rules an audit against blockstack-core v21.0.0.5 found parting from
// the original (PROTOCOL.md, revision of 2026-12-03), one test each. Each
// fails on the rules as they were before the fix. Deviations 3 (the sender
// key), 6 (outputs without an address) and 9 (truncated pushes) are in how
// transactions are read: namedb/wire's tests. Deviation 10 (no
// transfer_send_block_id) is TestScenarioTransferConsensusHashQuirk.

// Deviation 1: a NAME_IMPORT stores the importer's public key as
// sender_pubkey (nameimport.py tx_extract), and an update of the imported
// name keeps it.
func TestAuditImportKeepsImporterPubkey(t *testing.T) {
	ctx := context.Background()
	c := newChain(t, testNet())
	p := c.net.Wire
	creator, importer, alice := newActor(p, "creator"), newActor(p, "importer"), newActor(p, "alice")
	c.nsPreorder(creator, "imp", importer, namespaceFee)
	c.mustAccept(c.mine(), 1)
	c.nsReveal(creator, idLike("imp", 100, 1), importer)
	c.mustAccept(c.mine(), 1)
	c.importName(importer, "a.imp", alice, *vh("a"))
	c.mustAccept(c.mine(), 1)
	info, _ := c.db.Name(ctx, "a.imp")
	if string(info.Record.SenderPubkey) != string(importer.pub) {
		t.Fatalf("imported record sender_pubkey %x, want the importer's %x", info.Record.SenderPubkey, importer.pub)
	}
	c.nsReady(importer, "imp")
	c.mustAccept(c.mine(), 1)
	c.update(alice, "a.imp", *vh("a2"))
	c.mustAccept(c.mine(), 1)
	info, _ = c.db.Name(ctx, "a.imp")
	if string(info.Record.SenderPubkey) != string(importer.pub) {
		t.Errorf("updated import sender_pubkey %x, want the importer's %x", info.Record.SenderPubkey, importer.pub)
	}
}

// Deviation 2: a NAMESPACE_PREORDER whose hash a namespace carries is not
// "pending" (namedb_get_namespace_preorder), so a new preorder of it is
// accepted; no reveal can use it.
func TestAuditNamespacePreorderOfAUsedHash(t *testing.T) {
	c := newChain(t, testNet())
	p := c.net.Wire
	creator, launcher := newActor(p, "creator"), newActor(p, "launcher")
	c.launch(creator, launcher, "used", 100)
	c.nsPreorder(creator, "used", launcher, namespaceFee) // the hash "used" carries
	c.mustAccept(c.mine(), 1)
	c.nsPreorder(creator, "used", launcher, namespaceFee) // a row is stored, still not pending
	c.mustAccept(c.mine(), 1)
}

// Deviation 3, the rules' part: a NAMESPACE_REVEAL needs no sender_pubkey
// (the original's "requires a pubkey" test is always true).
func TestAuditRevealWithoutPubkey(t *testing.T) {
	c := newChain(t, testNet())
	p := c.net.Wire
	creator, launcher := newActor(p, "creator"), newActor(p, "launcher")
	c.nsPreorder(creator, "nokey", launcher, namespaceFee)
	c.mustAccept(c.mine(), 1)
	r := c.nsReveal(creator, idLike("nokey", 100, 1), launcher)
	r.SenderPubkey = nil
	c.mustAccept(c.mine(), 1)
	if ns, _ := c.db.Namespace("nokey"); ns == nil || ns.SenderPubkey != nil {
		t.Errorf("revealed namespace %+v, want no sender_pubkey", ns)
	}
}

// Deviation 4: a registration stores its own transaction's sender_pubkey,
// not the preorder's.
func TestAuditRegistrationOwnPubkey(t *testing.T) {
	ctx := context.Background()
	c := newChain(t, testNet())
	p := c.net.Wire
	creator, launcher, alice := newActor(p, "creator"), newActor(p, "launcher"), newActor(p, "alice")
	c.launch(creator, launcher, "test", 100)
	pre := c.preorder(alice, "foo.test", alice, 640_000)
	pre.SenderPubkey = nil // e.g. a preorder whose key shows in no input
	c.mustAccept(c.mine(), 1)
	c.register(alice, "foo.test", alice, nil)
	c.mustAccept(c.mine(), 1)
	info, _ := c.db.Name(ctx, "foo.test")
	if string(info.Record.SenderPubkey) != string(alice.pub) {
		t.Fatalf("registered record sender_pubkey %x, want the registration's %x", info.Record.SenderPubkey, alice.pub)
	}
	c.preorder(alice, "bar.test", alice, 640_000)
	c.mustAccept(c.mine(), 1)
	r := c.register(alice, "bar.test", alice, nil)
	r.SenderPubkey = nil
	c.mustAccept(c.mine(), 1)
	if info, _ := c.db.Name(ctx, "bar.test"); info.Record.SenderPubkey != nil {
		t.Errorf("registration without a key: sender_pubkey %x, want none", info.Record.SenderPubkey)
	}
}

// Deviation 5: the import keychain belongs to the namespace id, built at
// its first import and never rebuilt: after the reveal expires and the id
// is revealed to another recipient, the old keychain still decides.
func TestAuditKeychainOutlivesReveal(t *testing.T) {
	c := newChain(t, testNet())
	p := c.net.Wire
	creator, importer, other, alice := newActor(p, "creator"), newActor(p, "importer"), newActor(p, "other"), newActor(p, "alice")
	c.nsPreorder(creator, "kc", importer, namespaceFee)
	c.mustAccept(c.mine(), 1)
	c.nsReveal(creator, idLike("kc", 100, 1), importer)
	c.mustAccept(c.mine(), 1)
	revealed := c.tip()
	c.importName(importer, "a.kc", alice, *vh("a"))
	c.mustAccept(c.mine(), 1)
	c.mineTo(revealed + c.net.NamespaceRevealExpire)
	c.nsPreorder(creator, "kc", other, namespaceFee)
	c.mustAccept(c.mine(), 1)
	c.nsReveal(creator, idLike("kc", 100, 1), other)
	c.mustAccept(c.mine(), 1)
	c.importName(other, "b.kc", alice, *vh("b"))                         // the new recipient is no importer
	c.importName(importer, "c.kc", alice, *vh("c"))                      // the old keychain's key is
	c.importName(childActor(t, p, importer, 1), "d.kc", alice, *vh("d")) // and its children
	c.expect(c.mine(), code(ErrImporter), ok, ok)
}

// Deviation 7: a NAME_PREORDER row whose hash a live name carries does not
// count as pending (namedb_get_name_preorder), so the same hash may be
// preordered again while the name lives; the older row stays the one a
// later registration uses.
func TestAuditNamePreorderOfALiveNamesHash(t *testing.T) {
	ctx := context.Background()
	n := testNet()
	n.Epochs[0].GracePeriod = 0
	c := newChain(t, n)
	p := c.net.Wire
	creator, launcher, alice := newActor(p, "creator"), newActor(p, "launcher"), newActor(p, "alice")
	c.launch(creator, launcher, "test", 10)
	c.preorder(alice, "foo.test", alice, 640_000)
	c.mustAccept(c.mine(), 1)
	c.register(alice, "foo.test", alice, nil)
	c.mustAccept(c.mine(), 1)
	reg := c.tip()
	c.mine()
	c.preorder(alice, "foo.test", alice, 640_000) // no row: accepted, stored
	c.mustAccept(c.mine(), 1)
	kept := c.tip()
	c.preorder(alice, "foo.test", alice, 640_000) // a row, but foo.test carries its hash
	c.mustAccept(c.mine(), 1)
	// foo.test expires (lifetime 10, no grace: taken while last ≤ reg+10)
	// and is registered again with the preorder of block `kept`, not too
	// old (kept + 10 > reg + 11).
	c.mineTo(reg + 11)
	c.register(alice, "foo.test", alice, nil)
	c.mustAccept(c.mine(), 1)
	info, _ := c.db.Name(ctx, "foo.test")
	if info.Record.PreorderBlockNumber != kept || info.Record.FirstRegistered != c.tip() {
		t.Fatalf("re-registered with preorder_block_number %d, want the older row's %d", info.Record.PreorderBlockNumber, kept)
	}
	// both rows are consumed: a new preorder of the hash is pending again
	c.preorder(alice, "foo.test", alice, 640_000)
	c.mustAccept(c.mine(), 1)
	c.preorder(alice, "foo.test", alice, 640_000)
	c.expect(c.mine(), ok) // the live name carries the hash again
}

// Deviation 8 (PROTOCOL.md §7.6 item 1): in the creation pre-pass, a
// registration that passed counts toward its recipient's quota, one that
// failed toward its sender's. Owner T holds 23 names; R1 gives T a 24th,
// then R2 and R3 both register xname.test to T. The original's pre-pass fails
// R3 on T's quota (23 + R1 + R2), so R2 collides with nothing and is
// accepted.
func TestAuditPrePassQuota(t *testing.T) {
	ctx := context.Background()
	c := newChain(t, testNet())
	p := c.net.Wire
	creator, launcher, owner := newActor(p, "creator"), newActor(p, "launcher"), newActor(p, "owner")
	c.launch(creator, launcher, "test", 1000)
	for i := range 23 {
		c.preorder(owner, fmt.Sprintf("n%d.test", i), owner, 640_000)
	}
	c.mustAccept(c.mine(), 23)
	for i := range 23 {
		c.register(owner, fmt.Sprintf("n%d.test", i), owner, nil)
	}
	c.mustAccept(c.mine(), 23)
	s1, s2, s3 := newActor(p, "s1"), newActor(p, "s2"), newActor(p, "s3")
	c.preorder(s1, "r1.test", owner, 640_000)
	c.preorder(s2, "xname.test", owner, 640_000)
	c.preorder(s3, "xname.test", owner, 640_000)
	c.mustAccept(c.mine(), 3)
	c.register(s1, "r1.test", owner, nil)
	c.register(s2, "xname.test", owner, nil)
	c.register(s3, "xname.test", owner, nil)
	c.expect(c.mine(), ok, ok, code(ErrQuota))
	info, _ := c.db.Name(ctx, "xname.test")
	if info == nil || info.Record.Address != owner.addr || info.Record.PreorderHash != mustPreorderHash(t, "xname.test", s2, owner) {
		t.Fatalf("xname.test %+v, want R2's registration", info)
	}
}

func mustPreorderHash(t *testing.T, name string, from, to *actor) wire.Hash160 {
	t.Helper()
	h, err := wire.PreorderHash(name, from.script, to.addr)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// The pay-to-creator window is the epoch's NAMESPACE_RECEIVE_FEES_PERIOD
// counted from the reveal (register.py check_payment_v2), not the reveal
// expiry: the test runner of the original set the two apart.
func TestAuditReceiveFeesPeriod(t *testing.T) {
	n := testNet()
	n.Epochs[0].NamespaceReceiveFeesPeriod = 6
	c := newChain(t, n)
	p := c.net.Wire
	creator, launcher, alice := newActor(p, "creator"), newActor(p, "launcher"), newActor(p, "alice")
	c.nsPreorder(creator, "pay", launcher, namespaceFee)
	c.mustAccept(c.mine(), 1)
	c.nsReveal(creator, idLike("pay", 1000, 2), launcher)
	c.mustAccept(c.mine(), 1)
	revealed := c.tip()
	c.nsReady(launcher, "pay")
	c.mustAccept(c.mine(), 1)
	c.preorder(alice, "early.pay", alice, 1_000_000).Payment.Address = creator.addr
	c.mustAccept(c.mine(), 1)
	c.register(alice, "early.pay", alice, nil) // at reveal + 5: to the creator
	c.mustAccept(c.mine(), 1)
	c.mineTo(revealed + 6)
	c.preorder(alice, "late.pay", alice, 1_000_000).Payment.Address = creator.addr
	c.preorder(alice, "burnt.pay", alice, 1_000_000)
	c.mustAccept(c.mine(), 2)
	c.register(alice, "late.pay", alice, nil) // at reveal + 8: the window is over
	c.register(alice, "burnt.pay", alice, nil)
	c.expect(c.mine(), code(ErrPaymentAddress), ok)
}
