package wire

// TokenTransfer is TOKEN_TRANSFER '$' (PROTOCOL.md §5.11), epoch 4 on: sends
// STACKS tokens to output 1. zonemirror parses it and stores it without
// balance effects; it lies outside the epochs whose consensus hashes are
// verified (§2.1).
type TokenTransfer struct {
	ConsensusHash Hash128    `json:"consensus_hash"`
	TokenUnits    TokenUnits `json:"token_units"`
	// TokenFee is the amount sent, big-endian (the original's docs say
	// little-endian; its code reads big-endian).
	TokenFee    uint64   `json:"token_fee"`
	ScratchArea HexBytes `json:"scratch_area"`
}

const tokenTransferMinBody = 16 + TokenUnitsLength + 8

func decodeTokenTransfer(body []byte, epoch Epoch) (Op, error) {
	if !epoch.tokens() {
		return nil, ruleError(ErrNotInEpoch, "TOKEN_TRANSFER is valid from epoch 4, block is in epoch %d", epoch)
	}
	if len(body) < tokenTransferMinBody {
		return nil, lengthError(OpTokenTransfer, len(body), "at least 43")
	}
	op := &TokenTransfer{
		TokenFee:    u64(body[35:43]),
		ScratchArea: HexBytes(append([]byte{}, body[43:]...)),
	}
	copy(op.ConsensusHash[:], body[:16])
	copy(op.TokenUnits[:], body[16:35])
	return op, nil
}

// Opcode implements Op.
func (*TokenTransfer) Opcode() Opcode { return OpTokenTransfer }

// OpcodeName implements Op.
func (*TokenTransfer) OpcodeName() string { return OpTokenTransfer.Name() }

// StoredOp implements Op.
func (*TokenTransfer) StoredOp() string { return string(OpTokenTransfer) }

func (op *TokenTransfer) appendBody(dst []byte) ([]byte, error) {
	dst = append(dst, op.ConsensusHash[:]...)
	dst = append(dst, op.TokenUnits[:]...)
	dst = appendU64(dst, op.TokenFee)
	return append(dst, op.ScratchArea...), nil
}
