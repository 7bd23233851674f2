// Package namedbtest builds name databases for the tests of the packages
// that read one (the mirror, its HTTP and DNS servers): a devnet chain on
// a real namedb on disk, driven block by block with operations as the
// decoder would hand them over — namespaces launched, names registered
// with zone files, updated, transferred, revoked — without a Bitcoin
// node. Tests of the chain link itself (chainsync) use a real btcd.
package namedbtest

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/chainhash/v2"

	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// Key is a test owner: a key, its p2pkh script and address.
type Key struct {
	Pub     []byte
	Script  []byte
	Address string
}

// Chain is a devnet name database and the next block's operations.
type Chain struct {
	t       testing.TB
	DB      *namedb.DB
	Net     *netparams.Network
	pending []namedb.BlockOp
}

// New opens a database of network n in a temp folder of t and closes it
// when t ends. n defaults to netparams.Named("regtest").
func New(t testing.TB, n *netparams.Network) *Chain {
	t.Helper()
	return NewAt(t, n, filepath.Join(t.TempDir(), "names"))
}

// NewAt is New with the database in the folder path (a mirror's
// DATA/NETWORK/names, for tests of commands that open it).
func NewAt(t testing.TB, n *netparams.Network, path string) *Chain {
	t.Helper()
	if n == nil {
		n, _ = netparams.Named("regtest")
	}
	db, err := namedb.Open(context.Background(), path, n)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &Chain{t: t, DB: db, Net: n}
}

// Key returns the test key of seed.
func (c *Chain) Key(seed string) *Key {
	s := sha256.Sum256([]byte("namedbtest " + seed))
	priv, _ := btcec.PrivKeyFromBytes(s[:])
	pub := priv.PubKey().SerializeCompressed()
	h := wire.SumHash160(pub)
	script := append(append([]byte{0x76, 0xa9, 0x14}, h[:]...), 0x88, 0xac)
	return &Key{Pub: pub, Script: script, Address: c.Net.Wire.Address(script)}
}

// Tip is the last block applied.
func (c *Chain) Tip() int64 { h, _ := c.DB.Tip(); return h }

// ConsensusHash is the consensus hash an operation sent now carries.
func (c *Chain) ConsensusHash() wire.Hash128 {
	h, ok := c.DB.ConsensusHashAt(c.Tip())
	if !ok {
		return c.Net.GenesisConsensusHash
	}
	return h
}

func (c *Chain) op(from *Key, op wire.Op, to *Key, pay *wire.Output) *wire.TxOp {
	var id chainhash.Hash
	binary.BigEndian.PutUint64(id[:], uint64(c.Tip()+1))
	binary.BigEndian.PutUint32(id[8:], uint32(len(c.pending)+1))
	id[31] = 0x7e
	t := &wire.TxOp{Op: op, TxID: id, Sender: from.Script, SenderAddress: from.Address, SenderPubkey: from.Pub, Payment: pay, Fee: 1000,
		Outputs: wire.OutputsFor(op)}
	if to != nil {
		t.Recipient = &wire.Output{Index: 1, Script: to.Script, Address: to.Address, Value: 5500}
	}
	c.pending = append(c.pending, namedb.BlockOp{Vtxindex: len(c.pending) + 1, Tx: t})
	return t
}

func (c *Chain) burn(index int, value int64) *wire.Output {
	return &wire.Output{Index: index, Script: wire.BurnScript(), Address: c.Net.Wire.Address(wire.BurnScript()), Value: value}
}

// Mine applies the queued operations as the next block; every one must be
// accepted.
func (c *Chain) Mine() *namedb.BlockResult {
	c.t.Helper()
	h := c.Tip() + 1
	ops := c.pending
	c.pending = nil
	res, err := c.DB.ApplyBlock(context.Background(), namedb.Block{Height: h, Hash: [32]byte{byte(h), byte(h >> 8), byte(h >> 16), 0x7e}, Ops: ops})
	if err != nil {
		c.t.Fatalf("block %d: %v", h, err)
	}
	for _, r := range res.Rejected {
		c.t.Fatalf("block %d: %s refused: %v", h, r.Opcode, r.Err)
	}
	return res
}

// Launch creates and readies namespace id (version 1, the price rules of
// mainnet's .id) with the given name lifetime, in three blocks.
func (c *Chain) Launch(id string, lifetime uint32) {
	c.t.Helper()
	creator, launcher := c.Key("creator "+id), c.Key("launcher "+id)
	h, err := wire.PreorderHash(id, creator.Script, launcher.Address)
	if err != nil {
		c.t.Fatal(err)
	}
	c.op(creator, &wire.NamespacePreorder{PreorderHash: h, ConsensusHash: c.ConsensusHash()}, nil, c.burn(2, 100*100_000_000))
	c.Mine()
	c.op(creator, &wire.NamespaceReveal{Lifetime: lifetime, Coeff: 250, Base: 4,
		Buckets:          [16]uint8{6, 5, 4, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		NonalphaDiscount: 4, NoVowelDiscount: 4, Version: 1, NamespaceID: id}, launcher, nil)
	c.Mine()
	c.op(launcher, &wire.NamespaceReady{NamespaceID: id}, nil, nil)
	c.Mine()
}

// Register preorders (one block) and registers (the next) each name for
// owner, with zonefiles[name] as its zone file (none if absent).
func (c *Chain) Register(owner *Key, zonefiles map[string][]byte, names ...string) {
	c.t.Helper()
	for _, n := range names {
		h, err := wire.PreorderHash(n, owner.Script, owner.Address)
		if err != nil {
			c.t.Fatal(err)
		}
		c.op(owner, &wire.NamePreorder{PreorderHash: h, ConsensusHash: c.ConsensusHash()}, nil, c.burn(2, 1_000_000_000))
	}
	c.Mine()
	for _, n := range names {
		var v *wire.Hash160
		if zf, ok := zonefiles[n]; ok {
			h := wire.SumHash160(zf)
			v = &h
		}
		c.op(owner, &wire.NameRegistration{Name: n, ValueHash: v}, owner, nil)
	}
	c.Mine()
}

// Update sets name's zone file (queued; Mine applies it).
func (c *Chain) Update(owner *Key, name string, zonefile []byte) {
	c.op(owner, &wire.NameUpdate{NameConsensusHash: wire.NameConsensusHash(name, c.ConsensusHash()), ValueHash: wire.SumHash160(zonefile)}, nil, nil)
}

// Transfer gives name to to (queued).
func (c *Chain) Transfer(owner *Key, name string, to *Key, keepData bool) {
	c.op(owner, &wire.NameTransfer{KeepData: keepData, NameHash128: wire.NameHash128(name), ConsensusHash: c.ConsensusHash()}, to, nil)
}

// Revoke revokes name (queued).
func (c *Chain) Revoke(owner *Key, name string) {
	c.op(owner, &wire.NameRevoke{Name: name}, nil, nil)
}

// MineEmpty applies n empty blocks.
func (c *Chain) MineEmpty(n int) {
	for range n {
		c.Mine()
	}
}

// String describes the chain for test logs.
func (c *Chain) String() string { return fmt.Sprintf("%s chain at %d", c.Net.Name, c.Tip()) }
