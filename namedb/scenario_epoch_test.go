package namedb

import (
	"context"
	"testing"

	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// epochNet is a devnet with mainnet's four epoch transitions squeezed into
// 100 blocks: epoch 1 to block 30 (lifetime ×1, no grace), epoch 2 to 60
// (×2, p2sh), epoch 3 to 100 (grace 10, prices ×0.1, value hashes), then
// epoch 4 (STACKS-priced tokens, consensus hash not claimed).
func epochNet() *netparams.Network {
	n := testNet()
	e3 := n.Epochs[0]
	e1, e2, e4 := e3, e3, e3
	e1.End, e1.Rules, e1.LifetimeMultiplier, e1.GracePeriod, e1.NamePriceMultiplier = 30, wire.Epoch1, 1, 0, 1.0
	e2.End, e2.Rules, e2.LifetimeMultiplier, e2.GracePeriod, e2.NamePriceMultiplier = 60, wire.Epoch2, 2, 0, 1.0
	e3.End, e3.LifetimeMultiplier, e3.GracePeriod = 100, 2, 10
	e4.End, e4.Rules, e4.NamePriceMultiplier, e4.NamePriceDivisor = 0, wire.Epoch4, 0, 10
	n.Epochs = []netparams.Epoch{e1, e2, e3, e4}
	if err := n.Validate(); err != nil {
		panic(err)
	}
	return n
}

// The rules that change at each epoch boundary, with the name's expiry
// recomputed at the block the question is asked (PROTOCOL.md §7.2).
func TestScenarioEpochTransitions(t *testing.T) {
	ctx := context.Background()
	c := newChain(t, epochNet())
	p := c.net.Wire
	creator, launcher, alice, bob := newActor(p, "creator"), newActor(p, "launcher"), newActor(p, "alice"), newActor(p, "bob")
	vault := p2shActor(p, "vault")
	c.launch(creator, launcher, "ep", 20) // blocks 1-3, epoch 1

	// Epoch 1: no p2sh recipient, no value hash in a registration, and a
	// revealed id cannot be revealed again.
	c.preorder(alice, "a.ep", vault, 102_400_000)
	c.preorder(alice, "b.ep", alice, 102_400_000)
	c.nsPreorder(bob, "ep", bob, namespaceFee)
	c.mustAccept(c.mine(), 3)
	c.register(alice, "a.ep", vault, nil)
	c.register(alice, "b.ep", alice, vh("too early"))
	c.nsReveal(bob, idLike("ep", 20, 1), bob)
	c.expect(c.mine(), code(ErrNotInEpoch), code(ErrNotInEpoch), code(ErrNamespaceExists))
	c.register(alice, "b.ep", alice, nil)
	c.mustAccept(c.mine(), 1)
	reg := c.tip() // 6
	info, _ := c.db.Name(ctx, "b.ep")
	if info.ExpireBlock != reg+20 || info.RenewalDeadline != reg+20 {
		t.Fatalf("epoch 1 deadlines %d/%d, want %d (lifetime ×1, no grace)", info.ExpireBlock, info.RenewalDeadline, reg+20)
	}
	// The name expires in epoch 1 (alive through last_renewed + L·M,
	// PROTOCOL.md §7.3) ...
	c.mineTo(reg + 21)
	if c.owner("b.ep") != "" {
		t.Fatalf("b.ep alive at %d, past its epoch-1 expiry", c.tip())
	}
	// ... and is alive again in epoch 2, where lifetimes doubled.
	c.mineTo(31)
	info, _ = c.db.Name(ctx, "b.ep")
	if info.Status != StatusRegistered || info.ExpireBlock != reg+40 {
		t.Fatalf("epoch 2: %s, expires %d, want registered until %d", info.Status, info.ExpireBlock, reg+40)
	}

	// Epoch 2: p2sh recipients; still no renewal to a new owner.
	price2, err := c.db.NamePrice("d.ep")
	if err != nil {
		t.Fatal(err)
	}
	c.register(alice, "a.ep", vault, nil) // its epoch-1 preorder is still pending
	c.renew(alice, "b.ep", bob, 102_400_000, nil)
	c.expect(c.mine(), ok, code(ErrNotInEpoch))
	if c.owner("a.ep") != vault.addr {
		t.Fatal("p2sh recipient refused in epoch 2")
	}
	// A fee enough for epoch 3 prices (×0.1) is too low in epoch 2.
	c.preorder(alice, "d.ep", alice, int64(price2.Float/10)+1)
	c.mustAccept(c.mine(), 1)
	c.register(alice, "d.ep", alice, nil)
	c.expect(c.mine(), code(ErrFeeTooLow))

	// Epoch 3: prices ×0.1, registration with a value hash, renewal to a
	// new owner, a grace period.
	c.mineTo(61)
	price3, _ := c.db.NamePrice("d.ep")
	if got, want := price3.Float, price2.Float*0.1; got < want*0.999 || got > want*1.001 {
		t.Errorf("epoch 3 price %v, want %v × 0.1", got, price2.Float)
	}
	c.preorder(alice, "d.ep", alice, int64(price3.Float)+1) // d.ep's refused registration left one pending
	c.preorder(alice, "e.ep", alice, 102_400_000)
	c.expect(c.mine(), code(ErrPreorderExists), ok)
	// d.ep's preorder is from epoch 2 and priced there (PROTOCOL.md §5.2).
	c.register(alice, "d.ep", alice, nil)
	c.register(alice, "e.ep", alice, vh("epoch 3 zone"))
	c.expect(c.mine(), code(ErrFeeTooLow), ok)
	c.renew(alice, "e.ep", bob, 102_400_000, vh("renewed to bob"))
	c.mustAccept(c.mine(), 1)
	if c.owner("e.ep") != bob.addr {
		t.Fatal("renewal to a new owner refused in epoch 3")
	}
	info, _ = c.db.Name(ctx, "e.ep")
	if info.RenewalDeadline != info.ExpireBlock+10 {
		t.Errorf("epoch 3 grace: deadlines %d/%d", info.ExpireBlock, info.RenewalDeadline)
	}
	for _, h := range []int64{60, 61} {
		v, _, err := c.db.get(blockKey(h))
		r, derr := decodeBlock(blockKey(h), v)
		if err != nil || derr != nil || !r.verified {
			t.Errorf("block %d of epoch 2/3: verified %v %v %v", h, r.verified, err, derr)
		}
	}

	// Epoch 4: token amounts are refused (zonemirror keeps no token
	// accounts), and consensus hashes are no longer claimed.
	c.mineTo(100)
	fee := uint64(1000)
	op := c.preorder(alice, "f.ep", alice, 102_400_000)
	var units wire.TokenUnits
	copy(units[:], "STACKS")
	op.Op.(*wire.NamePreorder).TokenFee, op.Op.(*wire.NamePreorder).TokenUnits = &fee, &units
	c.nsPreorder(alice, "tok", alice, namespaceFee)
	c.preorder(alice, "g.ep", alice, 102_400_000)
	res := c.mine()
	c.expect(res, code(ErrTokens), code(ErrTokens), ok)
	if res.Verified {
		t.Error("an epoch-4 block's consensus hash is marked verified")
	}
	c.register(alice, "g.ep", alice, vh("epoch 4 zone"))
	c.mustAccept(c.mine(), 1)
	if ok, _ := c.db.IsWhitelisted(ctx, *vh("epoch 4 zone")); !ok {
		t.Error("a BTC-paid epoch-4 registration is not whitelisted")
	}
}
