package namedb

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/zonemirror/zonemirror/namedb/consensus"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// Hex is bytes shown as lowercase hex; nil is JSON null (the original's
// None).
type Hex []byte

// MarshalJSON writes the hex string, or null for nil.
func (h Hex) MarshalJSON() ([]byte, error) {
	if h == nil {
		return []byte("null"), nil
	}
	return json.Marshal(hex.EncodeToString(h))
}

// UnmarshalJSON reads a hex string or null.
func (h *Hex) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*h = nil
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	d, err := hex.DecodeString(s)
	if err != nil {
		return err
	}
	if d == nil {
		d = []byte{}
	}
	*h = d
	return nil
}

func (h Hex) value() consensus.Value {
	if h == nil {
		return consensus.Null()
	}
	return consensus.Str(hex.EncodeToString(h))
}

// Fee is an op_fee: an integer, except in records created by a NAME_IMPORT,
// which carry a float (a consensus quirk, PROTOCOL.md §8.2).
type Fee struct {
	Int     int64
	Float   float64
	IsFloat bool
}

// IntFee is an integer fee.
func IntFee(i int64) Fee { return Fee{Int: i} }

// MarshalJSON writes 25000 or 100000.0.
func (f Fee) MarshalJSON() ([]byte, error) {
	if f.IsFloat {
		return []byte(consensus.PyFloat(f.Float)), nil
	}
	return strconv.AppendInt(nil, f.Int, 10), nil
}

// UnmarshalJSON reads an integer, or a number with a '.' or exponent as a float.
func (f *Fee) UnmarshalJSON(b []byte) error {
	if i, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		*f = Fee{Int: i}
		return nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("op_fee %s: %w", b, err)
	}
	*f = Fee{Float: v, IsFloat: true}
	return nil
}

func (f Fee) value() consensus.Value {
	if f.IsFloat {
		return consensus.Float(f.Float)
	}
	return consensus.Int(f.Int)
}

// AsFloat returns the fee as a float record's fee (NAME_IMPORT quirk).
func (f Fee) AsFloat() Fee {
	if f.IsFloat {
		return f
	}
	return Fee{Float: float64(f.Int), IsFloat: true}
}

// AsInt returns the fee truncated to an integer, as Python's int() does.
func (f Fee) AsInt() Fee {
	if f.IsFloat {
		return Fee{Int: int64(f.Float)}
	}
	return f
}

// NameRecord is a name's state after an operation, with the original's
// field names (PROTOCOL.md §7.8). History keeps one per accepted operation.
type NameRecord struct {
	Name                 string        `json:"name"`
	NamespaceID          string        `json:"namespace_id"`
	ValueHash            *wire.Hash160 `json:"value_hash"`
	Sender               Hex           `json:"sender"`
	SenderPubkey         Hex           `json:"sender_pubkey"`
	Address              string        `json:"address"`
	BlockNumber          int64         `json:"block_number"`
	PreorderBlockNumber  int64         `json:"preorder_block_number"`
	FirstRegistered      int64         `json:"first_registered"`
	LastRenewed          int64         `json:"last_renewed"`
	Revoked              bool          `json:"revoked"`
	Op                   string        `json:"op"`
	Opcode               string        `json:"opcode"`
	TxID                 string        `json:"txid"`
	Vtxindex             int           `json:"vtxindex"`
	OpFee                Fee           `json:"op_fee"`
	Importer             Hex           `json:"importer"`
	ImporterAddress      *string       `json:"importer_address"`
	ConsensusHash        *wire.Hash128 `json:"consensus_hash"`
	PreorderHash         wire.Hash160  `json:"preorder_hash"`
	NameHash128          wire.Hash128  `json:"name_hash128"`
	NamespaceBlockNumber int64         `json:"namespace_block_number"`
	LastCreationOp       string        `json:"last_creation_op"`
}

// storedName is how a name is kept on disk: the record plus state the
// rules need that the original kept in its history instead.
type storedName struct {
	*NameRecord
	// UpdateConsensusHash is the consensus hash of the last NAME_UPDATE
	// since the last registration or import, for the transfer quirk
	// (PROTOCOL.md §5.5).
	UpdateConsensusHash *wire.Hash128 `json:"zm_update_consensus_hash,omitempty"`
}

func strOrNull(s *string) consensus.Value {
	if s == nil {
		return consensus.Null()
	}
	return consensus.Str(*s)
}

func hash160OrNull(h *wire.Hash160) consensus.Value {
	if h == nil {
		return consensus.Null()
	}
	return consensus.Str(h.String())
}

func hash128OrNull(h *wire.Hash128) consensus.Value {
	if h == nil {
		return consensus.Null()
	}
	return consensus.Str(h.String())
}

// field returns a name record field for the consensus serialization.
func (r *NameRecord) field(f string) (consensus.Value, bool) {
	switch f {
	case "name":
		return consensus.Str(r.Name), true
	case "value_hash":
		return hash160OrNull(r.ValueHash), true
	case "sender":
		return r.Sender.value(), true
	case "sender_pubkey":
		return r.SenderPubkey.value(), true
	case "address":
		return consensus.Str(r.Address), true
	case "block_number":
		return consensus.Int(r.BlockNumber), true
	case "preorder_block_number":
		return consensus.Int(r.PreorderBlockNumber), true
	case "first_registered":
		return consensus.Int(r.FirstRegistered), true
	case "last_renewed":
		return consensus.Int(r.LastRenewed), true
	case "revoked":
		return consensus.Bool(r.Revoked), true
	case "op":
		return consensus.Str(r.Op), true
	case "txid":
		return consensus.Str(r.TxID), true
	case "vtxindex":
		return consensus.Int(int64(r.Vtxindex)), true
	case "op_fee":
		return r.OpFee.value(), true
	case "importer":
		return r.Importer.value(), true
	case "importer_address":
		return strOrNull(r.ImporterAddress), true
	case "consensus_hash":
		return hash128OrNull(r.ConsensusHash), true
	case "name_hash128":
		return consensus.Str(r.NameHash128.String()), true
	}
	return consensus.Value{}, false
}

