// Package wire decodes and encodes the Blockstack name operations that ride in
// Bitcoin OP_RETURN outputs, byte-compatible with Blockstack Core v21 on
// mainnet (shared/PROTOCOL.md §3–§5).
//
// # Where it sits
//
// chainsync reads raw blocks from a Bitcoin node and hands every transaction
// that carries an OP_RETURN to [DecodeTx]; the resulting [TxOp] goes to namedb,
// which checks it against the state (prices, ownership, expiry) and applies it.
// This package knows nothing of state: it checks only what can be checked from
// the bytes of one transaction — magic, opcode, field lengths for the epoch,
// name syntax, the shape of the outputs, and the sender rules of §3.4.
//
// # Payloads and transactions
//
// A payload is the data of the OP_RETURN push: magic[2] | opcode[1] | body.
// [Decode] turns a payload into an [Op] (one Go type per operation, in one
// file each, with its encoder beside its decoder) and [Encode] turns it back
// into the same bytes. Some formats exist only from a given epoch (value
// hashes in registrations from epoch 3, STACKS token fields from epoch 4), so
// Decode takes the [Epoch] of the block; [AnyEpoch] accepts every format that
// any epoch accepts, which is what a person pasting a payload wants.
//
// [DecodeTx] works on a whole transaction: it finds the payload (the last
// OP_RETURN output decides), resolves the principal sender from the outputs
// the inputs spend, derives sender_pubkey, and picks the outputs the operation
// needs (recipient, payment, the import's value-hash output). A NAME_REGISTRATION
// payload in a transaction with four or more outputs is a renewal.
//
// # Errors
//
// Everything that makes a payload or transaction unusable is a [*RuleError]
// with an [ErrorCode], one per reason, so callers can count rejections by
// reason (errors.As, or [CodeOf]).
//
// # Hashes and names
//
// The hashes the protocol uses (hash160, hash128, the preorder hash over the
// base-40 name, the update's name-consensus hash) and the name syntax rules
// live here too, because encoders need them to build payloads.
package wire
