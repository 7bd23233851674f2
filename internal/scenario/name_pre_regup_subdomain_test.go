package scenario_test

import (
	"encoding/base64"
	"fmt"
	"slices"
	"sort"
	"strings"
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

// name_pre_regup_subdomain_alreadycached: the names' first zone files
// (the creations) are withheld while three updates are pushed; they
// reach the node last — written straight into its Atlas directory, which
// it notices — and the subdomains end at sequence 3.
func TestNamePreRegupSubdomainAlreadycached(t *testing.T) {
	t.Parallel()
	s := subStart(t, 3)
	initial := seq0ZFs(s)
	registerFoos(s, initial)
	s.NextBlock()
	for i := 1; i <= 3; i++ {
		zfs := seqZFs(s, int64(i), subURL(i), "")
		updateAll(s, zfs, fooNames...)
		s.NextBlock()
		put(t, s, zfs...)
	}
	s.NextBlock() // kick off subdomain indexing (nothing should happen)
	// store_atlas_zonefile_data + sleep(10): the node finds them and
	// indexes them in the next block, as a push
	put(t, s, initial...)
	s.NextBlock()
	queryBars(t, s, subURL(3))
	s.CheckSubdomainDB()

	checkSubNames(t, s)
}

// batchScenario is the block layout of the batch scenarios: the
// creations registered (693), then updates at sequence 1..3 in 694..696
// — dup: each name updated twice per block with the same zone file;
// indep: the three updates of block 694+i are of foo(i+4).test, carrying
// independent records — and the zone-file batches it made, in order.
func batchScenario(t *testing.T, s *scenario.S, dup, indep bool) [][]string {
	t.Helper()
	batches := [][]string{seq0ZFs(s)}
	if indep {
		registerFoos(s, batches[0], hx("11", 20), hx("11", 20), hx("11", 20), hx("11", 20))
	} else {
		registerFoos(s, batches[0])
	}
	s.NextBlock()
	for i := 0; i < 3; i++ {
		if indep {
			zfs := seqZFs(s, int64(i+1), subURL(i+1), foo(i+4))
			batches = append(batches, zfs)
			updateAll(s, zfs, foo(i+4))
		} else {
			zfs := seqZFs(s, int64(i+1), subURL(i+1), "")
			batches = append(batches, zfs)
			updateAll(s, zfs, fooNames...)
			if dup {
				updateAll(s, zfs, fooNames...) // duplicate entries!
			}
		}
		s.NextBlock()
	}
	return batches
}

// name_pre_regup_subdomain_batch: all zone files arrive together after
// the last update; the subdomains end at sequence 3. check()'s REST
// calls are asked of the state they answer from (checkSubList).
func TestNamePreRegupSubdomainBatch(t *testing.T) {
	t.Parallel()
	s := subStart(t, 3)
	for _, b := range batchScenario(t, s, false, false) {
		put(t, s, b...)
	}
	s.NextBlock()
	queryBars(t, s, subURL(3))
	s.CheckSubdomainDB()

	checkSubNames(t, s)
	checkSubList(t, s)
}

// name_pre_regup_subdomain_batch_dup: as _batch, each update sent twice
// in its block (two whitelist entries of one zone file).
func TestNamePreRegupSubdomainBatchDup(t *testing.T) {
	t.Parallel()
	s := subStart(t, 3)
	for _, b := range batchScenario(t, s, true, false) {
		put(t, s, b...)
	}
	s.NextBlock()
	queryBars(t, s, subURL(3))
	s.CheckSubdomainDB()

	checkSubNames(t, s)
	checkSubList(t, s)
}

// name_pre_regup_subdomain_batch_independent: the updates are
// independent records carried by foo4..6.test (three updates of one name
// per block); the current records come from foo6.test.
func TestNamePreRegupSubdomainBatchIndependent(t *testing.T) {
	t.Parallel()
	s := subStart(t, 7)
	for _, b := range batchScenario(t, s, false, true) {
		put(t, s, b...)
	}
	s.NextBlock()
	for _, res := range queryBars(t, s, subURL(3)) {
		wantSub(t, s, res, "domain", "foo6.test")
	}
	s.CheckSubdomainDB()

	checkSubNames(t, s)
}

// name_pre_regup_subdomain_batch_reversed: the zone-file batches arrive
// newest first, one block apart.
func TestNamePreRegupSubdomainBatchReversed(t *testing.T) {
	t.Parallel()
	s := subStart(t, 3)
	batches := batchScenario(t, s, false, false)
	for i := len(batches) - 1; i >= 0; i-- {
		put(t, s, batches[i]...)
		s.NextBlock()
	}
	queryBars(t, s, subURL(3))
	s.CheckSubdomainDB()

	checkSubNames(t, s)
}

// name_pre_regup_subdomain_batch_reversed_independent: _batch_reversed
// with _batch_independent's updates.
func TestNamePreRegupSubdomainBatchReversedIndependent(t *testing.T) {
	t.Parallel()
	s := subStart(t, 7)
	batches := batchScenario(t, s, false, true)
	for i := len(batches) - 1; i >= 0; i-- {
		put(t, s, batches[i]...)
		s.NextBlock()
	}
	queryBars(t, s, subURL(3))
	s.CheckSubdomainDB()

	checkSubNames(t, s)
}

// name_pre_regup_subdomain_batch_dup_reindex: the registrations carry
// sequence-1 records (refused: nothing to follow), sequence 0 comes in an
// update, then an update announces the registrations' zone files again —
// held already, they index in that block, and the subdomains move to
// sequence 1 without a push — and a last update brings sequence 2.
//
// zonemirror takes each subdomain's history in zone-file order, so the
// sequence-1 record that holds is the one of block 697's update (the
// registration's, at block 693, comes before the creation); the
// original's incremental indexing held the registration's. Every value
// the scenario asserts is the same; the port also asserts zonemirror's
// row (block_number 697).
func TestNamePreRegupSubdomainBatchDupReindex(t *testing.T) {
	t.Parallel()
	s := subStart(t, 3)
	url := func(i int) string {
		return fmt.Sprintf(`_https._tcp URI 10 1 "https://raw.githubusercontent.com/nobody%d/content/profile.md"`, i)
	}
	zfs1 := seqZFs(s, 1, url(1), "")
	registerFoos(s, zfs1)
	s.NextBlock()
	put(t, s, zfs1...)
	s.NextBlock()

	zfs0 := seqZFs(s, 0, url(0), "")
	updateAll(s, zfs0, fooNames...)
	s.NextBlock()
	put(t, s, zfs0...)
	s.NextBlock()
	queryBars(t, s, url(0))

	// should be at sequence 1, even though we didn't re-send the zone file
	updateAll(s, zfs1, fooNames...)
	s.NextBlock()
	for _, res := range queryBars(t, s, url(1)) {
		wantSub(t, s, res, "sequence", 1)
		wantSub(t, s, res, "block_number", 697) // the original: 693
	}

	zfs2 := seqZFs(s, 2, url(2), "")
	updateAll(s, zfs2, fooNames...)
	s.NextBlock()
	put(t, s, zfs2...)
	s.NextBlock()
	queryBars(t, s, url(2))
	s.CheckSubdomainDB()

	checkSubNames(t, s)
	checkSubList(t, s)
}

// name_pre_regup_subdomain_big: twenty updates of foo.test in one block,
// each zone file creating 100 subdomains (2000 in all, the 40 KB zone
// file limit respected); check_subdomain_db over all of them.
func TestNamePreRegupSubdomainBig(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, regupEnv, stdWallets()...)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()

	url := fmt.Sprintf(`_https._tcp URI 10 1 "https://gaia.blockstack.org/hub/%s/profile.json`, w[4].Addr)
	var all []string
	for i := 0; i < 20; i++ {
		var txts []string
		for j := 0; j < 100; j++ {
			fqn := fmt.Sprintf("bar%d.foo.test", i*100+j)
			txts = append(txts, scenario.MakeSubdomainTXT(fqn, "foo.test", w[4].Addr, 0, scenario.ZoneFile(fqn, url), w[4]))
		}
		zf := scenario.ZoneFile("foo.test", strings.Join(txts, "\n"))
		if len(zf) > 40960 {
			t.Fatalf("zonefile is too long (%d)", len(zf))
		}
		all = append(all, zf)
		s.NameUpdate("foo.test", zfHash(zf), w[3])
	}
	s.NextBlock()
	put(t, s, all...)
	s.NextBlock()
	s.CheckSubdomainDB()

	checkSubNames(t, s, "foo.test")
}

