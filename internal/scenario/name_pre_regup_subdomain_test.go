package scenario_test

import (
	"encoding/base64"
	"fmt"
	"slices"
	"sort"
	"testing"

	"github.com/zonemirror/zonemirror/internal/scenario"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// The subdomain scenarios (name_pre_regup_subdomain*): names foo1..3.test
// (and foo4..7.test) registered under "test" by wallets[2] for
// wallets[3], whose zone files carry subdomain records of bar.fooK.test
// owned (and signed) by wallets[4] and later owners. Their TEST ENV is
// regupEnv's. The layer hands namedb the zone files the scenario pushed
// after each block (scenario.S.NextBlock), as the original's node indexed
// them.

// The URIs of the subdomains' own zone files.
const subURL0 = `_https._tcp URI 10 1 "https://raw.githubusercontent.com/nobody/content/profile.md"`

// subURL is '_https._tcp URI 10 1 "https://test.com/?index={i}"'.
func subURL(i int) string { return fmt.Sprintf(`_https._tcp URI 10 1 "https://test.com/?index=%d"`, i) }

// foo is fooK.test; bar is bar.fooK.test.
func foo(k int) string { return fmt.Sprintf("foo%d.test", k) }
func bar(k int) string { return fmt.Sprintf("bar.foo%d.test", k) }

// subZF is the scenarios' usual name zone file:
// zf_template.format(carrier, make_subdomain_txt(fqn, carrier, owner,
// seq, zf_template.format(fqn, url), signer)).
func subZF(carrier, fqn, owner string, seq int64, url string, signer *scenario.W) string {
	return scenario.ZoneFile(carrier, scenario.MakeSubdomainTXT(fqn, carrier, owner, seq, scenario.ZoneFile(fqn, url), signer))
}

// zfHash is storage.get_zonefile_data_hash.
func zfHash(z string) string { return wire.SumHash160([]byte(z)).String() }

// subStart starts a subdomain scenario with the five usual wallets (and
// extra ones), readies "test" (689-691) and preorders foo1..n.test by
// wallets[2] for wallets[3] (692).
func subStart(t *testing.T, n int, extra ...*scenario.W) *scenario.S {
	t.Helper()
	s := scenario.Start(t, regupEnv, append(stdWallets(), extra...)...)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	for k := 1; k <= n; k++ {
		s.NamePreorder(foo(k), w[2], w[3].Addr)
	}
	s.NextBlock()
	return s
}

// registerFoos registers foo1..3.test with the hashes of zfs[k-1] and,
// per dummy, foo4..7.test with '11'*20 ("11") or with no zone-file hash
// ("").
func registerFoos(s *scenario.S, zfs []string, dummy ...string) {
	w := s.Wallets
	for k, z := range zfs {
		s.NameRegister(foo(k+1), w[2], w[3].Addr, scenario.ZonefileHash(zfHash(z)))
	}
	for i, d := range dummy {
		if d == "" {
			s.NameRegister(foo(len(zfs)+i+1), w[2], w[3].Addr)
		} else {
			s.NameRegister(foo(len(zfs)+i+1), w[2], w[3].Addr, scenario.ZonefileHash(d))
		}
	}
}

// put is `assert testlib.blockstack_put_zonefile(z)` for each z.
func put(t *testing.T, s *scenario.S, zs ...string) {
	t.Helper()
	for _, z := range zs {
		if !s.PutZonefile(z) {
			t.Fatalf("at %d: zone file %s not stored (its hash is not on the whitelist)", s.GetCurrentBlock(), zfHash(z))
		}
	}
}

// updateAll sends one NAME_UPDATE per zone file: of name names[i] (or
// names[0] for every one when there is a single name), by wallets[3].
func updateAll(s *scenario.S, zfs []string, names ...string) {
	for i, z := range zfs {
		n := names[0]
		if len(names) > 1 {
			n = names[i]
		}
		s.NameUpdate(n, zfHash(z), s.Wallets[3])
	}
}

// querySub is the scenarios' query of a subdomain:
// client.get_name_record(fqn) has no error, its zone file is want, and
// the node serves that zone file by its hash (blockstack_get_zonefile).
func querySub(t *testing.T, s *scenario.S, fqn, want string) scenario.Rec {
	t.Helper()
	res := s.GetSubdomain(fqn)
	if res["error"] != nil {
		t.Fatalf("at %d: get_name_record(%s): %v", s.GetCurrentBlock(), fqn, res)
	}
	zf, err := base64.StdEncoding.DecodeString(res.S("zonefile"))
	if err != nil || string(zf) != want {
		t.Fatalf("at %d: %s: zone file %q, want %q", s.GetCurrentBlock(), fqn, zf, want)
	}
	atlas, ok := s.GetZonefile(res.S("value_hash"))
	if !ok {
		t.Fatalf("at %d: %s: no zone file %s in atlas", s.GetCurrentBlock(), fqn, res.S("value_hash"))
	}
	if atlas != want {
		t.Fatalf("at %d: %s: zone file in atlas %q, want %q", s.GetCurrentBlock(), fqn, atlas, want)
	}
	return res
}

// queryBars is querySub of bar.foo1..3.test with their zone files of url.
func queryBars(t *testing.T, s *scenario.S, url string) []scenario.Rec {
	t.Helper()
	var out []scenario.Rec
	for k := 1; k <= 3; k++ {
		out = append(out, querySub(t, s, bar(k), scenario.ZoneFile(bar(k), url)))
	}
	return out
}

// wantSub fails t unless the record's field is want.
func wantSub(t *testing.T, s *scenario.S, rec scenario.Rec, field string, want any) {
	t.Helper()
	var got any
	switch want.(type) {
	case int:
		got = int(rec.I(field))
	case string:
		got = rec.S(field)
	case bool:
		got = rec.B(field)
	}
	if got != want {
		t.Fatalf("at %d: %s: %s %v, want %v (%v)", s.GetCurrentBlock(), rec["name"], field, got, want, rec)
	}
}

// checkSubNames is the check() of the subdomain scenarios: "test" is
// ready, and foo1..3.test are not preordered, registered, owned by
// wallets[3].
func checkSubNames(t *testing.T, s *scenario.S, names ...string) {
	t.Helper()
	w := s.Wallets
	checkNamespaceReady(t, s, "test")
	if len(names) == 0 {
		names = fooNames
	}
	for _, n := range names {
		checkRegistered(t, s, n, w[2], w[3].Addr, w[3].Addr)
	}
}

// checkSubList is the REST part of the batch scenarios' check(): GET
// /v1/subdomains?page=0 lists bar.foo1..3.test and GET
// /v1/blockchains/bitcoin/subdomains_count counts 3 — asked of the
// state those routes answer from (AllSubdomains(0, 100),
// SubdomainsCount()).
func checkSubList(t *testing.T, s *scenario.S) {
	t.Helper()
	names := s.AllSubdomains(0, 100)
	for k := 1; k <= 3; k++ {
		if !slices.Contains(names, bar(k)) {
			t.Fatalf("/v1/subdomains?page=0: %v, want %s in it", names, bar(k))
		}
	}
	if n := s.SubdomainsCount(); n != 3 {
		t.Fatalf("subdomains_count: %d, want 3", n)
	}
}

// historyByBlock is the history of get_name_record(fqn,
// include_history=True) in the scenarios' sorted(history) order.
func historyByBlock(s *scenario.S, fqn string) ([]int64, [][]scenario.Rec) {
	hist := s.GetSubdomainHistory(fqn)
	var blocks []int64
	for b := range hist {
		blocks = append(blocks, b)
	}
	sort.Slice(blocks, func(i, j int) bool { return fmt.Sprint(blocks[i]) < fmt.Sprint(blocks[j]) })
	var recs [][]scenario.Rec
	for _, b := range blocks {
		recs = append(recs, hist[b])
	}
	return blocks, recs
}

// seq0ZFs are the registration zone files most scenarios use: bar.fooK
// at sequence 0, owned and signed by wallets[4], URL0.
func seq0ZFs(s *scenario.S) []string {
	w := s.Wallets
	var zfs []string
	for k := 1; k <= 3; k++ {
		zfs = append(zfs, subZF(foo(k), bar(k), w[4].Addr, 0, subURL0, w[4]))
	}
	return zfs
}

// seqZFs are the update zone files of bar.foo1..3 at sequence seq with
// url, owned and signed by wallets[4], carried by fooK.test itself or,
// when carrier is set, by carrier (independent records).
func seqZFs(s *scenario.S, seq int64, url, carrier string) []string {
	w := s.Wallets
	var zfs []string
	for k := 1; k <= 3; k++ {
		c := foo(k)
		if carrier != "" {
			c = carrier
		}
		zfs = append(zfs, subZF(c, bar(k), w[4].Addr, seq, url, w[4]))
	}
	return zfs
}

// name_pre_regup_subdomain: three names registered with zone files that
// create a subdomain each; pushed, they index in the next block.
func TestNamePreRegupSubdomain(t *testing.T) {
	t.Parallel()
	regupSubdomain(t)
}

// name_pre_regup_subdomain_reindex: the same scenario as
// name_pre_regup_subdomain (the file differs by an import).
func TestNamePreRegupSubdomainReindex(t *testing.T) {
	t.Parallel()
	regupSubdomain(t)
}

func regupSubdomain(t *testing.T) {
	s := subStart(t, 3)
	w := s.Wallets
	zfs := seq0ZFs(s)
	registerFoos(s, zfs)
	s.NextBlock()
	for k, z := range zfs {
		whoisIs(t, s, foo(k+1), zfHash(z), w[3].Addr)
		put(t, s, z)
	}
	s.NextBlock() // kick off subdomain indexing
	queryBars(t, s, subURL0)
	s.CheckSubdomainDB()

	checkSubNames(t, s)
}
