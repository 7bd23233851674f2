package namedb

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"testing"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcutil/v2/hdkeychain"
	"github.com/btcsuite/btcd/chainhash/v2"

	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// This file is the scenario harness: actors with real keys, and a chain that
// collects operations into blocks and applies them. Operations are built as
// the decoder would hand them over (wire.TxOp), so the tests exercise the
// rules, not the transaction format (which namedb/wire tests).

type actor struct {
	name   string
	pub    []byte
	script []byte
	addr   string
}

func newActor(p wire.Params, name string) *actor {
	seed := sha256.Sum256([]byte("zonemirror test actor " + name))
	priv, _ := btcec.PrivKeyFromBytes(seed[:])
	pub := priv.PubKey().SerializeCompressed()
	script := p2pkhScript(wire.SumHash160(pub))
	return &actor{name: name, pub: pub, script: script, addr: p.Address(script)}
}

// p2shActor owns a p2sh script (no public key is shown).
func p2shActor(p wire.Params, name string) *actor {
	h := wire.SumHash160([]byte("redeem " + name))
	script := append(append([]byte{0xa9, 0x14}, h[:]...), 0x87)
	return &actor{name: name, script: script, addr: p.Address(script)}
}

// tb is the part of testing.TB the harness uses, so a crash-test child
// process (which has no *testing.T) can drive a chain too.
type tb interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Errorf(format string, args ...any)
	Logf(format string, args ...any)
}

type chain struct {
	t       tb
	db      *DB
	dir     string // the database's folder
	net     *netparams.Network
	pending []BlockOp
	last    *BlockResult
}

// testNet is a devnet with short periods: grace 10 blocks, reveal expiry 40.
func testNet() *netparams.Network {
	n := netparams.Devnet()
	n.Epochs[0].GracePeriod = 10
	n.Epochs[0].LifetimeMultiplier = 1
	n.NamespaceRevealExpire = 40
	n.ImportKeyringSize = 5
	return n
}

func newChain(t testing.TB, n *netparams.Network) *chain {
	db, dir := openTemp(t, n)
	return &chain{t: t, db: db, dir: dir, net: n}
}

// minePending is mine without the helper bookkeeping of expectations.
func (c *chain) minePending(ops []BlockOp) (*BlockResult, error) {
	h := c.tip() + 1
	return c.db.ApplyBlock(context.Background(), Block{Height: h, Hash: blockHash(h), Ops: ops})
}

func (c *chain) tip() int64 { h, _ := c.db.Tip(); return h }

// ch is the consensus hash an operation sent now would carry.
func (c *chain) ch() wire.Hash128 {
	h, ok := c.db.ConsensusHashAt(c.tip())
	if !ok {
		return c.net.GenesisConsensusHash
	}
	return h
}

func (c *chain) add(from *actor, op wire.Op, recipient *actor, payment *wire.Output) *wire.TxOp {
	// txids depend on the position only, so re-applying a block after a
	// rewind gives the same records.
	var id chainhash.Hash
	binary.BigEndian.PutUint64(id[:], uint64(c.tip()+1))
	binary.BigEndian.PutUint32(id[8:], uint32(len(c.pending)+1))
	id[31] = 0x7a
	t := &wire.TxOp{Op: op, TxID: id, Sender: from.script, SenderAddress: from.addr, SenderPubkey: from.pub, Payment: payment, Fee: 1000}
	t.Outputs = wire.OutputsFor(op)
	if recipient != nil {
		t.Recipient = &wire.Output{Index: 1, Script: recipient.script, Address: recipient.addr, Value: 5500}
	}
	c.pending = append(c.pending, BlockOp{Vtxindex: len(c.pending) + 1, Tx: t})
	return t
}

// mine applies the pending operations as the next block.
func (c *chain) mine() *BlockResult {
	c.t.Helper()
	h := c.tip() + 1
	res, err := c.db.ApplyBlock(context.Background(), Block{Height: h, Hash: blockHash(h), Ops: c.pending})
	if err != nil {
		c.t.Fatalf("block %d: %v", h, err)
	}
	c.pending = nil
	c.last = res
	return res
}

// mineTo mines empty blocks until the tip is h.
func (c *chain) mineTo(h int64) {
	c.t.Helper()
	for c.tip() < h {
		c.mine()
	}
}

func (c *chain) burn(value int64) *wire.Output {
	return &wire.Output{Index: 2, Script: wire.BurnScript(), Address: c.db.burnAddress, Value: value}
}

func (c *chain) preorder(from *actor, name string, to *actor, fee int64) *wire.TxOp {
	h, err := wire.PreorderHash(name, from.script, to.addr)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.add(from, &wire.NamePreorder{PreorderHash: h, ConsensusHash: c.ch()}, nil, c.burn(fee))
}

func (c *chain) register(from *actor, name string, to *actor, value *wire.Hash160) *wire.TxOp {
	return c.add(from, &wire.NameRegistration{Name: name, ValueHash: value}, to, nil)
}

func (c *chain) renew(from *actor, name string, to *actor, fee int64, value *wire.Hash160) *wire.TxOp {
	p := c.burn(fee)
	p.Index = 3
	return c.add(from, &wire.NameRegistration{Name: name, ValueHash: value, Renewal: true}, to, p)
}

func (c *chain) update(from *actor, name string, value wire.Hash160) *wire.TxOp {
	return c.add(from, &wire.NameUpdate{NameConsensusHash: wire.NameConsensusHash(name, c.ch()), ValueHash: value}, nil, nil)
}

