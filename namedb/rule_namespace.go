package namedb

import (
	"bytes"
	"context"

	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// checkNamespacePreorder is NAMESPACE_PREORDER (PROTOCOL.md §5.8).
func (e *engine) checkNamespacePreorder(ctx context.Context, op BlockOp, p *wire.NamespacePreorder) (*change, *RuleError, error) {
	t := op.Tx
	if p.TokenFee != nil || e.epoch.Rules >= wire.Epoch4 {
		return nil, reject(ErrTokens, "namespaces are paid in STACKS from epoch 4; token accounts are not kept"), nil
	}
	pending, err := e.namespacePreorderPending(ctx, p.PreorderHash)
	if err != nil {
		return nil, nil, err
	}
	if pending != nil {
		return nil, reject(ErrPreorderExists, "namespace preorder %s is already pending", p.PreorderHash), nil
	}
	if !e.validConsensusHash(p.ConsensusHash) {
		return nil, reject(ErrConsensusHash, "consensus hash %s is not one of the last %d blocks'", p.ConsensusHash, e.net.ConsensusWindow), nil
	}
	if t.Payment.Address != e.db.burnAddress {
		return nil, reject(ErrPaymentAddress, "paid to %s, not the burn address %s", t.Payment.Address, e.db.burnAddress), nil
	}
	rec := &PreorderRecord{
		PreorderHash: p.PreorderHash, ConsensusHash: p.ConsensusHash,
		Sender: Hex(t.Sender), SenderPubkey: nilIfEmpty(t.SenderPubkey), Address: t.SenderAddress,
		BlockNumber: e.b, Op: string(wire.OpNamespacePreorder), Opcode: "NAMESPACE_PREORDER",
		TxID: t.TxID.String(), Vtxindex: op.Vtxindex,
		OpFee: IntFee(t.Payment.Value), BurnAddress: t.Payment.Address, Namespace: true,
	}
	return &change{
		claim: "pre:" + p.PreorderHash.String(), opchar: byte(wire.OpNamespacePreorder),
		field: rec.field, apiRecord: rec,
		write: func(ctx context.Context) error { return e.putPreorder(ctx, rec) },
	}, nil, nil
}

// checkNamespaceReveal is NAMESPACE_REVEAL (PROTOCOL.md §5.9): the preorder's
// sender reveals the id and its price function, paid at this block's price.
func (e *engine) checkNamespaceReveal(ctx context.Context, op BlockOp, r *wire.NamespaceReveal) (*change, *RuleError, error) {
	t := op.Tx
	id := r.NamespaceID
	if e.namespaceRevealed(id) != nil || e.namespaceReady(id) != nil {
		return nil, reject(ErrNamespaceExists, "namespace %s is already revealed or ready", id), nil
	}
	recipient := t.Recipient
	hash, err := wire.PreorderHash(id, t.Sender, recipient.Address)
	if err != nil {
		return nil, reject(ErrNoPreorder, "%v", err), nil
	}
	pre, err := e.namespacePreorderPending(ctx, hash)
	if err != nil {
		return nil, nil, err
	}
	if pre == nil {
		return nil, reject(ErrNoPreorder, "no pending namespace preorder %s for %s", hash, id), nil
	}
	if !bytes.Equal(pre.rec.Sender, t.Sender) {
		return nil, reject(ErrNoPreorder, "namespace preorder was sent by %s", pre.rec.Address), nil
	}
	switch {
	case r.Version == 1:
	case r.Version == 2 && e.epoch.Rules >= wire.Epoch3:
	case r.Version == 3 && e.epoch.Rules >= wire.Epoch4:
	default:
		return nil, reject(ErrNotInEpoch, "namespace version %d in epoch %d", r.Version, e.epoch.Rules), nil
	}
	if e.epoch.IntegerPrices() {
		return nil, reject(ErrTokens, "namespaces are priced in STACKS from epoch 4"), nil
	}
	price, ok := netparams.NamespacePrice(e.epoch, id)
	if !ok {
		return nil, reject(ErrFeeTooLow, "namespace %s has no price", id), nil
	}
	if pre.rec.OpFee.Int < price {
		return nil, reject(ErrFeeTooLow, "paid %d, namespace price is %d", pre.rec.OpFee.Int, price), nil
	}
	blockNumber := pre.rec.BlockNumber
	// The import keychain belongs to the namespace id: built at the first
	// import, kept when a reveal expires and the id is revealed again.
	var keychain []string
	if old := e.namespaces[id]; old != nil {
		blockNumber = old.BlockNumber
		keychain = old.Keychain
	}
	buckets := make([]int, len(r.Buckets))
	for i, b := range r.Buckets {
		buckets[i] = int(b)
	}
	ns := &Namespace{
		NamespaceID: id, PreorderHash: hash, Version: r.Version,
		Sender: Hex(t.Sender), SenderPubkey: nilIfEmpty(t.SenderPubkey), Address: t.SenderAddress,
		Recipient: Hex(recipient.Script), RecipientAddress: recipient.Address,
		BlockNumber: blockNumber, RevealBlock: e.b, ReadyBlock: 0,
		Op: string(wire.OpNamespaceReveal), Opcode: "NAMESPACE_REVEAL",
		TxID: t.TxID.String(), Vtxindex: op.Vtxindex, OpFee: pre.rec.OpFee,
		Lifetime: r.Lifetime, Coeff: r.Coeff, Base: r.Base, Buckets: buckets,
		NonalphaDiscount: r.NonalphaDiscount, NoVowelDiscount: r.NoVowelDiscount,
	}
	s := &storedNamespace{Namespace: ns, Keychain: keychain}
	return &change{
		claim: namespaceClaim(id), opchar: byte(wire.OpNamespaceReveal), field: ns.field, apiRecord: ns,
		write: func(ctx context.Context) error {
			if err := e.consumePreorder(ctx, pre); err != nil {
				return err
			}
			if err := e.w.putNamespace(s); err != nil {
				return err
			}
			e.namespaces[id] = s
			return nil
		},
	}, nil, nil
}

// checkNamespaceReady is NAMESPACE_READY (PROTOCOL.md §5.10): the reveal
// recipient launches the namespace; from then on names are registered, not
// imported, and the namespace never expires.
func (e *engine) checkNamespaceReady(ctx context.Context, op BlockOp, r *wire.NamespaceReady) (*change, *RuleError, error) {
	t := op.Tx
	id := r.NamespaceID
	cur := e.namespaceRevealed(id)
	if cur == nil {
		if ns := e.namespaces[id]; ns != nil && !ns.Ready && ns.RevealBlock == e.b {
			return nil, reject(ErrSameBlock, "namespace %s is revealed in this block", id), nil
		}
		return nil, reject(ErrNamespaceNotRevealed, "namespace %s is not revealed (or already ready, or its reveal expired)", id), nil
	}
	if !bytes.Equal(cur.Recipient, t.Sender) {
		return nil, reject(ErrImporter, "only the reveal recipient %s may launch %s", cur.RecipientAddress, id), nil
	}
	n := *cur.Namespace
	n.Op, n.Opcode = string(wire.OpNamespaceReady), "NAMESPACE_READY"
	n.ReadyBlock, n.Ready = e.b, true
	n.Sender = Hex(t.Sender)
	n.TxID, n.Vtxindex = t.TxID.String(), op.Vtxindex
	s := &storedNamespace{Namespace: &n, Keychain: cur.Keychain}
	return &change{
		opchar: byte(wire.OpNamespaceReady), field: n.field, apiRecord: &n,
		write: func(ctx context.Context) error {
			if err := e.w.putNamespace(s); err != nil {
				return err
			}
			e.namespaces[id] = s
			return nil
		},
	}, nil, nil
}
