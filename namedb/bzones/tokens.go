package bzones

import (
	"fmt"
	"strings"
)

// The text passes through four stages before the records are read, each
// ending in serialize and each (but flatten) starting with tokenize, exactly
// as parse_zone_file does; serialize∘tokenize is not the identity (quotes
// become active, empty tokens vanish, blanks inside tokens split them), so the
// stages are kept apart rather than merged into one tokenizer.

// isSpace is C isspace() in the C locale, which is what Python 2's
// str.isspace() uses on the byte strings the original reads.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// tokenize is tokenize_line: split on blanks, a quoted string is one token
// (the quote may start in the middle of a token; an empty "" is an empty
// token), a backslash is always dropped and makes the next character literal
// (a blank, a quote or a ';'), and an unescaped ';' ends the line, even
// inside quotes, after emitting the token so far (even if empty).
func tokenize(line string) []string {
	if strings.IndexAny(line, "\"\\;") < 0 {
		// no quote, escape or comment: the tokens are the runs of
		// non-blank bytes (most lines after the first stage)
		return fields(line)
	}
	// The tokens' bytes go one after another into all (the current one
	// from start), and become substrings of one string at the end.
	var all []byte
	var ends []int
	start := 0
	emit := func() { ends = append(ends, len(all)); start = len(all) }
	drop := func() { all = all[:start] }
	escape, quote := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		if isSpace(c) {
			switch {
			case !quote && !escape:
				if len(all) > start {
					emit()
				}
				drop()
			case quote:
				all = append(all, c) // the escape, if any, stays pending
			default: // escape
				all = append(all, c)
				escape = false
			}
			continue
		}
		switch c {
		case '\\':
			escape = true
			continue
		case '"':
			if !escape {
				if quote {
					emit()
					quote = false
				} else {
					quote = true // the token so far is kept
				}
				continue
			}
		case ';':
			if !escape {
				emit()
				return substrings(all, ends)
			}
		}
		all = append(all, c)
		escape = false
	}
	if strings.Trim(strings.Trim(string(all[start:]), " "), "\n") != "" {
		emit()
	}
	return substrings(all, ends)
}

// substrings cuts the bytes of all at ends into strings sharing one copy.
func substrings(all []byte, ends []int) []string {
	if len(ends) == 0 {
		return nil
	}
	s := string(all[:ends[len(ends)-1]])
	out := make([]string, len(ends))
	from := 0
	for i, e := range ends {
		out[i] = s[from:e]
		from = e
	}
	return out
}

// plainLine reports whether tokenize reads line as its words between
// single spaces and serialize writes them back as line: no quote, escape
// or comment, no blank but single spaces between words.
func plainLine(line string) bool {
	if line == "" || line[0] == ' ' || line[len(line)-1] == ' ' {
		return false
	}
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == '"' || c == '\\' || c == ';':
			return false
		case c == ' ':
			if line[i+1] == ' ' {
				return false
			}
		case isSpace(c):
			return false
		}
	}
	return true
}

// hasTwoLetterWord reports whether a plain line has a word of two bytes
// (every class, IN, CS, CH or HS, in any case, is one).
func hasTwoLetterWord(line string) bool {
	start := 0
	for i := 0; i <= len(line); i++ {
		if i == len(line) || line[i] == ' ' {
			if i-start == 2 {
				return true
			}
			start = i + 1
		}
	}
	return false
}

