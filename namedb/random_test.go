package namedb

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/zonemirror/zonemirror/internal/testdiff"

	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// The randomized and crash tests share one generator: the operations of
// block h depend only on h and on the chain's state before h, so a chain
// rewound (or reopened after a crash) and driven on re-creates exactly the
// same blocks.

const randomBlocks = 220

func randomNet() *netparams.Network {
	n := testNet()
	n.MaxNamesPerSender = 4
	n.NamespaceRevealExpire = 25
	return n
}

type generator struct {
	actors []*actor
	names  []string
}

func newGenerator(c *chain) *generator {
	g := &generator{}
	for i := range 6 {
		g.actors = append(g.actors, newActor(c.net.Wire, fmt.Sprintf("rnd%d", i)))
	}
	for _, label := range []string{"ab", "abc", "abcd", "w1", "zzz", "hello", "a-b", "longername"} {
		g.names = append(g.names, label+".rnd")
	}
	for _, label := range []string{"i1", "i2", "i3"} {
		g.names = append(g.names, label+".imp")
	}
	return g
}

// block queues the operations of block h on c (nothing is mined).
func (g *generator) block(c *chain, h int64) {
	r := rand.New(rand.NewPCG(uint64(h)*0x9e3779b97f4a7c15, 0x5eed))
	creator, launcher := g.actors[0], g.actors[1]
	switch h {
	case 1:
		c.nsPreorder(creator, "rnd", launcher, namespaceFee)
		c.nsPreorder(creator, "imp", launcher, namespaceFee)
		return
	case 2:
		c.nsReveal(creator, idLike("rnd", 30, 1), launcher)
		c.nsReveal(creator, idLike("imp", 30, 1), launcher)
		return
	case 3:
		c.nsReady(launcher, "rnd")
		return
	}
	pick := func() *actor { return g.actors[r.IntN(len(g.actors))] }
	name := func() string { return g.names[r.IntN(len(g.names))] }
	fee := func() int64 { return []int64{1, 25_000, 640_000, 2_560_000, 102_400_000}[r.IntN(5)] }
	// owner is usually the name's real owner (read from the state, so the
	// choice is the same after a rewind), sometimes anyone.
	owner := func(n string) *actor {
		if r.IntN(4) > 0 {
			if info, _ := c.db.Name(context.Background(), n); info != nil {
				for _, a := range g.actors {
					if a.addr == info.Record.Address {
						return a
					}
				}
			}
		}
		return pick()
	}
	// Register most of what the previous block preordered, then preorder.
	for i, in := range g.intents(h - 1) {
		if i%4 != 3 {
			c.register(in.from, in.name, in.to, maybeHash(r))
		}
	}
	for _, in := range g.intents(h) {
		c.preorder(in.from, in.name, in.to, in.fee)
	}
	for range r.IntN(7) {
		n := name()
		switch r.IntN(10) {
		case 0, 1:
			c.update(owner(n), n, *vh(fmt.Sprint("z", r.IntN(50))))
		case 2:
			c.transfer(owner(n), n, pick(), r.IntN(2) == 0)
		case 3, 4:
			a := owner(n)
			to := a
			if r.IntN(4) == 0 {
				to = pick()
			}
			c.renew(a, n, to, fee(), maybeHash(r))
		case 5:
			c.revoke(owner(n), n)
		case 6:
			c.importName(launcher, g.names[8+r.IntN(3)], pick(), *vh(fmt.Sprint("i", r.IntN(50))))
		case 7:
			if h > 40 && r.IntN(4) == 0 {
				c.nsReady(launcher, "imp")
			}
		case 8:
			id := fmt.Sprint("ns", r.IntN(3))
			a := pick()
			if r.IntN(2) == 0 {
				c.nsPreorder(a, id, launcher, namespaceFee)
			} else {
				c.nsReveal(a, idLike(id, 20, 1), launcher)
			}
		case 9:
			// a preorder with a stale consensus hash
			op := c.preorder(pick(), n, pick(), fee())
			op.Op.(*wire.NamePreorder).ConsensusHash = wire.Hash128{byte(h)}
		}
	}
}

type intent struct {
	from, to *actor
	name     string
	fee      int64
}

