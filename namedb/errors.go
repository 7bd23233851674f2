package namedb

import (
	"errors"
	"fmt"
)

// ErrorCode is the reason the rules refused an operation. Every refused
// operation is counted and logged with one; the codes are stable and used as
// metric labels. Format problems (a payload that does not parse, a
// transaction of the wrong shape) are wire.ErrorCodes, found before namedb.
type ErrorCode int

const (
	// ErrConsensusHash means the payload's consensus hash is not one of the
	// last ConsensusWindow blocks' (PROTOCOL.md §8.5).
	ErrConsensusHash ErrorCode = iota

	// ErrPreorderExists means a preorder with this hash is already pending,
	// or (namespace preorders) was used by an existing namespace.
	ErrPreorderExists

	// ErrCollision means another operation of the same block claims the
	// same preorder hash, name or namespace (PROTOCOL.md §7.6).
	ErrCollision

	// ErrQuota means the owner would hold more than MaxNamesPerSender names.
	ErrQuota

	// ErrNamespaceNotReady means the name's namespace does not exist or has
	// not been launched with NAMESPACE_READY.
	ErrNamespaceNotReady

	// ErrNamespaceNotRevealed means the namespace is not revealed (or its
	// reveal expired, or it is already ready) where an import or a
	// NAMESPACE_READY needs it revealed.
	ErrNamespaceNotRevealed

	// ErrNamespaceExists means a NAMESPACE_REVEAL names a namespace that is
	// already revealed (and unexpired) or ready.
	ErrNamespaceExists

	// ErrNameTaken means a registration names a name that is registered
	// (alive, including its grace period) or revoked and not yet expired.
	ErrNameTaken

	// ErrNameNotFound means the name does not exist or is expired, or no
	// name matches the hash a NAME_UPDATE or NAME_TRANSFER carries.
	ErrNameNotFound

	// ErrNameRevoked means the name is revoked: it is frozen until it expires.
	ErrNameRevoked

	// ErrGracePeriod means the name is expired and in its renewal grace
	// period, when only a renewal is allowed.
	ErrGracePeriod

	// ErrNotOwner means the sender does not own the name.
	ErrNotOwner

	// ErrNoPreorder means no pending preorder matches the registration or
	// reveal (hash of the name, the sender's script and the recipient).
	ErrNoPreorder

	// ErrPreorderExpired means the matching preorder is too old (PROTOCOL.md §7.4).
	ErrPreorderExpired

	// ErrPreorderBeforeReady means the name was preordered before its
	// namespace was ready.
	ErrPreorderBeforeReady

	// ErrFeeTooLow means the payment does not cover the price.
	ErrFeeTooLow

	// ErrPaymentAddress means the payment went to the wrong address (the
	// burn address or, for pay-to-creator namespaces, the creator's).
	ErrPaymentAddress

	// ErrNotInEpoch means the feature is not enabled in the block's epoch:
	// p2sh senders or recipients before epoch 2, value hashes and owner
	// changes in renewals before epoch 3, a namespace version the epoch
	// does not allow.
	ErrNotInEpoch

	// ErrTokens means the operation pays or moves STACKS tokens. zonemirror
	// has no token accounts (PROTOCOL.md §2.1), so it cannot accept them.
	ErrTokens

	// ErrSameOwner means a transfer to the sender itself, or to a recipient
	// that already owns the name.
	ErrSameOwner

	// ErrImporter means a NAME_IMPORT sender is not in the namespace's import
	// keychain, or a NAMESPACE_READY sender is not the reveal recipient, or a
	// NAMESPACE_REVEAL sender shows no public key.
	ErrImporter

	// ErrSameBlock means the operation needs something done in an earlier
	// block (an import or READY in the reveal's own block).
	ErrSameBlock

	// ErrUnsupported means the operation has no effect zonemirror can apply
	// (ANNOUNCE, TOKEN_TRANSFER).
	ErrUnsupported

	// numErrorCodes is the number of codes; keep it last.
	numErrorCodes
)

var errorCodeNames = [...]string{
	ErrConsensusHash:        "ErrConsensusHash",
	ErrPreorderExists:       "ErrPreorderExists",
	ErrCollision:            "ErrCollision",
	ErrQuota:                "ErrQuota",
	ErrNamespaceNotReady:    "ErrNamespaceNotReady",
	ErrNamespaceNotRevealed: "ErrNamespaceNotRevealed",
	ErrNamespaceExists:      "ErrNamespaceExists",
	ErrNameTaken:            "ErrNameTaken",
	ErrNameNotFound:         "ErrNameNotFound",
	ErrNameRevoked:          "ErrNameRevoked",
	ErrGracePeriod:          "ErrGracePeriod",
	ErrNotOwner:             "ErrNotOwner",
	ErrNoPreorder:           "ErrNoPreorder",
	ErrPreorderExpired:      "ErrPreorderExpired",
	ErrPreorderBeforeReady:  "ErrPreorderBeforeReady",
	ErrFeeTooLow:            "ErrFeeTooLow",
	ErrPaymentAddress:       "ErrPaymentAddress",
	ErrNotInEpoch:           "ErrNotInEpoch",
	ErrTokens:               "ErrTokens",
	ErrSameOwner:            "ErrSameOwner",
	ErrImporter:             "ErrImporter",
	ErrSameBlock:            "ErrSameBlock",
	ErrUnsupported:          "ErrUnsupported",
}

// String returns the code's name, e.g. "ErrNotOwner".
func (c ErrorCode) String() string {
	if c >= 0 && int(c) < len(errorCodeNames) && errorCodeNames[c] != "" {
		return errorCodeNames[c]
	}
	return fmt.Sprintf("Unknown ErrorCode (%d)", int(c))
}

// Codes returns every error code in order, for metrics that pre-register a
// label per reason.
func Codes() []ErrorCode {
	out := make([]ErrorCode, numErrorCodes)
	for i := range out {
		out[i] = ErrorCode(i)
	}
	return out
}

// RuleError says why the rules refused an operation.
type RuleError struct {
	Code        ErrorCode
	Description string
}

func (e *RuleError) Error() string { return e.Code.String() + ": " + e.Description }

func reject(c ErrorCode, format string, args ...any) *RuleError {
	return &RuleError{Code: c, Description: fmt.Sprintf(format, args...)}
}

// CodeOf returns the ErrorCode inside err, or false if err is not (and does
// not wrap) a *RuleError.
func CodeOf(err error) (ErrorCode, bool) {
	var re *RuleError
	if errors.As(err, &re) {
		return re.Code, true
	}
	return 0, false
}
