package chainsync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/btcsuite/btcd/chainhash/v2"

	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/netparams"
)

// Store is the name database the syncer applies blocks to (namedb.DB).
type Store interface {
	ApplyBlock(ctx context.Context, b namedb.Block) (*namedb.BlockResult, error)
	Rewind(ctx context.Context, h int64) error
	Tip() (int64, [32]byte)
	BlockHash(ctx context.Context, h int64) ([32]byte, bool, error)
	Network() *netparams.Network
}

// Config is the syncer's configuration.
type Config struct {
	// Node is how to reach the Bitcoin node.
	Node NodeConfig
	// Confirmations a block needs before it is applied; -1 (or leaving
	// UseConfirmations false) takes the network's (mainnet 6, devnet 0).
	Confirmations int
	// UseConfirmations says Confirmations is set.
	UseConfirmations bool
	// Window is how many block requests are in flight. Default 64.
	Window int
	// PollEvery is how often the node's tip is checked when caught up
	// (block notifications wake the syncer sooner). Default 1 s.
	PollEvery time.Duration
	// OutpointCache is how many spendable outputs are remembered to find
	// the senders of operations without asking the node. Default 500,000
	// (about 75 MB).
	OutpointCache int
	// MaxBackoff bounds the wait between retries when the node fails.
	// Default 30 s.
	MaxBackoff time.Duration
}

func (c *Config) withDefaults(n *netparams.Network) Config {
	out := *c
	if !out.UseConfirmations || out.Confirmations < 0 {
		out.Confirmations = n.Confirmations
	}
	if out.Window <= 0 {
		out.Window = 64
	}
	if out.PollEvery <= 0 {
		out.PollEvery = time.Second
	}
	if out.OutpointCache == 0 {
		out.OutpointCache = 500_000
	}
	if out.MaxBackoff <= 0 {
		out.MaxBackoff = 30 * time.Second
	}
	return out
}

// Syncer follows a Bitcoin node and applies its blocks to a Store.
type Syncer struct {
	cfg   Config
	db    Store
	net   *netparams.Network
	st    status
	cache *outpointCache
}

// New returns a syncer of db following the node of cfg.
func New(cfg Config, db Store) *Syncer {
	n := db.Network()
	c := cfg.withDefaults(n)
	s := &Syncer{cfg: c, db: db, net: n, cache: newOutpointCache(c.OutpointCache)}
	s.st.s = Status{State: StateConnecting, Since: time.Now(), Refused: map[string]int{}}
	s.st.s.Height, _ = db.Tip()
	return s
}

// Status returns a snapshot of the syncer's progress.
func (s *Syncer) Status() Status { return s.st.get() }

// errReorg ends a pass when the node's chain no longer contains our tip.
var errReorg = errors.New("the node's chain changed under the synced tip")

// Run syncs until ctx ends (returning its error) or the network's stop
// block is applied (returning nil). A failing node is retried with
// backoff and reported in Status; Run does not return for it.
func (s *Syncer) Run(ctx context.Context) error {
	defer s.st.set(func(st *Status) {
		if st.State != StateDone {
			st.State = StateStopped
		}
	})
	backoff := min(time.Second, s.cfg.MaxBackoff)
	for {
		err := s.pass(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var fatal *fatalError
		if errors.As(err, &fatal) {
			return err
		}
		s.st.set(func(st *Status) {
			st.State, st.LastError = StateRetrying, err.Error()
			st.Retries++
		})
		slog.Warn("chain sync: node failed; retrying", "err", err, "in", backoff)
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return ctx.Err()
		}
		backoff = min(2*backoff, s.cfg.MaxBackoff)
	}
}

// fatalError is an error retrying cannot fix (the database failed).
type fatalError struct{ err error }

func (f *fatalError) Error() string { return f.err.Error() }
func (f *fatalError) Unwrap() error { return f.err }

