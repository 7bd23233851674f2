package bzones

import "strings"

// pyInt is Python 2.7's int() of a byte string (argparse's type=int), as
// PyInt_FromString / PyOS_strtol / PyOS_strtoul / PyLong_FromString read it:
// C-locale blanks around, an optional sign, blanks again(!), then one or more
// ASCII digits (leading zeros allowed), nothing else (so no NUL byte, no
// '_', no base prefix, no 'L' suffix). It returns the value in canonical
// decimal ("-12", "0"), of any size (Python 2 turns to long on overflow).
func pyInt(s string) (string, bool) {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	start := i
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	digits := s[start:i]
	if digits == "" {
		return "", false
	}
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	if i != len(s) {
		return "", false
	}
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return "0", true
	}
	if neg {
		return "-" + digits, true
	}
	return digits, true
}
