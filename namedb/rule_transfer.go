package namedb

import (
	"bytes"
	"context"
	"slices"

	"github.com/zonemirror/zonemirror/namedb/consensus"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// checkTransfer is NAME_TRANSFER (PROTOCOL.md §5.5).
func (e *engine) checkTransfer(ctx context.Context, op BlockOp, x *wire.NameTransfer) (*change, *RuleError, error) {
	t := op.Tx
	name := ""
	for _, r := range e.hash128Rows(x.NameHash128) {
		if e.alive(r.namespaceID, r.firstRegistered, r.lastRenewed, e.last) {
			name = r.name
			break
		}
	}
	if name == "" {
		return nil, reject(ErrNameNotFound, "no live name has hash %s", x.NameHash128), nil
	}
	live, err := e.liveName(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	if live == nil {
		return nil, reject(ErrNameNotFound, "%s is expired", name), nil
	}
	if e.namespaceReady(live.NamespaceID) == nil {
		return nil, reject(ErrNamespaceNotReady, "namespace %s is not ready", live.NamespaceID), nil
	}
	if live.Revoked {
		return nil, reject(ErrNameRevoked, "%s is revoked", name), nil
	}
	if e.inGrace(live.NameRecord, e.b) {
		return nil, reject(ErrGracePeriod, "%s is in its renewal grace period", name), nil
	}
	if !e.validConsensusHash(x.ConsensusHash) {
		return nil, reject(ErrConsensusHash, "consensus hash %s is not one of the last %d blocks'", x.ConsensusHash, e.net.ConsensusWindow), nil
	}
	recipient := t.Recipient
	if bytes.Equal(t.Sender, recipient.Script) {
		return nil, reject(ErrSameOwner, "transfer of %s to its sender", name), nil
	}
	if !bytes.Equal(live.Sender, t.Sender) {
		return nil, reject(ErrNotOwner, "%s is owned by %s, not %s", name, live.Address, t.SenderAddress), nil
	}
	owned, err := e.ownedNames(ctx, recipient.Script)
	if err != nil {
		return nil, nil, err
	}
	if slices.Contains(owned, name) {
		return nil, reject(ErrSameOwner, "recipient %s already owns %s", recipient.Address, name), nil
	}
	if len(owned) >= e.net.MaxNamesPerSender {
		return nil, reject(ErrQuota, "recipient %s owns %d names", recipient.Address, len(owned)), nil
	}
	if isP2SH(t.Sender) && e.epoch.Rules < wire.Epoch2 {
		return nil, reject(ErrNotInEpoch, "p2sh sender before epoch 2"), nil
	}
	s := cloneName(live)
	rec := s.NameRecord
	rec.Sender, rec.Address, rec.SenderPubkey = Hex(recipient.Script), recipient.Address, nil
	if x.KeepData {
		rec.Op = ">>"
	} else {
		rec.Op = ">~"
		rec.ValueHash = nil
	}
	rec.Opcode = "NAME_TRANSFER"
	rec.TxID, rec.Vtxindex = t.TxID.String(), op.Vtxindex
	rec.OpFee = quirkFee(rec, rec.OpFee)
	// The quirk: the record keeps the consensus hash of the last update
	// since the name's creation, if there was one.
	ch := x.ConsensusHash
	if s.UpdateConsensusHash != nil {
		ch = *s.UpdateConsensusHash
	}
	rec.ConsensusHash = &ch
	return &change{
		opchar: byte(wire.OpNameTransfer),
		field: nameRecordField(rec, map[string]consensus.Value{
			"name_hash128": consensus.Str(x.NameHash128.String()),
			"keep_data":    consensus.Bool(x.KeepData),
		}),
		apiRecord: rec,
		extra:     map[string]any{"keep_data": x.KeepData, "last_creation_op": nil},
		name:      name,
		write:     func(ctx context.Context) error { return e.putName(ctx, s) },
	}, nil, nil
}
