package bzones

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// The patterns of blockstack/lib/schemas.py (LENGTHS from config.py:
// fqn_max 37, namespace_id 19). jsonschema applies them with Python's
// re.search; every one is anchored with ^ and $, and Python's $ also matches
// before a final newline, which pyMatch adds back.
const (
	// OP_NAME_PATTERN, for $origin.
	namePattern = `^([a-z0-9\-_+]{1,37}\.[a-z0-9\-_.+]{1,19})$`
	// OP_URLENCODED_PATTERN, for a TXT record's name.
	urlencodedPattern = `^([a-zA-Z0-9\-_.~%/]+)$`
	// OP_URI_TARGET_PATTERN and OP_URI_TARGET_PATTERN_NOSCHEME, for a URI
	// record's target (anyOf).
	uriTargetPattern         = `^([a-z0-9+]+)://([a-zA-Z0-9\-_.~%#?&\\:/=]+)$`
	uriTargetPatternNoScheme = `^([a-zA-Z0-9\-_.~%#?&\\:/=]+)$`
)

var (
	nameRE        = regexp.MustCompile(namePattern)
	urlencodedRE  = regexp.MustCompile(urlencodedPattern)
	uriTargetRE   = regexp.MustCompile(uriTargetPattern)
	uriNoSchemeRE = regexp.MustCompile(uriTargetPatternNoScheme)
)

// pyMatch is re.search(pattern, s) for a pattern of the form ^...$ whose
// classes exclude '\n'.
func pyMatch(re *regexp.Regexp, s string) bool {
	return re.MatchString(s) || (strings.HasSuffix(s, "\n") && re.MatchString(s[:len(s)-1]))
}

// urlencoded is the fast way to a match of urlencodedPattern: one or more
// bytes of its class (a name it refuses goes to the regexp, for Python's
// '$').
func urlencoded(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_.~%/", c) >= 0) {
			return false
		}
	}
	return s != ""
}

// User is a zone file that satisfies USER_ZONEFILE_SCHEMA, with the parts
// the subdomain indexer reads.
type User struct {
	Origin string // "$origin", matching OP_NAME_PATTERN
	TTL    int64  // "$ttl", 0 to 2147483647
	TXT    []TXT  // the "txt" records, in file order
	URI    []URI  // the "uri" records, in file order
}

// TXT is a TXT record of a user zone file.
type TXT struct {
	Name string // matches OP_URLENCODED_PATTERN, so never "@"
	// TTL is the record's "ttl": None when it has none, an Int normally —
	// or an empty List (from "--ttl=--"); the schema does not look at it.
	TTL Value
	// Strings are the record's character-strings.
	Strings []string
	// Multi tells whether "txt" is a Python list (several strings, or, by
	// a quirk, none) rather than a single string. The subdomain code tells
	// the two apart: a subdomain record needs a list, a _missing record a
	// string.
	Multi bool
}

// URI is a URI record of a user zone file.
type URI struct {
	Name             string // any string, "@" included
	TTL              Value  // as in TXT
	Priority, Weight int    // 0 to 65535
	Target           string // matches OP_URI_TARGET_PATTERN or ..._NOSCHEME
}

// ValidateUser checks the zone file against the original's
// USER_ZONEFILE_SCHEMA as jsonschema.validate does and returns its typed
// content. The error wraps ErrNotUser and names the first field at fault.
func (z *ZoneFile) ValidateUser() (*User, error) {
	fail := func(format string, args ...any) (*User, error) {
		return nil, fmt.Errorf("%w: "+format, append([]any{ErrNotUser}, args...)...)
	}
	u := &User{}
	switch {
	case z.Origin.Kind == None:
		return fail("$origin is required")
	case z.Origin.Kind != Str:
		return fail("$origin %v is not a string", z.Origin)
	case !pyMatch(nameRE, z.Origin.S):
		return fail("$origin %q does not match %s", z.Origin.S, namePattern)
	}
	u.Origin = z.Origin.S
	ttl, ok := intIn(z.TTL, 2147483647)
	switch {
	case z.TTL.Kind == None:
		return fail("$ttl is required")
	case !ok:
		return fail("$ttl %v is not an integer from 0 to 2147483647", z.TTL)
	}
	u.TTL = ttl
	var ntxt, nuri int
	for _, r := range z.Records {
		switch r.Type {
		case "txt":
			t, err := userTXT(r, ntxt)
			if err != nil {
				return nil, err
			}
			u.TXT = append(u.TXT, t)
			ntxt++
		case "uri":
			t, err := userURI(r, nuri)
			if err != nil {
				return nil, err
			}
			u.URI = append(u.URI, t)
			nuri++
		}
	}
	return u, nil
}

