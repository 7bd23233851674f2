package devnet

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zonemirror/zonemirror/internal/testdiff"

	"github.com/zonemirror/zonemirror/mirror/daemon"
	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/disk"
	"github.com/zonemirror/zonemirror/snapshot"
)

// diskSink stores a snapshot's zone files on a disk tier.
type diskSink struct{ d *disk.Disk }

func (s diskSink) Put(ctx context.Context, h wire.Hash160, b []byte) error {
	return s.d.Put(ctx, plugins.Key(h), b)
}

// devnetAnswers are a mirror's answers about all it holds: every block's
// consensus hash and operations, every name's record, history and zone
// file, the namespaces, the subdomains and the counts.
func devnetAnswers(t *testing.T, base string, first, tip int64) string {
	t.Helper()
	get := func(path string) string {
		code, body := httpGet(t, base+path)
		return fmt.Sprintf("%s %d %s", path, code, bytes.TrimSpace(body))
	}
	var b strings.Builder
	for h := first; h <= tip; h++ {
		fmt.Fprintln(&b, get(fmt.Sprintf("/v1/blockchains/bitcoin/consensus/%d", h)))
		fmt.Fprintln(&b, get(fmt.Sprintf("/v1/blockchains/bitcoin/operations/%d", h)))
	}
	var names []string
	for page := 0; ; page++ {
		var list []string
		getJSON(t, fmt.Sprintf("%s/v1/names?page=%d", base, page), &list)
		if len(list) == 0 {
			break
		}
		names = append(names, list...)
	}
	var subs []string
	getJSON(t, base+"/v1/subdomains?page=0", &subs)
	for _, n := range append(names, subs...) {
		for _, p := range []string{"", "/history", "/zonefile"} {
			fmt.Fprintln(&b, get("/v1/names/"+n+p))
		}
	}
	var nss struct {
		Namespaces []string `json:"namespaces"`
	}
	getJSON(t, base+"/v1/namespaces", &nss)
	for _, ns := range nss.Namespaces {
		fmt.Fprintln(&b, get("/v1/namespaces/"+ns))
	}
	for _, p := range []string{"/v1/namespaces", "/v1/blockchains/bitcoin/name_count", "/v1/blockchains/bitcoin/subdomains_count", "/v1/subdomains?page=0"} {
		fmt.Fprintln(&b, get(p))
	}
	return b.String()
}

// The devnet round trip: the running devnet mirror's snapshot, with its
// zone files, through its admin socket; imported into a fresh folder
// (checked against the devnet's consensus hash); served there with no
// node. Every answer equals the devnet mirror's, subdomains included
// (built again from the imported zone files).
func testSnapshotRoundTrip(t *testing.T, d *devnet, data string) {
	ctx := context.Background()
	n, _ := netparams.Named("simnet")
	var snap bytes.Buffer
	m, err := daemon.ExportRunning(ctx, filepath.Join(data, "mirror", "simnet", "admin.sock"), true, &snap)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("snapshot of the devnet: blocks %d to %d, %d operations, %d zone files, %d bytes", m.FirstHeight, m.LastHeight, m.Operations, m.RecordCount, snap.Len())
	fresh := t.TempDir()
	records := filepath.Join(fresh, "records")
	dd, err := disk.New(disk.Config{Dir: records}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ch map[string]string
	getJSON(t, fmt.Sprintf("http://%s/v1/blockchains/bitcoin/consensus/%d", d.info.HTTP, m.LastHeight), &ch)
	trust, err := snapshot.ParseTrust(fmt.Sprintf("%d:%s", m.LastHeight, ch["consensus_hash"]))
	if err != nil {
		t.Fatal(err)
	}
	res, err := snapshot.Import(ctx, &snap, snapshot.ImportOptions{Network: n, Path: filepath.Join(fresh, "simnet", "names"), Trust: []snapshot.Trust{trust}, Records: diskSink{dd}})
	dd.Close()
	if err != nil {
		t.Fatal(err)
	}
	if res.Records != m.RecordCount || res.RecordsRefused != 0 {
		t.Fatalf("records: %d stored, %d refused, of %d", res.Records, res.RecordsRefused, m.RecordCount)
	}
	cfg, err := daemon.Load([]byte(fmt.Sprintf(`network: simnet
data: %q
node: none
http: {listen: "127.0.0.1:0"}
dns: {listen: "off"}
crawl: {source: "off"}
drivers:
  - {name: disk, driver: disk, in_process: true, config: {dir: %q}}
`, fresh, records)))
	if err != nil {
		t.Fatal(err)
	}
	mctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	addrs := make(chan daemon.Addrs, 1)
	go func() {
		done <- daemon.Run(mctx, cfg, daemon.Options{Version: "test", Builtins: builtins, Started: func(a daemon.Addrs) { addrs <- a }})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("the imported mirror: %v", err)
		}
	}()
	var base string
	select {
	case a := <-addrs:
		base = "http://" + a.HTTP
	case err := <-done:
		done <- err
		t.Fatalf("the imported mirror: %v", err)
	}
	// its subdomains are indexed from the zone files it holds
	want := devnetAnswers(t, "http://"+d.info.HTTP, n.FirstBlock, m.LastHeight)
	var got string
	for deadline := time.Now().Add(30 * time.Second); ; {
		if got = devnetAnswers(t, base, n.FirstBlock, m.LastHeight); got == want || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if got != want {
		t.Fatalf("the imported mirror answers differently, %s", testdiff.Lines(got, want))
	}
	if !strings.Contains(want, "registered_subdomain") || !strings.Contains(want, "/zonefile 200") {
		t.Fatalf("the answers compared lack subdomains or zone files")
	}
	t.Logf("%d answers equal", strings.Count(want, "\n"))
}
