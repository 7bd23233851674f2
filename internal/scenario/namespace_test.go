package scenario_test

import (
	"testing"

	"github.com/zonemirror/zonemirror/internal/scenario"
)

// namespace_preorder_reveal_import_multi_multikey_ready
func TestNamespacePreorderRevealImportMultiMultikeyReady(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, scenario.Wallet(w5JesPi), scenario.Wallet(w5KHqsi), scenario.Wallet(w5KEpiS))
	w := s.Wallets
	s.NamespacePreorder("test", w[1].Addr, w[0])
	s.NextBlock()
	s.NamespaceReveal("test", w[1].Addr, 52595, 250, 4, idBuckets, 10, 10, w[0])
	s.NextBlock()
	// derive importer keys and do imports: always the reveal key, then
	// its children
	keys := []*scenario.W{w[1]}
	for i := range uint32(3) {
		child := s.Adopt(w[1].Child(i))
		s.SendFunds(w[1], 100000000, child.Addr)
		s.NextBlock()
		keys = append(keys, child)
	}
	s.NameImport("foo.test", scenario.AddrReencode("1BKufFedDrueBBFBXtiATB2PSdsBGZxf3N"), hx("11", 20), w[1])
	s.NextBlock()
	s.NameImport("foo.test", scenario.AddrReencode("1ARVjrtKnUVWt2GNrpuFLnNCL2WGUhKdkW"), hx("33", 20), keys[2])
	s.NextBlock()
	s.NameImport("foo.test", scenario.AddrReencode("1PYu4vKB3g2QLDFdurxqYSJ9aJSed7tne1"), hx("22", 20), keys[1])
	s.NextBlock()
	s.NamespaceReady("test", w[1])
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	foo := s.GetName("foo.test")
	if foo == nil || foo.S("value_hash") != hx("22", 20) {
		t.Fatalf("foo.test %v", foo)
	}
	checkOwner(t, foo, "1PYu4vKB3g2QLDFdurxqYSJ9aJSed7tne1")
}
