package namedb

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"
)

// The list, count, stream and status queries the mirror's API asks, on a
// chain with two namespaces, an expired, a revoked and a transferred name.
func TestQueries(t *testing.T) {
	ctx := context.Background()
	c := newChain(t, testNet())
	p := c.net.Wire
	creator, launcher, alice, bob := newActor(p, "creator"), newActor(p, "launcher"), newActor(p, "alice"), newActor(p, "bob")
	c.launch(creator, launcher, "short", 30) // names live 30 blocks (+10 grace)
	c.launch(creator, launcher, "long", InfiniteLifetime)
	c.mineTo(50) // past short's ready_block + lifetime + grace
	c.claim(alice, "old.short")
	expiresAfter := c.tip() + 30 + 10
	c.mineTo(expiresAfter)
	for _, n := range []string{"b.long", "a.long", "c.long", "d.short"} {
		c.preorder(alice, n, alice, 102_400_000)
	}
	c.mustAccept(c.mine(), 4)
	for _, n := range []string{"b.long", "a.long", "c.long", "d.short"} {
		c.register(alice, n, alice, vh("zone of "+n))
	}
	c.mustAccept(c.mine(), 4)
	c.mine() // old.short has now expired
	c.revoke(alice, "c.long")
	c.transfer(alice, "b.long", bob, true)
	c.update(bob, "a.long", *vh("not bob's")) // refused: bob does not own a.long
	res := c.mine()
	c.expect(res, ok, ok, code(ErrNameNotFound))
	opsBlock := c.tip()

	if got := c.owner("old.short"); got != "" {
		t.Fatalf("old.short still owned by %s", got)
	}
	list := func(got []string, err error) []string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	// Live names include revoked ones (they stay taken until they expire).
	if got := list(c.db.AllNames(ctx, 0, 100, false)); !slices.Equal(got, []string{"a.long", "b.long", "c.long", "d.short"}) {
		t.Errorf("all live names %v", got)
	}
	if got := list(c.db.AllNames(ctx, 0, 100, true)); !slices.Equal(got, []string{"a.long", "b.long", "c.long", "d.short", "old.short"}) {
		t.Errorf("all names ever %v", got)
	}
	if got := list(c.db.AllNames(ctx, 1, 2, false)); !slices.Equal(got, []string{"b.long", "c.long"}) {
		t.Errorf("page 1,2 %v", got)
	}
	if got := list(c.db.AllNames(ctx, 10, 2, false)); got == nil || len(got) != 0 {
		t.Errorf("page past the end %v", got)
	}
	if got := list(c.db.NamesInNamespace(ctx, "long", 0, 2)); !slices.Equal(got, []string{"a.long", "b.long"}) {
		t.Errorf("long, first page %v", got)
	}
	if got := list(c.db.NamesInNamespace(ctx, "short", 0, 10)); !slices.Equal(got, []string{"d.short"}) {
		t.Errorf("short %v", got)
	}
	for ns, want := range map[string]int{"": 4, "long": 3, "short": 1, "none": 0} {
		if n, _ := c.db.NameCount(ctx, ns); n != want {
			t.Errorf("count %q = %d, want %d", ns, n, want)
		}
	}
	if got := list(c.db.NamesOwnedBy(ctx, alice.addr)); !slices.Equal(got, []string{"a.long", "c.long", "d.short"}) {
		t.Errorf("alice owns %v", got)
	}
	if got := list(c.db.NamesOwnedBy(ctx, bob.addr)); !slices.Equal(got, []string{"b.long"}) {
		t.Errorf("bob owns %v", got)
	}
	if got := list(c.db.NamesOwnedBy(ctx, "not an address")); got == nil || len(got) != 0 {
		t.Errorf("a bad address owns %v", got)
	}
	if got := c.db.Namespaces(); !slices.Equal(got, []string{"long", "short"}) {
		t.Errorf("namespaces %v", got)
	}
	if ns, ok := c.db.Namespace("short"); !ok || ns.Lifetime != 30 || !ns.Ready {
		t.Errorf("namespace short: %+v %v", ns, ok)
	}
	if _, ok := c.db.Namespace("nope"); ok {
		t.Error("unknown namespace found")
	}

	// Operations of a block, in block order, and the status of each tx.
	ops, err := c.db.BlockOps(ctx, opsBlock)
	if err != nil || len(ops) != 2 {
		t.Fatalf("block ops: %d %v", len(ops), err)
	}
	var first, second struct {
		Opcode, Name string
		KeepData     *bool `json:"keep_data"`
	}
	json.Unmarshal(ops[0], &first)
	json.Unmarshal(ops[1], &second)
	if first.Opcode != "NAME_REVOKE" || first.Name != "c.long" || second.Opcode != "NAME_TRANSFER" || second.KeepData == nil || !*second.KeepData {
		t.Errorf("block ops %s / %s", ops[0], ops[1])
	}
	refused := res.Rejected[0]
	if st, _ := c.db.Tx(ctx, refused.TxID); st == nil || st.Status != "rejected" || st.Code != "ErrNameNotFound" || st.Height != opsBlock {
		t.Errorf("refused tx status %+v", st)
	}
	if st, _ := c.db.Tx(ctx, "00"); st != nil {
		t.Errorf("unknown tx has status %+v", st)
	}

	// Prices for the next block.
	if pr, err := c.db.NamePrice("zz.long"); err != nil || pr.Float <= 0 {
		t.Errorf("name price %v %v", pr, err)
	}
	if _, err := c.db.NamePrice("x.nope"); err == nil {
		t.Error("price in an unknown namespace")
	}
	if pr, err := c.db.NamespacePrice("abc"); err != nil || pr <= 0 {
		t.Errorf("namespace price %v %v", pr, err)
	}
	if _, err := c.db.NamespacePrice("UPPER"); err == nil {
		t.Error("price of an invalid namespace id")
	}
}

