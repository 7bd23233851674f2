package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zonemirror/zonemirror/internal/testminio"
	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/namedbtest"
	"github.com/zonemirror/zonemirror/namedb/netparams"
)

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// mirrorConfig writes the config of a regtest mirror in data: node none,
// a disk tier and the shared bucket of srv, both in-process.
func mirrorConfig(t *testing.T, data, httpAddr string, srv *testminio.Server, bucket string) string {
	s3cfg, _ := json.Marshal(srv.DriverConfig(bucket, "zonefiles/"))
	cfg := fmt.Sprintf(`network: regtest
data: %s
node: none
http: {listen: %q}
dns: {listen: "off"}
crawl: {source: "off"}
drivers:
  - {name: local, driver: disk, in_process: true, config: {dir: %q}}
  - {name: shared, driver: s3, in_process: true, config: %s}
`, data, httpAddr, filepath.Join(data, "records"), s3cfg)
	path := filepath.Join(data, "mirror.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// dbAnswers opens the regtest database at data and describes it.
func dbAnswers(t *testing.T, data string) string {
	t.Helper()
	ctx := context.Background()
	n, _ := netparams.Named("regtest")
	db, err := namedb.Open(ctx, filepath.Join(data, "regtest", "names"), n)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var b strings.Builder
	tip, _ := db.Tip()
	for h := n.FirstBlock; h <= tip; h++ {
		ch, _ := db.ConsensusHashAt(h)
		fmt.Fprintf(&b, "%d %s\n", h, ch)
	}
	names, _ := db.AllNames(ctx, 0, 1000, true)
	for _, name := range names {
		info, _ := db.Name(ctx, name)
		j, _ := json.Marshal(info)
		fmt.Fprintf(&b, "%s %s\n", name, j)
	}
	wl, _ := db.WhitelistAfter(ctx, 0, 1000)
	fmt.Fprintf(&b, "whitelist %v\n", wl)
	return b.String()
}

// zonemirror snapshot: export a stopped mirror to a folder, a running one
// (node: none) through its admin socket to S3, import from the folder with
// --trust-from the running mirror and from the bucket with --trust; a
// wrong trusted hash is refused and changes nothing.
func TestSnapshotCommands(t *testing.T) {
	srv := testminio.Start(t)
	srv.CreateBucket(t, "mirrors")
	n, _ := netparams.Named("regtest")
	src := t.TempDir()
	c := namedbtest.NewAt(t, n, filepath.Join(src, "regtest", "names"))
	c.Launch("snap", 1000)
	owner := c.Key("owner")
	zonefiles := map[string][]byte{}
	for i := range 5 {
		name := fmt.Sprintf("n%d.snap", i)
		zonefiles[name] = []byte(fmt.Sprintf("$ORIGIN %s\n$TTL 3600\n_http._tcp IN URI 10 1 \"https://example.com/%d\"\n", name, i))
	}
	c.Register(owner, zonefiles, "n0.snap", "n1.snap", "n2.snap", "n3.snap", "n4.snap")
	c.MineEmpty(2)
	tip := c.Tip()
	ch := c.ConsensusHash()
	c.DB.Close()
	want := dbAnswers(t, src)
	srcHTTP := freePort(t)
	srcCfg := mirrorConfig(t, src, srcHTTP, srv, "mirrors")

	// a stopped mirror, to a folder
	folder := filepath.Join(t.TempDir(), "snaps") + "/"
	code, out, errs := runCLI(t, "", "snapshot", "export", "--config", srcCfg, "--out", folder)
	if code != 0 || !strings.Contains(out, fmt.Sprintf("blocks %d to %d", n.FirstBlock, tip)) || !strings.Contains(out, ch.String()) {
		t.Fatalf("export of a stopped mirror: exit %d: %s %s", code, out, errs)
	}

	// the mirror running, without a node: zone files posted, then
	// exported with them through the admin socket into the bucket
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan int, 1)
	go func() {
		code, _, errs := runCLI2(ctx, "serve", "--config", srcCfg)
		if code != 0 {
			t.Errorf("serve: exit %d: %s", code, errs)
		}
		served <- code
	}()
	t.Cleanup(func() { cancel(); <-served })
	base := "http://" + srcHTTP
	waitHTTP(t, base+"/v1/info")
	for _, zf := range zonefiles {
		body, _ := json.Marshal(map[string]string{"zonefile": string(zf)})
		resp, err := http.Post(base+"/v1/zonefile", "application/json", bytes.NewReader(body))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("post: %v %v", resp, err)
		}
		resp.Body.Close()
	}
	// zonemirror status reads the running mirror's /status
	code, out, errs = runCLI(t, "", "status", "--url", base)
	if code != 0 || !strings.Contains(out, "zonemirror regtest") || !strings.Contains(out, fmt.Sprintf("height %d", tip)) || !strings.Contains(out, "names") {
		t.Errorf("status: exit %d: %s %s", code, out, errs)
	}
	if code, _, errs := runCLI(t, "", "status", "--url", "http://127.0.0.1:1"); code != 1 || !strings.Contains(errs, "the mirror at http://127.0.0.1:1") {
		t.Errorf("status of no mirror: exit %d: %s", code, errs)
	}
	code, out, errs = runCLI(t, "", "snapshot", "export", "--config", srcCfg, "--records", "--out", "s3://mirrors/snapshots/")
	if code != 0 || !strings.Contains(errs, "admin.sock") || !strings.Contains(out, "5 zone files (0 not held)") {
		t.Fatalf("export of a running mirror: exit %d: %s %s", code, out, errs)
	}

	// imports: from the folder, trusting the running mirror
	dst := t.TempDir()
	dstCfg := mirrorConfig(t, dst, freePort(t), srv, "mirrors")
	code, out, errs = runCLI(t, "", "snapshot", "import", "--config", dstCfg, "--from", folder, "--trust-from", base)
	if code != 0 || !strings.Contains(out, fmt.Sprintf("verified at %d:%s", tip, ch)) {
		t.Fatalf("import from a folder: exit %d: %s %s", code, out, errs)
	}
	if got := dbAnswers(t, dst); got != want {
		t.Fatalf("imported database differs:\n got %s\nwant %s", got, want)
	}
	// a wrong trusted hash: refused, the database unchanged
	wrong := []byte(ch.String())
	wrong[0] ^= 1
	code, _, errs = runCLI(t, "", "snapshot", "import", "--config", dstCfg, "--from", folder, "--trust", fmt.Sprintf("%d:%s", tip, wrong))
	if code != 1 || !strings.Contains(errs, "the trusted one is "+string(wrong)) || !strings.Contains(errs, "database is unchanged") {
		t.Fatalf("a wrong trusted hash: exit %d: %s", code, errs)
	}
	if got := dbAnswers(t, dst); got != want {
		t.Fatal("a refused import changed the database")
	}
	// from the bucket (the newest snapshot there), with its zone files,
	// reached with the config's s3 tier
	dst2 := t.TempDir()
	dst2Cfg := mirrorConfig(t, dst2, freePort(t), srv, "mirrors")
	code, out, errs = runCLI(t, "", "snapshot", "import", "--config", dst2Cfg, "--from", "s3://mirrors/snapshots/", "--records", "--trust", fmt.Sprintf("%d:%s", tip, ch))
	if code != 0 || !strings.Contains(out, "5 zone files stored, 0 refused") {
		t.Fatalf("import from S3: exit %d: %s %s", code, out, errs)
	}
	if got := dbAnswers(t, dst2); got != want {
		t.Fatal("the database imported from S3 differs")
	}
	if _, err := os.Stat(filepath.Join(dst2, "records")); err != nil {
		t.Errorf("no zone files in the disk tier: %v", err)
	}
	// usage errors
	if code, _, _ := runCLI(t, "", "snapshot", "export", "--config", srcCfg); code != 2 {
		t.Errorf("export without --out: exit %d", code)
	}
	if code, _, errs := runCLI(t, "", "snapshot", "import", "--config", dstCfg, "--from", folder); code != 1 || !strings.Contains(errs, "no trusted consensus hash") {
		t.Errorf("import without trust: exit %d: %s", code, errs)
	}
}

// runCLI2 is runCLI with a context, for a command that runs until
// cancelled.
func runCLI2(ctx context.Context, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(ctx, &cmdEnv{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}, args)
	return code, out.String(), errb.String()
}

func waitHTTP(t *testing.T, url string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", url, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
