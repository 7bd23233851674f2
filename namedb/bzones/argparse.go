package bzones

import (
	"regexp"
	"strings"
)

// A re-enactment of the part of Python 2.7's argparse (Lib/argparse.py,
// ArgumentParser._parse_known_args and what it calls) that blockstack_zones'
// parsers reach: the main parser, whose one positional (the subparsers,
// nargs=PARSER) takes the record type and everything after it; one
// subparser per record type with positionals of nargs None, '?' and '+'; the
// -h/--help flag every parser has; and TXT's --ttl option. Positionals are
// matched with argparse's own regular expressions over the "pattern" of the
// arguments ('A' argument, 'O' option, '-' the first "--"); Go's regexp
// picks the same submatches as Python's backtracking re.
//
// A line ends in a namespace; or in an ArgumentError, a parser error, a
// SystemExit (help) or unrecognized arguments, all of which the caller turns
// into InvalidLineException; or in the IndexError that "-h=" provokes. Only
// the first of these that argparse meets counts, so the order of its work is
// kept: unrecognized arguments are noted and the parse goes on; the others
// stop it.

type nargs byte

const (
	nargsOne       nargs = iota // None: one argument
	nargsOptional               // '?'
	nargsOneOrMore              // '+'
	nargsParser                 // PARSER: the subparsers
)

type positional struct {
	dest  string
	nargs nargs
	isInt bool // type=int (else type=str)
}

// parser is the main parser or one add_parser(...) of make_parser.
type parser struct {
	pos    []positional
	ttlOpt bool               // TXT's --ttl (type=int)
	match  [][]*regexp.Regexp // match[k][i]: argparse's pattern for pos[k:k+i+1], anchored at the start
}

var (
	// mainParser is make_parser()'s ZonefileLineParser.
	mainParser *parser
	// parsers maps its choices (SUPPORTED_RECORDS) to the subparsers.
	parsers = map[string]*parser{}
)

func init() {
	rr := func(typ string, fields ...positional) {
		pos := []positional{{dest: "name"}, {dest: "ttl", nargs: nargsOptional, isInt: true}, {dest: typ}}
		parsers[typ] = newParser(append(pos, fields...), false)
	}
	str := func(dest string) positional { return positional{dest: dest} }
	num := func(dest string) positional { return positional{dest: dest, isInt: true} }

	mainParser = newParser([]positional{{nargs: nargsParser}}, false)
	parsers["$ORIGIN"] = newParser([]positional{str("$ORIGIN")}, false)
	parsers["$TTL"] = newParser([]positional{num("$TTL")}, false)
	rr("SOA", str("mname"), str("rname"), num("serial"), num("refresh"), num("retry"), num("expire"), num("minimum"))
	rr("NS", str("host"))
	rr("A", str("ip"))
	rr("AAAA", str("ip"))
	rr("CNAME", str("alias"))
	rr("ALIAS", str("host"))
	rr("MX", str("preference"), str("host")) // preference is type=str
	parsers["TXT"] = newParser([]positional{str("name"), str("TXT"), {dest: "txt", nargs: nargsOneOrMore}}, true)
	rr("PTR", str("host"))
	rr("SRV", num("priority"), num("weight"), num("port"), str("target"))
	rr("SPF", str("data"))
	rr("URI", num("priority"), num("weight"), str("target"))
}

func newParser(pos []positional, ttlOpt bool) *parser {
	p := &parser{pos: pos, ttlOpt: ttlOpt, match: make([][]*regexp.Regexp, len(pos))}
	for k := range pos {
		pattern := "^"
		for _, a := range pos[k:] {
			switch a.nargs { // _get_nargs_pattern
			case nargsOne:
				pattern += "(-*A-*)"
			case nargsOptional:
				pattern += "(-*A?-*)"
			case nargsOneOrMore:
				pattern += "(-*A[A-]*)"
			case nargsParser:
				pattern += "(-*A[-AO]*)"
			}
			p.match[k] = append(p.match[k], regexp.MustCompile(pattern))
		}
	}
	return p
}

