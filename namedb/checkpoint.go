package namedb

import (
	"context"
	"log/slog"
	"time"
)

// SQLite's automatic checkpoint runs inside the commit that crosses the
// threshold, copying the WAL into the database and syncing it: hundreds of
// milliseconds on the indexer's path. namedb turns it off and checkpoints
// from its own goroutine instead, at most once per checkpointEvery while
// blocks are being committed. A PASSIVE checkpoint never blocks the writer
// or the readers; the WAL is reused once a checkpoint has caught up.

// checkpointEvery is how often the WAL is copied back while blocks arrive.
const checkpointEvery = time.Second

// checkpointer runs until ctx ends; committed is nudged after each commit.
func (db *DB) checkpointer(ctx context.Context, committed <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(checkpointEvery)
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
			if _, err := db.sql.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`); err != nil && ctx.Err() == nil {
				slog.Warn("name database checkpoint failed; will retry", "err", err)
				dirty = true
			}
		}
	}
}

// nudgeCheckpoint tells the checkpointer a block committed.
func (db *DB) nudgeCheckpoint() {
	select {
	case db.committed <- struct{}{}:
	default:
	}
}
