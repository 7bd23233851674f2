// Package testmirror builds a mirror for tests: a devnet name database
// (namedbtest) in which the 12 real zone files of the Stacks genesis
// export (testdata, from shared/data) are registered under their names in
// namespace "id", a disk tier holding them, and the mirror over both.
// Two more names: missing.id, whose zone file is announced but not held,
// and nozone.id, which has none.
package testmirror

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/zonemirror/zonemirror/mirror"
	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/namedbtest"
	"github.com/zonemirror/zonemirror/namedb/wire"
	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/disk"
	"github.com/zonemirror/zonemirror/plugins/tiered"
)

// Fixture is the chain, the tiers and the mirror.
type Fixture struct {
	Chain  *namedbtest.Chain
	Store  *tiered.Store
	Mirror *mirror.Mirror
	// Zonefiles are the registered names' zone files (missing.id's too).
	Zonefiles map[string][]byte
	// Owner owns every name.
	Owner *namedbtest.Key
}

// Missing is the zone file of missing.id, announced but not held.
var Missing = []byte("$ORIGIN missing.id\n$TTL 3600\n_http._tcp IN URI 10 1 \"https://example.com/missing\"\n")

// RealZonefiles reads the 12 real zone files: name → zone file.
func RealZonefiles(t testing.TB) map[string][]byte {
	t.Helper()
	_, self, _, _ := runtime.Caller(0)
	raw, err := os.ReadFile(filepath.Join(filepath.Dir(self), "testdata", "name_zonefiles-test.txt"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	out := map[string][]byte{}
	for i := 0; i+1 < len(lines); i += 2 {
		zf := []byte(strings.ReplaceAll(lines[i+1], `\n`, "\n"))
		if wire.SumHash160(zf).String() != lines[i] {
			t.Fatalf("zone file %d does not hash to %s", i/2, lines[i])
		}
		origin := strings.Fields(strings.SplitN(string(zf), "\n", 2)[0])[1]
		out[origin] = zf
	}
	return out
}

// New builds the fixture; extra zone files are registered too (held in
// the tiers), under the names given.
func New(t testing.TB, extra map[string][]byte) *Fixture {
	t.Helper()
	c := namedbtest.New(t, nil)
	c.Launch("id", namedb.InfiniteLifetime)
	zf := RealZonefiles(t)
	for n, b := range extra {
		zf[n] = b
	}
	owner := c.Key("owner")
	var names []string
	for n := range zf {
		names = append(names, n)
	}
	sort.Strings(names)
	all := map[string][]byte{"missing.id": Missing}
	for n, b := range zf {
		all[n] = b
	}
	c.Register(owner, all, append(names, "missing.id", "nozone.id")...)
	store := diskStore(t, disk.Config{Dir: t.TempDir()}, zf)
	zf["missing.id"] = Missing
	return &Fixture{Chain: c, Store: store, Mirror: mirror.New(c.DB, store, mirror.Options{}), Zonefiles: zf, Owner: owner}
}

// Many builds a mirror of n names in namespace "id" (n00000.id, …), each
// with a realistic zone file: one of the 12 real ones with its name put in
// (about 130 bytes, as the real median), all held in a disk tier.
func Many(t testing.TB, n int) *Fixture {
	t.Helper()
	c := namedbtest.New(t, nil)
	c.Launch("id", namedb.InfiniteLifetime)
	real := RealZonefiles(t)
	var templates [][]byte
	var origins []string
	for o, zf := range real {
		templates, origins = append(templates, zf), append(origins, o)
	}
	zf := map[string][]byte{}
	var owner *namedbtest.Key
	var batch []string
	for i := range n {
		name := fmt.Sprintf("n%05d.id", i)
		zf[name] = bytes.ReplaceAll(templates[i%len(templates)], []byte(origins[i%len(origins)]), []byte(name))
		batch = append(batch, name)
		if len(batch) == 20 || i == n-1 { // the per-owner quota is 25
			owner = c.Key(fmt.Sprint("owner ", i/20))
			c.Register(owner, zf, batch...)
			batch = nil
		}
	}
	store := diskStore(t, disk.Config{Dir: t.TempDir(), Fsync: new(bool)}, zf)
	return &Fixture{Chain: c, Store: store, Mirror: mirror.New(c.DB, store, mirror.Options{}), Zonefiles: zf, Owner: owner}
}

// diskStore is a tiered store of one disk tier (cfg) holding the zone
// files zf.
func diskStore(t testing.TB, cfg disk.Config, zf map[string][]byte) *tiered.Store {
	t.Helper()
	d, err := disk.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	store, err := tiered.New([]tiered.Tier{{Name: "disk", Driver: d}}, tiered.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	for _, b := range zf {
		if _, err := store.Put(context.Background(), plugins.SumKey(b), b); err != nil {
			t.Fatal(err)
		}
	}
	return store
}

// IndexSubdomains hands every pending whitelist entry whose zone file the
// tiers hold to the name database (what the daemon's subindex does), and
// returns how many it processed.
func (f *Fixture) IndexSubdomains(t testing.TB) int {
	t.Helper()
	ctx := context.Background()
	es, err := f.Chain.DB.SubdomainsPending(ctx, 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range es {
		zf, err := f.Store.Get(ctx, plugins.Key(e.Hash))
		if err != nil {
			continue // not held (missing.id's)
		}
		if _, err := f.Chain.DB.ProcessZoneFile(ctx, e.Index, zf); err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}