// PreorderRecord is a pending NAME_PREORDER (or, with Namespace set, a
// NAMESPACE_PREORDER).
type PreorderRecord struct {
	PreorderHash  wire.Hash160 `json:"preorder_hash"`
	ConsensusHash wire.Hash128 `json:"consensus_hash"`
	Sender        Hex          `json:"sender"`
	SenderPubkey  Hex          `json:"sender_pubkey"`
	Address       string       `json:"address"`
	BlockNumber   int64        `json:"block_number"`
	Op            string       `json:"op"`
	Opcode        string       `json:"opcode"`
	TxID          string       `json:"txid"`
	Vtxindex      int          `json:"vtxindex"`
	OpFee         Fee          `json:"op_fee"`
	BurnAddress   string       `json:"burn_address"`
	// Namespace is true for NAMESPACE_PREORDERs.
	Namespace bool `json:"-"`
}

func (p *PreorderRecord) field(f string) (consensus.Value, bool) {
	switch f {
	case "preorder_hash":
		return consensus.Str(p.PreorderHash.String()), true
	case "consensus_hash":
		return consensus.Str(p.ConsensusHash.String()), true
	case "sender":
		return p.Sender.value(), true
	case "sender_pubkey":
		return p.SenderPubkey.value(), true
	case "address":
		return consensus.Str(p.Address), true
	case "block_number":
		return consensus.Int(p.BlockNumber), true
	case "op":
		return consensus.Str(p.Op), true
	case "txid":
		return consensus.Str(p.TxID), true
	case "vtxindex":
		return consensus.Int(int64(p.Vtxindex)), true
	case "op_fee":
		return p.OpFee.value(), true
	}
	return consensus.Value{}, false
}

// Namespace is a revealed or ready namespace (PROTOCOL.md §5.9, §5.10).
type Namespace struct {
	NamespaceID      string       `json:"namespace_id"`
	PreorderHash     wire.Hash160 `json:"preorder_hash"`
	Version          uint16       `json:"version"`
	Sender           Hex          `json:"sender"`
	SenderPubkey     Hex          `json:"sender_pubkey"`
	Address          string       `json:"address"`
	Recipient        Hex          `json:"recipient"`
	RecipientAddress string       `json:"recipient_address"`
	BlockNumber      int64        `json:"block_number"`
	RevealBlock      int64        `json:"reveal_block"`
	ReadyBlock       int64        `json:"ready_block"`
	Op               string       `json:"op"`
	Opcode           string       `json:"opcode"`
	TxID             string       `json:"txid"`
	Vtxindex         int          `json:"vtxindex"`
	OpFee            Fee          `json:"op_fee"`
	Lifetime         uint32       `json:"lifetime"`
	Coeff            uint8        `json:"coeff"`
	Base             uint8        `json:"base"`
	Buckets          []int        `json:"buckets"`
	NonalphaDiscount uint8        `json:"nonalpha_discount"`
	NoVowelDiscount  uint8        `json:"no_vowel_discount"`
	Ready            bool         `json:"ready"`
}

// storedNamespace adds the import keychain to a namespace on disk.
type storedNamespace struct {
	*Namespace
	// Keychain are the addresses allowed to import, set by the first import.
	Keychain []string `json:"zm_import_keychain,omitempty"`
}

// InfiniteLifetime is the lifetime of namespaces whose names never expire.
const InfiniteLifetime = 0xffffffff

func (n *Namespace) field(f string) (consensus.Value, bool) {
	switch f {
	case "namespace_id":
		return consensus.Str(n.NamespaceID), true
	case "preorder_hash":
		return consensus.Str(n.PreorderHash.String()), true
	case "version":
		return consensus.Int(int64(n.Version)), true
	case "sender":
		return n.Sender.value(), true
	case "sender_pubkey":
		return n.SenderPubkey.value(), true
	case "address":
		return consensus.Str(n.Address), true
	case "recipient":
		return n.Recipient.value(), true
	case "recipient_address":
		return consensus.Str(n.RecipientAddress), true
	case "block_number":
		return consensus.Int(n.BlockNumber), true
	case "reveal_block":
		return consensus.Int(n.RevealBlock), true
	case "ready_block":
		return consensus.Int(n.ReadyBlock), true
	case "op":
		return consensus.Str(n.Op), true
	case "txid":
		return consensus.Str(n.TxID), true
	case "vtxindex":
		return consensus.Int(int64(n.Vtxindex)), true
	case "lifetime":
		return consensus.Int(int64(n.Lifetime)), true
	case "coeff":
		return consensus.Int(int64(n.Coeff)), true
	case "base":
		return consensus.Int(int64(n.Base)), true
	case "buckets":
		return consensus.IntList(n.Buckets), true
	case "nonalpha_discount":
		return consensus.Int(int64(n.NonalphaDiscount)), true
	case "no_vowel_discount":
		return consensus.Int(int64(n.NoVowelDiscount)), true
	}
	return consensus.Value{}, false
}

// AcceptedOp is one accepted operation of a block as the API's
// /v1/blockchains/bitcoin/operations/{height} shows it: the post-op record
// plus the operation's own fields (keep_data and name_hash128 of
// transfers, burn_address of preorders).
type AcceptedOp struct {
	Height   int64
	Vtxindex int
	TxID     string
	Opcode   string
	// Record is the JSON object the API serves.
	Record json.RawMessage
}
