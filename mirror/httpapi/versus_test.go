package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zonemirror/zonemirror/internal/procstart"
	"github.com/zonemirror/zonemirror/internal/testmirror"
	"github.com/zonemirror/zonemirror/namedb/subdomain"
	"github.com/zonemirror/zonemirror/namedb/wire"
	"github.com/zonemirror/zonemirror/plugins"
)

// BenchmarkVersusNginx runs wrk against the mirror's
// /v1/names/{name}/zonefile and /v1/zonefiles/{hash} over 10,000 names,
// and against nginx serving the same bytes as static files at the same
// paths, and against a bare net/http server from a map, with the same wrk
// settings, in turn for three rounds (medians reported). Target: ≥ 75%
// of nginx's requests/s, p99 no worse than 1.5× nginx's. Needs wrk and
// nginx (apt-get install wrk nginx-light; bench/mirror.sh does).
func BenchmarkVersusNginx(b *testing.B) {
	for _, tool := range []string{"wrk", "nginx"} {
		if _, err := exec.LookPath(tool); err != nil {
			b.Fatalf("%s is not installed: apt-get install wrk nginx-light (bench/mirror.sh installs them)", tool)
		}
	}
	f := testmirror.Many(b, 10_000)
	// Served as zonemirror serve serves it.
	mirrorURL := serve(b, New(f.Mirror, f.Chain.DB, Options{Version: "bench"}))

	// nginx's document root: the mirror's answers as files.
	root := b.TempDir()
	var names []string
	for n := range f.Zonefiles {
		names = append(names, n)
	}
	sort.Strings(names)
	var hashes []string
	for _, n := range names {
		zf := f.Zonefiles[n]
		body, _ := json.Marshal(map[string]string{"zonefile": string(zf)})
		dir := filepath.Join(root, "v1", "names", n)
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, "zonefile"), body, 0o644)
		h := wire.SumHash160(zf).String()
		hashes = append(hashes, h)
		os.MkdirAll(filepath.Join(root, "v1", "zonefiles"), 0o755)
		os.WriteFile(filepath.Join(root, "v1", "zonefiles", h), zf, 0o644)
	}
	// 10,000 subdomains of reg.id, 100 to a zone file, each with a zone
	// file of the same size as the names'
	subs := benchSubdomains(b, f, 10_000)
	for _, fqn := range subs {
		rec, err := f.Chain.DB.Subdomain(context.Background(), fqn)
		if err != nil || rec == nil {
			b.Fatalf("%s: %v %v", fqn, rec, err)
		}
		body, _ := json.Marshal(map[string]string{"zonefile": string(rec.ZoneFile)})
		dir := filepath.Join(root, "v1", "names", fqn)
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, "zonefile"), body, 0o644)
	}
	nginxURL := startNginx(b, root)
	bareURL := startBare(b, root)

	// Warm both (the mirror's caches, nginx's page cache).
	for i, n := range names {
		for _, base := range []string{mirrorURL, nginxURL} {
			for _, p := range []string{"/v1/names/" + n + "/zonefile", "/v1/zonefiles/" + hashes[i], "/v1/names/" + subs[i] + "/zonefile"} {
				resp, err := http.Get(base + p)
				if err != nil || resp.StatusCode != 200 {
					b.Fatalf("warm-up %s%s: %v %v", base, p, resp, err)
				}
				resp.Body.Close()
			}
		}
	}
	// Three rounds, the servers in turn within each, so that all of them
	// see the same swings of the shared machine; the medians are reported.
	const rounds = 3
	for b.Loop() {
		for _, route := range []struct {
			name, prefix, suffix string
			keys                 []string
		}{{"names", "/v1/names/", "/zonefile", names}, {"zonefiles", "/v1/zonefiles/", "", hashes}, {"subdomains", "/v1/names/", "/zonefile", subs}} {
			script := wrkScript(b, route.prefix, route.suffix, route.keys)
			var m, ng, bare []wrkResult
			for range rounds {
				m = append(m, runWrk(b, mirrorURL, script))
				ng = append(ng, runWrk(b, nginxURL, script))
				bare = append(bare, runWrk(b, bareURL, script))
			}
			mr, mp := medians(m)
			nr, np := medians(ng)
			br, bp := medians(bare)
			b.ReportMetric(br, route.name+"-bare-req/s")
			b.ReportMetric(bp.Seconds()*1000, route.name+"-bare-p99-ms")
			b.ReportMetric(mr, route.name+"-mirror-req/s")
			b.ReportMetric(nr, route.name+"-nginx-req/s")
			b.ReportMetric(mp.Seconds()*1000, route.name+"-mirror-p99-ms")
			b.ReportMetric(np.Seconds()*1000, route.name+"-nginx-p99-ms")
			b.ReportMetric(100*mr/nr, route.name+"-ratio-%")
			b.ReportMetric(mp.Seconds()/np.Seconds(), route.name+"-p99-ratio-x")
		}
	}
}

// medians are the median requests/s and median p99 of a server's rounds.
func medians(rs []wrkResult) (float64, time.Duration) {
	rps := make([]float64, len(rs))
	p99 := make([]time.Duration, len(rs))
	for i, r := range rs {
		rps[i], p99[i] = r.rps, r.p99
	}
	slices.Sort(rps)
	slices.Sort(p99)
	return rps[len(rps)/2], p99[len(p99)/2]
}

