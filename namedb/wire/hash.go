package wire

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"

	"golang.org/x/crypto/ripemd160" //nolint:staticcheck // RIPEMD-160 is what the protocol hashes with.
)

// Hash160 is RIPEMD160(SHA256(x)): zone-file hashes, preorder hashes, and the
// 20-byte hashes inside p2pkh/p2sh scripts.
type Hash160 [20]byte

// Hash128 is 16 bytes: consensus hashes and hash128 values.
type Hash128 [16]byte

// SumHash160 returns RIPEMD160(SHA256(b)).
func SumHash160(b []byte) Hash160 {
	s := sha256.Sum256(b)
	r := ripemd160.New()
	r.Write(s[:])
	var h Hash160
	r.Sum(h[:0])
	return h
}

// SumHash128 returns the first 16 bytes of SHA256(b).
func SumHash128(b []byte) Hash128 {
	s := sha256.Sum256(b)
	var h Hash128
	copy(h[:], s[:16])
	return h
}

// String returns lower-case hex.
func (h Hash160) String() string { return hex.EncodeToString(h[:]) }

// String returns lower-case hex.
func (h Hash128) String() string { return hex.EncodeToString(h[:]) }

// MarshalText encodes h as lower-case hex.
func (h Hash160) MarshalText() ([]byte, error) { return hexText(h[:]), nil }

// MarshalText encodes h as lower-case hex.
func (h Hash128) MarshalText() ([]byte, error) { return hexText(h[:]), nil }

// UnmarshalText reads 40 hex characters.
func (h *Hash160) UnmarshalText(b []byte) error { return unhexFixed(h[:], b) }

// UnmarshalText reads 32 hex characters.
func (h *Hash128) UnmarshalText(b []byte) error { return unhexFixed(h[:], b) }

// ParseHash160 reads 40 hex characters.
func ParseHash160(s string) (Hash160, error) {
	var h Hash160
	err := h.UnmarshalText([]byte(s))
	return h, err
}

// ParseHash128 reads 32 hex characters.
func ParseHash128(s string) (Hash128, error) {
	var h Hash128
	err := h.UnmarshalText([]byte(s))
	return h, err
}

func hexText(b []byte) []byte {
	out := make([]byte, hex.EncodedLen(len(b)))
	hex.Encode(out, b)
	return out
}

func unhexFixed(dst, src []byte) error {
	if len(src) != 2*len(dst) {
		return fmt.Errorf("want %d hex characters, got %d", 2*len(dst), len(src))
	}
	if _, err := hex.Decode(dst, src); err != nil {
		return fmt.Errorf("not hex: %w", err)
	}
	return nil
}

// HexBytes is a byte string shown as lower-case hex in JSON.
type HexBytes []byte

// MarshalText encodes b as lower-case hex.
func (b HexBytes) MarshalText() ([]byte, error) { return hexText(b), nil }

// UnmarshalText reads hex.
func (b *HexBytes) UnmarshalText(t []byte) error {
	out := make([]byte, hex.DecodedLen(len(t)))
	if _, err := hex.Decode(out, t); err != nil {
		return fmt.Errorf("not hex: %w", err)
	}
	*b = out
	return nil
}

// b40Alphabet is the base-40 digit alphabet of names: index = digit value.
const b40Alphabet = "0123456789abcdefghijklmnopqrstuvwxyz-_.+"

var b40Digit = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(b40Alphabet); i++ {
		t[b40Alphabet[i]] = int8(i)
	}
	return t
}()

// B40 reads s as a base-40 number (most significant character first) and
// returns its big-endian bytes, as the original's b40_to_bin does: leading
// '0' characters add nothing. It fails on characters outside the alphabet.
func B40(s string) ([]byte, error) {
	n := new(big.Int)
	forty := big.NewInt(40)
	d := new(big.Int)
	for i := 0; i < len(s); i++ {
		v := b40Digit[s[i]]
		if v < 0 {
			return nil, fmt.Errorf("b40: character %q at %d is not in the base-40 alphabet", s[i], i)
		}
		n.Mul(n, forty)
		n.Add(n, d.SetInt64(int64(v)))
	}
	b := n.Bytes()
	if len(b) == 0 {
		// The original writes the integer as hex padded to even length: 0 -> "00".
		return []byte{0}, nil
	}
	return b, nil
}

// PreorderHash is the commitment of a NAME_PREORDER (for a fully-qualified
// name) or a NAMESPACE_PREORDER (for a namespace id):
// hash160(b40(name) ‖ preorderer's script ‖ ASCII of the recipient address).
func PreorderHash(name string, senderScript []byte, recipientAddress string) (Hash160, error) {
	b, err := B40(name)
	if err != nil {
		return Hash160{}, fmt.Errorf("preorder hash: %w", err)
	}
	buf := make([]byte, 0, len(b)+len(senderScript)+len(recipientAddress))
	buf = append(buf, b...)
	buf = append(buf, senderScript...)
	buf = append(buf, recipientAddress...)
	return SumHash160(buf), nil
}

// NameHash128 is hash128 of a fully-qualified name: the name_hash128 that a
// NAME_TRANSFER carries.
func NameHash128(name string) Hash128 { return SumHash128([]byte(name)) }

// NameConsensusHash is the 16-byte name hash of a NAME_UPDATE:
// hash128(name ‖ consensus hash as 32 lower-case hex characters).
func NameConsensusHash(name string, consensusHash Hash128) Hash128 {
	buf := make([]byte, 0, len(name)+32)
	buf = append(buf, name...)
	buf = append(buf, hexText(consensusHash[:])...)
	return SumHash128(buf)
}
