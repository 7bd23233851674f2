package wire

// NamePreorder is NAME_PREORDER '?' (PROTOCOL.md §5.1): the first half of the
// two-phase commitment. The payment (op_fee, burn address) is in output 2 of
// the transaction, not in the payload.
type NamePreorder struct {
	PreorderHash  Hash160 `json:"preorder_hash"`
	ConsensusHash Hash128 `json:"consensus_hash"`
	// TokenFee and TokenUnits are present only in the epoch-4 form (63-byte body).
	TokenFee   *uint64     `json:"token_fee,omitempty"`
	TokenUnits *TokenUnits `json:"token_units,omitempty"`
}

const (
	namePreorderBody      = 20 + 16
	namePreorderTokenBody = namePreorderBody + 8 + TokenUnitsLength
)

func decodeNamePreorder(body []byte, epoch Epoch) (Op, error) {
	op := &NamePreorder{}
	switch len(body) {
	case namePreorderBody:
	case namePreorderTokenBody:
		if !epoch.tokens() {
			return nil, ruleError(ErrNotInEpoch, "NAME_PREORDER with a token fee (%d-byte body) is valid from epoch 4, block is in epoch %d", len(body), epoch)
		}
		fee := u64(body[36:44])
		var units TokenUnits
		copy(units[:], body[44:])
		op.TokenFee, op.TokenUnits = &fee, &units
	default:
		return nil, lengthError(OpNamePreorder, len(body), "36, or 63 from epoch 4")
	}
	copy(op.PreorderHash[:], body[:20])
	copy(op.ConsensusHash[:], body[20:36])
	return op, nil
}

// Opcode implements Op.
func (*NamePreorder) Opcode() Opcode { return OpNamePreorder }

// OpcodeName implements Op.
func (*NamePreorder) OpcodeName() string { return OpNamePreorder.Name() }

// StoredOp implements Op.
func (*NamePreorder) StoredOp() string { return string(OpNamePreorder) }

func (op *NamePreorder) appendBody(dst []byte) ([]byte, error) {
	dst = append(dst, op.PreorderHash[:]...)
	dst = append(dst, op.ConsensusHash[:]...)
	if (op.TokenFee == nil) != (op.TokenUnits == nil) {
		return nil, ruleError(ErrBodyLength, "token_fee and token_units go together")
	}
	if op.TokenFee != nil {
		dst = appendU64(dst, *op.TokenFee)
		dst = append(dst, op.TokenUnits[:]...)
	}
	return dst, nil
}