// startBare serves the files under root from a map with a bare net/http
// server: the ceiling of a Go server on this machine, for comparison.
func startBare(b *testing.B, root string) string {
	files := map[string][]byte{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files["/"+filepath.ToSlash(strings.TrimPrefix(p, root+string(filepath.Separator)))], _ = os.ReadFile(p)
		}
		return nil
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(body)
	})}
	go srv.Serve(ln)
	b.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

func startNginx(b *testing.B, root string) string {
	prefix := b.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	// Workers keep this process's user (as root nginx would switch to
	// nobody, who cannot read the test's folders).
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;\n"
	}
	conf := user + fmt.Sprintf(`worker_processes auto;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  default_type application/octet-stream;
  client_body_temp_path %[1]s/body;
  proxy_temp_path %[1]s/proxy;
  fastcgi_temp_path %[1]s/fastcgi;
  uwsgi_temp_path %[1]s/uwsgi;
  scgi_temp_path %[1]s/scgi;
  server { listen %[2]s; root %[3]s; }
}
`, prefix, addr, root)
	confPath := filepath.Join(prefix, "nginx.conf")
	os.WriteFile(confPath, []byte(conf), 0o644)
	cmd := exec.Command("nginx", "-p", prefix, "-c", confPath, "-g", "daemon off;")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { procstart.Terminate(cmd, 10*time.Second) }) // the master stops its workers
	for deadline := time.Now().Add(10 * time.Second); ; {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return "http://" + addr
		}
		if time.Now().After(deadline) {
			b.Fatal("nginx did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// wrkScript is a Lua script asking for prefix+key+suffix, keys at random.
func wrkScript(b *testing.B, prefix, suffix string, keys []string) string {
	var sb strings.Builder
	sb.WriteString("local keys = {")
	for _, k := range keys {
		fmt.Fprintf(&sb, "%q,", k)
	}
	fmt.Fprintf(&sb, "}\nmath.randomseed(7)\nrequest = function()\n  return wrk.format(\"GET\", %q .. keys[math.random(#keys)] .. %q)\nend\n", prefix, suffix)
	p := filepath.Join(b.TempDir(), "script.lua")
	os.WriteFile(p, []byte(sb.String()), 0o644)
	return p
}

type wrkResult struct {
	rps float64
	p99 time.Duration
}

var (
	rpsRE = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	p99RE = regexp.MustCompile(`\s99%\s+([0-9.]+)(us|ms|s)`)
)

// runWrk runs wrk with the benchmark's settings: 2 threads, 64
// connections, 10 s.
func runWrk(b *testing.B, url, script string) wrkResult {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "wrk", "-t2", "-c64", "-d10s", "--latency", "-s", script, url).CombinedOutput()
	if err != nil {
		b.Fatalf("wrk %s: %v\n%s", url, err, out)
	}
	if strings.Contains(string(out), "Non-2xx") {
		b.Fatalf("wrk %s: errors\n%s", url, out)
	}
	m, p := rpsRE.FindSubmatch(out), p99RE.FindSubmatch(out)
	if m == nil || p == nil {
		b.Fatalf("wrk %s: no figures in\n%s", url, out)
	}
	rps, _ := strconv.ParseFloat(string(m[1]), 64)
	v, _ := strconv.ParseFloat(string(p[1]), 64)
	unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[string(p[2])]
	return wrkResult{rps: rps, p99: time.Duration(v * float64(unit))}
}

// benchSubdomains gives the fixture's chain a registrar, reg.id, whose
// zone files create n subdomains (100 a zone file), processes them and
// returns their names.
func benchSubdomains(b *testing.B, f *testmirror.Fixture, n int) []string {
	ctx := context.Background()
	reg := f.Chain.Key("registrar")
	f.Chain.Register(reg, nil, "reg.id")
	var subs []string
	for first := 0; first < n; first += 100 {
		var zf strings.Builder
		zf.WriteString("$ORIGIN reg.id\n$TTL 3600\n")
		for i := first; i < min(first+100, n); i++ {
			fqn := fmt.Sprintf("s%05d.reg.id", i)
			own := fmt.Sprintf("$ORIGIN %s\n$TTL 3600\n_http._tcp IN URI 10 1 \"https://gaia.blockstack.org/hub/1Cz4tRwMKoZLS4Tf4hU7hawzu3HpPaRMtU/profile.json\"\n", fqn)
			r := &subdomain.Record{FQN: fqn, Domain: "reg.id", Owner: "1Cz4tRwMKoZLS4Tf4hU7hawzu3HpPaRMtU", ZoneFile: []byte(own)}
			zf.WriteString(r.TXT() + "\n")
			subs = append(subs, fqn)
		}
		data := []byte(zf.String())
		f.Chain.Update(reg, "reg.id", data)
		f.Chain.Mine()
		if _, err := f.Store.Put(ctx, plugins.SumKey(data), data); err != nil {
			b.Fatal(err)
		}
	}
	f.IndexSubdomains(b)
	if got := f.Chain.DB.SubdomainCount(); got != int64(n) {
		b.Fatalf("%d subdomains, want %d", got, n)
	}
	return subs
}
