package chainsync

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/txscript/v2"
	btcwire "github.com/btcsuite/btcd/wire/v2"

	"github.com/zonemirror/zonemirror/chainsync/txbuild"
	"github.com/zonemirror/zonemirror/internal/testbtcd"
	"github.com/zonemirror/zonemirror/namedb"
)

// A transaction carrying a payload the decoder refuses is counted by its
// reason and skipped; the block around it is applied.
func TestMalformedOperationsCounted(t *testing.T) {
	c := newTestChain(t, testNet())
	k := c.key("sender")
	sent := map[chainhash.Hash]bool{}
	for _, payload := range [][]byte{
		{'i', 'd', '?', 1, 2, 3},               // a preorder with a 3-byte body
		{'i', 'd', '+', 0xaa},                  // an update with a 1-byte body
		append([]byte("id:"), "Upper.case"...), // a registration of an invalid name
	} {
		script, err := txscript.NullDataScript(payload)
		if err != nil {
			t.Fatal(err)
		}
		tx, err := c.send.SendOutputs(k, []*btcwire.TxOut{btcwire.NewTxOut(0, script)})
		if err != nil {
			t.Fatal(err)
		}
		sent[tx.TxHash()] = true
	}
	before, _ := c.db.Tip()
	hash := c.mine()
	b, err := c.rpc.GetBlock(hash)
	if err != nil {
		t.Fatal(err)
	}
	for _, tx := range b.Transactions {
		delete(sent, tx.TxHash())
	}
	if len(sent) != 0 {
		t.Fatalf("the block lacks %d of the 3 transactions sent", len(sent))
	}
	// c.mine waited for namedb's tip: the syncer counts a block's
	// refusals before namedb shows the block applied.
	st := c.sync.Status()
	total := 0
	for _, n := range st.Refused {
		total += n
	}
	if total != 3 || st.Refused["ErrBodyLength"] != 2 {
		t.Errorf("refused %v, want 3 (2 ErrBodyLength)", st.Refused)
	}
	if tip, _ := c.db.Tip(); tip != before+1 {
		t.Errorf("tip %d, want %d", tip, before+1)
	}
}

// A node that goes away is retried with backoff and reported, never a
// crash; when it is back the syncer catches up by itself.
func TestNodeDownAndBack(t *testing.T) {
	ctx := context.Background()
	n := benchNet() // simnet keeps its chain when btcd restarts
	miner := txbuild.KeyFromSeed("miner down", n.Wire)
	node := testbtcd.Start(t, testbtcd.Options{Net: "simnet", MiningAddr: simnetAddress(t, miner)})
	rpc, err := node.Client()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rpc.Generate(5); err != nil {
		t.Fatal(err)
	}
	rpc.Shutdown()
	db, err := namedb.Open(ctx, filepath.Join(t.TempDir(), "names"), n)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := New(Config{Node: nodeConfig(node), PollEvery: 20 * time.Millisecond, MaxBackoff: 500 * time.Millisecond}, db)
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- s.Run(sctx) }()
	waitFor(t, "the first sync", func() bool { tip, _ := db.Tip(); return tip == 5 })

	node.Kill()
	waitFor(t, "the syncer to notice", func() bool {
		st := s.Status()
		return st.State == StateRetrying && st.LastError != "" && st.Retries > 0
	})
	if err := node.Restart(ctx); err != nil { // simnet: the chain is kept
		t.Fatal(err)
	}
	rpc, err = node.Client()
	if err != nil {
		t.Fatal(err)
	}
	defer rpc.Shutdown()
	if _, err := rpc.Generate(3); err != nil {
		t.Fatal(err)
	}
	// A btcd killed with -9 may lose its last blocks: the syncer follows
	// whatever chain the node has now (a reorg if it lost some).
	waitFor(t, "the syncer to catch up after the restart", func() bool {
		best, h, err := rpc.GetBestBlock()
		tip, hash := db.Tip()
		return err == nil && tip == int64(h) && [32]byte(*best) == hash
	})
	if st := s.Status(); st.State != StateCaughtUp && st.State != StateSyncing {
		t.Errorf("state %s after the node came back", st.State)
	}
	cancel()
	if err := <-done; err != context.Canceled {
		t.Errorf("Run returned %v, want context.Canceled", err)
	}
}
