package wire

// NamespacePreorder is NAMESPACE_PREORDER '*' (PROTOCOL.md §5.8): the
// commitment to a namespace id. The payment is output 2.
type NamespacePreorder struct {
	PreorderHash  Hash160 `json:"preorder_hash"`
	ConsensusHash Hash128 `json:"consensus_hash"`
	// TokenFee (µSTX) is mandatory from epoch 4 and absent before.
	TokenFee *uint64 `json:"token_fee,omitempty"`
}

const (
	namespacePreorderBody      = 20 + 16
	namespacePreorderTokenBody = namespacePreorderBody + 8
)

func decodeNamespacePreorder(body []byte, epoch Epoch) (Op, error) {
	op := &NamespacePreorder{}
	switch len(body) {
	case namespacePreorderBody:
		if !epoch.legacyNamespacePreorder() {
			return nil, ruleError(ErrNotInEpoch, "NAMESPACE_PREORDER without a token fee (36-byte body) is valid only before epoch 4, block is in epoch %d", epoch)
		}
	case namespacePreorderTokenBody:
		if !epoch.tokens() {
			return nil, ruleError(ErrNotInEpoch, "NAMESPACE_PREORDER with a token fee (44-byte body) is valid from epoch 4, block is in epoch %d", epoch)
		}
		fee := u64(body[36:])
		op.TokenFee = &fee
	default:
		return nil, lengthError(OpNamespacePreorder, len(body), "36 (epochs 1-3) or 44 (epoch 4 on)")
	}
	copy(op.PreorderHash[:], body[:20])
	copy(op.ConsensusHash[:], body[20:36])
	return op, nil
}

// Opcode implements Op.
func (*NamespacePreorder) Opcode() Opcode { return OpNamespacePreorder }

// OpcodeName implements Op.
func (*NamespacePreorder) OpcodeName() string { return OpNamespacePreorder.Name() }

// StoredOp implements Op.
func (*NamespacePreorder) StoredOp() string { return string(OpNamespacePreorder) }

func (op *NamespacePreorder) appendBody(dst []byte) ([]byte, error) {
	dst = append(dst, op.PreorderHash[:]...)
	dst = append(dst, op.ConsensusHash[:]...)
	if op.TokenFee != nil {
		dst = appendU64(dst, *op.TokenFee)
	}
	return dst, nil
}