// intIn: v is an integer from 0 to max ('type': 'integer', 'minimum': 0,
// 'maximum': max).
func intIn(v Value, max int64) (int64, bool) {
	if v.Kind != Int {
		return 0, false
	}
	n, err := strconv.ParseInt(v.S, 10, 64)
	if err != nil || n < 0 || n > max {
		return 0, false
	}
	return n, true
}

// userTXT checks TXT_RECORD_SCHEMA.
func userTXT(r Record, i int) (TXT, error) {
	bad := func(format string, args ...any) (TXT, error) {
		return TXT{}, fmt.Errorf("%w: txt[%d]: "+format, append([]any{ErrNotUser, i}, args...)...)
	}
	name, ok := r.Fields["name"]
	switch {
	case !ok:
		return bad("name is required")
	case name.Kind != Str:
		return bad("name %v is not a string", name)
	case !urlencoded(name.S) && !pyMatch(urlencodedRE, name.S):
		return bad("name %q does not match %s", name.S, urlencodedPattern)
	}
	t := TXT{Name: name.S, TTL: r.Fields["ttl"]}
	txt, ok := r.Fields["txt"]
	switch {
	case !ok:
		return bad("txt is required")
	case txt.Kind == Str:
		t.Strings = []string{txt.S}
	case txt.Kind == List:
		t.Multi = true
		t.Strings = make([]string, len(txt.L))
		for j, s := range txt.L {
			t.Strings[j] = s.S // type=str: always a Str
		}
	default:
		return bad("txt %v is neither a string nor a list", txt)
	}
	return t, nil
}

// userURI checks URI_RECORD_SCHEMA.
func userURI(r Record, i int) (URI, error) {
	bad := func(format string, args ...any) (URI, error) {
		return URI{}, fmt.Errorf("%w: uri[%d]: "+format, append([]any{ErrNotUser, i}, args...)...)
	}
	u := URI{TTL: r.Fields["ttl"]}
	name, ok := r.Fields["name"]
	switch {
	case !ok:
		return bad("name is required")
	case name.Kind != Str:
		return bad("name %v is not a string", name)
	}
	u.Name = name.S
	for _, f := range []struct {
		key string
		to  *int
	}{{"priority", &u.Priority}, {"weight", &u.Weight}} {
		v, ok := r.Fields[f.key]
		if !ok {
			return bad("%s is required", f.key)
		}
		n, ok := intIn(v, 65535)
		if !ok {
			return bad("%s %v is not an integer from 0 to 65535", f.key, v)
		}
		*f.to = int(n)
	}
	target, ok := r.Fields["target"]
	switch {
	case !ok:
		return bad("target is required")
	case target.Kind != Str || !(pyMatch(uriTargetRE, target.S) || pyMatch(uriNoSchemeRE, target.S)):
		return bad("target %v matches neither %s nor %s", target, uriTargetPattern, uriTargetPatternNoScheme)
	}
	u.Target = target.S
	return u, nil
}

// ParseUser is Parse followed by ValidateUser: the two steps of the
// original's decode_zonefile_subdomains before it looks at the records.
func ParseUser(text []byte) (*User, error) {
	z, err := Parse(text)
	if err != nil {
		return nil, err
	}
	return z.ValidateUser()
}