// name_pre_regup_subdomain_createdb: subdomain indexing is switched off
// (blockstack_opts['subdomaindb_path'] deleted) while the names are
// registered and updated with independent records and the zone files
// pushed, so the subdomains do not exist; switched back on, the next
// block indexes every zone file held. The scenario's TEST ENV
// BLOCKSTACK_TEST_SUBDOMAINS_FIRST_BLOCK 698 bounded only the original's
// one-time reindex (which found nothing from block 698 on), not the
// indexing of the queued zone files (of blocks 693-696), so the network
// keeps 256 (env.go); check_subdomain_db(firstblock=256) rebuilds from
// there too.
func TestNamePreRegupSubdomainCreatedb(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "682", "BLOCKSTACK_EPOCH_2_END_BLOCK": "683",
		"BLOCKSTACK_EPOCH_2_NAMESPACE_LIFETIME_MULTIPLIER": "1", "BLOCKSTACK_TEST_SUBDOMAINS_FIRST_BLOCK": "698"}, stdWallets()...)
	w := s.Wallets
	s.SubdomainIndexing(false)
	readyNamespace(s, "test", 52595)
	for k := 1; k <= 7; k++ {
		s.NamePreorder(foo(k), w[2], w[3].Addr)
	}
	s.NextBlock()
	zfs := seq0ZFs(s)
	registerFoos(s, zfs, hx("11", 20), hx("11", 20), hx("11", 20), hx("11", 20))
	s.NextBlock()
	put(t, s, zfs...)
	for i := 0; i < 3; i++ {
		zfs := seqZFs(s, int64(i+1), subURL(i+1), foo(i+4))
		updateAll(s, zfs, foo(i+4))
		s.NextBlock()
		put(t, s, zfs...)
	}
	// subdomains are off: they must not exist yet
	for k := 1; k <= 3; k++ {
		if res := s.GetSubdomain(bar(k)); res["error"] == nil {
			t.Fatalf("at %d: %s exists with subdomains off: %v", s.GetCurrentBlock(), bar(k), res)
		}
	}
	s.NextBlocks(3)
	s.SubdomainIndexing(true)
	s.NextBlock()
	for _, res := range queryBars(t, s, subURL(3)) {
		wantSub(t, s, res, "domain", "foo6.test")
	}
	s.CheckSubdomainDB()

	checkSubNames(t, s)
}

