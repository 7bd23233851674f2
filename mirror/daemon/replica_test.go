package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zonemirror/zonemirror/internal/testdiff"

	"github.com/zonemirror/zonemirror/chainsync/txbuild"
	"github.com/zonemirror/zonemirror/internal/testminio"
	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/disk"
	"github.com/zonemirror/zonemirror/plugins/s3"
	"github.com/zonemirror/zonemirror/snapshot"
	"github.com/zonemirror/zonemirror/snapshot/location"
)

// replica is one running mirror of a test.
type replica struct {
	base   string
	cancel context.CancelFunc
	done   chan error
}

// runReplica serves cfg until stopped (or the test ends).
func runReplica(t *testing.T, cfgYAML string) *replica {
	t.Helper()
	cfg, err := Load([]byte(cfgYAML))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &replica{cancel: cancel, done: make(chan error, 1)}
	addrs := make(chan Addrs, 1)
	go func() {
		r.done <- Run(ctx, cfg, Options{Version: "test", Builtins: map[string]plugins.OpenFunc{"disk": disk.Open, "s3": s3.Open},
			Started: func(a Addrs) { addrs <- a }})
	}()
	t.Cleanup(r.stop)
	select {
	case a := <-addrs:
		r.base = "http://" + a.HTTP
	case err := <-r.done:
		r.done <- err
		t.Fatalf("serve: %v", err)
	}
	return r
}

func (r *replica) stop() {
	r.cancel()
	if err := <-r.done; err != nil {
		panic(fmt.Sprintf("serve returned %v", err))
	}
	r.done <- nil // a second stop returns at once
}

// get returns a GET's status and body.
func get(t *testing.T, url string) string {
	t.Helper()
	code, b := httpGet(t, url)
	return fmt.Sprintf("%d %s", code, bytes.TrimSpace(b))
}

// apiAnswers are a mirror's answers about everything it holds: each
// block's consensus hash and operations, the names, their records,
// histories and zone files, the namespaces and the counts.
func apiAnswers(t *testing.T, base string, first, tip int64) string {
	t.Helper()
	var b strings.Builder
	for h := first; h <= tip; h++ {
		fmt.Fprintf(&b, "%d %s\n%s\n", h, get(t, fmt.Sprintf("%s/v1/blockchains/bitcoin/consensus/%d", base, h)), get(t, fmt.Sprintf("%s/v1/blockchains/bitcoin/operations/%d", base, h)))
	}
	names := get(t, base+"/v1/names?page=0")
	fmt.Fprintln(&b, names)
	var list []string
	json.Unmarshal([]byte(strings.TrimPrefix(names, "200 ")), &list)
	if len(list) == 0 {
		t.Fatalf("no names: %s", names)
	}
	for _, n := range list {
		for _, p := range []string{"", "/history", "/zonefile"} {
			fmt.Fprintf(&b, "%s%s %s\n", n, p, get(t, base+"/v1/names/"+n+p))
		}
	}
	for _, p := range []string{"/v1/namespaces", "/v1/namespaces/replica", "/v1/namespaces/replica/names?page=0", "/v1/blockchains/bitcoin/name_count"} {
		fmt.Fprintf(&b, "%s %s\n", p, get(t, base+p))
	}
	return b.String()
}

