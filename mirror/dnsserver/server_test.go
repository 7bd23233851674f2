package dnsserver

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/zonemirror/zonemirror/internal/testmirror"
	"github.com/zonemirror/zonemirror/namedb/wire"
	"github.com/zonemirror/zonemirror/plugins"
)

// big has more TXT records than fit in 512 bytes; broken does not parse
// past its second line; evil gives records for another name.
var (
	big    = []byte("$ORIGIN big.id\n$TTL 300\n" + strings.Repeat("txt IN TXT \"a rather long text record to fill the answer up\"\n", 30))
	broken = []byte("$ORIGIN broken.id\n$TTL 300\n@ IN A 10.0.0.1\nthis is not ( a zone file\n@ IN A 10.0.0.2\n")
	evil   = []byte("$ORIGIN evil.id\n$TTL 300\n@ IN A 10.6.6.6\n0.id. IN A 10.6.6.6\nwww.0.id. IN A 10.6.6.6\n")
)

type dnsFixture struct {
	*testmirror.Fixture
	addr string
}

func start(t *testing.T, opts Options) *dnsFixture {
	t.Helper()
	return startWith(t, opts, map[string][]byte{"big.id": big, "broken.id": broken, "evil.id": evil})
}

// startWith serves names with the zone files zfs.
func startWith(t *testing.T, opts Options, zfs map[string][]byte) *dnsFixture {
	t.Helper()
	f := testmirror.New(t, zfs)
	conn, ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	s := New(f.Mirror, f.Chain.DB, opts)
	go func() { done <- s.Serve(ctx, conn, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return &dnsFixture{Fixture: f, addr: conn.LocalAddr().String()}
}

func (f *dnsFixture) ask(t *testing.T, net string, edns uint16, name string, qtype uint16) *dns.Msg {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	if edns > 0 {
		m.SetEdns0(edns, false)
	}
	c := &dns.Client{Net: net, Timeout: 2 * time.Second}
	r, _, err := c.Exchange(m, f.addr)
	if err != nil && !(r != nil && r.Truncated) {
		t.Fatalf("%s %s over %s: %v", name, dns.TypeToString[qtype], net, err)
	}
	return r
}

// The real malformed zone file of the export (test-personal.id: $ORIGIN
// and $TTL on one line) is answered without a crash, and over HTTP whole.
func TestRealMalformedZonefile(t *testing.T) {
	raw, err := os.ReadFile("testdata/test-personal.id.txt")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitN(strings.TrimSuffix(string(raw), "\n"), "\n", 2)
	zf := []byte(strings.ReplaceAll(lines[1], `\n`, "\n"))
	if wire.SumHash160(zf).String() != lines[0] {
		t.Fatal("testdata/test-personal.id.txt does not hash to its line")
	}
	f := testmirror.New(t, map[string][]byte{"test-personal.id": zf})
	s := New(f.Mirror, f.Chain.DB, Options{})
	for _, q := range []string{"test-personal.id.", "_resolver.test-personal.id."} {
		c := s.lookup(q, dns.TypeURI)
		if c.rcode == dns.RcodeServerFailure {
			t.Errorf("%s: SERVFAIL for a held zone file", q)
		}
	}
	got, err := f.Mirror.Zonefile(context.Background(), wire.SumHash160(zf))
	if err != nil || string(got) != string(zf) {
		t.Errorf("the zone file is not served whole: %q %v", got, err)
	}
}

func TestAnswers(t *testing.T) {
	f := start(t, Options{})
	// The real zone files' URI record, over UDP and TCP.
	for _, n := range []string{"udp", "tcp"} {
		r := f.ask(t, n, 0, "_http._tcp.0.id", dns.TypeURI)
		if r.Rcode != dns.RcodeSuccess || !r.Authoritative || len(r.Answer) != 1 {
			t.Fatalf("%s: %v", n, r)
		}
		uri := r.Answer[0].(*dns.URI)
		if !strings.Contains(string(f.Zonefiles["0.id"]), uri.Target) || uri.Priority != 10 || uri.Weight != 1 {
			t.Errorf("%s: URI %v", n, uri)
		}
	}
	for _, tc := range []struct {
		name   string
		qtype  uint16
		rcode  int
		answer int
		soa    bool
	}{
		{"0.id", dns.TypeURI, dns.RcodeSuccess, 0, true},            // NODATA: the name has no URI itself
		{"_tcp.0.id", dns.TypeURI, dns.RcodeSuccess, 0, true},       // an empty non-terminal
		{"www.0.id", dns.TypeA, dns.RcodeNameError, 0, true},        // nothing there
		{"nobody.id", dns.TypeA, dns.RcodeNameError, 0, true},       // no such name
		{"nozone.id", dns.TypeA, dns.RcodeSuccess, 0, true},         // a name without a zone file
		{"missing.id", dns.TypeA, dns.RcodeServerFailure, 0, false}, // its zone file is not here yet
		{"example.com", dns.TypeA, dns.RcodeRefused, 0, false},      // not our zone
		{"id", dns.TypeSOA, dns.RcodeSuccess, 1, false},
		{"id", dns.TypeNS, dns.RcodeSuccess, 1, false},
		{"broken.id", dns.TypeA, dns.RcodeSuccess, 1, false}, // what parsed before the error
		{"evil.id", dns.TypeA, dns.RcodeSuccess, 1, false},
		{"0.id", dns.TypeA, dns.RcodeSuccess, 0, true}, // evil's record for 0.id is not served
	} {
		r := f.ask(t, "udp", 0, tc.name, tc.qtype)
		gotSOA := len(r.Ns) == 1 && r.Ns[0].Header().Rrtype == dns.TypeSOA
		if r.Rcode != tc.rcode || len(r.Answer) != tc.answer || gotSOA != tc.soa {
			t.Errorf("%s %s: rcode %s, %d answers, SOA %v; want %s, %d, %v", tc.name, dns.TypeToString[tc.qtype],
				dns.RcodeToString[r.Rcode], len(r.Answer), gotSOA, dns.RcodeToString[tc.rcode], tc.answer, tc.soa)
		}
	}
	soa := f.ask(t, "udp", 0, "id", dns.TypeSOA).Answer[0].(*dns.SOA)
	if int64(soa.Serial) != f.Chain.Tip() {
		t.Errorf("SOA serial %d, tip %d", soa.Serial, f.Chain.Tip())
	}
	if a := f.ask(t, "udp", 0, "evil.id", dns.TypeA).Answer[0].(*dns.A); a.A.String() != "10.6.6.6" {
		t.Errorf("evil.id A %v", a)
	}
}

// Large answers are truncated over UDP (the client retries over TCP);
// EDNS0 raises the limit and is answered with our size.
func TestTruncationAndEDNS(t *testing.T) {
	f := start(t, Options{})
	r := f.ask(t, "udp", 0, "txt.big.id", dns.TypeTXT)
	if !r.Truncated {
		t.Fatalf("a %d-record answer over plain UDP is not truncated", len(r.Answer))
	}
	full := f.ask(t, "tcp", 0, "txt.big.id", dns.TypeTXT)
	if full.Truncated || len(full.Answer) != 30 {
		t.Fatalf("over TCP: truncated %v, %d records", full.Truncated, len(full.Answer))
	}
	e := f.ask(t, "udp", 4096, "txt.big.id", dns.TypeTXT)
	if e.Truncated || len(e.Answer) != 30 || e.IsEdns0() == nil || e.IsEdns0().UDPSize() != 1232 {
		t.Errorf("with EDNS0 4096: truncated %v, %d records, opt %v", e.Truncated, len(e.Answer), e.IsEdns0())
	}
}

// A busy client is refused beyond its rate; others are still answered.
func TestRateLimit(t *testing.T) {
	f := start(t, Options{RatePerClient: 20})
	refused := 0
	for range 100 {
		if r := f.ask(t, "udp", 0, "_http._tcp.1.id", dns.TypeURI); r.Rcode == dns.RcodeRefused {
			refused++
		}
	}
	if refused < 50 {
		t.Errorf("%d of 100 queries refused at 20/s (burst 40)", refused)
	}
}

// An answer follows the name when a block changes its zone file.
func TestAnswerFollowsTheChain(t *testing.T) {
	f := start(t, Options{})
	next := []byte("$ORIGIN 10x.id\n$TTL 60\n@ IN A 10.1.2.3\n")
	if _, err := f.Store.Put(context.Background(), plugins.SumKey(next), next); err != nil {
		t.Fatal(err)
	}
	if r := f.ask(t, "udp", 0, "10x.id", dns.TypeA); len(r.Answer) != 0 {
		t.Fatalf("before: %v", r.Answer)
	}
	f.Chain.Update(f.Owner, "10x.id", next)
	f.Chain.Mine()
	r := f.ask(t, "udp", 0, "10x.id", dns.TypeA)
	if len(r.Answer) != 1 || r.Answer[0].(*dns.A).A.String() != "10.1.2.3" {
		t.Errorf("after the update: %v", r.Answer)
	}
	f.Chain.Revoke(f.Owner, "10x.id")
	f.Chain.Mine()
	if r := f.ask(t, "udp", 0, "10x.id", dns.TypeA); r.Rcode != dns.RcodeNameError {
		t.Errorf("after the revoke: %s", dns.RcodeToString[r.Rcode])
	}
	_ = fmt.Sprint
}
