package wire

import (
	"sync"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/txscript/v2"
)

// scriptToken is one element of a script as the original's tokenizer
// (virtualchain btc_script_deserialize) reads it: a data push, OP_0 (which
// it reads as None, not as empty data), or any other opcode.
type scriptToken struct {
	// data is the pushed bytes of a data push; nil for the rest.
	data []byte
	// isData tells a push (of possibly zero bytes) from an opcode.
	isData bool
	// op is the opcode byte.
	op byte
}

// tokenize splits a script the way the original does, which is more
// lenient than Bitcoin's own parser: a push that claims more bytes than the
// script holds takes what is there (Python slices past the end without
// complaint), and a PUSHDATA length cut short is read from the bytes that
// remain. It never fails; every script is some list of tokens.
func tokenize(script []byte) []scriptToken {
	var out []scriptToken
	slice := func(from, n int) []byte {
		if from >= len(script) {
			return []byte{}
		}
		end := from + n
		if n < 0 || end > len(script) || end < from {
			end = len(script)
		}
		return script[from:end]
	}
	for pos := 0; pos < len(script); {
		code := script[pos]
		switch {
		case code == txscript.OP_0:
			out = append(out, scriptToken{op: code})
			pos++
		case code <= txscript.OP_DATA_75:
			out = append(out, scriptToken{data: slice(pos+1, int(code)), isData: true, op: code})
			pos += 1 + int(code)
		case code <= txscript.OP_PUSHDATA4:
			// 1, 2 or 4 little-endian length bytes, then the data
			width := 1 << (code - txscript.OP_PUSHDATA1)
			lenBytes := slice(pos+1, width)
			size := 0
			for i := len(lenBytes) - 1; i >= 0; i-- {
				size = size<<8 | int(lenBytes[i])
				if size > len(script) {
					size = len(script) // beyond the script either way
				}
			}
			out = append(out, scriptToken{data: slice(pos+1+width, size), isData: true, op: code})
			pos += 1 + width + size
		default:
			out = append(out, scriptToken{op: code})
			pos++
		}
	}
	return out
}

// parsesAsPubKey reports whether b is a public key the original accepts:
// a compressed (02/03) or uncompressed (04) SEC encoding of a point on the
// curve.
func parsesAsPubKey(b []byte) bool {
	switch {
	case len(b) == 33 && (b[0] == 0x02 || b[0] == 0x03):
	case len(b) == 65 && b[0] == 0x04:
	default:
		return false
	}
	validKeys.Lock()
	_, known := validKeys.m[string(b)]
	validKeys.Unlock()
	if known {
		return true
	}
	if _, err := btcec.ParsePubKey(b); err != nil {
		return false
	}
	validKeys.Lock()
	if len(validKeys.m) >= maxValidKeys {
		clear(validKeys.m)
	}
	validKeys.m[string(b)] = struct{}{}
	validKeys.Unlock()
	return true
}

// validKeys remembers the last public keys that parsed: checking that a
// compressed key is on the curve takes a square root (about 10 µs), and
// a sender sends many operations with one key (a registrar, an owner).
// Only keys that parse are kept, at most maxValidKeys (then it starts
// over).
var validKeys = struct {
	sync.Mutex
	m map[string]struct{}
}{m: map[string]struct{}{}}

const maxValidKeys = 1 << 14
