package chainsync

import (
	"maps"
	"sync"
	"time"
)

// State is what the syncer is doing.
type State string

// States.
const (
	StateConnecting State = "connecting" // dialing the node
	StateSyncing    State = "syncing"    // applying blocks behind the target
	StateCaughtUp   State = "caught-up"  // at the target, waiting for blocks
	StateRetrying   State = "retrying"   // the node failed; waiting to retry
	StateStopped    State = "stopped"    // Run returned
	StateDone       State = "done"       // reached the network's stop block
)

// Status is a snapshot of the syncer's progress, for progress bars, the
// mirror's API and metrics.
type Status struct {
	State State
	// Height is the last block applied; Target the last block eligible
	// (the node's tip minus the confirmations, capped at the stop block);
	// NodeHeight the node's tip.
	Height, Target, NodeHeight int64
	// BlocksPerSec is the rate over the last seconds of syncing.
	BlocksPerSec float64
	// ETA is the time left at that rate (0 when caught up or unknown).
	ETA time.Duration
	// Operations counts the operations handed to namedb since start;
	// Decoded the transactions refused by the decoder, by reason.
	Operations int64
	Refused    map[string]int
	// Reorgs counts the reorganizations followed, LastReorg is the depth
	// of the last one and Undone the blocks undone by all of them. A node
	// that switches branches block by block can show one reorganization
	// as several.
	Reorgs, LastReorg, Undone int64
	// LastError is the last failure talking to the node ("" if none since
	// the last success); Retries counts the retries since start.
	LastError string
	Retries   int64
	// Since is when this state began.
	Since time.Time
}

// status keeps the current Status and the rate window.
type status struct {
	mu sync.Mutex
	s  Status
	// samples of (time, height) over the last rateWindow.
	samples []sample
}

type sample struct {
	t time.Time
	h int64
}

const rateWindow = 10 * time.Second

func (st *status) set(f func(s *Status)) {
	st.mu.Lock()
	defer st.mu.Unlock()
	prev := st.s.State
	f(&st.s)
	if st.s.State != prev {
		st.s.Since = time.Now()
	}
}

// handed counts a block's operations handed to namedb and the
// transactions the decoder refused, before the block is applied.
func (st *status) handed(ops int, refused map[string]int) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.s.Operations += int64(ops)
	for c, k := range refused {
		st.s.Refused[c] += k
	}
}

// applied records that block h is applied.
func (st *status) applied(h int64) {
	now := time.Now()
	st.mu.Lock()
	defer st.mu.Unlock()
	st.s.Height = h
	st.samples = append(st.samples, sample{now, h})
	for len(st.samples) > 2 && now.Sub(st.samples[0].t) > rateWindow {
		st.samples = st.samples[1:]
	}
	if first := st.samples[0]; len(st.samples) > 1 && now.Sub(first.t) > 0 {
		st.s.BlocksPerSec = float64(h-first.h) / now.Sub(first.t).Seconds()
	}
	st.s.ETA = 0
	if st.s.BlocksPerSec > 0 && st.s.Target > h {
		st.s.ETA = time.Duration(float64(st.s.Target-h) / st.s.BlocksPerSec * float64(time.Second))
	}
}

func (st *status) get() Status {
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.s
	s.Refused = maps.Clone(st.s.Refused)
	return s
}