// fields splits s at blank bytes (isSpace), dropping empty fields.
func fields(s string) []string {
	var out []string
	start := -1
	for i := 0; i < len(s); i++ {
		if isSpace(s[i]) {
			if start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

// serialize quotes tokens containing a space (nothing else: not tabs, not
// quotes) and escapes every ';'.
func serialize(tokens []string) string {
	plain := true
	for _, tok := range tokens {
		if strings.IndexAny(tok, " ;") >= 0 {
			plain = false
			break
		}
	}
	if plain {
		return strings.Join(tokens, " ")
	}
	var b strings.Builder
	for i, tok := range tokens {
		if i > 0 {
			b.WriteByte(' ')
		}
		quoted := strings.IndexByte(tok, ' ') >= 0
		if quoted {
			b.WriteByte('"')
		}
		for j := 0; j < len(tok); j++ {
			if tok[j] == ';' {
				b.WriteByte('\\')
			}
			b.WriteByte(tok[j])
		}
		if quoted {
			b.WriteByte('"')
		}
	}
	return b.String()
}

// removeComments re-serializes every non-empty line (comments go, blank
// lines become empty lines).
func removeComments(text string) []string {
	lines := strings.Split(text, "\n")
	out := lines[:0]
	for _, line := range lines {
		if line == "" {
			continue
		}
		out = append(out, serialize(tokenize(line)))
	}
	return out
}

// flatten joins parenthesised groups into one line. It works on words split
// at single spaces (tabs first become spaces), not on tokens: parentheses
// inside quoted strings count, runs of spaces inside quoted strings shrink to
// one, and a group that is never closed swallows the rest of the file.
func flatten(lines []string) []string {
	var out []string
	var captured []string
	capturing := false
	word := func(tok string) {
		if !capturing && tok == "" { // end of a line
			if len(captured) > 0 {
				out = append(out, strings.Join(captured, " "))
				captured = captured[:0]
			}
			return
		}
		if strings.HasPrefix(tok, "(") {
			tok = strings.TrimLeft(tok, "(")
			capturing = true
		}
		if capturing && strings.HasSuffix(tok, ")") {
			tok = strings.TrimRight(tok, ")")
			capturing = false
		}
		captured = append(captured, tok)
	}
	for _, l := range lines {
		if l == "" {
			continue
		}
		l = strings.ReplaceAll(l, "\t", " ")
		for _, w := range strings.Split(l, " ") {
			if w != "" {
				word(w)
			}
		}
		word("")
	}
	return out
}

// upperIs reports whether Python 2's tok.upper() == want (ASCII only).
func upperIs(tok, want string) bool {
	if len(tok) != len(want) {
		return false
	}
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != want[i] {
			return false
		}
	}
	return true
}

// removeClass drops the first token spelled exactly IN from each line that
// has a token upper-casing to IN, else likewise CS, CH or HS; if only other
// spellings are there, Python's list.remove raises ValueError.
func removeClass(lines []string) ([]string, error) {
	for li, line := range lines {
		plain := plainLine(line)
		if plain && !hasTwoLetterWord(line) {
			continue // no class to remove, and serialize would write it back as it is
		}
		tokens := tokenize(line)
		removed := false
		for _, class := range []string{"IN", "CS", "CH", "HS"} {
			present, at := false, -1
			for i, t := range tokens {
				if upperIs(t, class) {
					present = true
					if t == class {
						at = i
						break
					}
				}
			}
			if !present {
				continue
			}
			if at < 0 {
				return nil, fmt.Errorf("%w: %q", ErrClass, clip(line))
			}
			tokens = append(tokens[:at], tokens[at+1:]...)
			removed = true
			break
		}
		if !removed && plain {
			continue // serialize would write it back as it is
		}
		lines[li] = serialize(tokens)
	}
	return lines, nil
}

// addDefaultName drops lines without tokens and puts '@' before a line that
// starts with a record type (not $ORIGIN/$TTL; case-sensitive).
func addDefaultName(lines []string) []string {
	out := lines[:0]
	for _, line := range lines {
		if plainLine(line) {
			first, _, _ := strings.Cut(line, " ")
			if isSupported(first) && first[0] != '$' {
				line = "@ " + line
			}
			out = append(out, line)
			continue
		}
		tokens := tokenize(line)
		if len(tokens) == 0 {
			continue
		}
		if isSupported(tokens[0]) && tokens[0][0] != '$' {
			tokens = append([]string{"@"}, tokens...)
		}
		out = append(out, serialize(tokens))
	}
	return out
}

// clip shortens a line for an error message.
func clip(s string) string {
	const max = 120
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}
