// Package testwhitelist fills a real name database (namedb on disk, devnet
// rules) with whitelisted zone-file hashes for tests and benchmarks of what
// follows the whitelist (the crawler, the publish command). Hashes enter
// the whitelist as the protocol has them enter it: each is the value hash
// of a NAME_IMPORT into a namespace that was preordered and revealed on
// the chain (PROTOCOL.md §5.7, §9.1). Rewind undoes blocks as a reorg does.
package testwhitelist

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/chainhash/v2"

	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// Namespace is the namespace the names are imported into.
const Namespace = "test"

// PerBlock is the most imports Announce puts in one block.
const PerBlock = 500

type actor struct {
	pub, script []byte
	addr        string
}

func newActor(p wire.Params, name string) actor {
	seed := sha256.Sum256([]byte("zonemirror testwhitelist " + name))
	priv, _ := btcec.PrivKeyFromBytes(seed[:])
	pub := priv.PubKey().SerializeCompressed()
	h := wire.SumHash160(pub)
	script := append(append([]byte{0x76, 0xa9, 0x14}, h[:]...), 0x88, 0xac)
	return actor{pub: pub, script: script, addr: p.Address(script)}
}

// Chain is a name database and the chain that fills it.
type Chain struct {
	DB       *namedb.DB
	Dir      string
	net      *netparams.Network
	importer actor
	names    int
	close    sync.Once
}

// Close closes the name database (again: nothing).
func (c *Chain) Close() {
	c.close.Do(func() { c.DB.Close() })
}

// Open opens (or creates) the name database in dir/names, on the regtest
// network (the devnet rules: `--data DATA --network regtest` of the
// commands reads DATA/regtest/names), and, when it is new, launches the
// namespace in two blocks (preorder, reveal). The database is closed when
// t ends.
func Open(t testing.TB, dir string) *Chain {
	t.Helper()
	n, err := netparams.Named("regtest")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "names")
	db, err := namedb.Open(context.Background(), path, n)
	if err != nil {
		t.Fatal(err)
	}
	c := &Chain{DB: db, Dir: path, net: n, importer: newActor(n.Wire, "importer")}
	t.Cleanup(c.Close)
	if h, _ := db.Tip(); h > 0 {
		cnt, _ := db.WhitelistCount(context.Background())
		c.names = int(cnt)
		return c
	}
	creator := newActor(n.Wire, "creator")
	ph, err := wire.PreorderHash(Namespace, creator.script, c.importer.addr)
	if err != nil {
		t.Fatal(err)
	}
	burn := &wire.Output{Index: 2, Script: wire.BurnScript(), Address: n.Wire.Address(wire.BurnScript()), Value: 40 * 100_000_000}
	c.mine(t, 0, c.op(creator, &wire.NamespacePreorder{PreorderHash: ph, ConsensusHash: c.consensusHash()}, nil, burn, 1))
	reveal := &wire.NamespaceReveal{Lifetime: 0xffffffff, Coeff: 250, Base: 4,
		Buckets:          [16]uint8{6, 5, 4, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		NonalphaDiscount: 4, NoVowelDiscount: 4, Version: 1, NamespaceID: Namespace}
	c.mine(t, 0, c.op(creator, reveal, &c.importer, nil, 1))
	return c
}

func (c *Chain) tip() int64 { h, _ := c.DB.Tip(); return h }

func (c *Chain) consensusHash() wire.Hash128 {
	if h, ok := c.DB.ConsensusHashAt(c.tip()); ok {
		return h
	}
	return c.net.GenesisConsensusHash
}

func (c *Chain) op(from actor, op wire.Op, to *actor, payment *wire.Output, vtx int) namedb.BlockOp {
	var id chainhash.Hash
	binary.BigEndian.PutUint64(id[:], uint64(c.tip()+1))
	binary.BigEndian.PutUint32(id[8:], uint32(vtx))
	id[31] = 0x7e
	tx := &wire.TxOp{Op: op, TxID: id, Sender: from.script, SenderAddress: from.addr, SenderPubkey: from.pub, Payment: payment, Fee: 1000}
	if to != nil {
		tx.Recipient = &wire.Output{Index: 1, Script: to.script, Address: to.addr, Value: 5500}
	}
	return namedb.BlockOp{Vtxindex: vtx, Tx: tx}
}

func (c *Chain) mine(t testing.TB, want int, ops ...namedb.BlockOp) {
	t.Helper()
	h := c.tip() + 1
	if want == 0 {
		want = len(ops)
	}
	res, err := c.DB.ApplyBlock(context.Background(), namedb.Block{Height: h, Hash: [32]byte{byte(h), byte(h >> 8), byte(h >> 16), 0x7e}, Ops: ops})
	if err != nil {
		t.Fatalf("block %d: %v", h, err)
	}
	if res.Accepted != want {
		for _, r := range res.Rejected {
			t.Logf("block %d op %d refused: %v", h, r.Vtxindex, r.Err)
		}
		t.Fatalf("block %d: %d of %d operations accepted", h, res.Accepted, want)
	}
}

// Announce whitelists hashes in chain order, PerBlock imports a block, and
// returns the height of the last block.
func (c *Chain) Announce(t testing.TB, hashes [][20]byte) int64 {
	t.Helper()
	for len(hashes) > 0 {
		n := min(PerBlock, len(hashes))
		ops := make([]namedb.BlockOp, n)
		for i, h := range hashes[:n] {
			c.names++
			owner := newActor(c.net.Wire, fmt.Sprintf("owner %d", c.names%50))
			o := c.op(c.importer, &wire.NameImport{Name: fmt.Sprintf("n%d.%s", c.names, Namespace)}, &owner, nil, i+1)
			v := wire.Hash160(h)
			o.Tx.ImportValueHash = &v
			ops[i] = o
		}
		c.mine(t, n, ops...)
		hashes = hashes[n:]
	}
	return c.tip()
}

// Tip is the height of the last block.
func (c *Chain) Tip() int64 { return c.tip() }

// Rewind undoes the blocks after height h, as a reorg does.
func (c *Chain) Rewind(t testing.TB, h int64) {
	t.Helper()
	if err := c.DB.Rewind(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	cnt, _ := c.DB.WhitelistCount(context.Background())
	c.names = int(cnt)
}
