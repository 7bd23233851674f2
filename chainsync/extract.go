package chainsync

import (
	"bytes"
	"context"
	"fmt"

	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/rpcclient"
	btcwire "github.com/btcsuite/btcd/wire/v2"

	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// extractor finds the name operations of blocks, in height order: the
// transactions whose payload starts with the magic, decoded with the
// scripts and values of the outputs their inputs spend (from the outpoint
// cache, else getrawtransaction).
type extractor struct {
	net   *netparams.Network
	node  *node
	cache *outpointCache
}

// blockOps returns the decoded operations of blk at height h, and the
// transactions the decoder refused, by reason code.
func (x *extractor) blockOps(ctx context.Context, h int64, blk *btcwire.MsgBlock) ([]namedb.BlockOp, map[string]int, error) {
	magic := x.net.Wire.Magic[:]
	type candidate struct {
		vtx      int
		tx       *btcwire.MsgTx
		prevouts []wire.Prevout
		missing  []int // inputs whose spent output is not cached
	}
	var cands []*candidate
	need := map[chainhash.Hash]bool{}
	for i, tx := range blk.Transactions {
		if payload, ok := wire.FindPayload(tx); ok && len(payload) >= 3 && bytes.Equal(payload[:2], magic) && i > 0 {
			c := &candidate{vtx: i, tx: tx, prevouts: make([]wire.Prevout, len(tx.TxIn))}
			for j, in := range tx.TxIn {
				if p, ok := x.cache.get(in.PreviousOutPoint); ok {
					c.prevouts[j] = p
				} else {
					c.missing = append(c.missing, j)
					need[in.PreviousOutPoint.Hash] = true
				}
			}
			cands = append(cands, c)
		}
		// Later transactions of the block may spend this one's outputs.
		x.cache.addTx(tx)
	}
	if len(cands) == 0 {
		return nil, nil, nil
	}
	if len(need) > 0 {
		txs, err := x.rawTxs(ctx, need)
		if err != nil {
			return nil, nil, fmt.Errorf("block %d: %w", h, err)
		}
		for _, c := range cands {
			for _, j := range c.missing {
				op := c.tx.TxIn[j].PreviousOutPoint
				prev := txs[op.Hash]
				if prev == nil || int(op.Index) >= len(prev.TxOut) {
					return nil, nil, fmt.Errorf("block %d tx %d: the node has no output %s", h, c.vtx, op)
				}
				o := prev.TxOut[op.Index]
				c.prevouts[j] = wire.Prevout{Script: o.PkScript, Value: o.Value}
			}
		}
	}
	epoch := x.net.EpochAt(h).Rules
	var ops []namedb.BlockOp
	var refused map[string]int
	for _, c := range cands {
		op, err := wire.DecodeTx(c.tx, c.prevouts, x.net.Wire, epoch)
		if err != nil {
			code, _ := wire.CodeOf(err)
			if refused == nil {
				refused = map[string]int{}
			}
			refused[code.String()]++
			continue
		}
		ops = append(ops, namedb.BlockOp{Vtxindex: c.vtx, Tx: op})
	}
	return ops, refused, nil
}

// rawTxs fetches transactions by id (txindex), all requests in flight at
// once.
func (x *extractor) rawTxs(ctx context.Context, ids map[chainhash.Hash]bool) (map[chainhash.Hash]*btcwire.MsgTx, error) {
	type req struct {
		id chainhash.Hash
		f  rpcclient.FutureGetRawTransactionResult
	}
	reqs := make([]req, 0, len(ids))
	for id := range ids {
		id := id
		reqs = append(reqs, req{id, x.node.c().GetRawTransactionAsync(&id)})
	}
	out := make(map[chainhash.Hash]*btcwire.MsgTx, len(ids))
	for _, r := range reqs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		tx, err := r.f.Receive()
		if err != nil {
			return nil, fmt.Errorf("getrawtransaction %s (is the node's txindex on?): %w", r.id, err)
		}
		out[r.id] = tx.MsgTx()
	}
	return out, nil
}
