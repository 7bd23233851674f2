package bzones

import "errors"

// The errors Parse returns, one per Python exception that the original's
// parse_zone_file can raise (they are wrapped with the offending line; test
// with errors.Is). The subdomain indexer treats them all alike: the zone file
// yields no subdomains.
var (
	// ErrInvalidLine is blockstack_zones' InvalidLineException: a line that
	// its argparse parsers do not accept (unknown or lower-case record type,
	// missing or extra fields, a field that is not an integer where one is
	// wanted, an unknown option, -h, ...). Also an empty zone file.
	ErrInvalidLine = errors.New("bzones: invalid line")

	// ErrClass is the ValueError of remove_class's tokens.remove("IN"): a
	// line with a token that upper-cases to IN, CS, CH or HS but is not
	// spelled in upper case ("in", "In", "cs", ...). It is raised before any
	// record is parsed.
	ErrClass = errors.New("bzones: class not in upper case (ValueError)")

	// ErrRecordType is parse_line's AssertionError "Unknown record type": the
	// line's record type was detected, but argparse put another token in the
	// type's slot (e.g. "foo bar A": name foo, type slot "bar", ip "A").
	ErrRecordType = errors.New("bzones: unknown record type (AssertionError)")

	// ErrPTR is the TypeError of every PTR record: parse_line builds its
	// fullname from an origin it looks up under the wrong key, i.e. None.
	ErrPTR = errors.New("bzones: PTR record (TypeError)")

	// ErrOption is the IndexError of Python 2.7's argparse on the token
	// "-h=" (an explicit empty argument to a single-dash flag), when argparse
	// reaches it before any other error on the line.
	ErrOption = errors.New("bzones: \"-h=\" (IndexError)")

	// ErrNotUser means the parsed zone file does not satisfy the original's
	// USER_ZONEFILE_SCHEMA; the wrapping error names the field.
	ErrNotUser = errors.New("bzones: not a user zone file")
)
