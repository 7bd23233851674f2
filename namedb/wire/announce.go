package wire

// Announce is ANNOUNCE '#' (PROTOCOL.md §5.11): the hash160 of a message from
// a configured announcer. It has no effect on state or the consensus hash.
type Announce struct {
	MessageHash Hash160 `json:"message_hash"`
}

func decodeAnnounce(body []byte) (Op, error) {
	if len(body) != 20 {
		return nil, lengthError(OpAnnounce, len(body), "20")
	}
	op := &Announce{}
	copy(op.MessageHash[:], body)
	return op, nil
}

// Opcode implements Op.
func (*Announce) Opcode() Opcode { return OpAnnounce }

// OpcodeName implements Op.
func (*Announce) OpcodeName() string { return OpAnnounce.Name() }

// StoredOp implements Op.
func (*Announce) StoredOp() string { return string(OpAnnounce) }

func (op *Announce) appendBody(dst []byte) ([]byte, error) {
	return append(dst, op.MessageHash[:]...), nil
}
