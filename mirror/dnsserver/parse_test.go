package dnsserver

import (
	"fmt"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/zonemirror/zonemirror/internal/testmirror"
)

// TestSharedRelativeZonefile: two names with one zone file that names its
// records relative to the origin each answer with their own records (the
// parsed records depend on the name as well as the zone file).
func TestSharedRelativeZonefile(t *testing.T) {
	zf := []byte("$TTL 3600\n@ IN A 192.0.2.1\nwww IN A 192.0.2.2\n")
	f := testmirror.New(t, map[string][]byte{"first.id": zf, "second.id": zf})
	s := New(f.Mirror, f.Chain.DB, Options{})
	for _, q := range []string{"first.id.", "www.first.id.", "second.id.", "www.second.id."} {
		c := s.lookup(q, dns.TypeA)
		if c.rcode != dns.RcodeSuccess || len(c.answer) != 1 {
			t.Errorf("%s A: rcode %s, %d answers; want one record", q, dns.RcodeToString[c.rcode], len(c.answer))
		}
	}
}

// TestTCPAnswerOverMaxSize: an answer larger than a DNS message can be
// (65,535 bytes) is sent over TCP truncated to what fits, with TC set,
// instead of not at all.
func TestTCPAnswerOverMaxSize(t *testing.T) {
	var b strings.Builder
	b.WriteString("$ORIGIN huge.id\n$TTL 300\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "@ IN TXT \"record %04d, with text enough to make the whole answer large\"\n", i)
	}
	f := startWith(t, Options{}, map[string][]byte{"huge.id": []byte(b.String())})
	for range 2 { // the second answer may come from the cache
		r := f.ask(t, "tcp", 0, "huge.id", dns.TypeTXT)
		if r.Rcode != dns.RcodeSuccess || !r.Truncated || len(r.Answer) < 500 || len(r.Answer) >= 3000 {
			t.Fatalf("rcode %s, truncated %v, %d answers; want part of the 3,000 records, marked truncated",
				dns.RcodeToString[r.Rcode], r.Truncated, len(r.Answer))
		}
		r.Compress = true // as it came: Len counts uncompressed otherwise
		if n := r.Len(); n > dns.MaxMsgSize {
			t.Fatalf("an answer of %d bytes", n)
		}
	}
}
