package tiered

import (
	"sync/atomic"
	"time"
)

// LatencyBuckets are the upper bounds of the Get and Put latency
// histograms.
var LatencyBuckets = []time.Duration{
	50 * time.Microsecond, 100 * time.Microsecond, 250 * time.Microsecond, 500 * time.Microsecond,
	time.Millisecond, 2500 * time.Microsecond, 5 * time.Millisecond, 10 * time.Millisecond,
	25 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond, 250 * time.Millisecond,
	500 * time.Millisecond, time.Second, 2500 * time.Millisecond,
}

// TierStats are one tier's counters since the store was made.
type TierStats struct {
	Name string
	// Get outcomes: a verified value, no value, a value that did not hash to
	// its key.
	Hits, Misses, BadValues uint64
	// Errors counts failed calls (Get, Put, write-back), Timeouts those of
	// them that ran out of the tier's timeout, Skips the lookups that left
	// the tier out while its breaker was open.
	Errors, Timeouts, Skips uint64
	// Puts counts records stored (by Put or write-back), WriteBacks those
	// written back after a lookup found them lower down, WriteBacksDropped
	// those that found the write-back queue full.
	Puts, WriteBacks, WriteBacksDropped uint64
	// Latency of Get calls: Buckets[i] counts calls of at most
	// LatencyBuckets[i] (cumulative, as Prometheus wants it), Count all of
	// them, Sum their total.
	Buckets []uint64
	Count   uint64
	Sum     time.Duration
	// PutBuckets, PutCount and PutSum are the same for Put calls (writes
	// and write-backs), failed ones too.
	PutBuckets []uint64
	PutCount   uint64
	PutSum     time.Duration
}

type stats struct {
	hits, misses, bad, errors, timeouts, skips atomic.Uint64
	puts, writeBacks, writeBacksDropped        atomic.Uint64
	latency                                    histogram
	putLatency                                 histogram
}

type histogram struct {
	buckets [16]atomic.Uint64 // len(LatencyBuckets)+1: the last is +Inf
	count   atomic.Uint64
	sum     atomic.Int64
}

func (h *histogram) observe(d time.Duration) {
	i := 0
	for i < len(LatencyBuckets) && d > LatencyBuckets[i] {
		i++
	}
	h.buckets[i].Add(1)
	h.count.Add(1)
	h.sum.Add(int64(d))
}

// cumulative is the histogram's buckets as Prometheus wants them: each
// counts the calls of at most its bound.
func (h *histogram) cumulative() []uint64 {
	out := make([]uint64, len(LatencyBuckets))
	var cum uint64
	for j := range LatencyBuckets {
		cum += h.buckets[j].Load()
		out[j] = cum
	}
	return out
}

// Stats returns every tier's counters, in tier order.
func (s *Store) Stats() []TierStats {
	out := make([]TierStats, len(s.tiers))
	for i, t := range s.tiers {
		st := &t.st
		ts := TierStats{
			Name: t.Name, Hits: st.hits.Load(), Misses: st.misses.Load(), BadValues: st.bad.Load(),
			Errors: st.errors.Load(), Timeouts: st.timeouts.Load(), Skips: st.skips.Load(),
			Puts: st.puts.Load(), WriteBacks: st.writeBacks.Load(), WriteBacksDropped: st.writeBacksDropped.Load(),
			Count: st.latency.count.Load(),
			Sum:   time.Duration(st.latency.sum.Load()),
		}
		ts.Buckets = st.latency.cumulative()
		ts.PutBuckets, ts.PutCount, ts.PutSum = st.putLatency.cumulative(), st.putLatency.count.Load(), time.Duration(st.putLatency.sum.Load())
		out[i] = ts
	}
	return out
}
