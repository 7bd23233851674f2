package wire

import (
	"encoding/binary"
	"fmt"
)

// Op is one decoded operation payload. Each operation is its own type, in
// its own file, with its decoder beside its encoder.
type Op interface {
	// Opcode is the payload's third byte.
	Opcode() Opcode
	// OpcodeName is the original's name for the operation, e.g. "NAME_PREORDER";
	// a renewal says "NAME_RENEWAL".
	OpcodeName() string
	// StoredOp is the `op` field of the record the original stores for it:
	// the opcode character, except "::" for renewals and ">>" / ">~" for transfers.
	StoredOp() string
	// appendBody appends the body (the bytes after magic and opcode) to dst.
	// It fails when the operation cannot be written as a valid payload.
	appendBody(dst []byte) ([]byte, error)
}

// MinPayloadLength is the magic and the opcode.
const MinPayloadLength = 3

// Decode decodes an OP_RETURN payload (starting at the magic bytes) in the
// formats that epoch allows. A NAME_REGISTRATION payload decodes as a
// registration; whether it is a renewal depends on the transaction (DecodeTx).
func Decode(payload []byte, magic Magic, epoch Epoch) (Op, error) {
	if len(payload) < MinPayloadLength {
		return nil, ruleError(ErrPayloadTooShort, "payload is %d bytes, want at least %d", len(payload), MinPayloadLength)
	}
	if payload[0] != magic[0] || payload[1] != magic[1] {
		return nil, ruleError(ErrWrongMagic, "payload starts with %s, want %s", printable(payload[:2]), printable(magic[:]))
	}
	body := payload[3:]
	switch Opcode(payload[2]) {
	case OpNamePreorder:
		return decodeNamePreorder(body, epoch)
	case OpNameRegistration:
		return decodeNameRegistration(body, epoch)
	case OpNameUpdate:
		return decodeNameUpdate(body)
	case OpNameTransfer:
		return decodeNameTransfer(body)
	case OpNameRevoke:
		return decodeNameRevoke(body)
	case OpNameImport:
		return decodeNameImport(body)
	case OpNamespacePreorder:
		return decodeNamespacePreorder(body, epoch)
	case OpNamespaceReveal:
		return decodeNamespaceReveal(body)
	case OpNamespaceReady:
		return decodeNamespaceReady(body)
	case OpAnnounce:
		return decodeAnnounce(body)
	case OpTokenTransfer:
		return decodeTokenTransfer(body, epoch)
	}
	return nil, ruleError(ErrUnknownOpcode, "opcode %#02x (%q) is not a Blockstack operation", payload[2], payload[2])
}

// Encode writes op as a payload: magic, opcode, body.
func Encode(op Op, magic Magic) ([]byte, error) {
	return AppendPayload(make([]byte, 0, 80), op, magic)
}

// AppendPayload appends op's payload to dst.
func AppendPayload(dst []byte, op Op, magic Magic) ([]byte, error) {
	dst = append(dst, magic[0], magic[1], byte(op.Opcode()))
	out, err := op.appendBody(dst)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", op.OpcodeName(), err)
	}
	return out, nil
}

// TokenUnitsLength is the width of the NUL-padded token-type fields.
const TokenUnitsLength = 19

// TokenUnits is a NUL-padded 19-byte token type ("STACKS"). The original
// strips NULs from both ends; the raw bytes are kept so that a payload
// re-encodes byte for byte.
type TokenUnits [TokenUnitsLength]byte

// String is the token type as the original reads it: NULs stripped from both ends.
func (t TokenUnits) String() string {
	b := t[:]
	for len(b) > 0 && b[0] == 0 {
		b = b[1:]
	}
	for len(b) > 0 && b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	return string(b)
}

// canonical reports whether t is printable ASCII followed by NUL padding.
func (t TokenUnits) canonical() bool {
	i := 0
	for i < len(t) && t[i] >= 0x21 && t[i] <= 0x7e {
		i++
	}
	for j := i; j < len(t); j++ {
		if t[j] != 0 {
			return false
		}
	}
	return true
}

// tokenUnitsHexPrefix marks a token type that is not plain text + NULs.
const tokenUnitsHexPrefix = "hex:"

// MarshalText writes the stripped text, or "hex:" and all 19 bytes when the
// field is not printable text followed by NULs.
func (t TokenUnits) MarshalText() ([]byte, error) {
	if t.canonical() {
		return []byte(t.String()), nil
	}
	return append([]byte(tokenUnitsHexPrefix), hexText(t[:])...), nil
}

// UnmarshalText reads what MarshalText writes.
func (t *TokenUnits) UnmarshalText(b []byte) error {
	if len(b) > len(tokenUnitsHexPrefix) && string(b[:len(tokenUnitsHexPrefix)]) == tokenUnitsHexPrefix {
		return unhexFixed(t[:], b[len(tokenUnitsHexPrefix):])
	}
	if len(b) > TokenUnitsLength {
		return fmt.Errorf("token units %q: longer than %d bytes", b, TokenUnitsLength)
	}
	*t = TokenUnits{}
	copy(t[:], b)
	if !t.canonical() {
		return fmt.Errorf("token units %q: want printable ASCII, or %s and 38 hex characters", b, tokenUnitsHexPrefix)
	}
	return nil
}

func appendU64(dst []byte, v uint64) []byte { return binary.BigEndian.AppendUint64(dst, v) }

func u64(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

// lengthError reports a body of the wrong size for op.
func lengthError(op Opcode, got int, want string) error {
	return ruleError(ErrBodyLength, "%s body is %d bytes, want %s", op.Name(), got, want)
}
