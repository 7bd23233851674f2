package chainsync

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/rpcclient"

	"github.com/zonemirror/zonemirror/chainsync/txbuild"
	"github.com/zonemirror/zonemirror/internal/testbtcd"
	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// testChain is a real btcd (regtest), a miner key with mature coinbases,
// a sender that builds operations for test keys, and a name database kept
// in sync with the node by a Syncer.
type testChain struct {
	t     testing.TB
	node  *testbtcd.Node
	rpc   *rpcclient.Client
	net   *netparams.Network
	b     *txbuild.Builder
	send  *txbuild.Sender
	miner *txbuild.Key
	db    *namedb.DB
	sync  *Syncer
	// fundCoins coins of fundValue satoshis go to every key (default 10
	// of 1 BTC).
	fundCoins int
	fundValue int64
}

// testNet is the devnet the scenarios run: regtest addresses, epoch 3
// rules, short grace and reveal expiry.
func testNet() *netparams.Network {
	n := netparams.Devnet()
	n.Epochs[0].GracePeriod = 10
	n.NamespaceRevealExpire = 60
	n.ImportKeyringSize = 5
	return n
}

func nodeConfig(n *testbtcd.Node) NodeConfig {
	return NodeConfig{Host: n.RPCAddr, User: n.User, Pass: n.Pass}
}

// newTestChain starts the node, matures coinbases for the miner, opens a
// database and starts syncing it.
func newTestChain(t testing.TB, n *netparams.Network) *testChain {
	t.Helper()
	miner := txbuild.KeyFromSeed("miner "+t.Name(), n.Wire)
	return startTestChain(t, n, miner, testbtcd.Start(t, testbtcd.Options{MiningAddr: miner.Address}))
}

// startTestChain is newTestChain on a node of the caller's.
func startTestChain(t testing.TB, n *netparams.Network, miner *txbuild.Key, node *testbtcd.Node) *testChain {
	t.Helper()
	ctx := context.Background()
	rpc, err := node.Client()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rpc.Shutdown)
	b := &txbuild.Builder{Params: n.Wire}
	c := &testChain{t: t, node: node, rpc: rpc, net: n, b: b, send: txbuild.NewSender(b, rpc), miner: miner,
		fundCoins: 10, fundValue: 100_000_000}
	// 20 coinbases of 50 BTC mature after 100 more blocks.
	hashes, err := rpc.Generate(120)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.send.AddCoinbases(ctx, miner, hashes[:20]); err != nil {
		t.Fatal(err)
	}
	c.db, err = namedb.Open(ctx, filepath.Join(t.TempDir(), "names"), n)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.db.Close() })
	c.sync = New(Config{Node: nodeConfig(node), PollEvery: 50 * time.Millisecond}, c.db)
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- c.sync.Run(sctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && err != context.Canceled {
			t.Errorf("syncer: %v", err)
		}
	})
	c.waitSynced()
	return c
}

// key returns a funded key (fundCoins coins of fundValue).
func (c *testChain) key(seed string) *txbuild.Key {
	c.t.Helper()
	k := txbuild.KeyFromSeed(seed+" "+c.t.Name(), c.net.Wire)
	var pay []txbuild.Payment
	for range c.fundCoins {
		pay = append(pay, txbuild.Payment{Address: k.Address, Value: c.fundValue})
	}
	if _, err := c.send.Pay(c.miner, pay, k); err != nil {
		c.t.Fatal(err)
	}
	return k
}

// mine mines one block and waits until the database has it.
func (c *testChain) mine() *chainhash.Hash {
	c.t.Helper()
	h, err := c.rpc.Generate(1)
	if err != nil {
		c.t.Fatal(err)
	}
	c.waitSynced()
	return h[0]
}

// waitSynced waits until the database's tip is the node's.
func (c *testChain) waitSynced() {
	c.t.Helper()
	want, err := c.rpc.GetBlockCount()
	if err != nil {
		c.t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if tip, _ := c.db.Tip(); tip >= want {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	c.t.Fatalf("database at %d, node at %d after 30 s: %+v", func() int64 { h, _ := c.db.Tip(); return h }(), want, c.sync.Status())
}

// ch is the consensus hash an operation sent now carries.
func (c *testChain) ch() wire.Hash128 {
	tip, _ := c.db.Tip()
	h, _ := c.db.ConsensusHashAt(tip)
	return h
}

// do sends r from key, failing the test if it cannot be sent.
func (c *testChain) do(key *txbuild.Key, r txbuild.Request, err error) {
	c.t.Helper()
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := c.send.Send(key, r); err != nil {
		c.t.Fatal(err)
	}
}

func value(s string) *wire.Hash160 {
	h := wire.SumHash160([]byte(s))
	return &h
}

func reveal(id string, lifetime uint32) *wire.NamespaceReveal {
	return &wire.NamespaceReveal{Lifetime: lifetime, Coeff: 250, Base: 4,
		Buckets:          [16]uint8{6, 5, 4, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		NonalphaDiscount: 4, NoVowelDiscount: 4, Version: 1, NamespaceID: id}
}

// buildNames launches namespace id and sends rounds × perRound names
// through preorder, registration and update blocks (3 blocks a round),
// from owners that keep under the quota. It returns the names.
func (c *testChain) buildNames(id string, rounds, perRound int) []string {
	c.t.Helper()
	creator, launcher := c.key("creator "+id), c.key("launcher "+id)
	r, err := c.b.NamespacePreorder(id, creator, launcher.Address, c.ch(), 50_000_000)
	c.do(creator, r, err)
	c.mine()
	c.do(creator, txbuild.NamespaceReveal(reveal(id, 100_000), launcher.Address), nil)
	c.mine()
	c.do(launcher, txbuild.NamespaceReady(id), nil)
	c.mine()
	// Owners need little: 20 names at ~0.0011 BTC each.
	coins, v := c.fundCoins, c.fundValue
	c.fundCoins, c.fundValue = 5, 1_000_000
	defer func() { c.fundCoins, c.fundValue = coins, v }()
	owners := make([]*txbuild.Key, (rounds*perRound+19)/20)
	for i := range owners {
		owners[i] = c.key(fmt.Sprint("owner ", id, " ", i))
		if i%20 == 19 {
			c.mine() // keep the miner's chain of unconfirmed change short
		}
	}
	c.mine()
	burn := c.b.BurnAddress()
	var names []string
	for round := range rounds {
		batch := make([]string, perRound)
		for i := range batch {
			batch[i] = fmt.Sprintf("n%d-%d.%s", round, i, id)
		}
		owner := func(i int) *txbuild.Key { return owners[(round*perRound+i)/20] }
		for i, n := range batch {
			r, err := c.b.Preorder(n, owner(i), owner(i).Address, c.ch(), burn, 100_000)
			c.do(owner(i), r, err)
		}
		c.mine()
		for i, n := range batch {
			c.do(owner(i), txbuild.Register(n, owner(i).Address, nil), nil)
		}
		c.mine()
		for i, n := range batch {
			c.do(owner(i), txbuild.Update(n, c.ch(), *value("zone " + n)), nil)
		}
		c.mine()
		names = append(names, batch...)
	}
	return names
}
