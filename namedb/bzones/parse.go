package bzones

import (
	"fmt"
	"strings"
)

// Kind is the Python type of a Value.
type Kind uint8

const (
	None Kind = iota // Python None; in a ZoneFile it means "absent"
	Str              // a byte string
	Int              // an integer of any size; Value.S holds it in canonical decimal
	List             // a list of Values
)

// Value is a value the original's parser produced: a byte string, an
// integer or a list. Which one a field holds is mostly fixed by its type
// (argparse type=str or type=int), but not always: a "--" among the
// arguments can turn a field into an empty list, and TXT's txt is a list of
// strings or, when there is exactly one, a string.
type Value struct {
	Kind Kind
	S    string  // Str: the bytes; Int: the decimal digits, with '-' if negative
	L    []Value // List
}

func (v Value) String() string {
	switch v.Kind {
	case Str:
		return fmt.Sprintf("%q", v.S)
	case Int:
		return v.S
	case List:
		s := make([]string, len(v.L))
		for i, e := range v.L {
			s[i] = e.String()
		}
		return "[" + strings.Join(s, ", ") + "]"
	}
	return "None"
}

// Record is one resource record, the dict the original appends to the zone
// file's list for its type.
type Record struct {
	// Type is the key of that list: "a", "aaaa", "alias", "cname", "mx",
	// "ns", "soa", "spf", "srv", "txt" or "uri" (never "ptr": every PTR
	// record is an error).
	Type string
	// Fields maps the dict's keys to their values: "name", "ttl" when the
	// record has one, and the type's fields (txt; priority, weight, target;
	// ip; host; alias; preference; port; data; mname, rname, serial,
	// refresh, retry, expire, minimum). A field is never None.
	Fields map[string]Value
}

// ZoneFile is what parse_zone_file returns.
type ZoneFile struct {
	// Origin is "$origin": a Str, or None without a $ORIGIN line (the last
	// one counts).
	Origin Value
	// TTL is "$ttl": an Int, or None without a $TTL line (the last one
	// counts).
	TTL Value
	// Records are all records, in the order of the file; Python keeps one
	// list per type, each in this order.
	Records []Record
}

// Parse reads a zone file as blockstack_zones 0.19.0.0's
// parse_zone_file(text) does on Python 2.7 (ignore_invalid=False). The error
// wraps ErrInvalidLine, ErrClass, ErrRecordType, ErrPTR or ErrOption, after
// the Python exception the original raises; it names the line as the
// original had rewritten it.
func Parse(text []byte) (*ZoneFile, error) {
	// Each stage works on the lines of the one before (the original joins
	// them into a text and splits it again: no line holds a newline, and
	// no lines split as one empty line — see below)
	lines := removeComments(string(text))
	lines = flatten(lines)
	lines, err := removeClass(lines)
	if err != nil {
		return nil, err
	}
	lines = addDefaultName(lines)
	if len(lines) == 0 {
		lines = []string{""} // "".split("\n")
	}
	z := &ZoneFile{}
	for _, line := range lines {
		if err := z.parseLine(tokenize(line)); err != nil {
			return nil, err
		}
	}
	return z, nil
}

// parseLine is parse_line.
func (z *ZoneFile) parseLine(tokens []string) error {
	line := func() string { return strings.Join(tokens, " ") } // for an error
	rt := tokens
	switch {
	case len(tokens) >= 2 && isSupported(tokens[1]):
		// name TYPE ...: the type goes first, for the main parser
		rt = append([]string{tokens[1]}, tokens...)
	case len(tokens) >= 3 && isSupported(tokens[2]):
		// name TTL TYPE ...; TXT's parser has no ttl positional but --ttl
		rt = append([]string{tokens[2]}, tokens...)
		if rt[0] == "TXT" {
			rt = append([]string{rt[0], rt[1], "--ttl"}, rt[2:]...)
		}
	}
	ns, f := parseArgs(rt)
	switch f {
	case failInvalid:
		return fmt.Errorf("%w: %q", ErrInvalidLine, clip(line()))
	case failIndex:
		return fmt.Errorf("%w: %q", ErrOption, clip(line()))
	}
	typ := rt[0]
	if typ == "TXT" {
		if txt := ns["txt"]; txt.Kind == List && len(txt.L) == 1 {
			ns["txt"] = txt.L[0]
		}
	}
	// "what kind of record?": the type's own slot must hold the type's name,
	// except for $ORIGIN and $TTL (and then an equal value is dropped too)
	v := ns[typ]
	same := v.Kind == Str && v.S == typ
	if typ[0] != '$' && !same {
		return fmt.Errorf("%w: %q", ErrRecordType, clip(line()))
	}
	if same {
		delete(ns, typ)
	}
	for k, v := range ns {
		if v.Kind == None {
			delete(ns, k)
		}
	}
	if typ == "PTR" {
		return fmt.Errorf("%w: %q", ErrPTR, clip(line()))
	}
	if len(ns) == 0 {
		return nil
	}
	switch typ {
	case "$ORIGIN":
		z.Origin = ns[typ]
	case "$TTL":
		z.TTL = ns[typ]
	default:
		z.Records = append(z.Records, Record{Type: strings.ToLower(typ), Fields: ns})
	}
	return nil
}
