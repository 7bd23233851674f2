package namedb

import (
	"context"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// checkPreorder is NAME_PREORDER (PROTOCOL.md §5.1): a new hash, a recent
// consensus hash, a sender under quota. The payment is checked by the
// registration that uses it.
func (e *engine) checkPreorder(ctx context.Context, op BlockOp, p *wire.NamePreorder) (*change, *RuleError, error) {
	t := op.Tx
	if p.TokenFee != nil {
		return nil, reject(ErrTokens, "preorder pays %d µSTX; token accounts are not kept", *p.TokenFee), nil
	}
	pending, err := e.namePreorderPending(ctx, p.PreorderHash)
	if err != nil {
		return nil, nil, err
	}
	if pending != nil {
		return nil, reject(ErrPreorderExists, "preorder %s is already pending (block %d)", p.PreorderHash, pending.rec.BlockNumber), nil
	}
	if !e.validConsensusHash(p.ConsensusHash) {
		return nil, reject(ErrConsensusHash, "consensus hash %s is not one of the last %d blocks'", p.ConsensusHash, e.net.ConsensusWindow), nil
	}
	n, err := e.namesOwned(ctx, t.Sender)
	if err != nil {
		return nil, nil, err
	}
	if n >= e.net.MaxNamesPerSender {
		return nil, reject(ErrQuota, "sender %s owns %d names", t.SenderAddress, n), nil
	}
	rec := &PreorderRecord{
		PreorderHash: p.PreorderHash, ConsensusHash: p.ConsensusHash,
		Sender: Hex(t.Sender), SenderPubkey: nilIfEmpty(t.SenderPubkey), Address: t.SenderAddress,
		BlockNumber: e.b, Op: string(wire.OpNamePreorder), Opcode: "NAME_PREORDER",
		TxID: t.TxID.String(), Vtxindex: op.Vtxindex,
		OpFee: IntFee(t.Payment.Value), BurnAddress: t.Payment.Address,
	}
	return &change{
		claim:     "pre:" + p.PreorderHash.String(),
		opchar:    byte(wire.OpNamePreorder),
		field:     rec.field,
		apiRecord: rec,
		write:     func(ctx context.Context) error { return e.putPreorder(ctx, rec) },
	}, nil, nil
}

func nilIfEmpty(b []byte) Hex {
	if len(b) == 0 {
		return nil
	}
	return Hex(b)
}