// matchPlain is _match_arguments_partial's counts for a pattern of
// arguments only ('A's, no option and no "--", nearly every line), without
// the regular expressions: the longest run of positionals whose minimums
// fit, each taking as many as it can and leave the minimums of those after
// it (the submatches of the greedy, backtracking match). It returns nil if
// the pattern is not plain or no positional fits.
func matchPlain(positionals []positional, pat string) []int {
	for i := 0; i < len(pat); i++ {
		if pat[i] != 'A' {
			return nil
		}
	}
	least := func(a positional) int {
		if a.nargs == nargsOptional {
			return 0
		}
		return 1
	}
	run, need := len(positionals), 0
	for _, a := range positionals {
		need += least(a)
	}
	for ; run > 0 && need > len(pat); run-- {
		need -= least(positionals[run-1])
	}
	if run == 0 {
		return nil
	}
	counts := make([]int, run)
	left := len(pat)
	for i, a := range positionals[:run] {
		need -= least(a)
		switch a.nargs {
		case nargsOne:
			counts[i] = 1
		case nargsOptional:
			counts[i] = min(1, left-need)
		default: // '+' and PARSER
			counts[i] = left - need
		}
		left -= counts[i]
	}
	return counts
}

// isSupported: the record types of configs.SUPPORTED_RECORDS.
func isSupported(tok string) bool {
	_, ok := parsers[tok]
	return ok
}

// action is what an option string stands for.
type action byte

const (
	actNone action = iota // looks like an option, but the parser has none such
	actHelp               // -h, --help
	actTTL                // --ttl (TXT only)
)

// optTuple is _parse_optional's (action, option_string, explicit_arg).
type optTuple struct {
	act         action
	opt         string
	explicit    string
	hasExplicit bool
}

// lineFail is how a line fails.
type lineFail byte

const (
	failInvalid lineFail = iota + 1 // InvalidLineException
	failIndex                       // IndexError ("-h=")
)

// namespace holds the values of one parse; a missing key is None.
type namespace map[string]Value

func (p *parser) lookup(opt string) (action, bool) {
	switch opt {
	case "-h", "--help":
		return actHelp, true
	case "--ttl":
		if p.ttlOpt {
			return actTTL, true
		}
	}
	return actNone, false
}

func (p *parser) optionStrings() []string {
	if p.ttlOpt {
		return []string{"-h", "--help", "--ttl"}
	}
	return []string{"-h", "--help"}
}

// isNegativeNumber is argparse's _negative_number_matcher,
// ^-\d+$|^-\d*\.\d+$ (on bytes: \d is [0-9]; tokens hold no newline).
func isNegativeNumber(s string) bool {
	if len(s) < 2 || s[0] != '-' {
		return false
	}
	s = s[1:]
	i := 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	if i == len(s) {
		return true // -\d+
	}
	if s[i] != '.' {
		return false
	}
	j := i + 1
	for j < len(s) && '0' <= s[j] && s[j] <= '9' {
		j++
	}
	return j == len(s) && j > i+1
}

