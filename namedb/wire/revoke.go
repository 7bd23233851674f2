package wire

// NameRevoke is NAME_REVOKE '~' (PROTOCOL.md §5.6): freezes a name and
// clears its zone-file hash. The body is the raw name.
type NameRevoke struct {
	Name string `json:"name"`
}

func decodeNameRevoke(body []byte) (Op, error) {
	name := string(body)
	if err := CheckName(name); err != nil {
		return nil, err
	}
	return &NameRevoke{Name: name}, nil
}

// Opcode implements Op.
func (*NameRevoke) Opcode() Opcode { return OpNameRevoke }

// OpcodeName implements Op.
func (*NameRevoke) OpcodeName() string { return OpNameRevoke.Name() }

// StoredOp implements Op.
func (*NameRevoke) StoredOp() string { return string(OpNameRevoke) }

func (op *NameRevoke) appendBody(dst []byte) ([]byte, error) {
	if err := CheckName(op.Name); err != nil {
		return nil, err
	}
	return append(dst, op.Name...), nil
}