func (c *chain) transfer(from *actor, name string, to *actor, keep bool) *wire.TxOp {
	return c.add(from, &wire.NameTransfer{KeepData: keep, NameHash128: wire.NameHash128(name), ConsensusHash: c.ch()}, to, nil)
}

func (c *chain) revoke(from *actor, name string) *wire.TxOp {
	return c.add(from, &wire.NameRevoke{Name: name}, nil, nil)
}

func (c *chain) nsPreorder(from *actor, id string, revealTo *actor, fee int64) *wire.TxOp {
	h, err := wire.PreorderHash(id, from.script, revealTo.addr)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.add(from, &wire.NamespacePreorder{PreorderHash: h, ConsensusHash: c.ch()}, nil, c.burn(fee))
}

// idLike is the price function of mainnet's .id, with a lifetime in blocks.
func idLike(id string, lifetime uint32, version uint16) *wire.NamespaceReveal {
	return &wire.NamespaceReveal{Lifetime: lifetime, Coeff: 250, Base: 4,
		Buckets:          [16]uint8{6, 5, 4, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		NonalphaDiscount: 4, NoVowelDiscount: 4, Version: version, NamespaceID: id}
}

func (c *chain) nsReveal(from *actor, r *wire.NamespaceReveal, to *actor) *wire.TxOp {
	return c.add(from, r, to, nil)
}

func (c *chain) nsReady(from *actor, id string) *wire.TxOp {
	return c.add(from, &wire.NamespaceReady{NamespaceID: id}, nil, nil)
}

func (c *chain) importName(from *actor, name string, to *actor, value wire.Hash160) *wire.TxOp {
	t := c.add(from, &wire.NameImport{Name: name}, to, nil)
	t.ImportValueHash = &value
	return t
}

// namespaceFee is enough for any namespace id in the devnet's epoch-3 table.
const namespaceFee = 40 * 100_000_000

// launch preorders, reveals and readies namespace id with lifetime blocks
// per name (creator pays, recipient launches), over three blocks.
func (c *chain) launch(creator, launcher *actor, id string, lifetime uint32) {
	c.t.Helper()
	c.nsPreorder(creator, id, launcher, namespaceFee)
	c.mustAccept(c.mine(), 1)
	c.nsReveal(creator, idLike(id, lifetime, 1), launcher)
	c.mustAccept(c.mine(), 1)
	c.nsReady(launcher, id)
	c.mustAccept(c.mine(), 1)
}

// claim preorders name (one block) and registers it (next block) for owner.
func (c *chain) claim(owner *actor, name string) {
	c.t.Helper()
	c.preorder(owner, name, owner, 102_400_000)
	c.mustAccept(c.mine(), 1)
	c.register(owner, name, owner, nil)
	c.mustAccept(c.mine(), 1)
}

func (c *chain) mustAccept(res *BlockResult, n int) {
	c.t.Helper()
	if res.Accepted != n || len(res.Rejected) != 0 {
		for _, r := range res.Rejected {
			c.t.Logf("block %d tx %d %s refused: %v", res.Height, r.Vtxindex, r.Opcode, r.Err)
		}
		c.t.Fatalf("block %d: %d accepted, %d refused; want %d accepted", res.Height, res.Accepted, len(res.Rejected), n)
	}
}

// expect checks, for one mined block, which operations (by vtxindex order of
// submission) were refused and with what code; nil means accepted.
func (c *chain) expect(res *BlockResult, want ...*ErrorCode) {
	c.t.Helper()
	refused := map[int]ErrorCode{}
	for _, r := range res.Rejected {
		refused[r.Vtxindex] = r.Err.Code
	}
	for i, w := range want {
		got, isRefused := refused[i+1]
		switch {
		case w == nil && isRefused:
			c.t.Errorf("block %d op %d: refused with %v, want accepted", res.Height, i+1, got)
		case w != nil && !isRefused:
			c.t.Errorf("block %d op %d: accepted, want %v", res.Height, i+1, *w)
		case w != nil && got != *w:
			c.t.Errorf("block %d op %d: refused with %v, want %v", res.Height, i+1, got, *w)
		}
	}
}

func code(c ErrorCode) *ErrorCode { return &c }

var ok *ErrorCode // accepted

// owner returns the current owner address of name as the API sees it
// ("" when the name is not registered).
func (c *chain) owner(name string) string {
	c.t.Helper()
	r, err := c.db.Name(context.Background(), name)
	if err != nil {
		c.t.Fatal(err)
	}
	if r == nil || r.Status != StatusRegistered {
		return ""
	}
	return r.Record.Address
}

func vh(s string) *wire.Hash160 {
	h := wire.SumHash160([]byte(s))
	return &h
}

// childActor is the i-th import-keychain child of parent's key: an actor
// that shows the child public key (PROTOCOL.md §5.7).
func childActor(t testing.TB, p wire.Params, parent *actor, i uint32) *actor {
	t.Helper()
	k := hdkeychain.NewExtendedKey([]byte{0, 0, 0, 0}, parent.pub, make([]byte, 32), []byte{0, 0, 0, 0}, 0, 0, false)
	ck, err := k.Derive(i)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := ck.ECPubKey()
	if err != nil {
		t.Fatal(err)
	}
	pub := pk.SerializeCompressed()
	script := p2pkhScript(wire.SumHash160(pub))
	return &actor{name: parent.name + "/child", pub: pub, script: script, addr: p.Address(script)}
}
