package namedb

import (
	"errors"
	"math"
	"testing"

	"github.com/zonemirror/zonemirror/namedb/netparams"
)

// The prices the API answers are the original's get_name_cost and
// get_namespace_cost: at the last processed block's epoch (not the next
// block's), rounded up, in the units of the namespace or epoch; a name in a
// revealed namespace is priced until its reveal expires.
func TestCostAsTheOriginalAnswers(t *testing.T) {
	c := newChain(t, epochNet())
	p := c.net.Wire
	creator, launcher := newActor(p, "creator"), newActor(p, "launcher")
	// a non-alpha discount of 3 makes float prices with a fraction
	ep := idLike("ep", 20, 1)
	ep.NonalphaDiscount = 3
	c.nsPreorder(creator, "ep", launcher, namespaceFee)
	c.nsPreorder(launcher, "rv", creator, namespaceFee)
	c.mustAccept(c.mine(), 2)
	c.nsReveal(creator, ep, launcher)
	c.nsReveal(launcher, idLike("rv", 20, 1), creator)
	c.mustAccept(c.mine(), 2) // block 2: both revealed
	if _, err := c.db.NameCost("a1.rv"); err != nil {
		t.Fatalf("a name in a revealed namespace: %v", err)
	}
	c.nsReady(launcher, "ep")
	c.mustAccept(c.mine(), 1)

	c.mineTo(2 + c.net.NamespaceRevealExpire)
	if _, err := c.db.NameCost("a1.rv"); !errors.Is(err, ErrNoNamespace) {
		t.Errorf("a name in a namespace whose reveal expired: %v, want ErrNoNamespace", err)
	}
	if _, err := c.db.NameCost("a1.nope"); !errors.Is(err, ErrNoNamespace) {
		t.Errorf("a name in no namespace: %v", err)
	}

	// Block 60 ends epoch 2; the next block is epoch 3 (prices ×0.1). The
	// answer is epoch 2's price, rounded up.
	c.mineTo(60)
	f := priceFunction(c.db.namespaces["ep"].Namespace)
	atTip := netparams.NamePrice(c.net, c.net.EpochAt(60), f, "a1")
	if atTip.IsInt || atTip.Float == math.Floor(atTip.Float) {
		t.Fatalf("the test wants a price with a fraction, got %+v", atTip)
	}
	cost, err := c.db.NameCost("a1.ep")
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(atTip.Float) + 1; cost.Amount != want || cost.Units != UnitsBTC {
		t.Errorf("cost at block 60: %+v, want %d BTC (epoch 2's %v rounded up)", cost, want, atTip.Float)
	}
	next, _ := c.db.NamePrice("a1.ep")
	if next.Ceil() == cost.Amount {
		t.Errorf("next block's price %v equals the tip's: the epochs did not differ", next)
	}
	ns, err := c.db.NamespaceCost("abc")
	if err != nil || ns.Units != UnitsBTC || ns.Amount != c.net.EpochAt(60).NamespacePrices[3] {
		t.Errorf("namespace cost in epoch 2: %+v %v", ns, err)
	}

	// From epoch 4 namespaces are priced in µSTX; names of a version-1
	// namespace stay in BTC.
	c.mineTo(101)
	if ns, _ := c.db.NamespaceCost("abc"); ns.Units != UnitsStacks || ns.Amount != c.net.EpochAt(101).NamespacePrices[3] {
		t.Errorf("namespace cost in epoch 4: %+v", ns)
	}
	if cost, _ := c.db.NameCost("a1.ep"); cost.Units != UnitsBTC {
		t.Errorf("name cost in epoch 4: %+v", cost)
	}
	if _, err := c.db.NamespaceCost("UPPER"); err == nil {
		t.Error("cost of an invalid namespace id")
	}
}
