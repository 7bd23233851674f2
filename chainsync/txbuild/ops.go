package txbuild

import (
	"fmt"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// The requests of each operation, with the hashes their payloads carry
// computed from plain arguments. ch is the consensus hash of a recent
// block (PROTOCOL.md §8.5); payTo is the burn address (BurnAddress) or a
// pay-to-creator namespace's address.

// BurnAddress is the burn address of the builder's network.
func (b *Builder) BurnAddress() string { return b.Params.Address(wire.BurnScript()) }

// Preorder commits from's key to registering name for recipient.
func (b *Builder) Preorder(name string, from *Key, recipient string, ch wire.Hash128, payTo string, fee int64) (Request, error) {
	h, err := wire.PreorderHash(name, from.Script, recipient)
	if err != nil {
		return Request{}, fmt.Errorf("%w: %v", ErrRequest, err)
	}
	return Request{Op: &wire.NamePreorder{PreorderHash: h, ConsensusHash: ch}, PayTo: payTo, Pay: fee}, nil
}

// Register registers a preordered name for recipient, optionally with a
// zone-file hash (epoch 3 on).
func Register(name, recipient string, value *wire.Hash160) Request {
	return Request{Op: &wire.NameRegistration{Name: name, ValueHash: value}, Recipient: recipient}
}

// Renew renews name for owner (who may be a new owner from epoch 3).
func Renew(name, owner string, value *wire.Hash160, payTo string, fee int64) Request {
	return Request{Op: &wire.NameRegistration{Name: name, ValueHash: value, Renewal: true}, Recipient: owner, PayTo: payTo, Pay: fee}
}

// Update sets name's zone-file hash.
func Update(name string, ch wire.Hash128, value wire.Hash160) Request {
	return Request{Op: &wire.NameUpdate{NameConsensusHash: wire.NameConsensusHash(name, ch), ValueHash: value}}
}

// Transfer gives name to recipient, keeping or clearing its zone-file hash.
func Transfer(name, recipient string, keepData bool, ch wire.Hash128) Request {
	return Request{Op: &wire.NameTransfer{KeepData: keepData, NameHash128: wire.NameHash128(name), ConsensusHash: ch}, Recipient: recipient}
}

// Revoke revokes name.
func Revoke(name string) Request { return Request{Op: &wire.NameRevoke{Name: name}} }

// Import imports name for recipient with a zone-file hash (namespace
// importers only, before the namespace is ready).
func Import(name, recipient string, value wire.Hash160) Request {
	return Request{Op: &wire.NameImport{Name: name}, Recipient: recipient, ImportValueHash: value}
}

// NamespacePreorder commits from's key to revealing namespace id to
// revealRecipient, paying fee to the burn address.
func (b *Builder) NamespacePreorder(id string, from *Key, revealRecipient string, ch wire.Hash128, fee int64) (Request, error) {
	h, err := wire.PreorderHash(id, from.Script, revealRecipient)
	if err != nil {
		return Request{}, fmt.Errorf("%w: %v", ErrRequest, err)
	}
	return Request{Op: &wire.NamespacePreorder{PreorderHash: h, ConsensusHash: ch}, PayTo: b.BurnAddress(), Pay: fee}, nil
}

// NamespaceReveal reveals a preordered namespace with its rules to
// recipient, the key that imports names and launches it.
func NamespaceReveal(r *wire.NamespaceReveal, recipient string) Request {
	return Request{Op: r, Recipient: recipient}
}

// NamespaceReady launches namespace id (sent by the reveal's recipient).
func NamespaceReady(id string) Request { return Request{Op: &wire.NamespaceReady{NamespaceID: id}} }
