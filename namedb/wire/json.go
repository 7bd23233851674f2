package wire

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// JSON uses the field names of the original's records (PROTOCOL.md §7.8):
// "opcode" is the operation's name (NAME_PREORDER, ...), "op" the stored op
// character(s), then the payload's fields.

// MarshalOpJSON renders op as a JSON object with "opcode", "op" and its fields.
func MarshalOpJSON(op Op) ([]byte, error) {
	m, err := opFields(op)
	if err != nil {
		return nil, err
	}
	return json.Marshal(m)
}

func opFields(op Op) (map[string]any, error) {
	raw, err := json.Marshal(op)
	if err != nil {
		return nil, fmt.Errorf("marshal %s: %w", op.OpcodeName(), err)
	}
	m := map[string]any{}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber() // keep u64 token amounts exact
	if err := d.Decode(&m); err != nil {
		return nil, fmt.Errorf("marshal %s: %w", op.OpcodeName(), err)
	}
	m["opcode"] = op.OpcodeName()
	m["op"] = op.StoredOp()
	return m, nil
}

// txJSONKeys are the keys TxOp.MarshalJSON adds around the payload's fields.
// UnmarshalOpJSON skips them, so the output of decode-tx can be re-encoded.
var txJSONKeys = []string{"txid", "sender", "address", "sender_pubkey", "recipient", "recipient_address", "op_fee", "burn_address", "tx_fee"}

// MarshalJSON renders the operation's fields plus the transaction's: txid,
// sender, address, sender_pubkey, and where the operation has them
// recipient / recipient_address, op_fee / burn_address (the payment output),
// value_hash (a NAME_IMPORT's, from output 2), and tx_fee when the spent outputs were known.
func (t *TxOp) MarshalJSON() ([]byte, error) {
	m, err := opFields(t.Op)
	if err != nil {
		return nil, err
	}
	m["txid"] = t.TxID.String()
	m["sender"] = hex.EncodeToString(t.Sender)
	m["address"] = t.SenderAddress
	m["sender_pubkey"] = nil
	if t.SenderPubkey != nil {
		m["sender_pubkey"] = hex.EncodeToString(t.SenderPubkey)
	}
	if t.Recipient != nil {
		m["recipient"] = hex.EncodeToString(t.Recipient.Script)
		m["recipient_address"] = nullIfEmpty(t.Recipient.Address)
	}
	if t.Payment != nil {
		m["op_fee"] = t.Payment.Value
		m["burn_address"] = nullIfEmpty(t.Payment.Address)
	}
	if t.ImportValueHash != nil {
		m["value_hash"] = t.ImportValueHash.String()
	}
	if t.Fee >= 0 {
		m["tx_fee"] = t.Fee
	}
	return json.Marshal(m)
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// newOp returns an empty operation for an opcode name.
func newOp(name string) (Op, error) {
	switch name {
	case "NAME_PREORDER":
		return &NamePreorder{}, nil
	case "NAME_REGISTRATION":
		return &NameRegistration{}, nil
	case "NAME_RENEWAL":
		return &NameRegistration{Renewal: true}, nil
	case "NAME_UPDATE":
		return &NameUpdate{}, nil
	case "NAME_TRANSFER":
		return &NameTransfer{}, nil
	case "NAME_REVOKE":
		return &NameRevoke{}, nil
	case "NAME_IMPORT":
		return &NameImport{}, nil
	case "NAMESPACE_PREORDER":
		return &NamespacePreorder{}, nil
	case "NAMESPACE_REVEAL":
		return &NamespaceReveal{}, nil
	case "NAMESPACE_READY":
		return &NamespaceReady{}, nil
	case "ANNOUNCE":
		return &Announce{}, nil
	case "TOKEN_TRANSFER":
		return &TokenTransfer{}, nil
	}
	return nil, fmt.Errorf("unknown opcode %q", name)
}

// UnmarshalOpJSON reads the JSON that MarshalOpJSON or TxOp.MarshalJSON
// writes. Every field of the operation must be present (optional ones may be
// left out); unknown fields are an error; "op", when present, must agree.
func UnmarshalOpJSON(data []byte) (Op, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, fmt.Errorf("operation JSON: %w", err)
	}
	var name string
	if raw, ok := fields["opcode"]; !ok {
		return nil, fmt.Errorf("operation JSON: no \"opcode\" field")
	} else if err := json.Unmarshal(raw, &name); err != nil {
		return nil, fmt.Errorf("operation JSON: opcode: %w", err)
	}
	op, err := newOp(name)
	if err != nil {
		return nil, fmt.Errorf("operation JSON: %w", err)
	}
	var stored *string
	if raw, ok := fields["op"]; ok {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("operation JSON: op: %w", err)
		}
		stored = &s
	}
	delete(fields, "opcode")
	delete(fields, "op")
	for _, k := range txJSONKeys {
		delete(fields, k)
	}
	if _, ok := op.(*NameImport); ok {
		delete(fields, "value_hash") // from the transaction's output 2, not the payload
	}
	body, err := json.Marshal(fields)
	if err != nil {
		return nil, fmt.Errorf("operation JSON: %w", err)
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	if err := d.Decode(op); err != nil {
		return nil, fmt.Errorf("%s JSON: %w", name, err)
	}
	// Every field the operation writes as non-null must have been given.
	want, err := opFields(op)
	if err != nil {
		return nil, err
	}
	var missing []string
	for k, v := range want {
		if k == "opcode" || k == "op" || v == nil {
			continue
		}
		if _, ok := fields[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("%s JSON: missing %s", name, strings.Join(missing, ", "))
	}
	if stored != nil && *stored != op.StoredOp() {
		return nil, fmt.Errorf("%s JSON: op %q does not match the fields (want %q)", name, *stored, op.StoredOp())
	}
	return op, nil
}