// holesScenario is the layout of the _holes scenarios: the creations
// registered (693) and pushed, then updates at sequence 1..3 (694..696)
// with only sequence 2's pushed; the subdomains stay at sequence 0; the
// sequence-1 zone files fill the first hole (sequence 2), the sequence-3
// ones the second. indep: foo4..7 registered with '11'*20, and the
// updates are independent records carried by foo4..6.
func holesScenario(t *testing.T, indep bool) {
	s := subStart(t, 3+4*b2i(indep))
	zfs := seq0ZFs(s)
	if indep {
		registerFoos(s, zfs, hx("11", 20), hx("11", 20), hx("11", 20), hx("11", 20))
	} else {
		registerFoos(s, zfs)
	}
	s.NextBlock()
	put(t, s, zfs...)
	var missing [][]string
	for i := 0; i < 3; i++ {
		carrier := ""
		if indep {
			carrier = foo(i + 4)
		}
		zfs := seqZFs(s, int64(i+1), subURL(i+1), carrier)
		if indep {
			updateAll(s, zfs, carrier)
		} else {
			updateAll(s, zfs, fooNames...)
		}
		s.NextBlock()
		if i%2 == 0 {
			missing = append(missing, zfs)
		} else {
			put(t, s, zfs...)
		}
	}
	for _, res := range queryBars(t, s, subURL0) {
		wantSub(t, s, res, "sequence", 0)
	}
	put(t, s, missing[0]...)
	s.NextBlock()
	for _, res := range queryBars(t, s, subURL(2)) {
		wantSub(t, s, res, "sequence", 2)
	}
	put(t, s, missing[1]...)
	s.NextBlock()
	for _, res := range queryBars(t, s, subURL(3)) {
		wantSub(t, s, res, "sequence", 3)
	}
	s.CheckSubdomainDB()

	checkSubNames(t, s)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// name_pre_regup_subdomain_holes: updates whose zone files arrive late
// fill the holes of a history.
func TestNamePreRegupSubdomainHoles(t *testing.T) {
	t.Parallel()
	holesScenario(t, false)
}

// name_pre_regup_subdomain_holes_independent: _holes with the updates
// carried by other names.
func TestNamePreRegupSubdomainHolesIndependent(t *testing.T) {
	t.Parallel()
	holesScenario(t, true)
}

// name_pre_regup_subdomain_initialchecks: the creations' zone files are
// withheld while an update carries another creation of each subdomain
// (https://invalid.com): it holds, and the subdomains are pending (a
// zone file of their names is missing); when the registrations' zone
// files arrive, their creations (earlier) win.
func TestNamePreRegupSubdomainInitialchecks(t *testing.T) {
	t.Parallel()
	s := subStart(t, 3)
	initial := seq0ZFs(s)
	registerFoos(s, initial)
	s.NextBlock()
	invalid := seqZFs(s, 0, `_https._tcp URI 10 1 "https://invalid.com"`, "")
	updateAll(s, invalid, fooNames...)
	s.NextBlock()
	put(t, s, invalid...)
	s.NextBlock()
	for k := 1; k <= 3; k++ {
		res := s.GetSubdomain(bar(k))
		if res["error"] != nil || !res.B("pending") {
			t.Fatalf("at %d: %s: %v, want it pending", s.GetCurrentBlock(), bar(k), res)
		}
	}
	put(t, s, initial...)
	s.NextBlock()
	queryBars(t, s, subURL0)
	s.CheckSubdomainDB()

	checkSubNames(t, s)
}

// name_pre_regup_subdomain_lookups: subdomains owned and signed by
// wallets[0..2], in zone files with a _resolver URI; an unknown
// subdomain of foo1.test is redirected to that resolver, the known ones
// answer with their zone files, are listed for their owners and have a
// history of two blocks. The REST calls are asked of the state they
// answer from: the 301 of GET /v1/names/baz.foo1.test (foo1.test
// exists, baz.foo1.test does not, the resolver is set), GET
// /v1/names/<fqn> (its zone file, a registered subdomain), GET
// /v1/addresses/bitcoin/<addr> and the CLI's names-by-address
// (SubdomainsOwnedBy), GET /v1/names/<fqn>/history (its records by
// block); the profiles (put to and read from Gaia by the CLI and GET
// /v1/users) are left out, and GET /v1/names/<fqn>/zonefile/<hash>,
// whose answer the scenario does not check.
func TestNamePreRegupSubdomainLookups(t *testing.T) {
	t.Parallel()
	s := subStart(t, 3)
	w := s.Wallets
	zfTemplate := func(origin, body string) string {
		return scenario.ZoneFile(origin, `_http._tcp URI 10 1 "http://www.foo.com"`+"\n"+`_resolver URI 10 1 "http://resolver.foo"`+"\n"+body)
	}
	mainnet := func(a string) string {
		m, err := wire.MainnetParams.Reencode(a)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	subZFs := map[string]string{}
	var zfs []string
	for k := 1; k <= 3; k++ {
		subZFs[bar(k)] = scenario.ZoneFile(bar(k), fmt.Sprintf(`_file URI 10 1 "http://localhost:4000/hub/%s/profile.json`, mainnet(w[k-1].Addr)))
		zfs = append(zfs, zfTemplate(foo(k), scenario.MakeSubdomainTXT(bar(k), foo(k), w[k-1].Addr, 0, subZFs[bar(k)], w[k-1])))
	}
	registerFoos(s, zfs)
	s.NextBlock()
	// the profiles put to Gaia: left out
	for k, z := range zfs {
		whoisIs(t, s, foo(k+1), zfHash(z), w[3].Addr)
		put(t, s, z)
	}
	// sequence 1 re-uses the sequence-0 zone files (subdomain_zonefiles_2
	// is never used)
	var zfs1 []string
	for k := 1; k <= 3; k++ {
		zfs1 = append(zfs1, zfTemplate(foo(k), scenario.MakeSubdomainTXT(bar(k), foo(k), w[k-1].Addr, 1, subZFs[bar(k)], w[k-1])))
	}
	updateAll(s, zfs1, fooNames...)
	s.NextBlock()
	put(t, s, zfs1...)
	s.NextBlock()

	// GET /v1/names/baz.foo1.test, no redirects: 301
	if res := s.GetSubdomain("baz.foo1.test"); res["error"] == nil {
		t.Fatalf("baz.foo1.test exists: %v", res)
	}
	if clientNameRecord(s, "foo1.test")["error"] != nil || s.DomainResolver("foo1.test") == "" {
		t.Fatalf("GET /v1/names/baz.foo1.test: no redirect: foo1.test %v, resolver %q", clientNameRecord(s, "foo1.test"), s.DomainResolver("foo1.test"))
	}
	for k := 1; k <= 3; k++ {
		fqn := bar(k)
		res := s.GetSubdomain(fqn) // GET /v1/names/<fqn>
		if res["error"] != nil {
			t.Fatalf("GET /v1/names/%s: %v", fqn, res)
		}
		zf, _ := base64.StdEncoding.DecodeString(res.S("zonefile"))
		if string(zf) != subZFs[fqn] {
			t.Fatalf("GET /v1/names/%s: zone file %q, want %q", fqn, zf, subZFs[fqn])
		}
		// blockstack_cli_lookup and GET /v1/users/<fqn> (profiles): left out
		if owned := s.SubdomainsOwnedBy(w[k-1].Addr); !slices.Contains(owned, fqn) {
			t.Fatalf("names of %s: %v, want %s in them", w[k-1].Addr, owned, fqn)
		}
		if hist := s.GetSubdomainHistory(fqn); len(hist) != 2 {
			t.Fatalf("GET /v1/names/%s/history: %d blocks, want 2: %v", fqn, len(hist), hist)
		}
	}
	s.CheckSubdomainDB()

	checkSubNames(t, s)
}

// reorderedScenario: the creations' zone files withheld, updates at
// sequence 1..3 pushed after their blocks (694..696), a kick (697), the
// creations pushed (698): the subdomains end at sequence 3. indep: the
// updates are independent records carried by foo4..6.
func reorderedScenario(t *testing.T, indep bool) {
	s := subStart(t, 3+4*b2i(indep))
	initial := seq0ZFs(s)
	if indep {
		registerFoos(s, initial, hx("11", 20), hx("11", 20), hx("11", 20), hx("11", 20))
	} else {
		registerFoos(s, initial)
	}
	s.NextBlock()
	for i := 0; i < 3; i++ {
		if indep {
			zfs := seqZFs(s, int64(i+1), subURL(i+1), foo(i+4))
			updateAll(s, zfs, foo(i+4))
			s.NextBlock()
			put(t, s, zfs...)
			continue
		}
		zfs := seqZFs(s, int64(i+1), subURL(i+1), "")
		updateAll(s, zfs, fooNames...)
		s.NextBlock()
		put(t, s, zfs...)
	}
	s.NextBlock()
	put(t, s, initial...)
	s.NextBlock()
	queryBars(t, s, subURL(3))
	s.CheckSubdomainDB()

	checkSubNames(t, s)
}

// name_pre_regup_subdomain_reordered: the creations arrive after the
// updates.
func TestNamePreRegupSubdomainReordered(t *testing.T) {
	t.Parallel()
	reorderedScenario(t, false)
}

// name_pre_regup_subdomain_reordered_independent: _reordered with the
// updates carried by other names.
func TestNamePreRegupSubdomainReorderedIndependent(t *testing.T) {
	t.Parallel()
	reorderedScenario(t, true)
}

// name_pre_regup_subdomain_sequence: updates at sequence 1..3, each
// pushed after its block.
func TestNamePreRegupSubdomainSequence(t *testing.T) {
	t.Parallel()
	sequenceScenario(t, false)
}

// name_pre_regup_subdomain_sequence_independent: _sequence with the
// updates carried by foo4..6.test; the current records come from
// foo6.test.
func TestNamePreRegupSubdomainSequenceIndependent(t *testing.T) {
	t.Parallel()
	sequenceScenario(t, true)
}

func sequenceScenario(t *testing.T, indep bool) {
	s := subStart(t, 3+4*b2i(indep))
	zfs := seq0ZFs(s)
	if indep {
		registerFoos(s, zfs, hx("11", 20), hx("11", 20), hx("11", 20), hx("11", 20))
	} else {
		registerFoos(s, zfs)
	}
	s.NextBlock()
	put(t, s, zfs...)
	for i := 0; i < 3; i++ {
		carrier := ""
		if indep {
			carrier = foo(i + 4)
		}
		zfs := seqZFs(s, int64(i+1), subURL(i+1), carrier)
		if indep {
			updateAll(s, zfs, carrier)
		} else {
			updateAll(s, zfs, fooNames...)
		}
		s.NextBlock()
		put(t, s, zfs...)
	}
	s.NextBlock()
	for _, res := range queryBars(t, s, subURL(3)) {
		if indep {
			wantSub(t, s, res, "domain", "foo6.test")
		}
	}
	s.CheckSubdomainDB()

	checkSubNames(t, s)
}

// name_pre_regup_subdomain_sequence_bigzonefile_indep: zone files of 100
// records each (within 40 KB), the subdomain bar{i}.fooK.test owned and
// signed by the i-th child key of wallets[4]; created by foo1..3.test's
// registrations, updated at sequence 1..3 by independent records of
// foo4..6.test.
func TestNamePreRegupSubdomainSequenceBigzonefileIndep(t *testing.T) {
	t.Parallel()
	s := subStart(t, 7)
	w := s.Wallets
	pattern := func(fqn string, i int) string {
		return scenario.ZoneFile(fqn, fmt.Sprintf(`_https._tcp URI 10 1 "https://raw.githubusercontent.com/bar%d/profile.md`, i))
	}
	children := make([]*scenario.W, 100)
	for i := range children {
		children[i] = w[4].Child(uint32(i))
	}
	// make_subdomain_zone_file(domain, 'bar{}.fooK.test', pattern, seq, 100, 40960, wallets[4])
	makeZF := func(domain string, k int, seq int64) string {
		var txts []string
		zf := ""
		for i := 0; i < 100; i++ {
			fqn := fmt.Sprintf("bar%d.%s", i, foo(k))
			txts = append(txts, scenario.MakeSubdomainTXT(fqn, domain, children[i].Addr, seq, pattern(fqn, i), children[i]))
			zf = scenario.ZoneFile(domain, strings.Join(txts, "\n"))
			if len(zf) > 40960 {
				t.Fatalf("Could not pack 100 subdomains (at %d) into 40960 bytes", len(txts))
			}
		}
		return zf
	}
	var zfs []string
	for k := 1; k <= 3; k++ {
		zfs = append(zfs, makeZF(foo(k), k, 0))
	}
	registerFoos(s, zfs, hx("11", 20), hx("11", 20), hx("11", 20), hx("11", 20))
	s.NextBlock()
	put(t, s, zfs...)
	for i := 0; i < 3; i++ {
		name := foo(i + 4)
		var zfs []string
		for k := 1; k <= 3; k++ {
			zfs = append(zfs, makeZF(name, k, int64(i+1)))
		}
		updateAll(s, zfs, name)
		s.NextBlock()
		put(t, s, zfs...)
	}
	s.NextBlock()
	for k := 1; k <= 3; k++ {
		for i := 0; i < 100; i++ {
			fqn := fmt.Sprintf("bar%d.%s", i, foo(k))
			res := querySub(t, s, fqn, pattern(fqn, i))
			wantSub(t, s, res, "domain", "foo6.test")
		}
	}
	s.CheckSubdomainDB()

	checkSubNames(t, s)
}

// name_pre_regup_subdomain_reorg: a sequence-1 update is withheld, a
// second sequence-1 update and a sequence-2 one (whose zone file equals
// the second's) are pushed; the history's second block is that second
// update's, until the withheld zone files arrive and theirs replaces it.
func TestNamePreRegupSubdomainReorg(t *testing.T) {
	t.Parallel()
	s := subStart(t, 3)
	zfs := seq0ZFs(s)
	registerFoos(s, zfs)
	s.NextBlock()
	put(t, s, zfs...)

	urlReorg := `_https._tcp URI 10 1 "https://test.com/withheld?index=1"`
	zfsReorg := seqZFs(s, 1, urlReorg, "")
	updateAll(s, zfsReorg, fooNames...)
	s.NextBlock()

	zfs1 := seqZFs(s, 1, subURL(1), "")
	updateAll(s, zfs1, fooNames...)
	s.NextBlock()
	put(t, s, zfs1...)

	zfs2 := seqZFs(s, 2, subURL(1), "")
	updateAll(s, zfs2, fooNames...)
	s.NextBlock()
	put(t, s, zfs2...)

	s.NextBlock()
	queryBars(t, s, subURL(1))
	secondBlock := func(wantURL string) {
		t.Helper()
		for k := 1; k <= 3; k++ {
			fqn := bar(k)
			res := s.GetSubdomain(fqn)
			zf, _ := base64.StdEncoding.DecodeString(res.S("zonefile"))
			if string(zf) != scenario.ZoneFile(fqn, subURL(1)) {
				t.Fatalf("at %d: %s: zone file %q", s.GetCurrentBlock(), fqn, zf)
			}
			blocks, hist := historyByBlock(s, fqn)
			if len(hist) < 2 {
				t.Fatalf("at %d: %s: history of blocks %v", s.GetCurrentBlock(), fqn, blocks)
			}
			z, ok := s.GetZonefile(hist[1][0].S("value_hash"))
			if !ok || z != scenario.ZoneFile(fqn, wantURL) {
				t.Fatalf("at %d: %s: the zone file of block %d is %q, want %q", s.GetCurrentBlock(), fqn, blocks[1], z, scenario.ZoneFile(fqn, wantURL))
			}
		}
	}
	secondBlock(subURL(1))

	put(t, s, zfsReorg...)
	s.NextBlock()
	queryBars(t, s, subURL(1))
	secondBlock(urlReorg)
	s.CheckSubdomainDB()

	checkSubNames(t, s)
}

// reorgDeepBatch is one update of the _reorg_deep scenarios: the URL of
// the sub zone files, the sequence number, the name whose zone file
// carries the three records ("" for fooK.test itself), and the new owner
// and signer (wallet indexes).
type reorgDeepBatch struct {
	url           string
	seq           int64
	carrier       string
	owner, signer int
}

// reorgDeepScenario: creations at 693 (pushed), then six batches of
// updates, all withheld (694..699): A1, B1, B2, A2, B3, B4; they are
// revealed one block apart in the order A2, B4, B3, A1, B2, B1 and after
// each the subdomains' sequence number, zone file (and, if owners is
// set, owner) is the table's.
func reorgDeepScenario(t *testing.T, s *scenario.S, batches [6]reorgDeepBatch, seqs []int, urls []string, owners []int) {
	w := s.Wallets
	zfs := seq0ZFs(s)
	if batches[0].carrier != "" {
		registerFoos(s, zfs, hx("11", 20), hx("11", 20), hx("11", 20), hx("11", 20))
	} else {
		registerFoos(s, zfs)
	}
	s.NextBlock()
	put(t, s, zfs...)

	sent := make([][]string, 6)
	for i, b := range batches {
		var zfs []string
		for k := 1; k <= 3; k++ {
			c := foo(k)
			if b.carrier != "" {
				c = b.carrier
			}
			zfs = append(zfs, subZF(c, bar(k), w[b.owner].Addr, b.seq, b.url, w[b.signer]))
		}
		if b.carrier != "" {
			updateAll(s, zfs, b.carrier)
		} else {
			updateAll(s, zfs, fooNames...)
		}
		s.NextBlock()
		sent[i] = zfs
	}
	// branch_4 = [A2, B4], branch_3 = [B3], branch_2 = [A1, B2], branch_1 = [B1]
	for b, i := range []int{3, 5, 4, 0, 2, 1} {
		put(t, s, sent[i]...)
		s.NextBlock()
		for k := 1; k <= 3; k++ {
			res := querySub(t, s, bar(k), scenario.ZoneFile(bar(k), urls[b]))
			wantSub(t, s, res, "sequence", seqs[b])
			if owners != nil {
				wantSub(t, s, res, "address", w[owners[b]].Addr)
			}
		}
	}
	s.CheckSubdomainDB()

	checkSubNames(t, s)
}

func branchURL(x string) string { return fmt.Sprintf(`_https._tcp URI 10 1 "https://%s.com"`, x) }

// name_pre_regup_subdomain_reorg_deep: competing updates (two of
// sequence 1, four of sequence 2) revealed out of order; at each step the
// earliest valid chain of records holds.
func TestNamePreRegupSubdomainReorgDeep(t *testing.T) {
	t.Parallel()
	s := subStart(t, 3)
	reorgDeepScenario(t, s, [6]reorgDeepBatch{
		{branchURL("branch1-and-2"), 1, "", 4, 4}, {branchURL("branch1"), 2, "", 4, 4}, {branchURL("branch2"), 2, "", 4, 4},
		{branchURL("branch3-and-4"), 1, "", 4, 4}, {branchURL("branch3"), 2, "", 4, 4}, {branchURL("branch4"), 2, "", 4, 4},
	}, []int{1, 2, 2, 2, 2, 2},
		[]string{branchURL("branch3-and-4"), branchURL("branch4"), branchURL("branch3"), branchURL("branch3"), branchURL("branch2"), branchURL("branch1")}, nil)
}

// name_pre_regup_subdomain_reorg_deep_indep: _reorg_deep with each batch
// carried by one name: foo4..7.test, then foo1.test and foo2.test.
func TestNamePreRegupSubdomainReorgDeepIndep(t *testing.T) {
	t.Parallel()
	s := subStart(t, 7)
	reorgDeepScenario(t, s, [6]reorgDeepBatch{
		{branchURL("branch1-and-2"), 1, "foo4.test", 4, 4}, {branchURL("branch1"), 2, "foo5.test", 4, 4}, {branchURL("branch2"), 2, "foo6.test", 4, 4},
		{branchURL("branch3-and-4"), 1, "foo7.test", 4, 4}, {branchURL("branch3"), 2, "foo1.test", 4, 4}, {branchURL("branch4"), 2, "foo2.test", 4, 4},
	}, []int{1, 2, 2, 2, 2, 2},
		[]string{branchURL("branch3-and-4"), branchURL("branch4"), branchURL("branch3"), branchURL("branch3"), branchURL("branch2"), branchURL("branch1")}, nil)
}

// name_pre_regup_subdomain_reorg_deep_transfer: _reorg_deep where every
// update transfers the subdomains; records signed by an owner a later
// reveal displaces stop holding.
func TestNamePreRegupSubdomainReorgDeepTransfer(t *testing.T) {
	t.Parallel()
	s := subStart(t, 3, scenario.Wallet("5JaJ7qkW8ih1Po21Pg6EqbSBmDGm11gXrqwgyJEY4L1P5k9jyMP"))
	reorgDeepScenario(t, s, [6]reorgDeepBatch{
		{branchURL("branch1-and-2"), 1, "", 0, 4}, {branchURL("branch1"), 2, "", 1, 0}, {branchURL("branch2"), 2, "", 2, 0},
		{branchURL("branch3-and-4"), 1, "", 3, 4}, {branchURL("branch3"), 2, "", 4, 3}, {branchURL("branch4"), 2, "", 5, 3},
	}, []int{1, 2, 2, 1, 2, 2},
		[]string{branchURL("branch3-and-4"), branchURL("branch4"), branchURL("branch3"), branchURL("branch1-and-2"), branchURL("branch2"), branchURL("branch1")},
		[]int{3, 5, 4, 0, 2, 1})
}

// name_pre_regup_subdomain_reorg_indep_multi: foo4..7.test registered
// without zone files; the creations withheld; the updates (independent
// records of foo4..6.test, one name updated three times a block)
// revealed newest first, then the creations.
func TestNamePreRegupSubdomainReorgIndepMulti(t *testing.T) {
	t.Parallel()
	s := subStart(t, 7)
	batches := [][]string{seq0ZFs(s)}
	registerFoos(s, batches[0], "", "", "", "")
	s.NextBlock()
	for i := 0; i < 3; i++ {
		zfs := seqZFs(s, int64(i+1), subURL(i+1), foo(i+4))
		batches = append(batches, zfs)
		updateAll(s, zfs, foo(i+4))
		s.NextBlock()
	}
	for i := len(batches) - 1; i >= 0; i-- {
		put(t, s, batches[i]...)
		s.NextBlock()
	}
	for _, res := range queryBars(t, s, subURL(3)) {
		wantSub(t, s, res, "domain", "foo6.test")
		wantSub(t, s, res, "sequence", 3)
	}
	s.CheckSubdomainDB()

	checkSubNames(t, s)
}

// name_pre_regup_subdomain_resolver: foo1..3.test's updates at sequence 1
// and 3 (withheld at first) carry _resolver URIs; the name's resolver is
// that of its holding record with the highest sequence number that had
// one, and a subdomain record carries its zone file's.
func TestNamePreRegupSubdomainResolver(t *testing.T) {
	t.Parallel()
	s := subStart(t, 3)
	w := s.Wallets
	zfs := seq0ZFs(s)
	registerFoos(s, zfs)
	s.NextBlock()
	put(t, s, zfs...)
	resolvers := map[int]string{0: "http://localhost:16269", 2: "http://testnet.blockstack.org:16269"}
	var missing [][]string
	for i := 0; i < 3; i++ {
		var zfs []string
		for k := 1; k <= 3; k++ {
			txt := scenario.MakeSubdomainTXT(bar(k), foo(k), w[4].Addr, int64(i+1), scenario.ZoneFile(bar(k), subURL(i+1)), w[4])
			if r, ok := resolvers[i]; ok {
				txt += "\n" + `_resolver URI 10 1 "` + r + `"`
			}
			zfs = append(zfs, scenario.ZoneFile(foo(k), txt))
		}
		updateAll(s, zfs, fooNames...)
		s.NextBlock()
		if i%2 == 0 {
			missing = append(missing, zfs)
		} else {
			put(t, s, zfs...)
		}
	}
	for k, res := range queryBars(t, s, subURL0) {
		wantSub(t, s, res, "sequence", 0)
		if rec := clientNameRecord(s, foo(k+1)); rec["error"] != nil || s.DomainResolver(foo(k+1)) != "" {
			t.Fatalf("at %d: %s: %v, resolver %q", s.GetCurrentBlock(), foo(k+1), rec, s.DomainResolver(foo(k+1)))
		}
	}
	put(t, s, missing[0]...)
	s.NextBlock()
	for k, res := range queryBars(t, s, subURL(2)) {
		wantSub(t, s, res, "sequence", 2)
		if rec := clientNameRecord(s, foo(k+1)); rec["error"] != nil || s.DomainResolver(foo(k+1)) != "http://localhost:16269" {
			t.Fatalf("at %d: %s: %v, resolver %q", s.GetCurrentBlock(), foo(k+1), rec, s.DomainResolver(foo(k+1)))
		}
	}
	put(t, s, missing[1]...)
	s.NextBlock()
	for _, res := range queryBars(t, s, subURL(3)) {
		wantSub(t, s, res, "sequence", 3)
		wantSub(t, s, res, "resolver", "http://testnet.blockstack.org:16269")
	}
	s.CheckSubdomainDB()

	checkSubNames(t, s)
}

// name_pre_regup_subdomain_xfer_dependent: transfers carried by other
// names (independent records) do not hold; those carried by the
// subdomains' own names do.
func TestNamePreRegupSubdomainXferDependent(t *testing.T) {
	t.Parallel()
	s := subStart(t, 7)
	w := s.Wallets
	zfs := seq0ZFs(s)
	registerFoos(s, zfs, hx("11", 20), hx("11", 20), hx("11", 20), hx("11", 20))
	s.NextBlock()
	put(t, s, zfs...)
	schedule := [][2]int{{4, 0}, {4, 1}, {1, 2}, {1, 3}} // (signer, new owner)
	seqs := []int64{1, 1, 2, 2}
	for i := 0; i < 4; i++ {
		names := fooNames
		if i%2 == 0 {
			names = []string{foo(i + 4), foo(i + 4), foo(i + 4)}
		}
		var zfs []string
		for k := 1; k <= 3; k++ {
			zfs = append(zfs, subZF(names[k-1], bar(k), w[schedule[i][1]].Addr, seqs[i], subURL(i+1), w[schedule[i][0]]))
		}
		updateAll(s, zfs, names...)
		s.NextBlock()
		put(t, s, zfs...)
	}
	s.NextBlock()
	for k, res := range queryBars(t, s, subURL(4)) {
		wantSub(t, s, res, "sequence", 2)
		if scenario.AddrReencode(res.S("address")) != scenario.AddrReencode(w[3].Addr) {
			t.Fatalf("%s: owner %s, want %s", bar(k+1), res.S("address"), w[3].Addr)
		}
		if hist := s.GetSubdomainHistory(bar(k + 1)); len(hist) != 3 {
			t.Fatalf("%s: history of %d blocks, want 3: %v", bar(k+1), len(hist), hist)
		}
	}
	s.CheckSubdomainDB()

	checkSubNames(t, s)
}

// querySeqOwner is the seq_xfer scenarios' _query_subdomains: each of
// bar.foo1..3.test exists at sequence seq owned by owner (the address as
// written) and, if pending is given, with that pending flag.
func querySeqOwner(t *testing.T, s *scenario.S, seq int, owner string, pending ...bool) {
	t.Helper()
	for k := 1; k <= 3; k++ {
		res := s.GetSubdomain(bar(k))
		if res["error"] != nil {
			t.Fatalf("at %d: %s: %v", s.GetCurrentBlock(), bar(k), res)
		}
		wantSub(t, s, res, "sequence", seq)
		wantSub(t, s, res, "address", owner)
		if len(pending) > 0 {
			wantSub(t, s, res, "pending", pending[0])
		}
	}
}

// checkHistoryOwners is the seq_xfer scenarios' walk of
// get_name_record(fqn, include_history=True): the first record of the
// i-th block of the history (sorted) is owned by owners[i] (re-encoded
// if reencode) at sequence i.
func checkHistoryOwners(t *testing.T, s *scenario.S, fqn string, owners []string, reencode bool) {
	t.Helper()
	blocks, hist := historyByBlock(s, fqn)
	for i, recs := range hist {
		if i >= len(owners) {
			t.Fatalf("at %d: %s: history of blocks %v, more than the %d owners %v", s.GetCurrentBlock(), fqn, blocks, len(owners), owners)
		}
		got, want := recs[0].S("address"), owners[i]
		if reencode {
			got, want = scenario.AddrReencode(got), scenario.AddrReencode(want)
		}
		if got != want || recs[0].I("sequence") != int64(i) {
			t.Fatalf("at %d: %s: block %d: %v, want owner %s, sequence %d", s.GetCurrentBlock(), fqn, blocks[i], recs[0], owners[i], i)
		}
	}
}

// name_pre_regup_subdomain_seq_xfer: six transfers of each subdomain,
// every one pushed and indexed; the history walks the owners.
func TestNamePreRegupSubdomainSeqXfer(t *testing.T) {
	t.Parallel()
	s := subStart(t, 3)
	w := s.Wallets
	zfs := seq0ZFs(s)
	registerFoos(s, zfs)
	s.NextBlock()
	put(t, s, zfs...)
	s.NextBlock()
	querySeqOwner(t, s, 0, w[4].Addr)
	owners := []string{w[4].Addr}
	for i := 0; i < 6; i++ {
		j, k := (4+i)%5, (4+i+1)%5
		owners = append(owners, w[k].Addr)
		var zfs []string
		for n := 1; n <= 3; n++ {
			zfs = append(zfs, subZF(foo(n), bar(n), w[k].Addr, int64(i+1), subURL(i+1), w[j]))
		}
		updateAll(s, zfs, fooNames...)
		s.NextBlock()
		put(t, s, zfs...)
		s.NextBlock()
		querySeqOwner(t, s, i+1, w[k].Addr)
	}
	for k := 1; k <= 3; k++ {
		if res := s.GetSubdomain(bar(k)); res["error"] != nil {
			t.Fatalf("%s: %v", bar(k), res)
		}
		checkHistoryOwners(t, s, bar(k), owners, false)
	}
	s.CheckSubdomainDB()

	checkSubNames(t, s)
}

// seqXferStep is one update of the seq_xfer_*pending scenarios: signer
// and new owner (wallet indexes) and sequence number.
type seqXferStep struct {
	signer, owner int
	seq           int64
}

// seqXferPendingScenario: foo4..7.test registered without zone files;
// the creations pushed and indexed (694, not pending); then each step an
// update (695+2i) — pushed when i is odd — and a kick (696+2i, with
// missing dummy-hash updates when missing is set); after each kick the
// subdomains are at want[i] (sequence, owner, pending). missing: the
// names' zone files list the dummies in a _missing record (see
// TestNamePreRegupSubdomainSeqXferReorgPendingMissing). It returns the
// withheld zone files.
func seqXferPendingScenario(t *testing.T, s *scenario.S, steps []seqXferStep, want []seqState, withMissing bool) [][]string {
	t.Helper()
	w := s.Wallets
	var withheld [][]string
	var zfs []string
	missing := map[int][]string{1: {"1"}, 2: {"2"}, 3: {"3"}}
	zfTemplate := func(k int, body string) string {
		if withMissing {
			return scenario.ZoneFile(foo(k), `_missing TXT "`+strings.Join(missing[k], ",")+`"`+"\n"+body)
		}
		return scenario.ZoneFile(foo(k), body)
	}
	for k := 1; k <= 3; k++ {
		zfs = append(zfs, zfTemplate(k, scenario.MakeSubdomainTXT(bar(k), foo(k), w[4].Addr, 0, scenario.ZoneFile(bar(k), subURL0), w[4])))
	}
	if withMissing {
		for k := 1; k <= 3; k++ {
			s.NameRegister(foo(k), w[2], w[3].Addr, scenario.ZonefileHash(hx(fmt.Sprint(k*10), 20)))
		}
		for k := 4; k <= 7; k++ {
			s.NameRegister(foo(k), w[2], w[3].Addr)
		}
		s.NextBlock()
		updateAll(s, zfs, fooNames...)
		s.NextBlock()
	} else {
		registerFoos(s, zfs, "", "", "", "")
		s.NextBlock()
	}
	put(t, s, zfs...)
	s.NextBlock()
	querySeqOwner(t, s, 0, w[4].Addr, false)

	for i, st := range steps {
		var zfs []string
		for k := 1; k <= 3; k++ {
			zfs = append(zfs, zfTemplate(k, scenario.MakeSubdomainTXT(bar(k), foo(k), w[st.owner].Addr, st.seq, scenario.ZoneFile(bar(k), subURL(i+1)), w[st.signer])))
		}
		updateAll(s, zfs, fooNames...)
		s.NextBlock()
		if i%2 == 1 {
			put(t, s, zfs...)
		} else {
			withheld = append(withheld, zfs)
		}
		if withMissing {
			if i < 4 {
				for k := 1; k <= 3; k++ {
					s.NameUpdate(foo(k), hx(fmt.Sprint(k*10+i+1), 20), w[3])
				}
			}
			for k := 1; k <= 3; k++ {
				missing[k] = append(missing[k], fmt.Sprint(6*(i+1)+3+k))
			}
		}
		s.NextBlock()
		querySeqOwner(t, s, want[i].seq, w[want[i].owner].Addr, want[i].pending)
	}
	return withheld
}

// seqState is a subdomain's sequence number, owner (wallet index) and
// pending flag.
type seqState struct {
	seq, owner int
	pending    bool
}

// name_pre_regup_subdomain_seq_xfer_pending: four transfers, the first
// and third withheld: the subdomains stay at sequence 0, pending (a zone
// file of their names is missing), until those arrive; then they are at
// sequence 4 and no longer pending.
func TestNamePreRegupSubdomainSeqXferPending(t *testing.T) {
	t.Parallel()
	s := subStart(t, 7)
	w := s.Wallets
	withheld := seqXferPendingScenario(t, s,
		[]seqXferStep{{4, 0, 1}, {0, 1, 2}, {1, 2, 3}, {2, 3, 4}},
		[]seqState{{0, 4, true}, {0, 4, true}, {0, 4, true}, {0, 4, true}}, false)
	owners := []string{w[4].Addr, w[0].Addr, w[1].Addr, w[2].Addr, w[3].Addr}
	for k := 1; k <= 3; k++ {
		res := s.GetSubdomain(bar(k))
		if res["error"] != nil || !res.B("pending") || res.I("sequence") != 0 {
			t.Fatalf("%s: %v, want pending at sequence 0", bar(k), res)
		}
		checkHistoryOwners(t, s, bar(k), owners, false)
	}
	for _, zfs := range withheld {
		put(t, s, zfs...)
	}
	s.NextBlock()
	for k := 1; k <= 3; k++ {
		res := s.GetSubdomain(bar(k))
		if res["error"] != nil || res.B("pending") || res.I("sequence") != 4 {
			t.Fatalf("%s: %v, want sequence 4, not pending", bar(k), res)
		}
		checkHistoryOwners(t, s, bar(k), owners, false)
	}
	s.CheckSubdomainDB()

	checkSubNames(t, s)
}

// name_pre_regup_subdomain_seq_xfer_reorg_pending: two competing chains
// of transfers; the one pushed holds while the other's zone files are
// missing (pending); when they arrive, the earlier chain holds (a
// cascading owner reorg).
func TestNamePreRegupSubdomainSeqXferReorgPending(t *testing.T) {
	t.Parallel()
	s := subStart(t, 7)
	w := s.Wallets
	withheld := seqXferPendingScenario(t, s,
		[]seqXferStep{{4, 0, 1}, {4, 1, 1}, {0, 1, 2}, {1, 2, 2}},
		[]seqState{{0, 4, true}, {1, 1, true}, {1, 1, true}, {2, 2, true}}, false)
	for k := 1; k <= 3; k++ {
		res := s.GetSubdomain(bar(k))
		if res["error"] != nil || !res.B("pending") || res.I("sequence") != 2 || scenario.AddrReencode(res.S("address")) != w[2].Addr {
			t.Fatalf("%s: %v, want pending at sequence 2, owned by %s", bar(k), res, w[2].Addr)
		}
		checkHistoryOwners(t, s, bar(k), []string{w[4].Addr, w[1].Addr, w[2].Addr}, true)
	}
	for _, zfs := range withheld {
		put(t, s, zfs...)
	}
	s.NextBlock()
	for k := 1; k <= 3; k++ {
		res := s.GetSubdomain(bar(k))
		if res["error"] != nil || res.B("pending") || res.I("sequence") != 2 || scenario.AddrReencode(res.S("address")) != w[1].Addr {
			t.Fatalf("%s: %v, want sequence 2, owned by %s, not pending", bar(k), res, w[1].Addr)
		}
		checkHistoryOwners(t, s, bar(k), []string{w[4].Addr, w[0].Addr, w[1].Addr}, true)
	}
	s.CheckSubdomainDB()

	checkSubNames(t, s)
}

// name_pre_regup_subdomain_seq_xfer_reorg_pending_missing:
// _seq_xfer_reorg_pending with a fifth (withheld) transfer, the names
// registered with zone-file hashes nothing matches, and after each
// update, in the next block, updates with such hashes; each zone file
// lists in a _missing record the Atlas inventory numbers of those
// dummies (1, 10, 16, 22, 28 for foo1.test), so only the withheld
// transfers make the subdomains pending — and once they arrive, nothing.
// The numbers are namedb's whitelist indexes: the original's Atlas
// numbered its inventory the same way.
func TestNamePreRegupSubdomainSeqXferReorgPendingMissing(t *testing.T) {
	t.Parallel()
	s := subStart(t, 7)
	w := s.Wallets
	withheld := seqXferPendingScenario(t, s,
		[]seqXferStep{{4, 0, 1}, {4, 1, 1}, {0, 1, 2}, {1, 2, 2}, {1, 3, 3}},
		[]seqState{{0, 4, true}, {1, 1, true}, {1, 1, true}, {2, 2, true}, {2, 2, true}}, true)
	// the numbers the zone files list are the dummies' whitelist indexes
	entries, err := s.DB.WhitelistAfter(t.Context(), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	at := map[int64]string{}
	for _, e := range entries {
		at[e.Index] = e.Name + " " + e.Hash.String()
	}
	for k := 1; k <= 3; k++ {
		if want := foo(k) + " " + hx(fmt.Sprint(k*10), 20); at[int64(k)] != want {
			t.Fatalf("whitelist entry %d: %q, want %q", k, at[int64(k)], want)
		}
		for i := 0; i < 4; i++ {
			if n, want := int64(6*(i+1)+3+k), foo(k)+" "+hx(fmt.Sprint(k*10+i+1), 20); at[n] != want {
				t.Fatalf("whitelist entry %d: %q, want %q", n, at[n], want)
			}
		}
	}
	for k := 1; k <= 3; k++ {
		res := s.GetSubdomain(bar(k))
		if res["error"] != nil || !res.B("pending") || res.I("sequence") != 2 || scenario.AddrReencode(res.S("address")) != w[2].Addr {
			t.Fatalf("%s: %v, want pending at sequence 2, owned by %s", bar(k), res, w[2].Addr)
		}
		checkHistoryOwners(t, s, bar(k), []string{w[4].Addr, w[1].Addr, w[2].Addr}, true)
	}
	for _, zfs := range withheld {
		put(t, s, zfs...)
	}
	s.NextBlock()
	for k := 1; k <= 3; k++ {
		res := s.GetSubdomain(bar(k))
		if res["error"] != nil || res.B("pending") || res.I("sequence") != 3 || scenario.AddrReencode(res.S("address")) != w[3].Addr {
			t.Fatalf("%s: %v, want sequence 3, owned by %s, not pending", bar(k), res, w[3].Addr)
		}
		checkHistoryOwners(t, s, bar(k), []string{w[4].Addr, w[0].Addr, w[1].Addr, w[3].Addr}, true)
	}
	s.CheckSubdomainDB()

	checkSubNames(t, s)
}
