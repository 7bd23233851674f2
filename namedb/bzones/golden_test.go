package bzones

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/zonemirror/zonemirror/internal/realdata"
)

// golden.json is written by testdata/gen.py, which runs the original
// blockstack_zones 0.19.0.0 on Python 2.7 (see there).
type goldenEntry struct {
	Name   string         `json:"name"`
	Text   string         `json:"text"` // Latin-1: one rune per byte
	Hash   string         `json:"hash"`
	Error  *string        `json:"error"`
	Result map[string]any `json:"result"`
	User   *bool          `json:"user"`
	Why    string         `json:"why"`
}

type golden struct {
	Python string        `json:"python"`
	Cases  []goldenEntry `json:"cases"`
	Real   []goldenEntry `json:"real"`
}

func loadGolden(t testing.TB, path string) *golden {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var g golden
	if err := dec.Decode(&g); err != nil {
		t.Fatal(err)
	}
	return &g
}

// fromLatin1 turns golden text (one rune per byte) back into bytes.
func fromLatin1(t testing.TB, s string) []byte {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xff {
			t.Fatalf("rune %U in Latin-1 text", r)
		}
		b = append(b, byte(r))
	}
	return b
}

// toLatin1 is Python's bytes.decode('latin-1').
func toLatin1(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteRune(rune(s[i]))
	}
	return b.String()
}

// pythonValue is a Value as gen.py writes it to JSON.
func pythonValue(v Value) any {
	switch v.Kind {
	case Str:
		return toLatin1(v.S)
	case Int:
		return json.Number(v.S)
	case List:
		l := make([]any, len(v.L))
		for i, e := range v.L {
			l[i] = pythonValue(e)
		}
		return l
	}
	return nil
}

// pythonDict is the zone file as the dict parse_zone_file returns.
func pythonDict(z *ZoneFile) map[string]any {
	d := map[string]any{}
	if z.Origin.Kind != None {
		d["$origin"] = pythonValue(z.Origin)
	}
	if z.TTL.Kind != None {
		d["$ttl"] = pythonValue(z.TTL)
	}
	for _, r := range z.Records {
		rec := map[string]any{}
		for k, v := range r.Fields {
			rec[k] = pythonValue(v)
		}
		l, _ := d[r.Type].([]any)
		d[r.Type] = append(l, rec)
	}
	return d
}

// pythonError is the class of the exception the original raises.
func pythonError(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrInvalidLine):
		return "InvalidLineException"
	case errors.Is(err, ErrClass):
		return "ValueError"
	case errors.Is(err, ErrRecordType):
		return "AssertionError"
	case errors.Is(err, ErrPTR):
		return "TypeError"
	case errors.Is(err, ErrOption):
		return "IndexError"
	}
	return "?" + err.Error()
}

func checkGolden(t *testing.T, what string, input []byte, e goldenEntry) {
	t.Helper()
	z, err := Parse(input)
	if e.Error != nil {
		if got := pythonError(err); got != *e.Error {
			t.Errorf("%s: error %q (%v), Python raises %s", what, got, err, *e.Error)
		}
		return
	}
	if err != nil {
		t.Errorf("%s: %v; Python returns %v", what, err, e.Result)
		return
	}
	if got := pythonDict(z); !reflect.DeepEqual(got, e.Result) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(e.Result)
		t.Errorf("%s:\n got  %s\n want %s", what, g, w)
		return
	}
	u, err := z.ValidateUser()
	if e.User == nil || (err == nil) != *e.User {
		t.Errorf("%s: ValidateUser: %v; Python: user=%v (%s)", what, err, fmtBool(e.User), e.Why)
		return
	}
	if err != nil {
		if !errors.Is(err, ErrNotUser) {
			t.Errorf("%s: %v does not wrap ErrNotUser", what, err)
		}
		return
	}
	checkUser(t, what, z, u)
}

func fmtBool(b *bool) string {
	if b == nil {
		return "null"
	}
	return fmt.Sprint(*b)
}

// checkUser: the typed view says the same as the dict.
func checkUser(t *testing.T, what string, z *ZoneFile, u *User) {
	t.Helper()
	if u.Origin != z.Origin.S || fmt.Sprint(u.TTL) != z.TTL.S {
		t.Errorf("%s: user origin/ttl %q/%d", what, u.Origin, u.TTL)
	}
	var txt, uri int
	for _, r := range z.Records {
		switch r.Type {
		case "txt":
			x := u.TXT[txt]
			txt++
			var want any = pythonValue(r.Fields["txt"])
			var got any
			if x.Multi {
				l := make([]any, len(x.Strings))
				for i, s := range x.Strings {
					l[i] = toLatin1(s)
				}
				got = l
			} else if len(x.Strings) == 1 {
				got = toLatin1(x.Strings[0])
			}
			if x.Name != r.Fields["name"].S || !reflect.DeepEqual(got, want) || !reflect.DeepEqual(x.TTL, r.Fields["ttl"]) {
				t.Errorf("%s: user TXT %+v for %v", what, x, r.Fields)
			}
		case "uri":
			x := u.URI[uri]
			uri++
			if x.Name != r.Fields["name"].S || fmt.Sprint(x.Priority) != r.Fields["priority"].S ||
				fmt.Sprint(x.Weight) != r.Fields["weight"].S || x.Target != r.Fields["target"].S ||
				!reflect.DeepEqual(x.TTL, r.Fields["ttl"]) {
				t.Errorf("%s: user URI %+v for %v", what, x, r.Fields)
			}
		}
	}
	if txt != len(u.TXT) || uri != len(u.URI) {
		t.Errorf("%s: %d/%d user TXT/URI records for %d/%d", what, len(u.TXT), len(u.URI), txt, uri)
	}
}

// TestGolden compares Parse and ValidateUser with the original on every
// hand-written case and on the 1,631 real zone files.
//
// With BZONES_EXTRA set it also checks that file, a larger set of random
// zone files that gen.py writes on demand and that is not committed:
//
//	PYENV_VERSION=2.7.18 python testdata/gen.py --extra 20000 1 /tmp/extra.json
//	BZONES_EXTRA=/tmp/extra.json go test -run TestGolden ./namedb/bzones/
func TestGolden(t *testing.T) {
	if path := os.Getenv("BZONES_EXTRA"); path != "" {
		x := loadGolden(t, path)
		for i, e := range x.Cases {
			checkGolden(t, fmt.Sprintf("extra case %d %q %q", i, e.Name, e.Text), fromLatin1(t, e.Text), e)
		}
		t.Logf("%s: %d cases", path, len(x.Cases))
	}
	g := loadGolden(t, "testdata/golden.json")
	if g.Python != "2.7.18" || len(g.Cases) < 150 || len(g.Real) != 1631 {
		t.Fatalf("golden.json: Python %s, %d cases, %d real zone files", g.Python, len(g.Cases), len(g.Real))
	}
	for i, e := range g.Cases {
		checkGolden(t, fmt.Sprintf("case %d %q", i, e.Name), fromLatin1(t, e.Text), e)
	}
	zfs, err := realdata.Zonefiles()
	if err != nil {
		t.Fatal(err)
	}
	byHash := map[string][]byte{}
	for _, zf := range zfs {
		byHash[zf.Hash.String()] = zf.Data
	}
	for _, e := range g.Real {
		data, ok := byHash[e.Hash]
		if !ok {
			t.Fatalf("real zone file %s is not in internal/realdata", e.Hash)
		}
		checkGolden(t, "real "+e.Hash, data, e)
	}
}
