package namedb

import (
	"bytes"
	"context"

	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// checkRegistration is NAME_REGISTRATION (PROTOCOL.md §5.2): the second
// phase of the preorder commitment, paid by the preorder.
func (e *engine) checkRegistration(ctx context.Context, op BlockOp, r *wire.NameRegistration) (*change, *RuleError, error) {
	t := op.Tx
	name := r.Name
	label, nsID, err := wire.SplitName(name)
	if err != nil {
		return nil, reject(ErrNameNotFound, "%v", err), nil
	}
	if r.TokenFee != nil && *r.TokenFee != 0 {
		return nil, reject(ErrTokens, "registration carries a token amount %d", *r.TokenFee), nil
	}
	live, err := e.liveName(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	if live != nil && live.Revoked {
		return nil, reject(ErrNameRevoked, "%s is revoked", name), nil
	}
	ns := e.namespaceReady(nsID)
	if ns == nil {
		return nil, reject(ErrNamespaceNotReady, "namespace %s is not ready", nsID), nil
	}
	recipient := t.Recipient
	n, err := e.namesOwned(ctx, recipient.Script)
	if err != nil {
		return nil, nil, err
	}
	if n >= e.net.MaxNamesPerSender {
		return nil, reject(ErrQuota, "recipient %s owns %d names", recipient.Address, n), nil
	}
	if isP2SH(recipient.Script) && e.epoch.Rules < wire.Epoch2 {
		return nil, reject(ErrNotInEpoch, "p2sh recipient %s before epoch 2", recipient.Address), nil
	}
	if live != nil {
		return nil, reject(ErrNameTaken, "%s is registered (owner %s)", name, live.Address), nil
	}
	hash, err := wire.PreorderHash(name, t.Sender, recipient.Address)
	if err != nil {
		return nil, reject(ErrNoPreorder, "%v", err), nil
	}
	pre, err := e.namePreorderPending(ctx, hash)
	if err != nil {
		return nil, nil, err
	}
	if pre == nil {
		return nil, reject(ErrNoPreorder, "no pending preorder %s for %s from %s to %s", hash, name, t.SenderAddress, recipient.Address), nil
	}
	p := pre.rec
	lastEpoch := e.net.EpochAt(e.last)
	if p.BlockNumber+int64(ns.Lifetime)*lastEpoch.LifetimeMultiplier <= e.last {
		return nil, reject(ErrPreorderExpired, "preorder of block %d is older than the namespace lifetime", p.BlockNumber), nil
	}
	if e.epoch.Rules >= wire.Epoch4 && p.BlockNumber+e.net.PreorderExpire < e.b {
		return nil, reject(ErrPreorderExpired, "preorder of block %d is older than %d blocks", p.BlockNumber, e.net.PreorderExpire), nil
	}
	if p.BlockNumber < ns.ReadyBlock {
		return nil, reject(ErrPreorderBeforeReady, "preorder of block %d is before namespace %s was ready (%d)", p.BlockNumber, nsID, ns.ReadyBlock), nil
	}
	if !bytes.Equal(p.Sender, t.Sender) {
		return nil, reject(ErrNoPreorder, "preorder was sent by %s", p.Address), nil
	}
	price := netparams.NamePrice(e.net, e.net.EpochAt(p.BlockNumber), priceFunction(ns.Namespace), label)
	if rerr := e.checkPayment(ns.Namespace, price, p.OpFee.Int, p.BurnAddress); rerr != nil {
		return nil, rerr, nil
	}
	if r.ValueHash != nil && e.epoch.Rules < wire.Epoch3 {
		return nil, reject(ErrNotInEpoch, "value hash in a registration before epoch 3"), nil
	}
	old, err := e.getName(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	blockNumber := p.BlockNumber
	if old != nil {
		blockNumber = old.BlockNumber
	}
	rec := &NameRecord{
		Name: name, NamespaceID: nsID, ValueHash: r.ValueHash,
		// the registration's own sender_pubkey: the preorderer's key, as the
		// registration must come from the preorder's sender (PROTOCOL.md §5.2)
		Sender: Hex(recipient.Script), SenderPubkey: nilIfEmpty(t.SenderPubkey), Address: recipient.Address,
		BlockNumber: blockNumber, PreorderBlockNumber: p.BlockNumber,
		FirstRegistered: e.b, LastRenewed: e.b,
		Op: string(wire.OpNameRegistration), Opcode: "NAME_REGISTRATION",
		TxID: t.TxID.String(), Vtxindex: op.Vtxindex, OpFee: p.OpFee.AsInt(),
		PreorderHash: p.PreorderHash, NameHash128: wire.NameHash128(name),
		NamespaceBlockNumber: ns.BlockNumber, LastCreationOp: string(wire.OpNamePreorder),
	}
	s := &storedName{NameRecord: rec}
	return &change{
		claim: nameClaim(name), opchar: byte(wire.OpNameRegistration),
		field: rec.field, apiRecord: rec, whitelist: r.ValueHash, name: name,
		write: func(ctx context.Context) error {
			if err := e.consumePreorder(ctx, pre); err != nil {
				return err
			}
			if err := e.w.putPreorderHistory(name, p, pre.raw); err != nil {
				return err
			}
			if err := e.w.putCreation(name, recipient.Address, e.b, op.Vtxindex); err != nil {
				return err
			}
			if err := e.putCarried(rec.PreorderHash, name); err != nil {
				return err
			}
			return e.putName(ctx, s)
		},
	}, nil, nil
}

// checkRenewal is NAME_RENEWAL (PROTOCOL.md §5.3): the owner pays again,
// priced at this block; from epoch 3 it may also change owner and value hash.
func (e *engine) checkRenewal(ctx context.Context, op BlockOp, r *wire.NameRegistration) (*change, *RuleError, error) {
	t := op.Tx
	name := r.Name
	label, nsID, err := wire.SplitName(name)
	if err != nil {
		return nil, reject(ErrNameNotFound, "%v", err), nil
	}
	recipient := t.Recipient
	if e.epoch.Rules < wire.Epoch3 && (!bytes.Equal(recipient.Script, t.Sender) || recipient.Address != t.SenderAddress) {
		return nil, reject(ErrNotInEpoch, "renewal to another owner before epoch 3"), nil
	}
	if e.epoch.Rules >= wire.Epoch4 {
		if r.ValueHash != nil && r.TokenFee == nil {
			return nil, reject(ErrNotInEpoch, "57-byte renewal body in epoch %d (the original reads no token field and refuses it)", e.epoch.Rules), nil
		}
		if r.TokenFee != nil && *r.TokenFee != 0 {
			return nil, reject(ErrTokens, "renewal pays %d µSTX", *r.TokenFee), nil
		}
	}
	live, err := e.liveName(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	if live != nil && live.Revoked {
		return nil, reject(ErrNameRevoked, "%s is revoked", name), nil
	}
	ns := e.namespaceReady(nsID)
	if ns == nil {
		return nil, reject(ErrNamespaceNotReady, "namespace %s is not ready", nsID), nil
	}
	n, err := e.namesOwned(ctx, recipient.Script)
	if err != nil {
		return nil, nil, err
	}
	if n >= e.net.MaxNamesPerSender {
		return nil, reject(ErrQuota, "recipient %s owns %d names", recipient.Address, n), nil
	}
	if live == nil {
		return nil, reject(ErrNameNotFound, "%s is not registered", name), nil
	}
	if !bytes.Equal(live.Sender, t.Sender) {
		return nil, reject(ErrNotOwner, "%s is owned by %s, not %s", name, live.Address, t.SenderAddress), nil
	}
	price := netparams.NamePrice(e.net, e.epoch, priceFunction(ns.Namespace), label)
	if rerr := e.checkPayment(ns.Namespace, price, t.Payment.Value, t.Payment.Address); rerr != nil {
		return nil, rerr, nil
	}
	s := cloneName(live)
	rec := s.NameRecord
	if e.epoch.Rules >= wire.Epoch3 && r.ValueHash != nil {
		rec.ValueHash = r.ValueHash
	}
	rec.LastRenewed = e.b
	rec.Sender, rec.Address = Hex(recipient.Script), recipient.Address
	rec.Op, rec.Opcode = "::", "NAME_RENEWAL"
	rec.TxID, rec.Vtxindex = t.TxID.String(), op.Vtxindex
	rec.OpFee = quirkFee(rec, IntFee(t.Payment.Value))
	rec.NamespaceBlockNumber = ns.BlockNumber
	return &change{
		opchar: byte(wire.OpNameRegistration), field: rec.field, apiRecord: rec,
		whitelist: rec.ValueHash, name: name,
		write: func(ctx context.Context) error { return e.putName(ctx, s) },
	}, nil, nil
}

// quirkFee is the op_fee a record carries after an operation: a float for
// names created by NAME_IMPORT, an integer otherwise (PROTOCOL.md §8.2).
func quirkFee(r *NameRecord, f Fee) Fee {
	if r.LastCreationOp == string(wire.OpNameImport) {
		return f.AsFloat()
	}
	return f.AsInt()
}
