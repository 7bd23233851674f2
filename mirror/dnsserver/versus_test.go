package dnsserver

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/zonemirror/zonemirror/internal/procstart"
	"github.com/zonemirror/zonemirror/internal/testmirror"
	"github.com/zonemirror/zonemirror/mirror/zonefile"
)

// BenchmarkVersusNSD runs dnsperf against the mirror's DNS server and
// against nsd serving the same 10,000 names as one zone, same queries,
// same settings, one after the other. Target: ≥ 60% of nsd's queries/s.
// Needs dnsperf and nsd (apt-get install dnsperf nsd; bench/mirror.sh does).
func BenchmarkVersusNSD(b *testing.B) {
	for _, tool := range []string{"dnsperf", "nsd"} {
		if _, err := exec.LookPath(tool); err != nil {
			b.Fatalf("%s is not installed: apt-get install dnsperf nsd (bench/mirror.sh installs them)", tool)
		}
	}
	f := testmirror.Many(b, 10_000)
	// with response rate limiting at its defaults, as a mirror serves: a
	// well-behaved load (10,000 names from one client) is not limited
	s := New(f.Mirror, f.Chain.DB, Options{MaxConcurrent: 4096})
	conn, ln, err := Listen("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Serve(ctx, conn, ln)
	ours := conn.LocalAddr().String()

	// The same records as one zone for nsd, and the queries.
	var names []string
	for n := range f.Zonefiles {
		names = append(names, n)
	}
	sort.Strings(names)
	var zone, queries strings.Builder
	fmt.Fprintf(&zone, "$ORIGIN id.\n$TTL 3600\n@ IN SOA ns1.zonemirror.invalid. hostmaster.zonemirror.invalid. 1 3600 600 604800 60\n@ IN NS ns1.zonemirror.invalid.\n")
	for _, n := range names {
		for _, rr := range zonefile.Parse(n, f.Zonefiles[n], 3600) {
			zone.WriteString(rr.String() + "\n")
			if rr.Header().Rrtype == dns.TypeURI {
				fmt.Fprintf(&queries, "%s URI\n", rr.Header().Name)
			}
		}
	}
	dir := b.TempDir()
	os.WriteFile(filepath.Join(dir, "id.zone"), []byte(zone.String()), 0o644)
	qfile := filepath.Join(dir, "queries.txt")
	os.WriteFile(qfile, []byte(queries.String()), 0o644)
	nsdAddr := startNSD(b, dir)
	bareAddr := startBare(b, f.Zonefiles)
	for _, addr := range []string{ours, nsdAddr, bareAddr} { // all answer before timing
		m := new(dns.Msg)
		m.SetQuestion("_http._tcp."+names[0]+".", dns.TypeURI)
		r, err := dns.Exchange(m, addr)
		if err != nil || len(r.Answer) != 1 {
			b.Fatalf("%s does not answer: %v %v", addr, r, err)
		}
	}
	for b.Loop() {
		q := runDNSPerf(b, ours, qfile)
		qn := runDNSPerf(b, nsdAddr, qfile)
		qb := runDNSPerf(b, bareAddr, qfile)
		b.ReportMetric(q, "mirror-q/s")
		b.ReportMetric(qn, "nsd-q/s")
		b.ReportMetric(qb, "bare-q/s")
		b.ReportMetric(100*q/qn, "ratio-%")
		b.ReportMetric(100*q/qb, "of-bare-%")
		d, sl := s.Limited()
		b.ReportMetric(float64(d+sl), "rrl-limited")
	}
}

// startBare answers the same records from a map with a bare miekg/dns
// server (UDP): the ceiling of that library on this machine, for
// comparison.
func startBare(b *testing.B, zonefiles map[string][]byte) string {
	records := map[string][]dns.RR{}
	for n, zf := range zonefiles {
		for _, rr := range zonefile.Parse(n, zf, 3600) {
			k := strings.ToLower(rr.Header().Name) + "/" + strconv.Itoa(int(rr.Header().Rrtype))
			records[k] = append(records[k], rr)
		}
	}
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &dns.Server{PacketConn: conn, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, req *dns.Msg) {
		resp := new(dns.Msg)
		resp.SetReply(req)
		resp.Authoritative = true
		if len(req.Question) == 1 {
			q := req.Question[0]
			resp.Answer = records[strings.ToLower(q.Name)+"/"+strconv.Itoa(int(q.Qtype))]
		}
		w.WriteMsg(resp)
	})}
	go srv.ActivateAndServe()
	b.Cleanup(func() { srv.Shutdown() })
	return conn.LocalAddr().String()
}

func startNSD(b *testing.B, dir string) string {
	ln, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.LocalAddr().(*net.UDPAddr)
	ln.Close()
	conf := fmt.Sprintf(`server:
  ip-address: 127.0.0.1@%d
  port: %d
  username: ""
  chroot: ""
  zonesdir: %q
  pidfile: %q
  database: ""
  zonelistfile: %q
  xfrdfile: %q
  xfrdir: %q
  logfile: %q
  server-count: 2
  hide-version: yes
remote-control:
  control-enable: no
zone:
  name: id
  zonefile: id.zone
`, addr.Port, addr.Port, dir, filepath.Join(dir, "nsd.pid"), filepath.Join(dir, "zone.list"), filepath.Join(dir, "xfrd.state"), dir, filepath.Join(dir, "nsd.log"))
	cp := filepath.Join(dir, "nsd.conf")
	os.WriteFile(cp, []byte(conf), 0o644)
	cmd := exec.Command("nsd", "-d", "-c", cp)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { procstart.Terminate(cmd, 10*time.Second) }) // nsd stops its servers
	target := addr.String()
	for deadline := time.Now().Add(20 * time.Second); ; {
		m := new(dns.Msg)
		m.SetQuestion("id.", dns.TypeSOA)
		if r, err := dns.Exchange(m, target); err == nil && r.Rcode == dns.RcodeSuccess {
			return target
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "nsd.log"))
			b.Fatalf("nsd did not come up:\n%s", log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var qpsRE = regexp.MustCompile(`Queries per second:\s+([0-9.]+)`)

// runDNSPerf runs dnsperf for 10 s with 100 queries outstanding.
func runDNSPerf(b *testing.B, addr, qfile string) float64 {
	host, port, _ := net.SplitHostPort(addr)
	out, err := exec.Command("dnsperf", "-s", host, "-p", port, "-d", qfile, "-l", "10", "-q", "100", "-c", "2").CombinedOutput()
	if err != nil {
		b.Fatalf("dnsperf %s: %v\n%s", addr, err, out)
	}
	m := qpsRE.FindSubmatch(out)
	if m == nil {
		b.Fatalf("dnsperf %s: no figure in\n%s", addr, out)
	}
	if strings.Contains(string(out), "Queries lost:") && !strings.Contains(string(out), "Queries lost:         0") {
		b.Logf("dnsperf %s: %s", addr, strings.TrimSpace(regexp.MustCompile(`Queries lost:.*`).FindString(string(out))))
	}
	q, _ := strconv.ParseFloat(string(m[1]), 64)
	return q
}
