package crawler_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zonemirror/zonemirror/crawler"
	"github.com/zonemirror/zonemirror/internal/testdht"
	"github.com/zonemirror/zonemirror/internal/testdir"
	"github.com/zonemirror/zonemirror/internal/testwhitelist"
	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/dht"
	"github.com/zonemirror/zonemirror/plugins/disk"
	"github.com/zonemirror/zonemirror/plugins/host"
	"github.com/zonemirror/zonemirror/plugins/host/hosttest"
	"github.com/zonemirror/zonemirror/plugins/tiered"
)

var builtins = map[string]plugins.OpenFunc{"dht": dht.Open}

func TestMain(m *testing.M) { hosttest.Main(m, builtins) }

// zoneFiles reads the real zone files of testdata (the Stacks genesis
// export: hash line, then the file with newlines written as \n) and checks
// every hash.
func zoneFiles(t testing.TB) ([]plugins.Key, [][]byte) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "name_zonefiles.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var keys []plugins.Key
	var vals [][]byte
	for sc.Scan() {
		k, err := plugins.ParseKey(sc.Text())
		if err != nil {
			t.Fatalf("line %d: %v", 2*len(keys)+1, err)
		}
		if !sc.Scan() {
			t.Fatal("a hash without its zone file")
		}
		v := []byte(strings.ReplaceAll(sc.Text(), `\n`, "\n"))
		if plugins.SumKey(v) != k {
			t.Fatalf("zone file %d does not hash to %s", len(keys), k)
		}
		keys, vals = append(keys, k), append(vals, v)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return keys, vals
}

func hashes(keys []plugins.Key) [][20]byte {
	out := make([][20]byte, len(keys))
	for i, k := range keys {
		out[i] = k
	}
	return out
}

// mirror is what zonemirror serve wires: a name database, a disk tier, a
// DHT driver (in process, or a driver process of the host), the tiered
// store over both, and the crawler.
type mirror struct {
	chain  *testwhitelist.Chain
	disk   *disk.Disk
	dht    plugins.Driver
	node   *dht.Driver // when in process
	store  *tiered.Store
	c      *crawler.Crawler
	state  string
	cancel context.CancelFunc
	done   chan error
}

type mirrorOpts struct {
	process bool   // the DHT driver as a real driver process
	dir     string // reuse a mirror's folder (restart)
	edit    func(*dht.Config)
	crawl   func(*crawler.Config)
}

