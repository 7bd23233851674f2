package namedb

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// withCheckpoint sets the checkpointer's period and WAL bound.
func withCheckpoint(every time.Duration, restartFrames int64) Option {
	return func(o *options) { o.checkpointEvery, o.walRestartFrames = every, restartFrames }
}

// While blocks arrive back to back, the WAL still starts over: it never
// holds much more than the restart bound (a PASSIVE checkpoint alone never
// catches up with such a writer, and the WAL grew to 32 GB).
func TestWALStaysBounded(t *testing.T) {
	ctx := context.Background()
	n := testNet()
	path := filepath.Join(t.TempDir(), "names.db")
	db, err := Open(ctx, path, n, withCheckpoint(20*time.Millisecond, 300))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	w := &workload{c: &chain{t: t, db: db, net: n}}
	w.c.launch(newActor(n.Wire, "creator"), newActor(n.Wire, "launcher"), "bench", InfiniteLifetime)
	// 120 blocks of 100 operations write about 7,000 pages to the WAL.
	for range 120 {
		w.queue(40, 20)
		w.mine(t)
	}
	// After a restart the WAL is written from its start again: its file
	// is as long as the most it ever held.
	fi, err := os.Stat(filepath.Join(filepath.Dir(path), "names.db-wal"))
	if err != nil {
		t.Fatal(err)
	}
	frames := fi.Size() / (4096 + 24)
	t.Logf("the WAL file holds %d frames", frames)
	// The bound, plus the blocks of a checkpoint period (a block of 100
	// operations writes about 650 pages); unbounded, it holds ~65,000.
	if frames > 4000 {
		t.Fatalf("the WAL grew to %d frames with a restart bound of 300", frames)
	}
}
