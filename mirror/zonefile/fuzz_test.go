package zonefile

import (
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/zonemirror/zonemirror/internal/realdata"
)

// FuzzParse reads arbitrary zone files (a registrant writes them; the
// mirror only checks their hash): no panic, the same records each time,
// every record inside the name's domain, and every record packs into a
// DNS message.
func FuzzParse(f *testing.F) {
	zfs, err := realdata.Zonefiles()
	if err != nil {
		f.Fatal(err)
	}
	for i := 0; i < len(zfs); i += 80 {
		f.Add(zfs[i].Name, zfs[i].Data)
	}
	f.Add("a.id", []byte("$ORIGIN a.id\n$TTL 60\n@ IN TXT \"x\"\nb IN A 1.2.3.4\nc.other. IN A 1.2.3.4\n"))
	f.Add("a.id", []byte("$ORIGIN other\n@ IN URI 10 1 \"https://x\"\n$INCLUDE /etc/passwd\n"))
	f.Add("A.ID", []byte("@ 1 IN CNAME b\n$ORIGIN sub.a.id\n@ IN MX 10 mail\n"))
	f.Fuzz(func(t *testing.T, name string, zonefile []byte) {
		if _, ok := dns.IsDomainName(name); !ok || len(zonefile) > 40960 {
			return
		}
		done := make(chan []dns.RR, 1)
		go func() { done <- Parse(name, zonefile, 3600) }()
		var rrs []dns.RR
		select {
		case rrs = <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("Parse(%q, %q) ran for 5 s", name, zonefile)
		}
		again := Parse(name, zonefile, 3600)
		if len(again) != len(rrs) {
			t.Fatalf("%d records, then %d", len(rrs), len(again))
		}
		origin := dns.Fqdn(strings.ToLower(name))
		buf := make([]byte, dns.MaxMsgSize)
		for i, rr := range rrs {
			if rr.String() != again[i].String() {
				t.Fatalf("record %d: %q, then %q", i, rr, again[i])
			}
			h := strings.ToLower(rr.Header().Name)
			if h != origin && !strings.HasSuffix(h, "."+origin) {
				t.Fatalf("record %q is outside %s", rr, origin)
			}
			if _, err := dns.PackRR(rr, buf, 0, nil, false); err != nil {
				t.Fatalf("record %q does not pack: %v", rr, err)
			}
		}
	})
}
