package consensus

import (
	"fmt"
	"strconv"
	"strings"
)

// nameRecordFields are the fields every name operation serializes first.
var nameRecordFields = []string{
	"name", "value_hash", "sender", "sender_pubkey", "address", "block_number",
	"preorder_block_number", "first_registered", "last_renewed", "revoked", "op",
	"txid", "vtxindex", "op_fee", "importer", "importer_address",
}

var revealFields = []string{
	"namespace_id", "preorder_hash", "version", "sender", "sender_pubkey", "address",
	"recipient", "recipient_address", "block_number", "reveal_block", "op", "txid",
	"vtxindex", "lifetime", "coeff", "base", "buckets", "nonalpha_discount", "no_vowel_discount",
}

func with(base []string, more ...string) []string {
	out := make([]string, 0, len(base)+len(more))
	return append(append(out, base...), more...)
}

// Fields are the serialized fields per opcode character, in order
// (PROTOCOL.md §8.2). ANNOUNCE ('#') is never serialized.
var Fields = map[byte][]string{
	'?': {"preorder_hash", "consensus_hash", "sender", "sender_pubkey", "address", "block_number", "op", "txid", "vtxindex", "op_fee"},
	':': with(nameRecordFields, "sender", "address"),
	'+': with(nameRecordFields, "name_consensus_hash", "consensus_hash"),
	'>': with(nameRecordFields, "name_hash128", "consensus_hash", "keep_data"),
	'~': with(nameRecordFields),
	';': with(nameRecordFields, "sender", "address"),
	'*': {"preorder_hash", "consensus_hash", "op", "op_fee", "txid", "vtxindex", "block_number", "sender", "sender_pubkey", "address"},
	'&': revealFields,
	'!': with(revealFields, "ready_block"),
	'$': {"sender", "address", "recipient", "recipient_address", "token_units", "token_fee", "block_id", "op", "txid", "vtxindex", "consensus_hash", "scratch_area"},
}

// Serialize writes one accepted operation's post-op record as the original
// does: opchar ":" then len:value for each field of Fields[opchar], joined by
// commas. get returns a field's value; a field it does not know is an error
// (a missing field would silently change every later consensus hash).
func Serialize(opchar byte, get func(field string) (Value, bool)) (string, error) {
	fields, ok := Fields[opchar]
	if !ok {
		return "", fmt.Errorf("serialize: opcode %q has no field list", opchar)
	}
	var b strings.Builder
	b.Grow(512)
	b.WriteByte(opchar)
	b.WriteByte(':')
	for i, f := range fields {
		v, ok := get(f)
		if !ok {
			return "", fmt.Errorf("serialize %q: record has no field %q", opchar, f)
		}
		if i > 0 {
			b.WriteByte(',')
		}
		s := v.String()
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
	}
	return b.String(), nil
}
