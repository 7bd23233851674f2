package scenario_test

import (
	"strings"
	"testing"

	"github.com/zonemirror/zonemirror/internal/scenario"
)

// The five wallets most scenarios use.
var (
	w5JesPi = "5JesPiN68qt44Hc2nT8qmyZ1JDwHebfoh9KQ52Lazb1m1LaKNj9"
	w5KHqsi = "5KHqsiU9qa77frZb6hQy9ocV7Sus9RWJcQGYYBJJBb2Efj1o77e"
	w5Kg5kJ = "5Kg5kJbQHvk1B64rJniEmgbD83FpZpbw2RjdAZEzTefs9ihN3Bz"
	w5JuVso = "5JuVsoS9NauksSkqEjbUZxWwgGDQbMwPsEfoRBSpLpgDX1RtLX7"
	w5KEpiS = "5KEpiSRr1BrT8vRD7LKGCEmudokTh1iMHbiThMQpLdwBwhDJB1T"
)

// stdWallets are the five wallets most scenarios list, in their order.
func stdWallets() []*scenario.W {
	return []*scenario.W{scenario.Wallet(w5JesPi), scenario.Wallet(w5KHqsi), scenario.Wallet(w5Kg5kJ),
		scenario.Wallet(w5JuVso), scenario.Wallet(w5KEpiS)}
}

// burnAddress is config.py's BLOCKSTACK_BURN_ADDRESS.
const burnAddress = "1111111111111111111114oLvT2"

// idBuckets are the bucket exponents of .id, which most scenarios reveal.
var idBuckets = []int{6, 5, 4, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}

func hx(b string, n int) string { return strings.Repeat(b, n) }

// readyNamespace is the three blocks most scenarios open with:
// testlib.blockstack_namespace_preorder(id, wallets[1].addr,
// wallets[0].privkey), the reveal with the .id price function
// (lifetime, 250, 4, idBuckets, 10, 10) and wallets[1]'s ready.
func readyNamespace(s *scenario.S, id string, lifetime uint32) {
	w := s.Wallets
	s.NamespacePreorder(id, w[1].Addr, w[0])
	s.NextBlock()
	s.NamespaceReveal(id, w[1].Addr, lifetime, 250, 4, idBuckets, 10, 10, w[0])
	s.NextBlock()
	s.NamespaceReady(id, w[1])
	s.NextBlock()
}

// checkNamespaceReady is the check most scenarios open with: the
// namespace is no longer a reveal, it is ready, with its id.
func checkNamespaceReady(t *testing.T, s *scenario.S, id string) {
	t.Helper()
	if s.GetNamespaceReveal(id) != nil {
		t.Fatalf("%q still revealed", id)
	}
	ns := s.GetNamespace(id)
	if ns == nil || ns.S("namespace_id") != id {
		t.Fatalf("%q not ready: %v", id, ns)
	}
}

// checkOwner fails t unless rec is owned by addr (address and sender).
func checkOwner(t *testing.T, rec scenario.Rec, addr string) {
	t.Helper()
	if rec == nil {
		t.Fatal("name does not exist")
	}
	if rec.S("address") != scenario.AddrReencode(addr) || rec.S("sender") != scenario.PaymentScript(addr) {
		t.Fatalf("owned by %s (%s), want %s", rec.S("address"), rec.S("sender"), addr)
	}
}
