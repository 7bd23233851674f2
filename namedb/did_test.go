package namedb

import (
	"context"
	"fmt"
	"testing"
)

// NameOfDID is the original's get_DID_name: the index-th name an address
// created, as it stands at the end of the life that creation began (after
// updates and transfers, before a re-registration); nothing for a revoked
// name or an index past the address's creations.
func TestNameOfDID(t *testing.T) {
	ctx := context.Background()
	c := newChain(t, testNet())
	p := c.net.Wire
	creator, launcher, alice, bob, carol := newActor(p, "creator"), newActor(p, "launcher"), newActor(p, "alice"), newActor(p, "bob"), newActor(p, "carol")
	c.launch(creator, launcher, "dd", 5)
	c.claim(alice, "a.dd")
	c.claim(alice, "b.dd")
	of := func(addr string, i int) *NameRecord {
		t.Helper()
		r, err := c.db.NameOfDID(ctx, addr, i)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for i, name := range []string{"a.dd", "b.dd"} {
		r := of(alice.addr, i)
		if r == nil || r.Name != name {
			t.Fatalf("alice's DID %d: %+v, want %s", i, r, name)
		}
		did, _, _ := c.db.NameDID(ctx, name)
		if want := fmt.Sprintf("did:stack:v0:%s-%d", alice.addr, i); did != want {
			t.Errorf("%s: DID %s, want %s", name, did, want)
		}
	}
	if r := of(alice.addr, 2); r != nil {
		t.Errorf("alice's DID 2: %+v, want none", r)
	}
	if r := of(bob.addr, 0); r != nil {
		t.Errorf("bob's DID 0: %+v, want none", r)
	}

	c.update(alice, "b.dd", *vh("b's zone"))
	c.mustAccept(c.mine(), 1)
	c.transfer(alice, "b.dd", bob, true)
	c.revoke(alice, "a.dd")
	c.mustAccept(c.mine(), 2)
	if r := of(alice.addr, 1); r == nil || r.Address != bob.addr || r.ValueHash == nil || *r.ValueHash != *vh("b's zone") {
		t.Errorf("b.dd after an update and a transfer: %+v, want bob's record with the new zone file", r)
	}
	if r := of(alice.addr, 0); r != nil {
		t.Errorf("a revoked name: %+v, want none", r)
	}

	// b.dd expires and carol registers it: alice's DID still names its
	// first life (bob's), carol's its second.
	c.mineTo(c.tip() + 5 + 10 + 1)
	c.claim(carol, "b.dd")
	if r := of(alice.addr, 1); r == nil || r.Address != bob.addr {
		t.Errorf("alice's DID 1 after b.dd's re-registration: %+v, want its first life", r)
	}
	if r := of(carol.addr, 0); r == nil || r.Name != "b.dd" || r.Address != carol.addr {
		t.Errorf("carol's DID 0: %+v", r)
	}
	if r := of(alice.addr, -1); r != nil {
		t.Errorf("a negative index: %+v", r)
	}
}
