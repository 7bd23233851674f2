// Package bzones reads zone files exactly as Blockstack Core v21.0.0.5 did:
// with its Python library blockstack_zones 0.19.0.0, parse_zone_file(text)
// on Python 2.7, followed by a check against the original's
// USER_ZONEFILE_SCHEMA (blockstack/lib/schemas.py).
//
// The original's subdomain indexer (subdomains.py,
// decode_zonefile_subdomains) puts every zone file through these two steps,
// and any failure means the zone file yields no subdomains at all; what it
// reads afterwards — record names, TXT strings as a list or as a single
// string, URI targets, $origin, $ttl — must come out byte for byte. So this
// package does not parse DNS zone files (mirror/zonefile does that, for
// serving DNS); it re-enacts the original's parser, quirks included, and is
// tested against it (testdata/gen.py runs the Python code; TestGolden
// compares).
//
// # Use
//
//	z, err := bzones.Parse(zonefile) // parse_zone_file; err wraps ErrInvalidLine, ...
//	u, err := z.ValidateUser()       // jsonschema.validate(..., USER_ZONEFILE_SCHEMA)
//	for _, t := range u.TXT { ... t.Name, t.Strings, t.Multi ... }
//
// or [ParseUser] for both. [ZoneFile] keeps every record the original keeps,
// as Python values ([Value]); [User] is the typed view of a zone file that
// passed the schema.
//
// # How the original reads a zone file
//
// The text (bytes; Python 2 byte-string semantics: the six ASCII blanks,
// ASCII case) goes through five stages, which this package keeps apart
// because each re-reads the previous one's output:
//
//  1. remove_comments: each non-empty line is tokenized and re-serialized.
//  2. flatten: words (split at spaces, tabs made spaces) inside ( ... )
//     are joined into one line.
//  3. remove_class: the class (IN, CS, CH, HS) is dropped.
//  4. add_default_name: '@' is put before lines that start with a type.
//  5. parse_lines: each line goes through argparse: a main parser whose
//     subcommands are the record types $ORIGIN $TTL SOA NS A AAAA CNAME
//     ALIAS MX TXT PTR SRV SPF URI, each with positionals "name [ttl] TYPE
//     fields..." (TXT: "name TXT txt+" with an option --ttl).
//
// # Quirks kept
//
// Tokens (tokenize_line, run four times, and serialize, which quotes only
// tokens containing a space and escapes only ';'):
//   - An unescaped ';' ends the line, even inside quotes; "\;" is a ';'.
//   - A backslash is always dropped and makes the next byte literal (a blank,
//     a quote, a ';'); inside quotes a pending escape survives blanks.
//   - A quote may open or close in the middle of a word; "" is an empty
//     token, which the next stage loses (TXT "" "x" has one string).
//   - An unclosed quote runs to the end of the line (and is dropped if it
//     holds only spaces).
//   - CR, VT and FF are blanks (CRLF files work; CR-only ones are one line);
//     0x85 and 0xA0 are not. NUL is an ordinary byte.
//   - A quoted string without a space is written back unquoted, so another
//     blank in it (tab, CR, VT, FF) splits it at the next stage; in a string
//     with a space, tabs become spaces and runs of spaces shrink to one.
//   - An escaped quote becomes a real quote at the next stage.
//
// Parentheses (flatten works on space-separated words, not tokens):
//   - A word starting with '(' opens a group, a word ending in ')' closes
//     it, even inside a quoted string, and all leading '(' / trailing ')'
//     are stripped ("a (b) c" becomes "a b c").
//   - A group that is never closed swallows the rest of the file, which then
//     is not there at all (no error).
//
// Class and names:
//   - If some token upper-cases to IN, the first token spelled exactly IN
//     is removed, wherever it is (a TXT string "IN" vanishes); else CS, CH,
//     HS likewise. If only other spellings ("in", "In", "hs") are there,
//     Python raises ValueError ([ErrClass]), before any line is parsed.
//   - '@' is added only before a line whose first token is a record type in
//     upper case; '@' does not match the TXT name pattern, so a TXT record
//     without a name makes the zone file fail the schema.
//   - The record type is looked for, case-sensitively, only as the second or
//     third token ($ORIGIN and $TTL too: "foo $TTL 5" is an invalid line).
//
// Fields (argparse, Python 2.7):
//   - Integer fields (ttl, $TTL, URI and SRV priority/weight/port, SOA
//     numbers) are Python 2 int(): blanks around, a sign, blanks after the
//     sign (a quoted "- 7" is -7), leading zeros; no '_', no "0x", no 'L';
//     any size. MX preference is a string.
//   - A record's ttl positional is optional and greedy: "foo bar A" gives
//     name foo, type slot "bar", ip "A", and then AssertionError
//     ([ErrRecordType]).
//   - TXT with a ttl gets "--ttl" inserted before it; so "--ttl N",
//     "--ttl=N", "--t=N" or "--tt N" anywhere among a TXT record's strings
//     set its ttl (the last wins).
//   - Tokens starting with '-' are options, and make the line invalid
//     (unknown option; -h, --help, --he, -hX: help and SystemExit; "--=1"
//     in TXT: ambiguous), except negative numbers (-5, -1.5, -.5), "-"
//     alone, everything after the first "--", and tokens with a space
//     unless they start with -h or with --X= where --X is (a prefix of)
//     an option.
//   - "-h=" raises IndexError ([ErrOption]) when argparse reaches it before
//     any other error on the line (unknown options before it do not count).
//   - The first "--" is dropped from the field that gets it; a later "--"
//     alone in a field makes it an empty list ("--ttl=--" gives ttl []).
//   - TXT strings: one is a string, several a list (and none, by "--"
//     tricks, an empty list).
//
// Records and directives:
//   - Every PTR record raises TypeError ([ErrPTR]): its fullname uses an
//     origin looked up under the wrong key.
//   - Any other type (HINFO, CAA, $INCLUDE, $GENERATE, lower-case types) is
//     an invalid line, and one invalid line fails the whole zone file.
//   - The last $ORIGIN and the last $TTL win; "-- $ORIGIN" is ignored.
//   - A zone file without a single token is an invalid line.
//   - Only the first failing line counts ([ErrClass] aside, which comes from
//     an earlier stage).
//
// Schema (USER_ZONEFILE_SCHEMA, jsonschema, patterns with Python's
// re.search):
//   - $origin and $ttl are required; $origin matches OP_NAME_PATTERN
//     (lower case, no trailing dot), $ttl is 0 to 2147483647.
//   - TXT: name matches OP_URLENCODED_PATTERN ([a-zA-Z0-9-_.~%/]+), txt is
//     a string or a list; the ttl is not looked at.
//   - URI: name is any string; priority and weight are 0 to 65535; target
//     matches OP_URI_TARGET_PATTERN or its scheme-less variant (so "x" is a
//     valid target; a space, '@' or ';' is not).
//   - Records of other types are not looked at.
//
// # Bounds
//
// Parse is linear in the input (the Python is quadratic in places); zone
// files are at most 40,960 bytes on the networks, but Parse takes any size.
package bzones
