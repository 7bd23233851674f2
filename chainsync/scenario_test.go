package chainsync

import (
	"context"
	"maps"
	"testing"

	"github.com/zonemirror/zonemirror/chainsync/txbuild"
)

// Every operation, valid and invalid, through real transactions on a real
// btcd: the synced database ends with exactly the expected name table and
// rejection counts.
func TestScenarioEveryOperation(t *testing.T) {
	ctx := context.Background()
	c := newTestChain(t, testNet())
	creator, launcher, alice, bob, carol := c.key("creator"), c.key("launcher"), c.key("alice"), c.key("bob"), c.key("carol")
	burn := c.b.BurnAddress()
	const nsFee = 50_000_000 // the devnet price of a 4-letter namespace is 40,000,000
	const fee = 10_000_000   // more than any name in "test" costs at epoch 3

	// Three namespaces: "test" is launched; "imps" stays revealed for
	// imports; in "tiny" (lifetime 2 blocks, ×2) preorders expire fast.
	for _, id := range []string{"test", "imps", "tiny"} {
		r, err := c.b.NamespacePreorder(id, creator, launcher.Address, c.ch(), nsFee)
		c.do(creator, r, err)
	}
	c.mine()
	c.do(creator, txbuild.NamespaceReveal(reveal("test", 1000), launcher.Address), nil)
	c.do(creator, txbuild.NamespaceReveal(reveal("imps", 1000), launcher.Address), nil)
	c.do(creator, txbuild.NamespaceReveal(reveal("tiny", 2), launcher.Address), nil)
	c.mine()
	c.do(launcher, txbuild.NamespaceReady("test"), nil)
	c.do(launcher, txbuild.NamespaceReady("tiny"), nil)
	c.do(launcher, txbuild.Import("one.imps", alice.Address, *value("one")), nil)
	c.do(carol, txbuild.Import("two.imps", carol.Address, *value("two")), nil) // not the importer
	c.mine()

	// Preorders: alice, bob, a cheap one of carol's, two of the same name.
	pre := func(from *txbuild.Key, name string, to *txbuild.Key, f int64) {
		r, err := c.b.Preorder(name, from, to.Address, c.ch(), burn, f)
		c.do(from, r, err)
	}
	pre(alice, "alice.test", alice, fee)
	pre(bob, "bob.test", bob, fee)
	pre(carol, "cheap.test", carol, 1000)
	pre(alice, "dup.test", alice, fee)
	pre(bob, "dup.test", bob, fee)
	pre(carol, "late.tiny", carol, fee)
	c.mine()
	c.do(alice, txbuild.Register("alice.test", alice.Address, value("alice 1")), nil)
	c.do(bob, txbuild.Register("bob.test", bob.Address, nil), nil)
	c.do(carol, txbuild.Register("cheap.test", carol.Address, nil), nil) // price not paid
	c.do(carol, txbuild.Register("nopre.test", carol.Address, nil), nil) // no preorder
	c.do(alice, txbuild.Register("dup.test", alice.Address, nil), nil)   // two registrations
	c.do(bob, txbuild.Register("dup.test", bob.Address, nil), nil)       // of one name
	c.mine()

	// Operations that depend on each other go in separate blocks: the node
	// orders a block's transactions its own way.
	c.do(alice, txbuild.Update("alice.test", c.ch(), *value("alice 2")), nil)
	c.do(carol, txbuild.Transfer("bob.test", alice.Address, true, c.ch()), nil) // not the owner
	c.mine()
	c.do(bob, txbuild.Revoke("bob.test"), nil)
	c.mine()
	c.do(bob, txbuild.Update("bob.test", c.ch(), *value("bob 2")), nil) // revoked
	c.do(alice, txbuild.Transfer("alice.test", carol.Address, true, c.ch()), nil)
	c.mine()
	c.do(carol, txbuild.Renew("alice.test", carol.Address, value("alice 3"), burn, fee), nil)
	c.do(carol, txbuild.Register("late.tiny", carol.Address, nil), nil) // its preorder expired
	c.mine()

	want := map[string]struct{ owner, value string }{
		"alice.test": {carol.Address, value("alice 3").String()},
		"bob.test":   {bob.Address, ""},
		"one.imps":   {alice.Address, value("one").String()},
	}
	names, _ := c.db.AllNames(ctx, 0, 100, true)
	if len(names) != len(want) {
		t.Errorf("names %v, want %v", names, maps.Keys(want))
	}
	for name, w := range want {
		info, err := c.db.Name(ctx, name)
		if err != nil || info == nil {
			t.Fatalf("%s: %v %v", name, info, err)
		}
		got := ""
		if info.Record.ValueHash != nil {
			got = info.Record.ValueHash.String()
		}
		if info.Record.Address != w.owner || got != w.value {
			t.Errorf("%s: owner %s value %q, want %s %q", name, info.Record.Address, got, w.owner, w.value)
		}
	}
	if info, _ := c.db.Name(ctx, "bob.test"); info.Status != "revoked" {
		t.Errorf("bob.test is %s", info.Status)
	}
	counts, _ := c.db.RejectionCounts(ctx)
	wantCounts := map[string]int{
		"ErrImporter":        1, // carol's import
		"ErrFeeTooLow":       1, // cheap.test
		"ErrNoPreorder":      1, // nopre.test
		"ErrCollision":       2, // dup.test twice
		"ErrNotOwner":        1, // carol's transfer of bob.test
		"ErrNameNotFound":    1, // bob's update of his revoked name: not among his live names
		"ErrPreorderExpired": 1, // late.tiny
	}
	if !maps.Equal(counts, wantCounts) {
		t.Errorf("rejections %v, want %v", counts, wantCounts)
	}
	if st := c.sync.Status(); len(st.Refused) != 0 || st.Operations < 20 {
		t.Errorf("status %+v", st)
	}
}
