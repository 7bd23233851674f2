package wire

import "encoding/binary"

// Namespace versions (the reveal's version field).
const (
	NamespaceVersionPayToBurn      = 1
	NamespaceVersionPayToCreator   = 2 // epoch 3 on
	NamespaceVersionPayWithStacks  = 3 // epoch 4 on
	NamespaceLifetimeInfinite      = 0xffffffff
	namespaceRevealFixed           = 4 + 1 + 1 + 8 + 1 + 2
	NamespaceBuckets               = 16
	maxDiscount                    = 15
	minNamespaceRevealBody         = namespaceRevealFixed + 1
	maxNamespaceRevealBody         = namespaceRevealFixed + MaxNamespaceIDLength
	namespaceRevealBodyDescription = "18-36"
)

// NamespaceReveal is NAMESPACE_REVEAL '&' (PROTOCOL.md §5.9): opens a
// preordered namespace with its price function and lifetime. The reveal
// recipient (who imports and readies) is output 1.
type NamespaceReveal struct {
	Lifetime         uint32                  `json:"lifetime"`
	Coeff            uint8                   `json:"coeff"`
	Base             uint8                   `json:"base"`
	Buckets          [NamespaceBuckets]uint8 `json:"buckets"`
	NonalphaDiscount uint8                   `json:"nonalpha_discount"`
	NoVowelDiscount  uint8                   `json:"no_vowel_discount"`
	Version          uint16                  `json:"version"`
	NamespaceID      string                  `json:"namespace_id"`
}

func decodeNamespaceReveal(body []byte) (Op, error) {
	if len(body) < minNamespaceRevealBody || len(body) > maxNamespaceRevealBody {
		return nil, lengthError(OpNamespaceReveal, len(body), namespaceRevealBodyDescription)
	}
	op := &NamespaceReveal{
		Lifetime: binary.BigEndian.Uint32(body[0:4]),
		Coeff:    body[4],
		Base:     body[5],
	}
	for i := 0; i < 8; i++ {
		op.Buckets[2*i] = body[6+i] >> 4
		op.Buckets[2*i+1] = body[6+i] & 0x0f
	}
	op.NonalphaDiscount = body[14] >> 4
	op.NoVowelDiscount = body[14] & 0x0f
	op.Version = binary.BigEndian.Uint16(body[15:17])
	op.NamespaceID = string(body[17:])
	if err := op.check(); err != nil {
		return nil, err
	}
	return op, nil
}

// check is the original's namespacereveal_sanity_check.
func (op *NamespaceReveal) check() error {
	if err := CheckNamespaceID(op.NamespaceID); err != nil {
		return err
	}
	switch op.Version {
	case NamespaceVersionPayToBurn, NamespaceVersionPayToCreator, NamespaceVersionPayWithStacks:
	default:
		return ruleError(ErrBadNamespaceParams, "namespace %q: version %d, want 1, 2 or 3", op.NamespaceID, op.Version)
	}
	if op.NonalphaDiscount == 0 || op.NonalphaDiscount > maxDiscount || op.NoVowelDiscount == 0 || op.NoVowelDiscount > maxDiscount {
		return ruleError(ErrBadNamespaceParams, "namespace %q: discounts %d/%d, each must be 1-15", op.NamespaceID, op.NonalphaDiscount, op.NoVowelDiscount)
	}
	for i, b := range op.Buckets {
		if b > 15 {
			return ruleError(ErrBadNamespaceParams, "namespace %q: bucket %d exponent %d, want 0-15", op.NamespaceID, i, b)
		}
	}
	return nil
}

// Opcode implements Op.
func (*NamespaceReveal) Opcode() Opcode { return OpNamespaceReveal }

// OpcodeName implements Op.
func (*NamespaceReveal) OpcodeName() string { return OpNamespaceReveal.Name() }

// StoredOp implements Op.
func (*NamespaceReveal) StoredOp() string { return string(OpNamespaceReveal) }

func (op *NamespaceReveal) appendBody(dst []byte) ([]byte, error) {
	if err := op.check(); err != nil {
		return nil, err
	}
	dst = binary.BigEndian.AppendUint32(dst, op.Lifetime)
	dst = append(dst, op.Coeff, op.Base)
	for i := 0; i < 8; i++ {
		dst = append(dst, op.Buckets[2*i]<<4|op.Buckets[2*i+1])
	}
	dst = append(dst, op.NonalphaDiscount<<4|op.NoVowelDiscount)
	dst = binary.BigEndian.AppendUint16(dst, op.Version)
	return append(dst, op.NamespaceID...), nil
}