// Replicas on one S3 tier: A syncs from the node; B's database is
// imported from A's snapshot in the bucket (verified against A's
// consensus hash) and follows the same node from there. Both answer
// identically, B its zone files from the shared bucket; A killed, B goes
// on.
func TestReplicas(t *testing.T) {
	srv := testminio.Start(t)
	srv.CreateBucket(t, "shared")
	c := newChain(t)
	n, _ := netparams.Named(c.net)
	s3cfg, _ := json.Marshal(srv.DriverConfig("shared", "zonefiles/"))
	config := func(data string) string {
		return fmt.Sprintf(`network: %s
data: %s
node: {host: %q, user: %q, pass: %q}
http: {listen: "127.0.0.1:0"}
dns: {listen: "off"}
crawl: {source: "off"}
drivers:
  - {name: local, driver: disk, in_process: true, config: {dir: %q}}
  - {name: shared, driver: s3, in_process: true, config: %s}
`, c.net, data, c.node.RPCAddr, c.node.User, c.node.Pass, filepath.Join(data, "records"), s3cfg)
	}
	dataA, dataB := t.TempDir(), t.TempDir()
	a := runReplica(t, config(dataA))
	c.base = a.base
	waitFor(t, "A's readiness", func() bool { return getJSON(t, a.base+"/readyz", nil) == 200 })
	c.namespace("replica")
	zonefiles := map[string][]byte{}
	for i := range 3 {
		name := fmt.Sprintf("r%d.replica", i)
		zonefiles[name] = []byte(fmt.Sprintf("$ORIGIN %s\n$TTL 3600\n_http._tcp IN URI 10 1 \"https://example.com/%d\"\n", name, i))
		c.register(name, zonefiles[name])
		body, _ := json.Marshal(map[string]string{"zonefile": string(zonefiles[name])})
		resp, err := http.Post(a.base+"/v1/zonefile", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 {
			b, _ := io.ReadAll(resp.Body)
			t.Fatalf("post of %s: %s %s", name, resp.Status, b)
		}
		resp.Body.Close()
	}

	// A's snapshot, through its admin socket, into the bucket
	ctx := context.Background()
	so := location.S3Options{Endpoint: srv.Endpoint, Region: srv.Region, PathStyle: true, AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}
	loc, _ := location.Parse("s3://shared/snapshots/a.zmsnap")
	w, err := location.Create(ctx, loc, so)
	if err != nil {
		t.Fatal(err)
	}
	cfgA, _ := Load([]byte(config(dataA)))
	m, err := ExportRunning(ctx, AdminSocket(cfgA, n), false, w)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// B imported from the bucket, trusting A's answer at the snapshot's
	// last block
	r, _, err := location.Open(ctx, loc, so)
	if err != nil {
		t.Fatal(err)
	}
	res, err := snapshot.Import(ctx, r, snapshot.ImportOptions{Network: n, Path: filepath.Join(dataB, n.Name, "names"),
		TrustFrom: func(_ context.Context, h int64) (wire.Hash128, error) {
			var v map[string]string
			getJSON(t, fmt.Sprintf("%s/v1/blockchains/bitcoin/consensus/%d", a.base, h), &v)
			return wire.ParseHash128(v["consensus_hash"])
		}})
	r.Close()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("imported %d blocks, %d operations at %d", m.Blocks, m.Operations, res.Manifest.LastHeight)

	// B follows the node from there; a block after the snapshot reaches both
	b := runReplica(t, config(dataB))
	c.do(txbuild.Update("r0.replica", c.consensusHash(), wire.SumHash160([]byte("new zone"))), nil)
	tip, _ := c.rpc.GetBlockCount()
	waitFor(t, "B at the tip", func() bool {
		var info map[string]any
		getJSON(t, b.base+"/v1/info", &info)
		return info["last_block_processed"] == float64(tip)
	})
	if tip <= m.LastHeight {
		t.Fatalf("no block after the snapshot (%d, tip %d)", m.LastHeight, tip)
	}
	wantA := apiAnswers(t, a.base, n.FirstBlock, tip)
	if got := apiAnswers(t, b.base, n.FirstBlock, tip); got != wantA {
		t.Fatalf("the replicas answer differently:\n%s", testdiff.Lines(got, wantA))
	}
	if !strings.Contains(wantA, "r1.replica/zonefile 200") {
		t.Fatalf("zone files not served: %s", wantA)
	}

	// A killed: B goes on, zone files from the shared bucket
	a.stop()
	c.base = b.base
	c.do(txbuild.Update("r1.replica", c.consensusHash(), wire.SumHash160([]byte("newer zone"))), nil)
	for name, zf := range zonefiles {
		if name == "r0.replica" || name == "r1.replica" {
			continue // updated to zone files nobody posted
		}
		var z map[string]string
		if code := getJSON(t, b.base+"/v1/names/"+name+"/zonefile", &z); code != 200 || z["zonefile"] != string(zf) {
			t.Errorf("B without A: %s: %d %v", name, code, z)
		}
	}
	var info map[string]any
	getJSON(t, b.base+"/v1/names/r1.replica", &info)
	if info["zonefile_hash"] != wire.SumHash160([]byte("newer zone")).String() {
		t.Errorf("B did not apply the block after A stopped: %v", info)
	}
}
