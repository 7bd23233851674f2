package wire

import (
	"errors"
	"fmt"
)

// ErrorCode identifies one reason a payload or transaction is not a usable
// Blockstack operation. Codes are stable: they are used as metric labels.
type ErrorCode int

const (
	// ErrNoPayload means the transaction has no OP_RETURN output with a single
	// data push (the last OP_RETURN output decides). Such a transaction is
	// simply not ours; callers usually do not count it.
	ErrNoPayload ErrorCode = iota

	// ErrPayloadTooShort means the payload has fewer than the 3 bytes of
	// magic and opcode.
	ErrPayloadTooShort

	// ErrWrongMagic means the payload does not start with the network's
	// 2-byte magic (mainnet "id").
	ErrWrongMagic

	// ErrUnknownOpcode means the third payload byte is not a Blockstack opcode.
	ErrUnknownOpcode

	// ErrBodyLength means the body after magic and opcode has a length the
	// operation does not allow in the block's epoch.
	ErrBodyLength

	// ErrNotInEpoch means the operation or format exists, but not in the
	// block's epoch (e.g. a token field before epoch 4, TOKEN_TRANSFER before
	// epoch 4, a value hash in a registration before epoch 3).
	ErrNotInEpoch

	// ErrInvalidName means a fully-qualified name breaks the name syntax:
	// exactly one dot, characters [a-z0-9-_], namespace id 1–19 characters,
	// at most 37 bytes in all.
	ErrInvalidName

	// ErrInvalidNamespaceID means a namespace id breaks [a-z0-9-_]{1,19}, or a
	// NAMESPACE_READY body does not start with '.'.
	ErrInvalidNamespaceID

	// ErrBadDisposition means a NAME_TRANSFER's first body byte is neither
	// '>' (keep data) nor '~' (clear data).
	ErrBadDisposition

	// ErrBadNamespaceParams means a NAMESPACE_REVEAL carries an unknown
	// version or a discount outside 1–15.
	ErrBadNamespaceParams

	// ErrNoInputs means the transaction has no inputs to take a sender from
	// (a coinbase).
	ErrNoInputs

	// ErrSenderNotStandard means an input spends an output that is neither
	// p2pkh nor p2sh (native segwit, bare multisig, p2pk, ...). The original
	// ignores such transactions entirely.
	ErrSenderNotStandard

	// ErrUnknownSender means the spent outputs were not supplied and the
	// sender could not be inferred from the input's signature script.
	ErrUnknownSender

	// ErrPrevouts means the spent outputs supplied do not match the inputs
	// one for one.
	ErrPrevouts

	// ErrOutputCount means the transaction has a number of outputs the
	// operation does not allow.
	ErrOutputCount

	// ErrOutputType means one of the outputs the operation type-checks is not
	// OP_RETURN, p2pkh or p2sh (native segwit outputs are never accepted).
	ErrOutputType

	// ErrOutputAddress means an output the operation reads an address from
	// (a recipient, or the payment of a preorder or renewal) is not p2pkh or
	// p2sh: an OP_RETURN there passes the type check but has no address, and
	// the original drops the operation (PROTOCOL.md §3.5).
	ErrOutputAddress

	// numErrorCodes is the number of codes; keep it last.
	numErrorCodes
)

var errorCodeNames = [...]string{
	ErrNoPayload:          "ErrNoPayload",
	ErrPayloadTooShort:    "ErrPayloadTooShort",
	ErrWrongMagic:         "ErrWrongMagic",
	ErrUnknownOpcode:      "ErrUnknownOpcode",
	ErrBodyLength:         "ErrBodyLength",
	ErrNotInEpoch:         "ErrNotInEpoch",
	ErrInvalidName:        "ErrInvalidName",
	ErrInvalidNamespaceID: "ErrInvalidNamespaceID",
	ErrBadDisposition:     "ErrBadDisposition",
	ErrBadNamespaceParams: "ErrBadNamespaceParams",
	ErrNoInputs:           "ErrNoInputs",
	ErrSenderNotStandard:  "ErrSenderNotStandard",
	ErrUnknownSender:      "ErrUnknownSender",
	ErrPrevouts:           "ErrPrevouts",
	ErrOutputCount:        "ErrOutputCount",
	ErrOutputType:         "ErrOutputType",
	ErrOutputAddress:      "ErrOutputAddress",
}

// String returns the code's name, e.g. "ErrBodyLength".
func (c ErrorCode) String() string {
	if c >= 0 && int(c) < len(errorCodeNames) && errorCodeNames[c] != "" {
		return errorCodeNames[c]
	}
	return fmt.Sprintf("Unknown ErrorCode (%d)", int(c))
}

// Codes returns every error code, in order; for metrics that pre-register a
// label per reason.
func Codes() []ErrorCode {
	out := make([]ErrorCode, numErrorCodes)
	for i := range out {
		out[i] = ErrorCode(i)
	}
	return out
}

// RuleError says why a payload or transaction is not a usable operation.
type RuleError struct {
	Code        ErrorCode
	Description string
}

func (e *RuleError) Error() string { return e.Code.String() + ": " + e.Description }

func ruleError(c ErrorCode, format string, args ...any) error {
	return &RuleError{Code: c, Description: fmt.Sprintf(format, args...)}
}

// CodeOf returns the ErrorCode inside err and true, or false when err is not
// (and does not wrap) a *RuleError.
func CodeOf(err error) (ErrorCode, bool) {
	var re *RuleError
	if errors.As(err, &re) {
		return re.Code, true
	}
	return 0, false
}
