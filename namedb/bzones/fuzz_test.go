package bzones

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/zonemirror/zonemirror/internal/realdata"
)

// parseTimed runs Parse and fails the test if it takes longer than limit.
func parseTimed(t *testing.T, data []byte, limit time.Duration) (*ZoneFile, error) {
	t.Helper()
	type result struct {
		z   *ZoneFile
		err error
	}
	done := make(chan result, 1)
	go func() {
		z, err := Parse(data)
		done <- result{z, err}
	}()
	select {
	case r := <-done:
		return r.z, r.err
	case <-time.After(limit):
		t.Fatalf("Parse of %d bytes ran for %v: %.80q...", len(data), limit, data)
	}
	return nil, nil
}

var sentinels = []error{ErrInvalidLine, ErrClass, ErrRecordType, ErrPTR, ErrOption}

// FuzzParse feeds arbitrary zone files (a registrant writes them; the
// network only bounds them to 40,960 bytes): no panic, bounded time, the
// same result each time, an error that is exactly one of the Python
// exceptions, and a typed view consistent with the schema.
func FuzzParse(f *testing.F) {
	g := loadGolden(f, "testdata/golden.json")
	for i, e := range g.Cases {
		if i%4 == 0 || strings.Contains(e.Name, "-h=") {
			f.Add(fromLatin1(f, e.Text))
		}
	}
	zfs, err := realdata.Zonefiles()
	if err != nil {
		f.Fatal(err)
	}
	for i := 0; i < len(zfs); i += 200 {
		f.Add(zfs[i].Data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 40960 {
			return
		}
		z, err := parseTimed(t, data, 5*time.Second)
		z2, err2 := Parse(data)
		if !reflect.DeepEqual(z, z2) || (err == nil) != (err2 == nil) || (err != nil && err.Error() != err2.Error()) {
			t.Fatalf("Parse is not deterministic: %v/%v, %v/%v", z, z2, err, err2)
		}
		if err != nil {
			n := 0
			for _, s := range sentinels {
				if errors.Is(err, s) {
					n++
				}
			}
			if n != 1 || z != nil {
				t.Fatalf("error %v matches %d sentinels", err, n)
			}
			return
		}
		for _, r := range z.Records {
			if r.Type == "ptr" || r.Fields["name"].Kind == None {
				t.Fatalf("record %+v", r)
			}
			for k, v := range r.Fields {
				if v.Kind == None {
					t.Fatalf("record %+v has a None %s", r, k)
				}
			}
		}
		u, err := z.ValidateUser()
		if err != nil {
			if !errors.Is(err, ErrNotUser) {
				t.Fatalf("ValidateUser: %v", err)
			}
			return
		}
		if !pyMatch(nameRE, u.Origin) || u.TTL < 0 || u.TTL > 2147483647 {
			t.Fatalf("user %+v", u)
		}
		for _, x := range u.TXT {
			if !x.Multi && len(x.Strings) != 1 || x.Multi && len(x.Strings) == 1 || !pyMatch(urlencodedRE, x.Name) {
				t.Fatalf("user TXT %+v", x)
			}
		}
		for _, x := range u.URI {
			if x.Priority < 0 || x.Priority > 65535 || x.Weight < 0 || x.Weight > 65535 {
				t.Fatalf("user URI %+v", x)
			}
		}
	})
}

// TestAdversarial: inputs of the network's maximum size built to hit the
// places where the original is quadratic (or worse) parse in well under a
// second each.
func TestAdversarial(t *testing.T) {
	const max = 40960
	fill := func(prefix, unit, suffix string) []byte {
		n := (max - len(prefix) - len(suffix)) / len(unit)
		return []byte(prefix + strings.Repeat(unit, n) + suffix)
	}
	head := "$ORIGIN foo.id\n$TTL 3600\n"
	inputs := map[string][]byte{
		"txt tokens":       fill(head+"a TXT ", "x ", "\n"),
		"txt quoted":       fill(head+"a TXT ", `"a b" `, "\n"),
		"txt --ttl":        fill(head+"a TXT ", "--ttl 1 ", "x\n"),
		"txt --ttl=":       fill(head+"a TXT ", "--ttl=1 ", "x\n"),
		"txt dashes":       fill(head+"a TXT -- ", "-- ", "x\n"),
		"txt unknown opts": fill(head+"a TXT x ", "-x ", "\n"),
		"help chain":       fill(head+"a TXT x -", "h", "\n"),
		"help chain =":     fill(head+"a TXT x -", "h", "=\n"),
		"soa ints":         fill(head+"@ SOA ", "1 ", "\n"),
		"uri ints":         fill(head+"a URI ", "1 ", "\n"),
		"many records":     fill(head, "a TXT x\n", ""),
		"many uri":         fill(head, "_http._tcp IN URI 10 1 \"https://x\"\n", ""),
		"open parens":      fill(head, "(", "\n"),
		"paren words":      fill(head+"a TXT ", "( ", "\n"),
		"paren lines":      fill(head+"a TXT ", "(x\n", ""),
		"quotes":           fill(head, `"`, "\n"),
		"backslashes":      fill(head, `\`, "\n"),
		"semicolons":       fill(head, `\;`, "\n"),
		"blanks":           fill(head, " \t\r\v\f", "\n"),
		"newlines":         fill(head, "\n", ""),
		"class tokens":     fill(head+"a ", "CS ", "TXT x\n"),
		"long ttl":         fill(head+"a ", "9", " TXT x\n"),
		"leading options":  fill("", "-x ", "TXT a -h=\n"),
		"long line":        fill(head+"a TXT ", "x", "\n"),
	}
	for name, data := range inputs {
		start := time.Now()
		_, err := parseTimed(t, data, 5*time.Second)
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s: %v (%v)", name, d, err)
		}
	}
}

// FuzzTokenize checks tokenize, which goes by runs of bytes, against
// tokenize_line's loop a byte at a time (tokenizeBytes), which the golden
// cases check against Python.
func FuzzTokenize(f *testing.F) {
	for _, s := range []string{
		`u1 TXT "owner=1Ab" "seqn=0" "parts=1" "zf0=JE9SSUdJTiB1MQ=="`,
		`a"b c"d e`, `"" ""`, `x ; comment`, `"a;b"`, `"open`, "\"a\tb\" \v;", `a\"b`, "  \n ", `"zf0=QQ\=\="`, `"a\ \"b" c\ d`, `x\\;y`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		want := tokenizeBytes(line)
		if got := tokenize(line); !reflect.DeepEqual(got, want) {
			t.Fatalf("tokenize(%q) = %q, a byte at a time %q", line, got, want)
		}
	})
}
