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
	// The bytes are taken in runs up to the next byte that matters; a
	// token of one run is a substring of line, one of several (a quote
	// opened in its middle, an escape) is put together in buf.
	out := make([]string, 0, 8)
	var (
		tok   string // the token so far, while it is one run
		buf   []byte // the token so far, once it is several (inBuf)
		inBuf bool
	)
	add := func(part string) {
		switch {
		case inBuf:
			buf = append(buf, part...)
		case tok == "":
			tok = part
		default:
			buf = append(append(buf[:0], tok...), part...)
			inBuf = true
		}
	}
	size := func() int {
		if inBuf {
			return len(buf)
		}
		return len(tok)
	}
	emit := func() {
		if inBuf {
			out = append(out, string(buf))
		} else {
			out = append(out, tok)
		}
		tok, inBuf = "", false
	}
	drop := func() { tok, inBuf = "", false }
	quote := false
	i := 0
	for i < len(line) {
		j := i
		if quote {
			// blanks are part of a quoted token
			for j < len(line) && line[j] != '"' && line[j] != ';' && line[j] != '\\' {
				j++
			}
		} else {
			for j < len(line) && !isSpace(line[j]) && line[j] != '"' && line[j] != ';' && line[j] != '\\' {
				j++
			}
		}
		add(line[i:j])
		if j == len(line) {
			break
		}
		i = j + 1
		switch c := line[j]; {
		case c == '\\':
			// dropped; the next byte but a backslash is literal. Inside
			// quotes, blanks come first and leave the escape pending.
			for i < len(line) {
				if quote && isSpace(line[i]) {
					add(line[i : i+1])
					i++
					continue
				}
				if line[i] == '\\' {
					i++
					continue
				}
				add(line[i : i+1])
				i++
				break
			}
		case c == '"' && quote:
			emit()
			quote = false
		case c == '"':
			quote = true // the token so far is kept
		case c == ';':
			emit()
			return out
		default: // a blank, outside quotes
			if size() > 0 {
				emit()
			}
			drop()
		}
	}
	last := tok
	if inBuf {
		last = string(buf)
	}
	if strings.Trim(strings.Trim(last, " "), "\n") != "" {
		out = append(out, last)
	}
	if len(out) == 0 {
		return nil
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
		if !capturing && len(captured) == 0 && plainWords(l) {
			out = append(out, l) // its words, joined again as they were
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

// plainWords reports whether flatten leaves line as it is outside a
// group: words between single spaces, no tab, no '(' to open a group.
func plainWords(line string) bool {
	if line[0] == ' ' || line[len(line)-1] == ' ' {
		return false
	}
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\t', '(':
			return false
		case ' ':
			if line[i+1] == ' ' {
				return false
			}
		}
	}
	return true
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
