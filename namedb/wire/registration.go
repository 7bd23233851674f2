package wire

import "bytes"

// NameRegistration is ':' (PROTOCOL.md §5.2, §5.3): a NAME_REGISTRATION, or a
// NAME_RENEWAL when the transaction has four or more outputs (Renewal, set by
// DecodeTx). The new owner is output 1 of the transaction.
//
// Three body forms: the raw name (all epochs); from epoch 3 the name
// NUL-padded to 37 bytes followed by a zone-file hash (57 bytes); from epoch 4
// that plus an 8-byte token amount (65 bytes).
type NameRegistration struct {
	Name      string   `json:"name"`
	ValueHash *Hash160 `json:"value_hash"`
	// TokenFee is the token amount of the 65-byte form (STACKS burned by a
	// renewal; must be 0 in a registration — a namedb rule).
	TokenFee *uint64 `json:"token_fee,omitempty"`
	// Renewal is true when the transaction makes this a NAME_RENEWAL.
	Renewal bool `json:"-"`
}

const (
	nameValueBody      = MaxNameLength + 20
	nameValueTokenBody = nameValueBody + 8
)

func decodeNameRegistration(body []byte, epoch Epoch) (Op, error) {
	op := &NameRegistration{}
	var name []byte
	switch {
	case epoch.valueHashRegistrations() && len(body) >= nameValueBody:
		switch {
		case len(body) == nameValueBody:
		case len(body) == nameValueTokenBody && epoch.tokens():
			fee := u64(body[nameValueBody:])
			op.TokenFee = &fee
		case len(body) == nameValueTokenBody:
			return nil, ruleError(ErrNotInEpoch, "NAME_REGISTRATION with a token amount (65-byte body) is valid from epoch 4, block is in epoch %d", epoch)
		default:
			return nil, lengthError(OpNameRegistration, len(body), "3-37, 57, or 65 from epoch 4")
		}
		name = bytes.TrimRight(body[:MaxNameLength], "\x00")
		var vh Hash160
		copy(vh[:], body[MaxNameLength:nameValueBody])
		op.ValueHash = &vh
	case len(body) == nameValueBody:
		return nil, ruleError(ErrNotInEpoch, "NAME_REGISTRATION with a value hash (57-byte body) is valid from epoch 3, block is in epoch %d", epoch)
	default:
		name = body
	}
	op.Name = string(name)
	if err := CheckName(op.Name); err != nil {
		return nil, err
	}
	return op, nil
}

// Opcode implements Op.
func (*NameRegistration) Opcode() Opcode { return OpNameRegistration }

// OpcodeName implements Op: NAME_RENEWAL for a renewal.
func (op *NameRegistration) OpcodeName() string {
	if op.Renewal {
		return "NAME_RENEWAL"
	}
	return OpNameRegistration.Name()
}

// StoredOp implements Op: "::" for a renewal.
func (op *NameRegistration) StoredOp() string {
	if op.Renewal {
		return "::"
	}
	return ":"
}

func (op *NameRegistration) appendBody(dst []byte) ([]byte, error) {
	if err := CheckName(op.Name); err != nil {
		return nil, err
	}
	if op.ValueHash == nil {
		if op.TokenFee != nil {
			return nil, ruleError(ErrBodyLength, "a token_fee needs a value_hash (65-byte form)")
		}
		return append(dst, op.Name...), nil
	}
	dst = append(dst, op.Name...)
	for i := len(op.Name); i < MaxNameLength; i++ {
		dst = append(dst, 0)
	}
	dst = append(dst, op.ValueHash[:]...)
	if op.TokenFee != nil {
		dst = appendU64(dst, *op.TokenFee)
	}
	return dst, nil
}
