package subdomain

import (
	"encoding/base64"
	"errors"
)

// errPadding is Python 2's binascii "Incorrect padding".
var errPadding = errors.New("incorrect padding")

// b64val is the base64 alphabet's values; -1 for other bytes. As in
// CPython 2.7's table, '=' counts as a valid character (value 0) when
// looking ahead for a second pad.
var b64val = func() [256]int8 {
	var t [256]int8
	for i := range t {
		t[i] = -1
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = int8(i)
	}
	t['='] = 0
	return t
}()

// decodeBase64Py2 decodes s as Python 2's base64.b64decode (binascii
// a2b_base64) does: bytes outside the alphabet are skipped, a '=' ends the
// input only where it is a pad (the third or fourth character of a
// quantum, the third only if another '=' follows), and input that ends
// inside a quantum is "incorrect padding".
func decodeBase64Py2(s string) ([]byte, error) {
	// canonical base64 (what every record has) reads the same either way
	// (FuzzBase64Py2): the standard decoder is the fast path
	if b, err := base64.StdEncoding.Strict().DecodeString(s); err == nil {
		return b, nil
	}
	return a2bBase64(s)
}

// a2bBase64 is binascii.a2b_base64 of CPython 2.7.
func a2bBase64(s string) ([]byte, error) {
	out := make([]byte, 0, len(s)*3/4)
	var acc uint32
	bits, quad := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c > 0x7f || c == '\r' || c == '\n' || c == ' ' {
			continue
		}
		if c == '=' {
			if quad < 2 || (quad == 2 && nextValid(s[i+1:]) != '=') {
				continue
			}
			bits = 0
			break
		}
		v := b64val[c]
		if v < 0 {
			continue
		}
		quad = (quad + 1) & 3
		acc = acc<<6 | uint32(v)
		bits += 6
		if bits >= 8 {
			bits -= 8
			out = append(out, byte(acc>>bits))
			acc &= 1<<bits - 1
		}
	}
	if bits != 0 {
		return nil, errPadding
	}
	return out, nil
}

// nextValid is the first byte of s that a2b_base64 counts as valid
// (the alphabet or '='), or -1.
func nextValid(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= 0x7f && b64val[c] >= 0 {
			return int(c)
		}
	}
	return -1
}
