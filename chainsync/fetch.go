package chainsync

import (
	"context"
	"fmt"

	"github.com/btcsuite/btcd/rpcclient"
	btcwire "github.com/btcsuite/btcd/wire/v2"
)

// fetched is one block from the node, or the error that ended the stream.
type fetched struct {
	height int64
	block  *btcwire.MsgBlock
	err    error
}

// fetch streams the blocks from..to in height order, with up to window
// requests in flight: getblockhash for the heights ahead, getblock (raw,
// never verbose) for the hashes known. The stream ends after to, at the
// first error (sent last), or when ctx ends.
func (n *node) fetch(ctx context.Context, from, to int64, window int) <-chan fetched {
	out := make(chan fetched, window)
	go func() {
		defer close(out)
		type pendingBlock struct {
			height int64
			f      rpcclient.FutureGetBlockResult
		}
		type pendingHash struct {
			height int64
			f      rpcclient.FutureGetBlockHashResult
		}
		var hashes []pendingHash
		var blocks []pendingBlock
		next := from
		send := func(f fetched) bool {
			select {
			case out <- f:
				return f.err == nil
			case <-ctx.Done():
				return false
			}
		}
		for next <= to || len(hashes) > 0 || len(blocks) > 0 {
			if ctx.Err() != nil {
				return
			}
			for len(hashes)+len(blocks) < 2*window && len(hashes) < window && next <= to {
				hashes = append(hashes, pendingHash{next, n.c().GetBlockHashAsync(next)})
				next++
			}
			if len(hashes) > 0 && len(blocks) < window {
				p := hashes[0]
				hashes = hashes[1:]
				h, err := p.f.Receive()
				if err != nil {
					send(fetched{height: p.height, err: fmt.Errorf("getblockhash %d: %w", p.height, err)})
					return
				}
				blocks = append(blocks, pendingBlock{p.height, n.c().GetBlockAsync(h)})
				continue
			}
			p := blocks[0]
			blocks = blocks[1:]
			b, err := p.f.Receive()
			if err != nil {
				err = fmt.Errorf("getblock %d: %w", p.height, err)
			}
			if !send(fetched{height: p.height, block: b, err: err}) {
				return
			}
		}
	}()
	return out
}
