package namedb

import (
	"context"
	"errors"
	"testing"

	"github.com/zonemirror/zonemirror/internal/testdiff"
)

// A chain replayed in bulk mode, its blocks held in batches of a few
// kilobytes (each committed in its own goroutine while the next fills, the
// rules reading names and preorders back from them), then with undo logs
// from undoFrom on, answers exactly as the source; it rewinds as far as its
// undo logs go, and refuses to go deeper.
func TestBulkHeldBatches(t *testing.T) {
	defer func(n int) { heldBytes = n }(heldBytes)
	heldBytes = 4 << 10
	ctx := context.Background()
	src := newChain(t, randomNet())
	newGenerator(src).driveTo(src, randomBlocks)

	n := randomNet()
	undoFrom := int64(randomBlocks - 20)
	dir := t.TempDir() + "/names"
	// no record cache: the rules read every name back from the batches
	db, err := Open(ctx, dir, n, WithBulk(undoFrom), WithRecordCache(0))
	if err != nil {
		t.Fatal(err)
	}
	v := src.db.View()
	defer v.Close()
	batches := 0
	err = v.Blocks(ctx, n.FirstBlock, true, func(b *ViewBlock) error {
		if db.committing != nil {
			batches++
		}
		res, err := db.ApplyBlock(ctx, Block{Height: b.Height, Hash: b.Hash, Ops: b.Ops})
		if err == nil && res.ConsensusHash != b.ConsensusHash {
			t.Fatalf("block %d: consensus hash %s, the source's %s", b.Height, res.ConsensusHash, b.ConsensusHash)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if batches < 5 {
		t.Fatalf("only %d blocks saw a batch being committed", batches)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = Open(ctx, dir, n)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got, want := answers(t, db), answers(t, src.db); got != want {
		t.Fatalf("the bulk replay answers differently:\n%s", testdiff.Lines(got, want))
	}
	if err := db.Rewind(ctx, undoFrom-2); !errors.Is(err, ErrTooDeep) {
		t.Fatalf("a rewind below the undo logs: %v", err)
	}
	if err := db.Rewind(ctx, undoFrom-1); err != nil {
		t.Fatal(err)
	}
	if err := src.db.Rewind(ctx, undoFrom-1); err != nil {
		t.Fatal(err)
	}
	if got, want := answers(t, db), answers(t, src.db); got != want {
		t.Fatalf("rewound, the bulk replay answers differently:\n%s", testdiff.Lines(got, want))
	}
	t.Logf("%d blocks applied while a batch was committed", batches)
}
