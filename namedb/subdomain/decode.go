package subdomain

import (
	"errors"
	"fmt"
	"strings"
)

// Why a zone file yields no records at all (the original's
// decode_zonefile_subdomains returns None: an exception other than its
// ParseError ends the whole zone file), and why one TXT record is not a
// subdomain record (a ParseError: the rest of the zone file still counts).
const (
	// whole zone file
	ZoneUnparsable    = "zonefile_unparsable"    // blockstack_zones could not read it
	ZoneInvalid       = "zonefile_invalid"       // not a user zone file (the schema)
	ZoneOrigin        = "zonefile_origin"        // $ORIGIN is not the name
	ZoneMissingTwice  = "zonefile_missing_twice" // two _missing records
	ZoneEntryNoEquals = "zonefile_entry"         // a string of a subdomain record without '='
	ZoneMissingPart   = "zonefile_missing_part"  // parts=k but a zf piece below k is absent
	ZoneBase64        = "zonefile_base64"        // the pieces are not base64 (padding)
	// one record
	RecordDuplicateKey = "duplicate_key" // a key twice in one record
	RecordParts        = "bad_parts"     // parts= is not an integer
	RecordSeqn         = "bad_seqn"      // seqn= is not an integer
	RecordName         = "bad_name"      // not a label and not a fully qualified subdomain name
	RecordShadowed     = "shadowed"      // another record of the same subdomain in the zone file wins
)

// ZoneError is why a zone file yields no subdomain records; Reason is one
// of the Zone… constants.
type ZoneError struct {
	Reason string
	Err    error
}

func (e *ZoneError) Error() string { return fmt.Sprintf("zone file: %s: %v", e.Reason, e.Err) }
func (e *ZoneError) Unwrap() error { return e.Err }

// Reserved record names: never subdomains.
var reserved = map[string]bool{"_missing": true, "_resolver": true, "_registrar": true}

// txtRecord is one TXT record as the original's parser gives it: several
// strings are a list (Multi), one string is a plain string.
type txtRecord struct {
	Name    string
	Strings []string
	Multi   bool
}

// zoneView is what decoding needs of a parsed, validated zone file.
type zoneView struct {
	Origin   string
	TXT      []txtRecord
	Resolver string // the first _resolver URI's target
}

// decodeView is decode_zonefile_subdomains after parsing: the records in
// zone-file order (for a subdomain named twice, the one with the lowest
// seqn, the first of equals), and the refusals of the other TXT records by
// reason.
func decodeView(domain string, z *zoneView) ([]*Record, map[string]int, error) {
	if z.Origin != domain {
		return nil, nil, &ZoneError{ZoneOrigin, fmt.Errorf("$ORIGIN %q, want %q", z.Origin, domain)}
	}
	missing := 0
	for _, t := range z.TXT {
		if isMissingRecord(t) {
			if missing++; missing > 1 {
				return nil, nil, &ZoneError{ZoneMissingTwice, errors.New("two _missing records")}
			}
		}
	}
	refused := map[string]int{}
	var out []*Record
	pos := map[string]int{} // fqn → index in out
	offset := 0
	for _, t := range z.TXT {
		if !isSubdomainRecord(t) {
			continue
		}
		name := lowerASCII(t.Name)
		if reserved[name] {
			continue
		}
		r, reason, err := parseRecord(domain, name, t.Strings)
		if err != nil {
			return nil, nil, err
		}
		if reason != "" {
			refused[reason]++
			continue
		}
		r.Offset = offset
		r.Resolver = z.Resolver
		offset++
		if i, ok := pos[r.FQN]; ok {
			refused[RecordShadowed]++
			if r.Seq < out[i].Seq {
				out[i] = nil
				delete(pos, r.FQN)
			} else {
				continue
			}
		}
		pos[r.FQN] = len(out)
		out = append(out, r)
	}
	kept := out[:0]
	for _, r := range out {
		if r != nil {
			kept = append(kept, r)
		}
	}
	return kept, refused, nil
}

// parseRecord is Subdomain.parse_subdomain_record: a record, or the reason
// it is refused, or the error that ends the whole zone file.
func parseRecord(domain, name string, strs []string) (*Record, string, error) {
	entries := make(map[string]string, len(strs))
	for _, s := range strs {
		k, v, ok := strings.Cut(s, "=")
		if !ok {
			return nil, "", &ZoneError{ZoneEntryNoEquals, fmt.Errorf("record %q: string %q has no '='", name, s)}
		}
		if _, dup := entries[k]; dup {
			return nil, RecordDuplicateKey, nil
		}
		entries[k] = strings.ReplaceAll(v, `\=`, "=")
	}
	parts, ok := pyInt(entries["parts"])
	if !ok {
		return nil, RecordParts, nil
	}
	seq, ok := pyInt(entries["seqn"])
	if !ok {
		return nil, RecordSeqn, nil
	}
	var b64 strings.Builder
	for i := int64(0); i < parts; i++ {
		p, ok := entries[fmt.Sprintf("zf%d", i)]
		if !ok {
			return nil, "", &ZoneError{ZoneMissingPart, fmt.Errorf("record %q: parts=%d but no zf%d", name, parts, i)}
		}
		b64.WriteString(p)
	}
	fqn := name
	if _, _, isFQN := SplitFQN(name); !isFQN {
		fqn = name + "." + domain
		if _, _, ok := SplitFQN(fqn); !ok {
			return nil, RecordName, nil
		}
	}
	zf, err := decodeBase64Py2(b64.String())
	if err != nil {
		return nil, "", &ZoneError{ZoneBase64, fmt.Errorf("record %q: %w", name, err)}
	}
	sig, hasSig := entries["sig"]
	return &Record{
		FQN: fqn, Domain: domain, Owner: entries["owner"], Seq: seq, ZoneFile: zf,
		Sig: sig, HasSig: hasSig, Independent: !strings.HasSuffix(fqn, "."+domain),
	}, "", nil
}

// isSubdomainRecord: a TXT record of several strings, among them one
// starting "parts=", one "owner=" and one "seqn=".
func isSubdomainRecord(t txtRecord) bool {
	if !t.Multi {
		return false
	}
	var parts, owner, seqn bool
	for _, s := range t.Strings {
		parts = parts || strings.HasPrefix(s, "parts=")
		owner = owner || strings.HasPrefix(s, "owner=")
		seqn = seqn || strings.HasPrefix(s, "seqn=")
	}
	return parts && owner && seqn
}

// isMissingRecord: a one-string TXT record named _missing whose string is
// a comma-separated list of integers.
func isMissingRecord(t txtRecord) bool {
	if t.Name != "_missing" || t.Multi || len(t.Strings) != 1 {
		return false
	}
	for _, s := range strings.Split(t.Strings[0], ",") {
		if _, ok := pyInt(s); !ok {
			return false
		}
	}
	return true
}

// pyInt is Python 2's int() of a str: surrounding whitespace, an optional
// sign, decimal digits. Python's integers have no bound; beyond ±2⁶² the
// value saturates there (no history reaches such a seqn, and no zone file
// holds that many parts).
func pyInt(s string) (int64, bool) {
	s = strings.Trim(s, " \t\n\v\f\r")
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return 0, false
	}
	var v int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if v >= (1<<62)/10 {
			v = 1 << 62
		} else {
			v = min(v*10+int64(c-'0'), 1<<62)
		}
	}
	if neg {
		v = -v
	}
	return v, true
}

func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
