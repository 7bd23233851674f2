package wire

import (
	"fmt"
	"strings"
)

// Name limits of PROTOCOL.md §4.
const (
	MaxNameLength        = 37 // a whole "name.ns", bytes
	MaxNamespaceIDLength = 19
)

// nameChar reports whether c may appear in a name or namespace id:
// the base-40 alphabet without '.' and '+'.
func nameChar(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
}

// CheckNamespaceID returns an error unless id is 1–19 characters of [a-z0-9-_].
func CheckNamespaceID(id string) error {
	if len(id) == 0 || len(id) > MaxNamespaceIDLength {
		return ruleError(ErrInvalidNamespaceID, "namespace id %q: length %d, want 1-%d", id, len(id), MaxNamespaceIDLength)
	}
	for i := 0; i < len(id); i++ {
		if !nameChar(id[i]) {
			return ruleError(ErrInvalidNamespaceID, "namespace id %q: byte %#02x at %d is not in [a-z0-9-_]", id, id[i], i)
		}
	}
	return nil
}

// CheckName returns an error unless fqn is a valid fully-qualified name:
// exactly one '.', a non-empty name of [a-z0-9-_], a valid namespace id, and at
// most 37 bytes in all.
func CheckName(fqn string) error {
	dot := strings.IndexByte(fqn, '.')
	if dot < 0 || strings.IndexByte(fqn[dot+1:], '.') >= 0 {
		return ruleError(ErrInvalidName, "name %q: want exactly one '.'", fqn)
	}
	name, ns := fqn[:dot], fqn[dot+1:]
	if len(name) == 0 {
		return ruleError(ErrInvalidName, "name %q: empty name before '.'", fqn)
	}
	for i := 0; i < len(name); i++ {
		if !nameChar(name[i]) {
			return ruleError(ErrInvalidName, "name %q: byte %#02x at %d is not in [a-z0-9-_]", fqn, name[i], i)
		}
	}
	if err := CheckNamespaceID(ns); err != nil {
		return ruleError(ErrInvalidName, "name %q: %s", fqn, err.(*RuleError).Description)
	}
	if len(fqn) > MaxNameLength {
		return ruleError(ErrInvalidName, "name %q: %d bytes, at most %d", fqn, len(fqn), MaxNameLength)
	}
	return nil
}

// SplitName returns the name and the namespace id of a valid fully-qualified name.
func SplitName(fqn string) (name, namespaceID string, err error) {
	if err := CheckName(fqn); err != nil {
		return "", "", err
	}
	dot := strings.IndexByte(fqn, '.')
	return fqn[:dot], fqn[dot+1:], nil
}

// printable is used in error messages that quote raw bytes.
func printable(b []byte) string { return fmt.Sprintf("%q", b) }