// The whitelist is a stream in chain order that a follower resumes from
// its last index; a rewind removes the undone entries and wakes followers.
func TestWhitelistStream(t *testing.T) {
	ctx := context.Background()
	c := newChain(t, testNet())
	p := c.net.Wire
	creator, launcher, alice := newActor(p, "creator"), newActor(p, "launcher"), newActor(p, "alice")
	c.launch(creator, launcher, "wl", InfiniteLifetime)
	c.claim(alice, "a.wl")
	changed := c.db.WhitelistChanged()
	var zones []string
	for i := range 5 {
		z := string(rune('A'+i)) + " zone"
		zones = append(zones, z)
		c.update(alice, "a.wl", *vh(z))
		c.mustAccept(c.mine(), 1)
	}
	select {
	case <-changed:
	case <-time.After(time.Second):
		t.Fatal("no change notification after whitelist additions")
	}
	var got []WhitelistEntry
	for after := int64(0); ; {
		page, err := c.db.WhitelistAfter(ctx, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		got = append(got, page...)
		after = page[len(page)-1].Index
	}
	if len(got) != 5 {
		t.Fatalf("%d entries", len(got))
	}
	for i, e := range got {
		if e.Index != int64(i+1) || e.Hash != *vh(zones[i]) || e.Name != "a.wl" || e.TxID == "" {
			t.Errorf("entry %d: %+v", i, e)
		}
		if i > 0 && e.Height <= got[i-1].Height {
			t.Errorf("entry %d out of chain order", i)
		}
	}
	changed = c.db.WhitelistChanged()
	if err := c.db.Rewind(ctx, got[2].Height); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changed:
	case <-time.After(time.Second):
		t.Fatal("no change notification after a rewind removed entries")
	}
	if n, _ := c.db.WhitelistCount(ctx); n != 3 {
		t.Errorf("count after rewind %d", n)
	}
	for i, z := range zones {
		if ok, _ := c.db.IsWhitelisted(ctx, *vh(z)); ok != (i < 3) {
			t.Errorf("%s whitelisted %v after the rewind", z, ok)
		}
	}
	if rest, _ := c.db.WhitelistAfter(ctx, 3, 10); len(rest) != 0 {
		t.Errorf("entries past the rewind: %v", rest)
	}
}

