package bzones

import "strings"

// tokenizeBytes is tokenize_line as Python runs it, a byte at a time: the
// reference FuzzTokenize holds tokenize to.
func tokenizeBytes(line string) []string {
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