func newMirror(t testing.TB, s *testdht.Swarm, o mirrorOpts) *mirror {
	t.Helper()
	dir := o.dir
	if dir == "" {
		dir = testdir.Mem(t)
	}
	m := &mirror{chain: testwhitelist.Open(t, dir), state: filepath.Join(dir, "crawler.json")}
	off := false
	var err error
	if m.disk, err = disk.New(disk.Config{Dir: filepath.Join(dir, "records"), Fsync: &off}, hosttest.Logger()); err != nil {
		t.Fatal(err)
	}
	cfg := s.NodeConfig(filepath.Join(dir, "dht"))
	if o.edit != nil {
		o.edit(&cfg)
	}
	if o.process {
		h := hosttest.New(t, builtins, nil)
		m.dht = hosttest.Start(t, h, host.DriverConfig{Name: "dht", Driver: "dht", Config: hosttest.JSON(cfg)})
	} else {
		if m.node, err = dht.New(context.Background(), cfg, hosttest.Logger()); err != nil {
			t.Fatal(err)
		}
		m.dht = m.node
		t.Cleanup(func() { m.node.Close() })
	}
	m.store, err = tiered.New([]tiered.Tier{
		{Name: "disk", Driver: m.disk},
		{Name: "dht", Driver: m.dht, Timeout: 30 * time.Second},
	}, tiered.Options{Logger: hosttest.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.store.Close() })
	cc := crawler.Config{StateFile: m.state, MinBackoff: 200 * time.Millisecond, MaxBackoff: 2 * time.Second,
		Poll: 200 * time.Millisecond, ProgressEvery: -1, Logger: hosttest.Logger()}
	if o.crawl != nil {
		o.crawl(&cc)
	}
	m.c, err = crawler.New(cc, m.chain.DB, m.store, m.dht)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// run starts the crawler; it is stopped when t ends (or by stop).
func (m *mirror) run(t testing.TB) {
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel, m.done = cancel, make(chan error, 1)
	go func() { m.done <- m.c.Run(ctx) }()
	t.Cleanup(func() { m.stop(t) })
}

// close stops the crawler and closes everything of the mirror, so its
// folder can be opened again.
func (m *mirror) close(t testing.TB) {
	m.stop(t)
	m.store.Close()
	m.dht.Close()
	m.chain.Close()
}

func (m *mirror) stop(t testing.TB) {
	if m.cancel == nil {
		return
	}
	m.cancel()
	m.cancel = nil
	if err := <-m.done; err != nil {
		t.Errorf("crawler Run: %v", err)
	}
}

// waitFor polls the crawler's status until ok says so, failing after
// timeout with the last status.
func (m *mirror) waitFor(t *testing.T, timeout time.Duration, what string, ok func(crawler.Status) bool) crawler.Status {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		st := m.c.Status()
		if ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s; status: %s", what, timeout, st)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkDisk fails t unless the disk tier holds exactly want (key →
// bytes): nothing else, nothing bad.
func (m *mirror) checkDisk(t *testing.T, want map[plugins.Key][]byte) {
	t.Helper()
	ctx := context.Background()
	var got []plugins.Key
	if err := m.disk.List(ctx, plugins.ListOptions{}, func(ks []plugins.Key) error { got = append(got, ks...); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Errorf("disk tier holds %d records, want %d", len(got), len(want))
	}
	for _, k := range got {
		v, err := m.disk.Get(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		if w, ok := want[k]; !ok || !bytes.Equal(v, w) {
			t.Errorf("disk tier holds %s (%d bytes), which is not a wanted record", k, len(v))
		}
	}
}

// publish puts each record from one of the publishers (round robin), 32
// at a time, and fails t on an error or an under-replicated record.
func publish(t testing.TB, pubs []*dht.Driver, keys []plugins.Key, vals [][]byte) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(keys))
	sem := make(chan struct{}, 32)
	for i := range keys {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			// A publish that a transient dial failure left short of a
			// holder is put again, as the driver itself would; the
			// record must end up on every closest peer.
			var err error
			for attempt := 0; attempt < 3; attempt++ {
				var r dht.Replication
				r, err = pubs[i%len(pubs)].Publish(context.Background(), keys[i], vals[i])
				if err == nil && r.UnderReplicated() {
					err = fmt.Errorf("under-replicated after %d publishes: %s: %+v", attempt+1, keys[i], r)
				}
				if err == nil {
					break
				}
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// All 1,631 real zone files, published by three nodes of a 20-node swarm
// that then go offline, are crawled by a fresh mirror whose DHT driver is a
// real driver process: every one arrives and verifies.
func TestCrawlRealZoneFilesAfterPublishersLeave(t *testing.T) {
	keys, vals := zoneFiles(t)
	if len(keys) != 1631 {
		t.Fatalf("%d zone files in testdata, want 1631", len(keys))
	}
	s := testdht.Start(t, 20, nil)
	s.Allow(t, keys)
	publish(t, s.Nodes[17:], keys, vals)
	for i := 17; i < 20; i++ {
		s.Stop(t, i)
	}
	m := newMirror(t, s, mirrorOpts{process: true})
	m.chain.Announce(t, hashes(keys))
	start := time.Now()
	m.run(t)
	st := m.waitFor(t, 3*time.Minute, "all records held", func(st crawler.Status) bool {
		return st.Checked == int64(len(keys)) && st.Held == int64(len(keys))
	})
	t.Logf("crawled %d real zone files in %s: %s", len(keys), time.Since(start).Round(time.Millisecond), st)
	want := map[plugins.Key][]byte{}
	for i, k := range keys {
		want[k] = vals[i]
	}
	m.checkDisk(t, want)
	if st.Missing != 0 || len(m.c.MissingList(0)) != 0 || st.Fetched != uint64(len(keys)) {
		t.Errorf("status %s", st)
	}
	// The mirror's DHT node holds them too now (it will republish them).
	dst, err := m.dht.Stat(context.Background())
	if err != nil || dst.Records != int64(len(keys)) {
		t.Errorf("mirror's DHT driver: %+v, %v", dst, err)
	}
}

// A rogue node serves forged bytes for every whitelisted hash and pushes
// forged and never-whitelisted records onto every honest node. Every
// honest node refuses them (and counts why), kad-dht's own PutValue calls
// the rogue's failed push a success, and the mirror's tiers get only the
// good records; the hash only the rogue claims stays missing as "only
// invalid copies seen".
func TestRogueNodeRefusedEverywhere(t *testing.T) {
	s := testdht.Start(t, 20, nil)
	rogue := s.NewRogue(t)
	ctx := context.Background()
	good, goodVals := synthetic(12, "good")
	// A whitelisted hash nobody honest holds, among whose closest peers the
	// rogue is, so a lookup surely reaches it.
	var lonely plugins.Key
	for i := 0; ; i++ {
		k := plugins.SumKey([]byte(fmt.Sprintf("lonely %d", i)))
		if s.AmongClosest(rogue.Host.ID(), k, 10) {
			lonely = k
			break
		}
	}
	spam := []byte("$ORIGIN spam.id\n; never announced on chain\n")
	spamKey := plugins.SumKey(spam)
	wl := append(append([]plugins.Key(nil), good...), lonely)
	s.Allow(t, wl)
	publish(t, s.Nodes[2:3], good, goodVals)
	for _, k := range wl {
		rogue.Hold(t, k, []byte("forged bytes for "+k.String()))
	}
	rogue.Hold(t, spamKey, spam)
	for i, d := range s.Live() {
		if err := rogue.PushTo(ctx, d.ID(), spamKey, spam); err == nil {
			t.Errorf("node %d stored a record that is not whitelisted", i)
		}
		if err := rogue.PushTo(ctx, d.ID(), lonely, []byte("forged")); err == nil {
			t.Errorf("node %d stored bytes that do not hash to their key", i)
		}
	}
	// What the driver must not trust: kad-dht's PutValue reports success
	// although every peer refused.
	if err := rogue.DHT.PutValue(ctx, "/zf/"+spamKey.String(), spam); err != nil {
		t.Errorf("kad-dht PutValue of a refused record: %v (expected the false success)", err)
	}
	for i, d := range s.Live() {
		if ok, _ := d.Has(ctx, spamKey); ok {
			t.Errorf("node %d holds the spam record", i)
		}
		if ok, _ := d.Has(ctx, lonely); ok {
			t.Errorf("node %d holds the forged record", i)
		}
		if r := d.Report(); r.Refused[dht.RefusedNotAllowed] == 0 || r.Refused[dht.RefusedBadHash] == 0 {
			t.Errorf("node %d did not count the refusals: %v", i, r.Refused)
		}
	}

	m := newMirror(t, s, mirrorOpts{})
	m.chain.Announce(t, hashes(wl))
	m.run(t)
	m.waitFor(t, time.Minute, "good records held, the forged one marked invalid", func(st crawler.Status) bool {
		mi, ok := m.c.Missing(lonely)
		return st.Held == int64(len(good)) && ok && mi.State == crawler.StateInvalid
	})
	mi, _ := m.c.Missing(lonely)
	if !strings.Contains(mi.LastError, "only invalid copies seen") || mi.Attempts == 0 {
		t.Errorf("missing info of the forged hash: %+v", mi)
	}
	want := map[plugins.Key][]byte{}
	for i, k := range good {
		want[k] = goodVals[i]
	}
	m.checkDisk(t, want)
	if ok, _ := m.node.Has(ctx, spamKey); ok {
		t.Error("the mirror's DHT node holds the spam record")
	}
	if r := m.node.Report(); r.Refused[dht.RefusedBadHash] == 0 || r.InvalidOnly == 0 {
		t.Errorf("the mirror's DHT node did not count the forged answers: %+v", r)
	}
	if st := m.c.Status(); st.Failures[crawler.CauseInvalid] == 0 {
		t.Errorf("crawler failures: %v", st.Failures)
	}
}

// synthetic returns n small zone-file-like records.
func synthetic(n int, tag string) ([]plugins.Key, [][]byte) {
	keys := make([]plugins.Key, n)
	vals := make([][]byte, n)
	for i := range vals {
		vals[i] = []byte(fmt.Sprintf("$ORIGIN %s%d.id\n$TTL 3600\n_http._tcp IN URI 10 1 \"https://example.org/%s/%d\"\n", tag, i, tag, i))
		keys[i] = plugins.SumKey(vals[i])
	}
	return keys, vals
}
