package crawler

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/zonemirror/zonemirror/plugins"
)

// State is why a whitelisted hash is missing.
type State string

// The states of a missing hash.
const (
	StateAnnounced   State = "announced, not fetched yet"
	StateNotFound    State = "not found in the DHT"
	StateInvalid     State = "only invalid copies seen"
	StateNotAllowed  State = "the DHT node did not know the hash yet"
	StateUnavailable State = "the DHT could not be asked"
	StateStoreFailed State = "fetched, but no tier stored it"
	StateFailed      State = "fetch failed"
)

// Failure causes, as counted in Status.Failures (and the metrics).
const (
	CauseNotFound    = "not_found"
	CauseInvalid     = "invalid"
	CauseNotAllowed  = "not_allowed"
	CauseUnavailable = "unavailable"
	CauseStore       = "store"
	CauseError       = "error"
)

// MissingInfo is what the crawler knows of a missing hash: the mirror
// shows it as the reason a record is not served.
type MissingInfo struct {
	Key plugins.Key
	// Name and Index are of the first whitelist entry that announced it.
	Name  string
	Index int64
	State State
	// LastError is the last fetch's error ("" before the first).
	LastError string
	Attempts  int
	FirstSeen time.Time
	// LastTry is the last fetch (zero before the first); NextTry when the
	// next one is due.
	LastTry, NextTry time.Time
}

// Missing returns what the crawler knows of key, and whether it is
// missing (false: held, not whitelisted, or not reached yet).
func (c *Crawler) Missing(key plugins.Key) (MissingInfo, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	it := c.missing[key]
	if it == nil {
		return MissingInfo{}, false
	}
	return it.MissingInfo, true
}

// MissingList returns up to limit missing hashes (0: all), in whitelist
// order.
func (c *Crawler) MissingList(limit int) []MissingInfo {
	c.mu.Lock()
	out := make([]MissingInfo, 0, len(c.missing))
	for _, it := range c.missing {
		out = append(out, it.MissingInfo)
	}
	c.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// Status is a snapshot of the crawler, for the progress line and metrics.
type Status struct {
	// Whitelisted is the whitelist's entries; Checked how many of them the
	// crawler has looked at (its position); Held those whose record some
	// tier holds; MissingEntries the others.
	Whitelisted, Checked, Held, MissingEntries int64
	// Missing is the distinct hashes missing, MissingByState by state.
	Missing        int
	MissingByState map[State]int
	// InFlight is the fetches running now.
	InFlight int
	// Fetched counts records fetched and stored since start;
	// FetchedPerSec is the rate over the last 10 seconds.
	Fetched       uint64
	FetchedPerSec float64
	// Failures counts failed fetches by cause (CauseNotFound, …).
	Failures map[string]uint64
	// FullPasses completed since start, the last one's end, and whether
	// one runs now.
	FullPasses   int
	LastFullPass time.Time
	FullPassNow  bool
	// Rewinds of the whitelist seen since start.
	Rewinds int
	// LastError is the last error of following the whitelist ("" if none).
	LastError string
}

// Status returns a snapshot of the crawler.
func (c *Crawler) Status() Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := Status{
		Whitelisted: max(c.wlCount, c.pos), Checked: c.pos, MissingEntries: c.missingEntries,
		Held: c.pos - c.missingEntries, Missing: len(c.missing), MissingByState: map[State]int{},
		InFlight: c.inFlight, Fetched: c.fetched.Load(), FetchedPerSec: c.rate.perSec(),
		Failures: map[string]uint64{}, FullPasses: c.fullPasses, LastFullPass: c.lastFullPass,
		FullPassNow: c.passRunning, Rewinds: c.rewinds, LastError: c.lastErr,
	}
	for state, n := range c.byState {
		st.MissingByState[state] = n
	}
	for k, v := range c.failures {
		st.Failures[k] = v
	}
	return st
}

// String is the progress line.
func (s Status) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d whitelisted, %d checked, %d held, %d missing", s.Whitelisted, s.Checked, s.Held, s.Missing)
	if len(s.MissingByState) > 0 {
		fmt.Fprintf(&b, " (%s)", joinSorted(s.MissingByState, "; ", func(st State, n int) string { return fmt.Sprintf("%d %s", n, st) }))
	}
	fmt.Fprintf(&b, ", %.0f fetched/s, %d fetched", s.FetchedPerSec, s.Fetched)
	if len(s.Failures) > 0 {
		fmt.Fprintf(&b, ", failures: %s", joinSorted(s.Failures, ", ", func(k string, v uint64) string { return fmt.Sprintf("%s %d", k, v) }))
	}
	if s.FullPassNow {
		b.WriteString(", full pass running")
	}
	return b.String()
}

// joinSorted formats each entry of m and joins them in sorted order.
func joinSorted[K comparable, V any](m map[K]V, sep string, f func(K, V) string) string {
	parts := make([]string, 0, len(m))
	for k, v := range m {
		parts = append(parts, f(k, v))
	}
	slices.Sort(parts)
	return strings.Join(parts, sep)
}

// rateMeter keeps a sample of the fetched count per second for the rate
// over the last 10 seconds (guarded by Crawler.mu).
type rateMeter struct {
	at [11]time.Time
	n  [11]uint64
	i  int
}

func (r *rateMeter) sample(t time.Time, n uint64) {
	r.i = (r.i + 1) % len(r.at)
	r.at[r.i], r.n[r.i] = t, n
}

func (r *rateMeter) perSec() float64 {
	oldest := (r.i + 1) % len(r.at)
	for j := 0; j < len(r.at); j++ {
		k := (oldest + j) % len(r.at)
		if !r.at[k].IsZero() && k != r.i {
			if dt := r.at[r.i].Sub(r.at[k]).Seconds(); dt > 0 {
				return float64(r.n[r.i]-r.n[k]) / dt
			}
		}
	}
	return 0
}

// progress samples the rate every second and logs the progress line.
func (c *Crawler) progress(ctx context.Context) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case t := <-tick.C:
			c.mu.Lock()
			c.rate.sample(t, c.fetched.Load())
			c.mu.Unlock()
			if c.cfg.ProgressEvery > 0 && t.Sub(last) >= c.cfg.ProgressEvery {
				last = t
				st := c.Status()
				c.log.Info("crawl", "progress", st.String())
			}
		}
	}
}
