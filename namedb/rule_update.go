package namedb

import (
	"context"
	"slices"

	"github.com/zonemirror/zonemirror/namedb/consensus"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// checkUpdate is NAME_UPDATE (PROTOCOL.md §5.4). The payload names the name
// only through hash128(name ‖ consensus hash), so the name is found among
// the sender's names and the window's consensus hashes.
func (e *engine) checkUpdate(ctx context.Context, op BlockOp, u *wire.NameUpdate) (*change, *RuleError, error) {
	t := op.Tx
	owned, err := e.ownedNames(ctx, t.Sender)
	if err != nil {
		return nil, nil, err
	}
	if len(owned) > e.net.MaxNamesPerSender {
		return nil, reject(ErrQuota, "sender %s owns %d names", t.SenderAddress, len(owned)), nil
	}
	name, ch, found := e.resolveUpdate(owned, u.NameConsensusHash)
	if !found {
		return nil, reject(ErrNameNotFound, "no name of %s matches %s with a recent consensus hash", t.SenderAddress, u.NameConsensusHash), nil
	}
	live, err := e.liveName(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	if live == nil {
		return nil, reject(ErrNameNotFound, "%s is expired", name), nil
	}
	ns := e.namespaceReady(live.NamespaceID)
	if ns == nil {
		return nil, reject(ErrNamespaceNotReady, "namespace %s is not ready", live.NamespaceID), nil
	}
	if live.Revoked {
		return nil, reject(ErrNameRevoked, "%s is revoked", name), nil
	}
	if ns.Lifetime != InfiniteLifetime && e.inGrace(live.NameRecord, e.b) {
		return nil, reject(ErrGracePeriod, "%s is in its renewal grace period", name), nil
	}
	s := cloneName(live)
	rec := s.NameRecord
	vh := u.ValueHash
	rec.ValueHash = &vh
	rec.ConsensusHash = &ch
	rec.Op, rec.Opcode = string(wire.OpNameUpdate), "NAME_UPDATE"
	rec.TxID, rec.Vtxindex = t.TxID.String(), op.Vtxindex
	rec.OpFee = quirkFee(rec, rec.OpFee)
	s.UpdateConsensusHash = &ch
	return &change{
		opchar: byte(wire.OpNameUpdate),
		field: nameRecordField(rec, map[string]consensus.Value{
			"name_consensus_hash": consensus.Str(u.NameConsensusHash.String()),
		}),
		apiRecord: rec, whitelist: &vh, name: name,
		write: func(ctx context.Context) error { return e.putName(ctx, s) },
	}, nil, nil
}

// resolveUpdate finds the name and consensus hash whose hash128 is h,
// trying names in name order (it sorts them). The hashes of a name with
// the window's consensus hashes are the same for the whole block: they are
// computed once per name and block.
func (e *engine) resolveUpdate(names []string, h wire.Hash128) (string, wire.Hash128, bool) {
	slices.Sort(names)
	if e.windowCHs == nil {
		for j := e.b - e.net.ConsensusWindow; j < e.b; j++ {
			if ch, ok := e.db.chAt(j); ok {
				e.windowCHs = append(e.windowCHs, ch)
			}
		}
		e.nameCHs = map[string][]wire.Hash128{}
	}
	for _, name := range names {
		hs, ok := e.nameCHs[name]
		if !ok {
			hs = make([]wire.Hash128, len(e.windowCHs))
			for i, ch := range e.windowCHs {
				hs[i] = wire.NameConsensusHash(name, ch)
			}
			e.nameCHs[name] = hs
		}
		for i, nh := range hs {
			if nh == h {
				return name, e.windowCHs[i], true
			}
		}
	}
	return "", wire.Hash128{}, false
}
