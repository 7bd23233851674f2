// Package zonefile reads Blockstack zone files into DNS records, bounded
// for files that anyone who registers a name can write: the one parser of
// the mirror's DNS answers and of the HTTP API's profile and DID lookups.
package zonefile

import (
	"strings"

	"github.com/miekg/dns"
)

// Parse reads a zone file with name as its origin and returns its records
// inside name's domain, up to the first syntax error. Zone files are
// immutable: the result can be kept by hash and name.
//
// Blockstack zone files write "$ORIGIN muneeb.id" without the final dot
// and mean the absolute name (as Blockstack's own parser reads it); RFC
// 1035 would read it relative to the current origin. Such an $ORIGIN is
// made absolute first.
//
// A zone file is written by whoever registered the name, so Parse bounds
// its work: $INCLUDE is refused, $GENERATE lines (BIND's, which Blockstack
// zone files do not have, and which turn 30 bytes into 65,536 records) are
// dropped, and reading stops after maxRecords records.
func Parse(name string, zonefile []byte, defaultTTL uint32) []dns.RR {
	origin := dns.Fqdn(strings.ToLower(name))
	zp := dns.NewZoneParser(strings.NewReader(directives(string(zonefile))), origin, "")
	zp.SetDefaultTTL(defaultTTL)
	zp.SetIncludeAllowed(false)
	var out []dns.RR
	n := 0
	for rr, ok := zp.Next(); ok && n < maxRecords; rr, ok = zp.Next() {
		n++
		h := strings.ToLower(rr.Header().Name)
		if h == origin || strings.HasSuffix(h, "."+origin) {
			out = append(out, rr)
		}
	}
	return out
}

// maxRecords bounds the records Parse reads from one zone file: more than
// a zone file of the largest size a network allows (40,960 bytes) can hold
// at one record per 7-byte line.
const maxRecords = 8192

// directives rewrites, in one pass over the lines, the directives the zone
// parser would read otherwise than Blockstack: an $ORIGIN name without its
// final dot is made absolute, and $GENERATE lines are dropped. The parser
// discards a carriage return outside quotes (so "$GEN\rERATE" is a
// directive to it): a line's first token is compared without them.
func directives(zf string) string {
	if !strings.Contains(zf, "$") {
		return zf // every directive starts with one
	}
	lines := strings.Split(zf, "\n")
	kept := lines[:0]
	for _, l := range lines {
		if strings.EqualFold(firstToken(strings.ReplaceAll(l, "\r", "")), "$GENERATE") {
			continue
		}
		if f := strings.Fields(l); len(f) >= 2 && strings.EqualFold(f[0], "$ORIGIN") && !strings.HasSuffix(f[1], ".") {
			l = strings.Replace(l, f[1], f[1]+".", 1)
		}
		kept = append(kept, l)
	}
	return strings.Join(kept, "\n")
}

// firstToken is the start of a line up to the first byte that ends a
// token for the zone parser.
func firstToken(s string) string {
	if i := strings.IndexAny(s, " \t;()\""); i >= 0 {
		return s[:i]
	}
	return s
}
