package zonefile

import (
	"fmt"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// TestParseDropsGenerate: $GENERATE, which Blockstack zone files do not
// have and which turns a line into up to 65,536 records, is not read, in
// any spelling the zone parser takes as the directive.
func TestParseDropsGenerate(t *testing.T) {
	zf := "$ORIGIN a.id\n$TTL 3600\n" +
		"$GENERATE 0-65535 g$ TXT \"generated\"\n" +
		"$generate 0-65535 h$ TXT \"generated\"\n" +
		"$GENERATE\t0-65535 i$ TXT \"generated\"\n" +
		"$GEN\rERATE 0-65535 j$ TXT \"generated\"\n" +
		"@ IN TXT \"kept\"\r\n" +
		"_http._tcp IN URI 10 1 \"https://example.org/\"\n"
	rrs := Parse("a.id", []byte(zf), 3600)
	var got []string
	for _, rr := range rrs {
		got = append(got, rr.String())
		if strings.Contains(rr.String(), "generated") {
			t.Errorf("a $GENERATE record was read: %s", rr)
		}
	}
	if len(rrs) != 2 || rrs[0].Header().Rrtype != dns.TypeTXT || rrs[1].Header().Rrtype != dns.TypeURI {
		t.Fatalf("records %q, want the TXT and the URI", got)
	}
}

// TestParseBounded: however many records a zone file holds, Parse reads
// at most maxRecords of them.
func TestParseBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("$ORIGIN a.id\n")
	for i := range 3 * maxRecords {
		fmt.Fprintf(&b, "r%d IN A 10.0.0.1\n", i)
	}
	rrs := Parse("a.id", []byte(b.String()), 3600)
	if len(rrs) != maxRecords {
		t.Fatalf("%d records read, want the first %d", len(rrs), maxRecords)
	}
	if rrs[maxRecords-1].Header().Name != fmt.Sprintf("r%d.a.id.", maxRecords-1) {
		t.Fatalf("the last record read is %s", rrs[maxRecords-1])
	}
}
