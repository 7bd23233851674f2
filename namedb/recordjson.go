package namedb

import (
	"encoding/hex"
	"encoding/json"
	"strconv"
)

// Every accepted name operation stores its record's JSON, so the records a
// block writes are encoded here, field by field, instead of by
// encoding/json's reflection and its second pass over each MarshalJSON.
// The bytes are exactly encoding/json's (TestRecordJSONMatchesEncodingJSON,
// FuzzRecordJSON): where a value is not plain — a string that needs
// escaping, a float fee — that part, or the record, is left to
// encoding/json.

// marshalName returns the JSON of r, byte for byte json.Marshal(r).
func marshalName(r *NameRecord) ([]byte, error) {
	if r == nil {
		return []byte("null"), nil
	}
	if r.OpFee.IsFloat {
		return json.Marshal(r)
	}
	b := make([]byte, 0, 1024)
	b = append(b, `{"name":`...)
	b = appendJSONString(b, r.Name)
	b = append(b, `,"namespace_id":`...)
	b = appendJSONString(b, r.NamespaceID)
	b = append(b, `,"value_hash":`...)
	if r.ValueHash == nil {
		b = append(b, "null"...)
	} else {
		b = appendHexString(b, r.ValueHash[:])
	}
	b = append(b, `,"sender":`...)
	b = appendHex(b, r.Sender)
	b = append(b, `,"sender_pubkey":`...)
	b = appendHex(b, r.SenderPubkey)
	b = append(b, `,"address":`...)
	b = appendJSONString(b, r.Address)
	b = append(b, `,"block_number":`...)
	b = strconv.AppendInt(b, r.BlockNumber, 10)
	b = append(b, `,"preorder_block_number":`...)
	b = strconv.AppendInt(b, r.PreorderBlockNumber, 10)
	b = append(b, `,"first_registered":`...)
	b = strconv.AppendInt(b, r.FirstRegistered, 10)
	b = append(b, `,"last_renewed":`...)
	b = strconv.AppendInt(b, r.LastRenewed, 10)
	b = append(b, `,"revoked":`...)
	b = strconv.AppendBool(b, r.Revoked)
	b = appendOpFields(b, r.Op, r.Opcode, r.TxID, r.Vtxindex, r.OpFee)
	b = append(b, `,"importer":`...)
	b = appendHex(b, r.Importer)
	b = append(b, `,"importer_address":`...)
	if r.ImporterAddress == nil {
		b = append(b, "null"...)
	} else {
		b = appendJSONString(b, *r.ImporterAddress)
	}
	b = append(b, `,"consensus_hash":`...)
	if r.ConsensusHash == nil {
		b = append(b, "null"...)
	} else {
		b = appendHexString(b, r.ConsensusHash[:])
	}
	b = append(b, `,"preorder_hash":`...)
	b = appendHexString(b, r.PreorderHash[:])
	b = append(b, `,"name_hash128":`...)
	b = appendHexString(b, r.NameHash128[:])
	b = append(b, `,"namespace_block_number":`...)
	b = strconv.AppendInt(b, r.NamespaceBlockNumber, 10)
	b = append(b, `,"last_creation_op":`...)
	b = appendJSONString(b, r.LastCreationOp)
	return append(b, '}'), nil
}

// marshalPreorder returns the JSON of p, byte for byte json.Marshal(p).
func marshalPreorder(p *PreorderRecord) ([]byte, error) {
	if p == nil {
		return []byte("null"), nil
	}
	if p.OpFee.IsFloat {
		return json.Marshal(p)
	}
	b := make([]byte, 0, 512)
	b = append(b, `{"preorder_hash":`...)
	b = appendHexString(b, p.PreorderHash[:])
	b = append(b, `,"consensus_hash":`...)
	b = appendHexString(b, p.ConsensusHash[:])
	b = append(b, `,"sender":`...)
	b = appendHex(b, p.Sender)
	b = append(b, `,"sender_pubkey":`...)
	b = appendHex(b, p.SenderPubkey)
	b = append(b, `,"address":`...)
	b = appendJSONString(b, p.Address)
	b = append(b, `,"block_number":`...)
	b = strconv.AppendInt(b, p.BlockNumber, 10)
	b = appendOpFields(b, p.Op, p.Opcode, p.TxID, p.Vtxindex, p.OpFee)
	b = append(b, `,"burn_address":`...)
	b = appendJSONString(b, p.BurnAddress)
	return append(b, '}'), nil
}

// appendOpFields appends the fields both records have in this order, from
// op to op_fee (an integer fee: a float one leaves the record to
// encoding/json).
func appendOpFields(b []byte, op, opcode, txid string, vtxindex int, fee Fee) []byte {
	b = append(b, `,"op":`...)
	b = appendJSONString(b, op)
	b = append(b, `,"opcode":`...)
	b = appendJSONString(b, opcode)
	b = append(b, `,"txid":`...)
	b = appendJSONString(b, txid)
	b = append(b, `,"vtxindex":`...)
	b = strconv.AppendInt(b, int64(vtxindex), 10)
	b = append(b, `,"op_fee":`...)
	return strconv.AppendInt(b, fee.Int, 10)
}

// appendJSONString appends s as encoding/json writes a string. Printable
// ASCII other than the characters it escapes (", \ and, for HTML, <, >
// and &) is copied; anything else goes through encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendHexString appends v as a quoted lower-case hex string.
func appendHexString(b, v []byte) []byte {
	b = append(b, '"')
	b = hex.AppendEncode(b, v)
	return append(b, '"')
}

// appendHex appends h as Hex.MarshalJSON writes it: null, or a hex string.
func appendHex(b []byte, h Hex) []byte {
	if h == nil {
		return append(b, "null"...)
	}
	return appendHexString(b, h)
}
