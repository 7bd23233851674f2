package subdomain

import "encoding/hex"

// part is one element of a script as virtualchain's btc_script_deserialize
// reads it: pushed data, a small number (OP_1NEGATE, OP_RESERVED, OP_1…16
// as -1, 0, 1…16, and any other opcode as its value), or OP_0 (none).
type part struct {
	data   []byte
	num    int
	isData bool
	isNone bool
}

func (p part) isNum() bool { return !p.isData && !p.isNone }

// deserializeScript reads a script as btc_script_deserialize does. It
// never fails: a push that runs past the end yields what is there (Python
// slices without a bounds check), and a script that consists of hex
// digits only is hex-decoded first, as the original does with any string
// that looks like hex.
func deserializeScript(script []byte) []part {
	if isHexString(script) {
		if b, err := hex.DecodeString(string(script)); err == nil {
			script = b
		} else {
			// unhexlify of an odd-length string raises in the original; no
			// scriptSig of a valid signature looks like this
			return nil
		}
	}
	var out []part
	pos := 0
	for pos < len(script) {
		code := int(script[pos])
		switch {
		case code == 0:
			out = append(out, part{isNone: true})
			pos++
		case code <= 75:
			out = append(out, part{data: slice(script, pos+1, pos+1+code), isData: true})
			pos += 1 + code
		case code <= 78:
			szsz := 1 << (code - 76)
			// the length, little-endian, of the bytes that are there
			// (Python's script[pos+szsz:pos:-1] skips indexes past the end)
			sz := littleEndianPresent(script, pos, szsz)
			n := int(min(sz, uint64(len(script))+1))
			out = append(out, part{data: slice(script, pos+1+szsz, pos+1+szsz+n), isData: true})
			pos += 1 + szsz + n
		case code <= 96:
			out = append(out, part{num: code - 80})
			pos++
		default:
			out = append(out, part{num: code})
			pos++
		}
	}
	return out
}

// littleEndianPresent is Python's decode(script[pos+szsz:pos:-1], 256):
// the bytes script[pos+szsz] down to script[pos+1] that exist, the first
// of them the most significant (at most 4 bytes).
func littleEndianPresent(script []byte, pos, szsz int) uint64 {
	var v uint64
	for i := min(pos+szsz, len(script)-1); i > pos; i-- {
		v = v<<8 | uint64(script[i])
	}
	return v
}

// slice is Python's s[a:b] for 0 ≤ a ≤ b.
func slice(s []byte, a, b int) []byte {
	a, b = min(a, len(s)), min(b, len(s))
	return s[a:b]
}

func isHexString(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
