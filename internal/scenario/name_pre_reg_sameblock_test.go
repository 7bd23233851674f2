package scenario_test

import (
	"fmt"
	"testing"

	"github.com/zonemirror/zonemirror/internal/scenario"
)

// name_pre_reg_sameblock: a preorder and its registration in one block
// register the name.
func TestNamePreRegSameblock(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()

	h5CheckRegistered(t, s, "test", "foo.test", w[2], w[3].Addr)
}

// name_pre_reg_dup_sameblock: two wallets preorder and register the same
// name in one block (preorder, preorder, register, register): one of
// them gets it.
func TestNamePreRegDupSameblock(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NamePreorder("foo.test", w[4], w[3].Addr)
	s.NamePreorder("foo.test", w[3], w[2].Addr)
	s.NameRegister("foo.test", w[4], w[3].Addr)
	s.NameRegister("foo.test", w[3], w[2].Addr)
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	if p := s.GetNamePreorder("foo.test", scenario.PaymentScript(w[2].Addr), w[3].Addr); p != nil {
		t.Fatalf("preordered: %v", p)
	}
	rec := s.GetName("foo.test")
	if rec == nil {
		t.Fatal("foo.test does not exist")
	}
	found := false
	for _, i := range []int{2, 3} {
		if rec.S("address") == w[i].Addr || rec.S("sender") == scenario.PaymentScript(w[i].Addr) {
			found = true
			break
		}
	}
	if !found {
		t.Fatalf("foo.test owned by %s (%s), want wallets[2] or wallets[3]", rec.S("address"), rec.S("sender"))
	}
}

// name_pre_reg_sameblock_quota: 25 names preordered and registered in one
// block by four payers for one owner; a 26th then fails the quota.
func TestNamePreRegSameblockQuota(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, append(stdWallets(),
		scenario.Wallet("5JBqjuDb4dDY4cXUp4R5iXMAzqbfUQwHVUEvGT4UDSSLrr8eb7u"),
		scenario.Wallet("5Hy8Rxvu2kUhGhvEumqwzchbFchBUNg72pUNAYQPVPqFuz26Vjz"),
		scenario.Wallet("5JeJEnD2sf6JFwXKqCcyTuwxD3jX42KwgvJ1zg5C5jHe447hoPx"),
		scenario.Wallet("5JKspSDXEU41hu1B3phmJP4carESgqMHkUwr8eyaNCGSH13cyLh"))...)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	for i := range 25 {
		name := fmt.Sprintf("foo%d.test", i)
		s.NamePreorder(name, w[2+i%4], w[3].Addr)
		s.NameRegister(name, w[2+i%4], w[3].Addr)
	}
	s.NextBlock()
	// safety_checks=False
	s.NamePreorder("bar.test", w[2], w[3].Addr)
	s.NextBlock()
	// safety_checks=False
	s.NameRegister("bar.test", w[2], w[3].Addr)
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	for i := range 25 {
		name := fmt.Sprintf("foo%d.test", i)
		rec := s.GetName(name)
		if rec == nil {
			t.Errorf("missing %s", name)
			continue
		}
		if rec.S("address") != w[3].Addr || rec.S("sender") != scenario.PaymentScript(w[3].Addr) {
			t.Errorf("%s not owned by %s: %s", name, w[3].Addr, rec.S("address"))
		}
	}
	for _, name := range []string{"foo26.test", "bar.test"} {
		if rec := s.GetName(name); rec != nil {
			t.Errorf("%s exists: %v", name, rec)
		}
	}
}

// name_pre_reg_quota_sameblock: 26 preorders for one owner, then 25
// registrations and a registration of a name never preordered, in one
// block; the owner is then at the quota, so the client refuses a 27th
// preorder and registration, which sent without safety checks fail.
func TestNamePreRegQuotaSameblock(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	for i := range 26 {
		s.NamePreorder(fmt.Sprintf("foo%d.test", i), w[2+i%2], w[3].Addr)
	}
	s.NextBlock()
	for i := range 25 {
		s.NameRegister(fmt.Sprintf("foo%d.test", i), w[2+i%2], w[3].Addr)
	}
	s.NameRegister("foo26.test", w[2], w[3].Addr)
	s.NextBlock()
	// the client refuses bar.test's preorder (expect_fail: wallets[3] owns
	// 25 names, addressCanReceiveName is false): nothing sent
	if n := len(s.NamesOwnedBy(w[3].Addr)); n < 25 {
		t.Fatalf("the client would not refuse bar.test's preorder: wallets[3] owns %d names", n)
	}
	// safety_checks=False
	s.NamePreorder("bar.test", w[2], w[3].Addr)
	s.NextBlock()
	// the client refuses bar.test's registration (expect_fail, for the
	// same reason): nothing sent; then safety_checks=False
	if n := len(s.NamesOwnedBy(w[3].Addr)); n < 25 {
		t.Fatalf("the client would not refuse bar.test's registration: wallets[3] owns %d names", n)
	}
	s.NameRegister("bar.test", w[2], w[3].Addr)
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	for i := range 25 {
		name := fmt.Sprintf("foo%d.test", i)
		rec := s.GetName(name)
		if rec == nil {
			t.Errorf("missing %s", name)
			continue
		}
		if rec.S("address") != w[3].Addr || rec.S("sender") != scenario.PaymentScript(w[3].Addr) {
			t.Errorf("%s not owned by %s: %s", name, w[3].Addr, rec.S("address"))
		}
	}
	for _, name := range []string{"foo26.test", "bar.test"} {
		if rec := s.GetName(name); rec != nil {
			t.Errorf("%s exists: %v", name, rec)
		}
	}
}
