package namedb

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// SQLite's automatic checkpoint runs inside the commit that crosses the
// threshold, copying the WAL into the database and syncing it on the
// indexer's path. namedb turns it off and checkpoints from its own
// goroutine instead, once per checkpointEvery while blocks are committed.
// A PASSIVE checkpoint never blocks the writer or the readers, but it can
// only let the WAL start over when it has caught up with the writer, which
// a writer applying block after block never allows: the WAL would grow
// without bound (measured: 32 GB while building a million names). So once
// the WAL holds more than walRestartFrames, the checkpoint is a RESTART,
// run while the writer is held off, and the next block writes the WAL from
// its start again. The writer is held off with namedb's writer mutex: it
// would win every race for SQLite's own lock, taking it again right after
// each block, faster than a waiting checkpoint's busy handler polls.

const (
	// checkpointEvery is how often the WAL is copied back while blocks arrive.
	checkpointEvery = time.Second
	// walRestartFrames bounds the WAL: 16,384 pages of 4 KiB, 64 MiB.
	walRestartFrames = 16384
	// walSizeLimit is what the WAL file is truncated to after a restart.
	walSizeLimit = 64 << 20
)

// checkpointer runs until ctx ends; committed is nudged after each commit.
func (db *DB) checkpointer(ctx context.Context, every time.Duration, restartFrames int64, committed <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(every)
	defer t.Stop()
	dirty := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-committed:
			dirty = true
		case <-t.C:
			if !dirty {
				continue
			}
			dirty = false
			if err := db.checkpoint(ctx, restartFrames); err != nil && ctx.Err() == nil {
				slog.Warn("name database checkpoint failed; will retry", "err", err)
				dirty = true
			}
		}
	}
}

// checkpoint copies the WAL back, restarting it when it is too long.
func (db *DB) checkpoint(ctx context.Context, restartFrames int64) error {
	var busy, frames, done int64
	if err := db.sql.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &done); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if frames <= restartFrames {
		return nil
	}
	// The writer would win every race for SQLite's write lock (it takes it
	// again right after each block, faster than the busy handler polls):
	// hold it off in Go instead. The PASSIVE pass copied most frames
	// already, so the pause is short.
	db.wmu.Lock()
	defer db.wmu.Unlock()
	if err := db.sql.QueryRowContext(ctx, `PRAGMA wal_checkpoint(RESTART)`).Scan(&busy, &frames, &done); err != nil {
		return fmt.Errorf("checkpoint (restart): %w", err)
	}
	if busy != 0 {
		slog.Debug("name database WAL restart postponed by a long reader", "frames", frames, "checkpointed", done)
	}
	return nil
}

// nudgeCheckpoint tells the checkpointer a block committed.
func (db *DB) nudgeCheckpoint() {
	select {
	case db.committed <- struct{}{}:
	default:
	}
}
