package plugins

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"golang.org/x/crypto/ripemd160" //nolint:staticcheck // RIPEMD-160 is what the naming system hashes with.
)

// KeySize is the size of a record key: a hash160.
const KeySize = 20

// MaxValueSize is the largest value a driver must accept: 1 MiB. Zone files
// are at most 40,960 bytes; the margin is for other record kinds.
const MaxValueSize = 1 << 20

// Key is a record key: hash160(value) = RIPEMD160(SHA256(value)). It has the
// same layout as namedb/wire.Hash160 (convert with plugins.Key(h)); it is
// its own type so that drivers need nothing of the naming system.
type Key [KeySize]byte

// SumKey returns the key of value.
func SumKey(value []byte) Key {
	s := sha256.Sum256(value)
	r := ripemd160.New()
	r.Write(s[:])
	var k Key
	r.Sum(k[:0])
	return k
}

// String returns the key as 40 lowercase hex characters: the only form in
// which a key reaches a file name, an object name or a log.
func (k Key) String() string { return hex.EncodeToString(k[:]) }

// MarshalText encodes k as 40 lowercase hex characters.
func (k Key) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads 40 hex characters (see ParseKey).
func (k *Key) UnmarshalText(b []byte) error {
	p, err := ParseKey(string(b))
	if err != nil {
		return err
	}
	*k = p
	return nil
}

// ParseKey reads exactly 40 lowercase hex characters. Uppercase is refused
// so that every key has one spelling (one file name, one object name).
func ParseKey(s string) (Key, error) {
	var k Key
	if len(s) != 2*KeySize {
		return k, fmt.Errorf("%w: want %d hex characters, got %d", ErrBadKey, 2*KeySize, len(s))
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return k, fmt.Errorf("%w: character %q at %d is not lowercase hex", ErrBadKey, c, i)
		}
	}
	if _, err := hex.Decode(k[:], []byte(s)); err != nil {
		return k, fmt.Errorf("%w: %v", ErrBadKey, err)
	}
	return k, nil
}

// KeyFromBytes reads a 20-byte key, as the protocol carries it.
func KeyFromBytes(b []byte) (Key, error) {
	var k Key
	if len(b) != KeySize {
		return k, fmt.Errorf("%w: want %d bytes, got %d", ErrBadKey, KeySize, len(b))
	}
	copy(k[:], b)
	return k, nil
}

// CheckValue reports whether value may be stored under key: at most
// MaxValueSize bytes (ErrTooLarge) and hashing to key (ErrBadValue). Drivers
// call it in Put; the gRPC server calls it before a driver sees a Put.
func CheckValue(key Key, value []byte) error {
	if len(value) > MaxValueSize {
		return fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, len(value), MaxValueSize)
	}
	if SumKey(value) != key {
		return fmt.Errorf("%w: key %s, value hashes to %s", ErrBadValue, key, SumKey(value))
	}
	return nil
}
