package wire

// Transfer dispositions: the first body byte of a NAME_TRANSFER.
const (
	transferKeepData  = '>'
	transferClearData = '~'
)

// NameTransfer is NAME_TRANSFER '>' (PROTOCOL.md §5.5): gives a name to the
// script of output 1, keeping or clearing its zone-file hash.
type NameTransfer struct {
	KeepData      bool    `json:"keep_data"`
	NameHash128   Hash128 `json:"name_hash128"`
	ConsensusHash Hash128 `json:"consensus_hash"`
}

const nameTransferBody = 1 + 16 + 16

func decodeNameTransfer(body []byte) (Op, error) {
	if len(body) != nameTransferBody {
		return nil, lengthError(OpNameTransfer, len(body), "33")
	}
	op := &NameTransfer{}
	switch body[0] {
	case transferKeepData:
		op.KeepData = true
	case transferClearData:
	default:
		return nil, ruleError(ErrBadDisposition, "NAME_TRANSFER disposition %#02x, want '>' (keep data) or '~' (clear data)", body[0])
	}
	copy(op.NameHash128[:], body[1:17])
	copy(op.ConsensusHash[:], body[17:])
	return op, nil
}

// Opcode implements Op.
func (*NameTransfer) Opcode() Opcode { return OpNameTransfer }

// OpcodeName implements Op.
func (*NameTransfer) OpcodeName() string { return OpNameTransfer.Name() }

// StoredOp implements Op: ">>" keeps the data, ">~" clears it.
func (op *NameTransfer) StoredOp() string {
	if op.KeepData {
		return ">>"
	}
	return ">~"
}

func (op *NameTransfer) appendBody(dst []byte) ([]byte, error) {
	d := byte(transferClearData)
	if op.KeepData {
		d = transferKeepData
	}
	dst = append(dst, d)
	dst = append(dst, op.NameHash128[:]...)
	return append(dst, op.ConsensusHash[:]...), nil
}
