package wire

// NamespaceReady is NAMESPACE_READY '!' (PROTOCOL.md §5.10): the reveal
// recipient opens a revealed namespace for registrations. The body is '.'
// followed by the namespace id.
type NamespaceReady struct {
	NamespaceID string `json:"namespace_id"`
}

func decodeNamespaceReady(body []byte) (Op, error) {
	if len(body) == 0 || body[0] != '.' {
		return nil, ruleError(ErrInvalidNamespaceID, "NAMESPACE_READY body must start with '.'")
	}
	id := string(body[1:])
	if err := CheckNamespaceID(id); err != nil {
		return nil, err
	}
	return &NamespaceReady{NamespaceID: id}, nil
}

// Opcode implements Op.
func (*NamespaceReady) Opcode() Opcode { return OpNamespaceReady }

// OpcodeName implements Op.
func (*NamespaceReady) OpcodeName() string { return OpNamespaceReady.Name() }

// StoredOp implements Op.
func (*NamespaceReady) StoredOp() string { return string(OpNamespaceReady) }

func (op *NamespaceReady) appendBody(dst []byte) ([]byte, error) {
	if err := CheckNamespaceID(op.NamespaceID); err != nil {
		return nil, err
	}
	dst = append(dst, '.')
	return append(dst, op.NamespaceID...), nil
}
