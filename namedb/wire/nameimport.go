package wire

// NameImport is NAME_IMPORT ';' (PROTOCOL.md §5.7): a namespace's importer
// gives a name to output 1 before the namespace is ready. The body is the raw
// name; the zone-file hash is the 20-byte hash of output 2's p2pkh/p2sh
// script, which DecodeTx reads.
type NameImport struct {
	Name string `json:"name"`
}

func decodeNameImport(body []byte) (Op, error) {
	name := string(body)
	if err := CheckName(name); err != nil {
		return nil, err
	}
	return &NameImport{Name: name}, nil
}

// Opcode implements Op.
func (*NameImport) Opcode() Opcode { return OpNameImport }

// OpcodeName implements Op.
func (*NameImport) OpcodeName() string { return OpNameImport.Name() }

// StoredOp implements Op.
func (*NameImport) StoredOp() string { return string(OpNameImport) }

func (op *NameImport) appendBody(dst []byte) ([]byte, error) {
	if err := CheckName(op.Name); err != nil {
		return nil, err
	}
	return append(dst, op.Name...), nil
}