// parseOptional is _parse_optional: nil for a positional ('A'); false for
// an ambiguous option (a parser error).
func (p *parser) parseOptional(arg string) (*optTuple, bool) {
	if arg == "" || arg[0] != '-' {
		return nil, true
	}
	if a, ok := p.lookup(arg); ok {
		return &optTuple{act: a, opt: arg}, true
	}
	if len(arg) == 1 {
		return nil, true
	}
	if i := strings.IndexByte(arg, '='); i >= 0 {
		if a, ok := p.lookup(arg[:i]); ok {
			return &optTuple{act: a, opt: arg[:i], explicit: arg[i+1:], hasExplicit: true}, true
		}
	}
	// _get_option_tuples: abbreviations of long options, and a short option
	// with its argument attached
	var tuples []optTuple
	if arg[1] == '-' {
		prefix, explicit, has := arg, "", false
		if i := strings.IndexByte(arg, '='); i >= 0 {
			prefix, explicit, has = arg[:i], arg[i+1:], true
		}
		for _, o := range p.optionStrings() {
			if strings.HasPrefix(o, prefix) {
				a, _ := p.lookup(o)
				tuples = append(tuples, optTuple{act: a, opt: o, explicit: explicit, hasExplicit: has})
			}
		}
	} else {
		short, shortExplicit := arg[:2], arg[2:]
		for _, o := range p.optionStrings() {
			a, _ := p.lookup(o)
			if o == short {
				tuples = append(tuples, optTuple{act: a, opt: o, explicit: shortExplicit, hasExplicit: true})
			} else if strings.HasPrefix(o, arg) {
				tuples = append(tuples, optTuple{act: a, opt: o})
			}
		}
	}
	switch {
	case len(tuples) > 1:
		return nil, false // ambiguous option
	case len(tuples) == 1:
		return &tuples[0], true
	}
	if isNegativeNumber(arg) {
		return nil, true // no parser has negative-number-like options
	}
	if strings.IndexByte(arg, ' ') >= 0 {
		return nil, true
	}
	return &optTuple{act: actNone, opt: arg}, true
}

// convert is _get_value with type=str or type=int.
func convert(s string, isInt bool) (Value, bool) {
	if !isInt {
		return Value{Kind: Str, S: s}, true
	}
	n, ok := pyInt(s)
	return Value{Kind: Int, S: n}, ok
}

// removeDashDash is arg_strings.remove('--') (the first one), without
// touching the caller's slice.
func removeDashDash(args []string) []string {
	for i, a := range args {
		if a == "--" {
			out := make([]string, 0, len(args)-1)
			out = append(out, args[:i]...)
			return append(out, args[i+1:]...)
		}
	}
	return args
}

// values is _get_values for a positional or --ttl (not PARSER).
func values(args []string, n nargs, isInt bool) (Value, bool) {
	args = removeDashDash(args)
	switch {
	case len(args) == 0 && n == nargsOptional:
		return Value{}, true // the default, None
	case len(args) == 1 && n != nargsOneOrMore:
		return convert(args[0], isInt)
	}
	l := make([]Value, 0, len(args))
	for _, a := range args {
		v, ok := convert(a, isInt)
		if !ok {
			return Value{}, false
		}
		l = append(l, v)
	}
	return Value{Kind: List, L: l}, true
}

