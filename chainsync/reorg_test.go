package chainsync

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/btcsuite/btcd/btcjson"
	"github.com/btcsuite/btcd/rpcclient"

	"github.com/zonemirror/zonemirror/chainsync/txbuild"
	"github.com/zonemirror/zonemirror/internal/testbtcd"
	"github.com/zonemirror/zonemirror/namedb"
)

// Reorganizations of depth 1, 3 and 10, to a branch with different
// operations (they spend the same coins, so the losing branch's can never
// be mined again): after each, the synced database equals a fresh sync of
// the winning chain.
func TestReorgs(t *testing.T) {
	ctx := context.Background()
	c := newTestChain(t, testNet())
	alice, launcher := c.key("alice"), c.key("launcher")
	// B follows A over P2P until the two are split.
	b := testbtcd.Start(t, testbtcd.Options{MiningAddr: c.miner.Address})
	brpc, err := b.Client()
	if err != nil {
		t.Fatal(err)
	}
	defer brpc.Shutdown()
	temp := "temp"
	connect := func() {
		t.Helper()
		if err := brpc.Node(btcjson.NConnect, c.node.P2PAddr, &temp); err != nil {
			t.Fatal(err)
		}
	}
	disconnect := func() {
		t.Helper()
		peers, err := brpc.GetPeerInfo()
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range peers {
			if err := brpc.Node(btcjson.NDisconnect, p.Addr, nil); err != nil {
				t.Fatal(err)
			}
		}
		waitFor(t, "B to lose its peers", func() bool { p, _ := brpc.GetPeerInfo(); return len(p) == 0 })
	}
	sameTip := func() {
		t.Helper()
		waitFor(t, "A and B to share a tip", func() bool {
			ha, _, ea := c.rpc.GetBestBlock()
			hb, _, eb := brpc.GetBestBlock()
			return ea == nil && eb == nil && *ha == *hb
		})
	}
	connect()
	burn := c.b.BurnAddress()
	r, err := c.b.NamespacePreorder("reorg", alice, launcher.Address, c.ch(), 50_000_000)
	c.do(alice, r, err)
	c.mine()
	c.do(alice, txbuild.NamespaceReveal(reveal("reorg", 1000), launcher.Address), nil)
	c.mine()
	c.do(launcher, txbuild.NamespaceReady("reorg"), nil)
	c.mine()
	names := []string{"a.reorg", "b.reorg", "c.reorg"}
	for _, n := range names {
		r, err := c.b.Preorder(n, alice, alice.Address, c.ch(), burn, 10_000_000)
		c.do(alice, r, err)
	}
	c.mine()
	for _, n := range names {
		c.do(alice, txbuild.Register(n, alice.Address, nil), nil)
	}
	c.mine()
	sameTip()

	for _, depth := range []int{1, 3, 10} {
		t.Run(fmt.Sprint("depth ", depth), func(t *testing.T) {
			disconnect()
			undone := c.sync.Status().Undone
			onB := c.send.Fork(brpc)
			fork, _ := c.db.Tip()
			// A: depth blocks of updates; the syncer applies them.
			for i := range depth {
				c.do(alice, txbuild.Update(names[i%3], c.ch(), *value(fmt.Sprint("A", depth, i))), nil)
				c.mine()
			}
			if tip, _ := c.db.Tip(); tip != fork+int64(depth) {
				t.Fatalf("synced to %d before the reorg, want %d", tip, fork+int64(depth))
			}
			// B: depth+1 blocks of other operations, from the same coins.
			ch := c.chAt(fork)
			for i := range depth + 1 {
				if _, err := onB.Send(alice, txbuild.Update(names[(i+1)%3], ch, *value(fmt.Sprint("B", depth, i)))); err != nil {
					t.Fatal(err)
				}
				if i == depth {
					if _, err := onB.Send(alice, txbuild.Transfer("c.reorg", launcher.Address, true, ch)); err != nil {
						t.Fatal(err)
					}
				}
				if _, err := brpc.Generate(1); err != nil {
					t.Fatal(err)
				}
			}
			connect()
			sameTip()
			c.waitSynced()
			if got := c.sync.Status().Undone - undone; got < int64(depth) {
				t.Errorf("the reorg undid %d blocks, want at least %d", got, depth)
			}
			// B's branch won: its coins are the real ones now, sent through A.
			c.send = onB.Fork(c.rpc)
			compareWithFreshSync(t, c)
			if info, _ := c.db.Name(ctx, "c.reorg"); info.Record.Address != launcher.Address {
				t.Errorf("c.reorg owned by %s after B's transfer won", info.Record.Address)
			}
			// Give c.reorg back for the next round.
			c.do(launcher, txbuild.Transfer("c.reorg", alice.Address, true, c.ch()), nil)
			c.mine()
			sameTip()
		})
	}
}

// chAt is the consensus hash of block h.
func (c *testChain) chAt(h int64) (ch [16]byte) {
	v, _ := c.db.ConsensusHashAt(h)
	return v
}

// compareWithFreshSync syncs a new database from the node and checks that
// it answers like c's.
func compareWithFreshSync(t *testing.T, c *testChain) {
	t.Helper()
	ctx := context.Background()
	fresh, err := namedb.Open(ctx, filepath.Join(t.TempDir(), "fresh"), c.net)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	syncUntil(t, fresh, c.node, c.rpc)
	tip, hash := c.db.Tip()
	ftip, fhash := fresh.Tip()
	if tip != ftip || hash != fhash {
		t.Fatalf("tip %d %x, fresh sync %d %x", tip, hash, ftip, fhash)
	}
	for h := c.net.FirstBlock; h <= tip; h++ {
		a, _ := c.db.ConsensusHashAt(h)
		b, _ := fresh.ConsensusHashAt(h)
		if a != b {
			t.Fatalf("consensus hash at %d: %s, fresh sync %s", h, a, b)
		}
	}
	all, _ := c.db.AllNames(ctx, 0, 1000, true)
	fall, _ := fresh.AllNames(ctx, 0, 1000, true)
	if fmt.Sprint(all) != fmt.Sprint(fall) {
		t.Fatalf("names %v, fresh sync %v", all, fall)
	}
	for _, n := range all {
		a, _ := c.db.Name(ctx, n)
		b, _ := fresh.Name(ctx, n)
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Errorf("%s: %s, fresh sync %s", n, ja, jb)
		}
	}
	wa, _ := c.db.WhitelistAfter(ctx, 0, 1000)
	wb, _ := fresh.WhitelistAfter(ctx, 0, 1000)
	if fmt.Sprint(wa) != fmt.Sprint(wb) {
		t.Errorf("whitelist %v, fresh sync %v", wa, wb)
	}
	ra, _ := c.db.RejectionCounts(ctx)
	rb, _ := fresh.RejectionCounts(ctx)
	if fmt.Sprint(ra) != fmt.Sprint(rb) {
		t.Errorf("rejections %v, fresh sync %v", ra, rb)
	}
}

// syncUntil runs a syncer of db until it has the node's tip.
func syncUntil(t *testing.T, db *namedb.DB, node *testbtcd.Node, rpc *rpcclient.Client) *Syncer {
	t.Helper()
	want, err := rpc.GetBlockCount()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := New(Config{Node: nodeConfig(node), PollEvery: 20 * time.Millisecond}, db)
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	waitFor(t, "a fresh sync", func() bool { tip, _ := db.Tip(); return tip >= want })
	cancel()
	<-done
	return s
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
