package namedb

import (
	"bytes"
	"context"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// checkRevoke is NAME_REVOKE (PROTOCOL.md §5.6): the owner freezes the name
// and clears its zone-file hash until it expires.
func (e *engine) checkRevoke(ctx context.Context, op BlockOp, v *wire.NameRevoke) (*change, *RuleError, error) {
	t := op.Tx
	name := v.Name
	_, nsID, err := wire.SplitName(name)
	if err != nil {
		return nil, reject(ErrNameNotFound, "%v", err), nil
	}
	live, err := e.liveName(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	if live == nil {
		return nil, reject(ErrNameNotFound, "%s is not registered", name), nil
	}
	if e.namespaceReady(nsID) == nil {
		return nil, reject(ErrNamespaceNotReady, "namespace %s is not ready", nsID), nil
	}
	if live.Revoked {
		return nil, reject(ErrNameRevoked, "%s is already revoked", name), nil
	}
	if !e.recAlive(live.NameRecord, e.b) {
		return nil, reject(ErrNameNotFound, "%s expires at block %d", name, e.b), nil
	}
	if e.inGrace(live.NameRecord, e.b) {
		return nil, reject(ErrGracePeriod, "%s is in its renewal grace period", name), nil
	}
	if !bytes.Equal(live.Sender, t.Sender) {
		return nil, reject(ErrNotOwner, "%s is owned by %s, not %s", name, live.Address, t.SenderAddress), nil
	}
	s := cloneName(live)
	rec := s.NameRecord
	rec.Revoked, rec.ValueHash = true, nil
	rec.Op, rec.Opcode = string(wire.OpNameRevoke), "NAME_REVOKE"
	rec.TxID, rec.Vtxindex = t.TxID.String(), op.Vtxindex
	rec.OpFee = quirkFee(rec, rec.OpFee)
	return &change{
		opchar: byte(wire.OpNameRevoke), field: rec.field, apiRecord: rec, name: name,
		write: func(ctx context.Context) error { return e.putName(ctx, s) },
	}, nil, nil
}