// parse is parse_known_args(args) into ns. extras reports unrecognized
// arguments (which argparse returns rather than raises); the main parser's
// include its subparser's.
func (p *parser) parse(args []string, ns namespace) (extras bool, fail lineFail) {
	// find all option indices, and the arg_strings_pattern
	pattern := make([]byte, len(args))
	opts := map[int]*optTuple{}
	var optIdx []int
	for i, a := range args {
		if a == "--" {
			pattern[i] = '-'
			for j := i + 1; j < len(args); j++ {
				pattern[j] = 'A'
			}
			break
		}
		t, ok := p.parseOptional(a)
		if !ok {
			return false, failInvalid
		}
		if t == nil {
			pattern[i] = 'A'
		} else {
			pattern[i] = 'O'
			opts[i] = t
			optIdx = append(optIdx, i)
		}
	}
	pat := string(pattern)
	positionals := p.pos // those not consumed yet

	consumePositionals := func(start int) (int, lineFail) {
		// _match_arguments_partial: the longest run of the remaining
		// positionals that matches
		counts := matchPlain(positionals, pat[start:])
		for i := len(positionals); i > 0 && counts == nil; i-- {
			m := p.match[len(p.pos)-len(positionals)][i-1].FindStringSubmatchIndex(pat[start:])
			if m != nil {
				for g := 1; g <= i; g++ {
					counts = append(counts, m[2*g+1]-m[2*g])
				}
				break
			}
		}
		for i, c := range counts {
			a := positionals[i]
			if a.nargs == nargsParser {
				// _SubParsersAction: the first value picks the parser,
				// which parses the rest ('--' included) into ns
				vals := args[start : start+c]
				sub, ok := parsers[vals[0]]
				if !ok {
					return 0, failInvalid // invalid choice
				}
				subExtras, f := sub.parse(vals[1:], ns)
				if f != 0 {
					return 0, f
				}
				extras = extras || subExtras
			} else {
				v, ok := values(args[start:start+c], a.nargs, a.isInt)
				if !ok {
					return 0, failInvalid
				}
				ns[a.dest] = v
			}
			start += c
		}
		positionals = positionals[len(counts):]
		return start, 0
	}

	consumeOptional := func(start int) (int, lineFail) {
		t := *opts[start]
		var taken []action
		var takenArgs []string
		stop := 0
		for {
			if t.act == actNone {
				extras = true
				return start + 1, 0
			}
			if t.hasExplicit {
				argCount := 1 // match_argument(action, 'A'): --ttl takes one
				if t.act == actHelp {
					argCount = 0
				}
				if argCount == 0 && t.opt[1] != '-' {
					// -hXYZ: more single-dash flags packed after -h
					taken = append(taken, t.act)
					if t.explicit == "" {
						return 0, failIndex // explicit_arg[0] on ''
					}
					opt := "-" + t.explicit[:1]
					a, ok := p.lookup(opt)
					if !ok {
						return 0, failInvalid // ignored explicit argument
					}
					rest := t.explicit[1:]
					t = optTuple{act: a, opt: opt, explicit: rest, hasExplicit: rest != ""}
					continue
				} else if argCount == 1 {
					stop = start + 1
					taken = append(taken, t.act)
					takenArgs = []string{t.explicit}
					break
				}
				return 0, failInvalid // ignored explicit argument
			}
			argCount := 0
			if t.act == actTTL {
				if start+1 >= len(pat) || pat[start+1] != 'A' {
					return 0, failInvalid // expected one argument
				}
				argCount = 1
			}
			stop = start + 1 + argCount
			taken = append(taken, t.act)
			takenArgs = args[start+1 : stop]
			break
		}
		for _, a := range taken {
			if a == actHelp {
				return 0, failInvalid // print_help(); exit(): SystemExit
			}
			// a chain ("-hh...") holds only -h, so --ttl is alone and
			// takenArgs are its arguments
			v, ok := values(takenArgs, nargsOne, true)
			if !ok {
				return 0, failInvalid
			}
			ns["ttl"] = v
		}
		return stop, 0
	}

	// consume positionals and optionals alternately, until we have passed
	// the last option string
	start := 0
	next := 0 // index into optIdx of the first option at or after start
	for len(optIdx) > 0 && start <= optIdx[len(optIdx)-1] {
		for optIdx[next] < start {
			next++
		}
		nextOpt := optIdx[next]
		if start != nextOpt {
			end, f := consumePositionals(start)
			if f != 0 {
				return false, f
			}
			if end > start {
				start = end
				continue
			}
		}
		if _, isOpt := opts[start]; !isOpt {
			extras = true // arg_strings[start:nextOpt]
			start = nextOpt
		}
		stop, f := consumeOptional(start)
		if f != 0 {
			return false, f
		}
		start = stop
	}
	stop, f := consumePositionals(start)
	if f != 0 {
		return false, f
	}
	if stop < len(args) {
		extras = true
	}
	if len(positionals) > 0 {
		return false, failInvalid // too few arguments
	}
	return extras, 0
}

// parseArgs is parse_line's parser.parse_known_args(record_token) with its
// check that nothing was left over. On success tokens[0] is the record type.
func parseArgs(tokens []string) (namespace, lineFail) {
	ns := namespace{}
	extras, f := mainParser.parse(tokens, ns)
	if f == 0 && extras {
		f = failInvalid // "Unmatched fields"
	}
	return ns, f
}