// A name's stamp changes when a block or a rewind changes the name, and
// only then; its standing is Name's.
func TestNameStamp(t *testing.T) {
	ctx := context.Background()
	c := newChain(t, testNet())
	p := c.net.Wire
	creator, launcher, alice, bob := newActor(p, "creator"), newActor(p, "launcher"), newActor(p, "alice"), newActor(p, "bob")
	c.launch(creator, launcher, "st", 30)
	c.claim(alice, "a.st")
	c.claim(bob, "b.st")
	regB := c.tip()
	a1, ok := c.db.NameStamp("a.st")
	if !ok || a1.Changed != regB-2 {
		t.Fatalf("a.st stamp %+v %v, want changed at %d", a1, ok, regB-2)
	}
	c.mine() // an empty block changes nothing
	if a2, _ := c.db.NameStamp("a.st"); a2.Version != a1.Version {
		t.Errorf("an empty block changed the version: %+v → %+v", a1, a2)
	}
	c.update(alice, "a.st", *vh("new zone"))
	c.mustAccept(c.mine(), 1)
	a3, _ := c.db.NameStamp("a.st")
	b3, _ := c.db.NameStamp("b.st")
	if a3.Version == a1.Version || a3.Changed != c.tip() {
		t.Errorf("after an update: %+v (was %+v)", a3, a1)
	}
	if b3.Changed != regB {
		t.Errorf("b.st changed at %d, want %d", b3.Changed, regB)
	}
	if err := c.db.Rewind(ctx, c.tip()-1); err != nil {
		t.Fatal(err)
	}
	a4, _ := c.db.NameStamp("a.st")
	if a4.Version == a3.Version || a4.Changed != a1.Changed {
		t.Errorf("after the rewind: %+v", a4)
	}
	info, _ := c.db.Name(ctx, "a.st")
	if a4.Status != info.Status || a4.ExpireBlock != info.ExpireBlock || a4.RenewalDeadline != info.RenewalDeadline || a4.GracePeriod != info.GracePeriod {
		t.Errorf("stamp %+v, name %+v", a4, info)
	}
	if _, ok := c.db.NameStamp("nope.st"); ok {
		t.Error("a stamp for a name never created")
	}
}

// A name's DID is its creator's address and the count of names that
// address created before it; a transfer keeps it, a rewind undoes it.
func TestNameDID(t *testing.T) {
	ctx := context.Background()
	c := newChain(t, testNet())
	p := c.net.Wire
	creator, launcher, alice, bob := newActor(p, "creator"), newActor(p, "launcher"), newActor(p, "alice"), newActor(p, "bob")
	c.launch(creator, launcher, "did", InfiniteLifetime)
	c.claim(alice, "a.did")
	c.claim(alice, "b.did")
	c.claim(bob, "c.did")
	did := func(name string) string {
		t.Helper()
		d, ok, err := c.db.NameDID(ctx, name)
		if err != nil || !ok {
			t.Fatalf("%s: %v %v", name, ok, err)
		}
		return d
	}
	for name, want := range map[string]string{"a.did": alice.addr + "-0", "b.did": alice.addr + "-1", "c.did": bob.addr + "-0"} {
		if got := did(name); got != "did:stack:v0:"+want {
			t.Errorf("%s: %s, want did:stack:v0:%s", name, got, want)
		}
	}
	c.transfer(alice, "a.did", bob, true)
	c.mustAccept(c.mine(), 1)
	if got := did("a.did"); got != "did:stack:v0:"+alice.addr+"-0" {
		t.Errorf("after a transfer: %s", got)
	}
	before := c.tip()
	c.claim(alice, "d.did")
	if got := did("d.did"); got != "did:stack:v0:"+alice.addr+"-2" {
		t.Errorf("d.did: %s", got)
	}
	if err := c.db.Rewind(ctx, before); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := c.db.NameDID(ctx, "d.did"); ok {
		t.Error("a rewound registration still has a DID")
	}
	if _, ok, _ := c.db.NameDID(ctx, "never.did"); ok {
		t.Error("a DID for a name never created")
	}
	// An import creates a name for its recipient.
	c.nsPreorder(creator, "imp", launcher, namespaceFee)
	c.mustAccept(c.mine(), 1)
	c.nsReveal(creator, idLike("imp", 100, 1), launcher)
	c.mustAccept(c.mine(), 1)
	c.importName(launcher, "x.imp", bob, *vh("x"))
	c.mustAccept(c.mine(), 1)
	if got := did("x.imp"); got != "did:stack:v0:"+bob.addr+"-1" {
		t.Errorf("x.imp: %s, want bob's second creation", got)
	}
}

// A database opened on existing blocks answers the name lists before it
// commits a block of its own (generation 0): the devnet's resumed mirror
// answered GET /v1/names?page=0 with a panic ("assignment to entry in nil
// map") until its first new block.
func TestNameListsBeforeTheFirstCommit(t *testing.T) {
	ctx := context.Background()
	n := testNet()
	c := newChain(t, n)
	p := c.net.Wire
	creator, launcher, alice := newActor(p, "creator"), newActor(p, "launcher"), newActor(p, "alice")
	c.launch(creator, launcher, "test", 100)
	c.claim(alice, "foo.test")
	dir := c.dir
	c.db.Close()
	db, err := Open(ctx, dir, n)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	names, err := db.AllNames(ctx, 0, 100, false)
	if err != nil || !slices.Equal(names, []string{"foo.test"}) {
		t.Fatalf("names %v, %v", names, err)
	}
	if k, err := db.NameCount(ctx, "test"); err != nil || k != 1 {
		t.Fatalf("count %d, %v", k, err)
	}
}
