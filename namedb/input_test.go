package namedb

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/zonemirror/zonemirror/internal/testdiff"
)

// The operations a database kept, replayed block by block into an empty
// database, give the same database byte for byte: every row, undo log and
// consensus hash.
func TestReplayInputs(t *testing.T) {
	ctx := context.Background()
	src := newChain(t, randomNet())
	newGenerator(src).driveTo(src, randomBlocks)
	want := dump(t, src.db)

	dst := newChain(t, randomNet())
	v := src.db.View()
	defer v.Close()
	blocks, ops := 0, 0
	err := v.Blocks(ctx, src.db.net.FirstBlock, true, func(b *ViewBlock) error {
		blocks++
		ops += len(b.Ops)
		// the raw input is the decoded operations' (what an export writes)
		if len(b.Input) > 0 {
			again, _, err := ReadBlockOps(b.Input, src.db.net.Wire, src.db.net.EpochAt(b.Height).Rules)
			if err != nil || len(again) != len(b.Ops) {
				return fmt.Errorf("block %d: its input reads as %d operations (%v), decoded %d", b.Height, len(again), err, len(b.Ops))
			}
		}
		res, err := dst.db.ApplyBlock(ctx, Block{Height: b.Height, Hash: b.Hash, Ops: b.Ops})
		if err != nil {
			return err
		}
		if res.ConsensusHash != b.ConsensusHash {
			return fmt.Errorf("block %d: consensus hash %s, the source's %s", b.Height, res.ConsensusHash, b.ConsensusHash)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := dump(t, dst.db); got != want {
		t.Fatalf("the replay differs from the source:\n%s", testdiff.Lines(got, want))
	}
	if int64(blocks) != randomBlocks-src.db.net.FirstBlock+1 || ops < 500 {
		t.Fatalf("%d blocks, %d operations replayed", blocks, ops)
	}
	t.Logf("%d blocks, %d operations", blocks, ops)
}

// A view does not move: blocks applied after it was taken are not in it.
func TestViewIsConsistent(t *testing.T) {
	ctx := context.Background()
	c := newChain(t, randomNet())
	g := newGenerator(c)
	g.driveTo(c, 20)
	v := c.db.View()
	defer v.Close()
	g.driveTo(c, 40)
	last := int64(-1)
	if err := v.Blocks(ctx, c.db.net.FirstBlock, false, func(b *ViewBlock) error { last = b.Height; return nil }); err != nil {
		t.Fatal(err)
	}
	if last != 20 || v.Tip != 20 {
		t.Fatalf("the view ends at %d (tip %d), want 20", last, v.Tip)
	}
}

// A database of format 9 kept no operations: opened as format 10 it keeps
// those of the blocks that follow, and refuses to give the earlier ones.
func TestOpenFormatWithoutInputs(t *testing.T) {
	ctx := context.Background()
	n := randomNet()
	db, path := openTemp(t, n)
	for h := n.FirstBlock; h < n.FirstBlock+3; h++ {
		if _, err := db.ApplyBlock(ctx, Block{Height: h, Hash: blockHash(h)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.kv.Set(metaKey(metaSchema), []byte(fmt.Sprint(sameWithoutInputs)), nil); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err := Open(ctx, path, n)
	if err != nil {
		t.Fatalf("a database of format %d: %v", sameWithoutInputs, err)
	}
	defer db.Close()
	if from, err := db.InputsFrom(); err != nil || from != n.FirstBlock+3 {
		t.Fatalf("inputs from %d, %v; want %d", from, err, n.FirstBlock+3)
	}
	v := db.View()
	defer v.Close()
	err = v.Blocks(ctx, n.FirstBlock, false, func(*ViewBlock) error { return nil })
	if !errors.Is(err, ErrNoInputs) {
		t.Fatalf("blocks of a database without its operations: %v", err)
	}
	t.Log(err)
}