// pass connects and syncs until the connection fails or ctx ends.
func (s *Syncer) pass(ctx context.Context) error {
	s.st.set(func(st *Status) { st.State = StateConnecting })
	n, err := dialNode(s.cfg.Node)
	if err != nil {
		return err
	}
	defer n.close()
	x := &extractor{net: s.net, node: n, cache: s.cache}
	for {
		nodeHeight, err := s.callHeight(ctx, n)
		if err != nil {
			return err
		}
		target := nodeHeight - int64(s.cfg.Confirmations)
		if s.net.StopBlock > 0 {
			target = min(target, s.net.StopBlock)
		}
		s.st.set(func(st *Status) { st.NodeHeight, st.Target, st.LastError = nodeHeight, target, "" })
		if err := s.checkTip(ctx, n); err != nil {
			if !errors.Is(err, errReorg) {
				return err
			}
			if err := s.reorg(ctx, n); err != nil {
				return err
			}
			continue
		}
		tip, _ := s.db.Tip()
		if tip < target {
			s.st.set(func(st *Status) { st.State = StateSyncing })
			err := s.syncRange(ctx, n, x, tip+1, target)
			if errors.Is(err, errReorg) {
				if err := s.reorg(ctx, n); err != nil {
					return err
				}
				continue
			}
			if err != nil {
				return err
			}
			continue
		}
		if s.net.StopBlock > 0 && tip >= s.net.StopBlock {
			s.st.set(func(st *Status) { st.State = StateDone })
			return nil
		}
		s.st.set(func(st *Status) { st.State = StateCaughtUp; st.BlocksPerSec, st.ETA = 0, 0 })
		select {
		case <-n.wake:
		case <-time.After(s.cfg.PollEvery):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (s *Syncer) callHeight(ctx context.Context, n *node) (int64, error) {
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	h, err := n.height(cctx)
	if err != nil {
		return 0, fmt.Errorf("node height: %w", err)
	}
	return h, nil
}

// checkTip returns errReorg if the node's block at our tip height is not
// our tip.
func (s *Syncer) checkTip(ctx context.Context, n *node) error {
	tip, hash := s.db.Tip()
	if tip < s.net.FirstBlock {
		return nil
	}
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	nodeHeight, err := n.height(cctx)
	if err != nil {
		return fmt.Errorf("node height: %w", err)
	}
	if nodeHeight < tip {
		return errReorg
	}
	h, err := n.hashAt(cctx, tip)
	if err != nil {
		// The node's chain may have shrunk since: that is a reorg.
		if now, herr := n.height(cctx); herr == nil && now < tip {
			return errReorg
		}
		return fmt.Errorf("node block hash %d: %w", tip, err)
	}
	if h != chainhash.Hash(hash) {
		return errReorg
	}
	return nil
}

// reorg finds the last block we share with the node and rewinds to it.
func (s *Syncer) reorg(ctx context.Context, n *node) error {
	tip, _ := s.db.Tip()
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	nodeHeight, err := n.height(cctx)
	if err != nil {
		return fmt.Errorf("find the fork: %w", err)
	}
	fork := s.net.FirstBlock - 1
	for h := min(tip, nodeHeight); h >= s.net.FirstBlock; h-- {
		ours, ok, err := s.db.BlockHash(ctx, h)
		if err != nil {
			return &fatalError{fmt.Errorf("find the fork: %w", err)}
		}
		theirs, err := n.hashAt(cctx, h)
		if err != nil {
			if now, herr := n.height(cctx); herr == nil && now < h {
				continue // the node's chain shrank meanwhile: look lower
			}
			return fmt.Errorf("find the fork: node block hash %d: %w", h, err)
		}
		if ok && chainhash.Hash(ours) == theirs {
			fork = h
			break
		}
	}
	if err := s.db.Rewind(ctx, fork); err != nil {
		return &fatalError{fmt.Errorf("rewind to the fork %d: %w", fork, err)}
	}
	depth := tip - fork
	slog.Info("chain sync: reorganization", "fork", fork, "undone", depth)
	s.st.set(func(st *Status) {
		st.Reorgs++
		st.Undone += depth
		st.LastReorg, st.Height = depth, fork
	})
	return nil
}

// syncRange applies the blocks from..to, fetched ahead of the indexer.
func (s *Syncer) syncRange(ctx context.Context, n *node, x *extractor, from, to int64) error {
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type decoded struct {
		height  int64
		hash    chainhash.Hash
		prev    chainhash.Hash
		ops     []namedb.BlockOp
		refused map[string]int
		err     error
	}
	// Decoding runs ahead of the database, in height order.
	out := make(chan decoded, s.cfg.Window)
	go func() {
		defer close(out)
		for f := range n.fetch(fctx, from, to, s.cfg.Window) {
			if f.err != nil {
				out <- decoded{height: f.height, err: f.err}
				return
			}
			ops, refused, err := x.blockOps(fctx, f.height, f.block)
			d := decoded{height: f.height, hash: f.block.BlockHash(), prev: f.block.Header.PrevBlock, ops: ops, refused: refused, err: err}
			select {
			case out <- d:
			case <-fctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	for d := range out {
		if d.err != nil {
			return d.err
		}
		tip, tipHash := s.db.Tip()
		if d.height != tip+1 {
			return fmt.Errorf("block %d arrived after block %d", d.height, tip)
		}
		if tip >= s.net.FirstBlock && d.prev != chainhash.Hash(tipHash) {
			return errReorg
		}
		// The block's counts go into the status before namedb makes the
		// block visible: whoever sees block h applied (namedb's tip) then
		// sees its operations and refusals counted.
		s.st.handed(len(d.ops), d.refused)
		res, err := s.db.ApplyBlock(ctx, namedb.Block{Height: d.height, Hash: d.hash, Ops: d.ops})
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return &fatalError{err}
		}
		s.st.applied(d.height)
		if len(res.Rejected) > 0 {
			slog.Debug("chain sync: operations refused", "height", d.height, "refused", len(res.Rejected))
		}
	}
	return ctx.Err()
}