// intents are the name preorders of block h (a function of h alone).
func (g *generator) intents(h int64) []intent {
	if h <= 3 {
		return nil
	}
	r := rand.New(rand.NewPCG(uint64(h)*0xbf58476d1ce4e5b9, 0x1e7))
	var out []intent
	for range r.IntN(4) {
		from := g.actors[r.IntN(len(g.actors))]
		to := from
		if r.IntN(3) == 0 {
			to = g.actors[r.IntN(len(g.actors))]
		}
		out = append(out, intent{from: from, to: to, name: g.names[r.IntN(len(g.names))],
			fee: []int64{1, 640_000, 2_560_000, 102_400_000}[r.IntN(4)]})
	}
	return out
}

func maybeHash(r *rand.Rand) *wire.Hash160 {
	if r.IntN(2) == 0 {
		return nil
	}
	return vh(fmt.Sprint("r", r.IntN(50)))
}

// driveTo applies generated blocks until the tip is to.
func (g *generator) driveTo(c *chain, to int64) {
	for h := c.tip() + 1; h <= to; h++ {
		g.block(c, h)
		ops := c.pending
		c.pending = nil
		if _, err := c.minePending(ops); err != nil {
			c.t.Fatalf("block %d: %v", h, err)
		}
	}
}

// dump is every key and value of the store, in key order, and the
// consensus-hash chain: two databases with the same dump are the same.
func dump(t testing.TB, db *DB) string {
	t.Helper()
	var b strings.Builder
	for _, p := range []byte{pMeta, pBlock, pCH, pName, pHistory, pPending, pNamespace, pWhitelist, pOp, pRejection, pTx, pRejections, pUndo, pCreation, pCreated, pCarried, pInput} {
		err := db.scan([]byte{p}, nil, func(k, v []byte) (bool, error) {
			fmt.Fprintf(&b, "%x %x\n", k, v)
			return true, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString("--\n")
	}
	tip, _ := db.Tip()
	for h := db.net.FirstBlock; h <= tip; h++ {
		ch, _ := db.ConsensusHashAt(h)
		fmt.Fprintf(&b, "%d %s\n", h, ch)
	}
	return b.String()
}

// opcodeCounts counts the accepted operations by opcode.
func opcodeCounts(t testing.TB, db *DB) map[string]int {
	out := map[string]int{}
	err := db.scan([]byte{pOp}, nil, func(k, v []byte) (bool, error) {
		_, rest, _ := readStr(v)
		op, _, ok := readStr(rest)
		if !ok {
			t.Fatalf("bad operation row %x", k)
		}
		out[op]++
		return true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A long random sequence of valid and invalid operations, rewound to random
// heights and re-applied, ends byte-identical to applying it once.
func TestRandomRewind(t *testing.T) {
	ctx := context.Background()
	straight := newChain(t, randomNet())
	g := newGenerator(straight)
	g.driveTo(straight, randomBlocks)
	want := dump(t, straight.db)
	res, _ := straight.db.RejectionCounts(ctx)
	var mix []string
	for op, n := range opcodeCounts(t, straight.db) {
		mix = append(mix, fmt.Sprintf("%s=%d", op, n))
	}
	slices.Sort(mix)
	t.Logf("accepted: %v; refused: %v", mix, res)
	if len(mix) < 10 || len(res) < 12 {
		t.Fatalf("the random sequence is too tame: accepted %v, refused %v", mix, res)
	}

	c := newChain(t, randomNet())
	r := rand.New(rand.NewPCG(7, 7))
	rewinds := 0
	for c.tip() < randomBlocks {
		g.driveTo(c, min(c.tip()+1+int64(r.IntN(40)), randomBlocks))
		if c.tip() < randomBlocks || rewinds < 10 {
			back := c.tip() - 1 - int64(r.IntN(25))
			back = max(back, 0)
			if err := c.db.Rewind(ctx, back); err != nil {
				t.Fatal(err)
			}
			rewinds++
		}
	}
	if got := dump(t, c.db); got != want {
		t.Fatalf("after %d rewinds the database differs from a straight run:\n%s", rewinds, testdiff.Lines(got, want))
	}
	t.Logf("%d rewinds", rewinds)
}
