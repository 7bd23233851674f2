package subdomain

import (
	"encoding/base64"
	"strings"
	"testing"
)

// FuzzDecode: any zone file decodes without a panic, in bounded time;
// every record it yields is a subdomain of a valid name, from a record
// that packs back into strings naming it, and the refusals are counted
// by known reasons.
func FuzzDecode(f *testing.F) {
	f.Add("reg.id", "$ORIGIN reg.id\n$TTL 3600\nalice TXT \"owner=1abc\" \"seqn=0\" \"parts=1\" \"zf0=JE9SSUdJTiBhbGljZQo=\"\n")
	f.Add("reg.id", "$ORIGIN reg.id\n$TTL 3600\n_missing TXT \"1,2\"\nbob.x.id TXT \"owner=1abc\" \"seqn=1\" \"parts=2\" \"zf0=QQ\" \"zf1=\\=\\=\" \"sig=AAAA\"\n_resolver URI 10 1 \"https://r.example\"\n")
	f.Add("reg.id", "$ORIGIN reg.id\n$TTL 3600\na TXT \"owner=x\" \"seqn=0\" \"parts=3\" \"zf0=QQ==\"\n")
	f.Add("reg.id", "$ORIGIN reg.id\n$TTL 3600\nA TXT \"owner=x\" \"seqn=+1\" \"parts= 1\" \"zf0=QQ==\" \"owner=y\"\na TXT \"owner=x\" \"seqn=0\" \"parts=0\"\n")
	f.Fuzz(func(t *testing.T, domain, zonefile string) {
		if len(zonefile) > 1<<16 {
			return
		}
		recs, refused, err := Decode(domain, []byte(zonefile))
		if err != nil {
			if _, ok := err.(*ZoneError); !ok {
				t.Fatalf("error %v is not a *ZoneError", err)
			}
			return
		}
		known := map[string]bool{RecordDuplicateKey: true, RecordParts: true, RecordSeqn: true, RecordName: true, RecordShadowed: true}
		for k := range refused {
			if !known[k] {
				t.Fatalf("unknown refusal %q", k)
			}
		}
		seen := map[string]bool{}
		for _, r := range recs {
			label, parent, ok := SplitFQN(r.FQN)
			if !ok {
				t.Fatalf("record of %q, not a subdomain name", r.FQN)
			}
			if seen[r.FQN] {
				t.Fatalf("%s twice", r.FQN)
			}
			seen[r.FQN] = true
			if r.Independent == (parent == domain) {
				t.Fatalf("%s in %s: independent %v", r.FQN, domain, r.Independent)
			}
			s := r.strings(true)
			if want := label; !r.Independent && s[0] != want || r.Independent && s[0] != r.FQN {
				t.Fatalf("packs as %q", s[0])
			}
			enc := base64.StdEncoding.EncodeToString(r.ZoneFile)
			var b strings.Builder
			for _, p := range s[4 : len(s)-1] {
				_, v, _ := strings.Cut(p, "=")
				b.WriteString(strings.ReplaceAll(v, `\=`, "="))
			}
			if b.String() != enc {
				t.Fatalf("pieces %q, want %q", b.String(), enc)
			}
		}
	})
}

// FuzzBase64Py2: the decoder never panics, and where Go's strict decoder
// reads canonical base64, Python 2's reads the same bytes (which is why
// decodeBase64Py2 may take the strict decoder as its fast path).
func FuzzBase64Py2(f *testing.F) {
	for _, s := range []string{"", "QQ==", "QUJD", "QQ=", "Q Q\n==", "QQ=x=", "=QQ=="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := decodeBase64Py2(s); err != nil {
			if _, perr := a2bBase64(s); perr == nil {
				t.Fatalf("%q: the fast path refused what Python 2 reads", s)
			}
		}
		got, err := a2bBase64(s)
		if want, werr := base64.StdEncoding.Strict().DecodeString(s); werr == nil {
			if err != nil || string(got) != string(want) {
				t.Fatalf("%q: %q, %v; want %q", s, got, err, want)
			}
		}
	})
}
