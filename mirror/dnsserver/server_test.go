package dnsserver

import (
	"context"
	"fmt"
	"net"
	"net/netip"
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
	addr   string
	server *Server
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
	return &dnsFixture{Fixture: f, addr: conn.LocalAddr().String(), server: s}
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

// Response rate limiting as authoritative servers do it: a flood of one
// question from one address is answered at the rate, the excess dropped
// but every second one slipped out truncated, and the truncated client's
// retry over TCP is answered; many different questions from one resolver
// address are all answered; an exempt network is never limited; the
// counts reach Limited.
func TestResponseRateLimit(t *testing.T) {
	f := start(t, Options{RRL: RRL{ResponsesPerSecond: 20, Window: time.Second}})
	// the flood: 200 queries sent at once (far over 20 a second), then
	// the replies read until the server has been quiet a while
	conn, err := net.Dial("udp", f.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	q := new(dns.Msg)
	q.SetQuestion("_http._tcp.1.id.", dns.TypeURI)
	for i := range 200 {
		q.Id = uint16(i + 1)
		b, _ := q.Pack()
		if _, err := conn.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	answered, slipped := 0, 0
	buf := make([]byte, 4096)
	for {
		conn.SetReadDeadline(time.Now().Add(time.Second))
		n, err := conn.Read(buf)
		if err != nil {
			break // quiet for a second: the rest were dropped
		}
		r := new(dns.Msg)
		if err := r.Unpack(buf[:n]); err != nil {
			t.Fatal(err)
		}
		switch {
		case r.Truncated && len(r.Answer) == 0:
			slipped++
		case r.Rcode == dns.RcodeSuccess && len(r.Answer) == 1:
			answered++
		default:
			t.Fatalf("reply %d: %v", r.Id, r)
		}
	}
	dropped := 200 - answered - slipped
	if answered < 20 || answered > 60 || slipped < 40 || dropped < 40 || slipped < dropped-10 || slipped > dropped+10 {
		t.Fatalf("the flood: %d answered, %d slipped, %d dropped (want ~20+: at most the rate, then half slipped, half dropped)", answered, slipped, dropped)
	}
	t.Logf("the flood of 200: %d answered, %d slipped (truncated), %d dropped", answered, slipped, dropped)
	// the truncated client retries over TCP, never limited
	for range 30 {
		if r := f.ask(t, "tcp", 0, "_http._tcp.1.id", dns.TypeURI); r.Rcode != dns.RcodeSuccess || len(r.Answer) != 1 {
			t.Fatalf("over TCP: %v", r)
		}
	}
	d, s := f.server.Limited()
	if d != uint64(dropped) || s != uint64(slipped) {
		t.Errorf("Limited() = %d dropped, %d slipped; the client saw %d and %d", d, s, dropped, slipped)
	}
	// the same address asking many different questions (a resolver for
	// many users) is answered every time: 300 queries at full speed, over
	// 20 names and 2 types, and 15 names that do not exist (missing names
	// count together, by zone)
	var names []string // names that exist, asked over TCP
	for name := range f.Zonefiles {
		if r := f.ask(t, "tcp", 0, name, dns.TypeA); r.Rcode == dns.RcodeSuccess && len(names) < 20 {
			names = append(names, name)
		}
	}
	if len(names) < 10 {
		t.Fatalf("only %d names exist", len(names))
	}
	for i := range 300 {
		name, qtype := names[i%len(names)], dns.TypeA
		switch {
		case i%3 == 1:
			qtype = dns.TypeTXT
		case i%20 == 19:
			name = fmt.Sprintf("nobody%d.id", i) // NXDOMAIN
		}
		if r := f.ask(t, "udp", 0, name, qtype); r.Truncated {
			t.Fatalf("question %d (%s %s) was limited", i, name, dns.TypeToString[qtype])
		}
	}
	if d2, s2 := f.server.Limited(); d2 != d || s2 != s {
		t.Errorf("different questions were limited: %d dropped, %d slipped more", d2-d, s2-s)
	}
}

// An exempt network is never limited.
func TestResponseRateLimitExempt(t *testing.T) {
	f := start(t, Options{RRL: RRL{ResponsesPerSecond: 5, Exempt: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}})
	for i := range 100 {
		if r := f.ask(t, "udp", 0, "_http._tcp.1.id", dns.TypeURI); r.Truncated || len(r.Answer) != 1 {
			t.Fatalf("query %d from an exempt network: %v", i, r)
		}
	}
	if d, s := f.server.Limited(); d+s != 0 {
		t.Fatalf("%d dropped, %d slipped from an exempt network", d, s)
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
