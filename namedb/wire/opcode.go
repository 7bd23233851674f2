package wire

// Opcode is the third byte of a payload, the operation's character.
type Opcode byte

// The opcodes of PROTOCOL.md §3.2.
const (
	OpNamePreorder      Opcode = '?'
	OpNameRegistration  Opcode = ':' // also NAME_RENEWAL: told apart by the tx's output count
	OpNameUpdate        Opcode = '+'
	OpNameTransfer      Opcode = '>'
	OpNameRevoke        Opcode = '~'
	OpNameImport        Opcode = ';'
	OpNamespacePreorder Opcode = '*'
	OpNamespaceReveal   Opcode = '&'
	OpNamespaceReady    Opcode = '!'
	OpAnnounce          Opcode = '#'
	OpTokenTransfer     Opcode = '$'
)

// Known reports whether o is one of the Blockstack opcodes.
func (o Opcode) Known() bool {
	switch o {
	case OpNamePreorder, OpNameRegistration, OpNameUpdate, OpNameTransfer, OpNameRevoke,
		OpNameImport, OpNamespacePreorder, OpNamespaceReveal, OpNamespaceReady, OpAnnounce,
		OpTokenTransfer:
		return true
	}
	return false
}

// Name returns the original's opcode name, e.g. "NAME_PREORDER". The ':'
// opcode is reported as NAME_REGISTRATION; see NameRegistration.OpcodeName for
// renewals.
func (o Opcode) Name() string {
	switch o {
	case OpNamePreorder:
		return "NAME_PREORDER"
	case OpNameRegistration:
		return "NAME_REGISTRATION"
	case OpNameUpdate:
		return "NAME_UPDATE"
	case OpNameTransfer:
		return "NAME_TRANSFER"
	case OpNameRevoke:
		return "NAME_REVOKE"
	case OpNameImport:
		return "NAME_IMPORT"
	case OpNamespacePreorder:
		return "NAMESPACE_PREORDER"
	case OpNamespaceReveal:
		return "NAMESPACE_REVEAL"
	case OpNamespaceReady:
		return "NAMESPACE_READY"
	case OpAnnounce:
		return "ANNOUNCE"
	case OpTokenTransfer:
		return "TOKEN_TRANSFER"
	}
	return "UNKNOWN"
}

// Magic is the 2-byte network prefix of every payload.
type Magic [2]byte

// MainnetMagic is "id", used on mainnet and by the original's regtest harness.
var MainnetMagic = Magic{'i', 'd'}

// Epoch selects the payload formats a block allows (PROTOCOL.md §7.2). Only
// the rule-set number matters here; heights live in namedb's network config.
type Epoch uint8

const (
	// AnyEpoch accepts every format that some epoch accepts. For tools that
	// decode a payload without knowing its block.
	AnyEpoch Epoch = 0
	// Epoch1 .. Epoch5 are the rule sets of mainnet epochs 1 to 5.
	Epoch1 Epoch = 1
	Epoch2 Epoch = 2
	Epoch3 Epoch = 3
	Epoch4 Epoch = 4
	Epoch5 Epoch = 5
)

// MaxEpoch is the newest rule set.
const MaxEpoch = Epoch5

// valueHashRegistrations: registrations and renewals may carry a zone-file
// hash (epoch 3, "F-day 2017").
func (e Epoch) valueHashRegistrations() bool { return e == AnyEpoch || e >= Epoch3 }

// tokens: STACKS token fields and TOKEN_TRANSFER (epoch 4).
func (e Epoch) tokens() bool { return e == AnyEpoch || e >= Epoch4 }

// legacyNamespacePreorder: the 36-byte NAMESPACE_PREORDER body (epochs 1-3).
func (e Epoch) legacyNamespacePreorder() bool { return e == AnyEpoch || e < Epoch4 }
