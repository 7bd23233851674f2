package wire

// NameUpdate is NAME_UPDATE '+' (PROTOCOL.md §5.4): sets a name's zone-file
// hash. The payload does not name the name: NameConsensusHash is
// hash128(name ‖ consensus-hash hex), which namedb resolves against the
// sender's names and the recent consensus hashes.
type NameUpdate struct {
	NameConsensusHash Hash128 `json:"name_consensus_hash"`
	ValueHash         Hash160 `json:"value_hash"`
}

const nameUpdateBody = 16 + 20

func decodeNameUpdate(body []byte) (Op, error) {
	if len(body) != nameUpdateBody {
		return nil, lengthError(OpNameUpdate, len(body), "36")
	}
	op := &NameUpdate{}
	copy(op.NameConsensusHash[:], body[:16])
	copy(op.ValueHash[:], body[16:])
	return op, nil
}

// Opcode implements Op.
func (*NameUpdate) Opcode() Opcode { return OpNameUpdate }

// OpcodeName implements Op.
func (*NameUpdate) OpcodeName() string { return OpNameUpdate.Name() }

// StoredOp implements Op.
func (*NameUpdate) StoredOp() string { return string(OpNameUpdate) }

func (op *NameUpdate) appendBody(dst []byte) ([]byte, error) {
	dst = append(dst, op.NameConsensusHash[:]...)
	return append(dst, op.ValueHash[:]...), nil
}
