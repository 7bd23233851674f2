package tiered

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zonemirror/zonemirror/plugins"
)

// Tier is one storage tier of a Store.
type Tier struct {
	// Name labels the tier's counters and logs. Required, unique.
	Name string
	// Driver serves the tier. Required.
	Driver plugins.Driver
	// Timeout bounds every call to the tier. The default is 1 s.
	Timeout time.Duration
	// ReadOnly tiers are never written: no Put, no write-back. The default
	// is false.
	ReadOnly bool
}

// Options configure a Store.
type Options struct {
	// Logger receives skipped tiers and bad values. The default is
	// slog.Default().
	Logger *slog.Logger
	// BreakAfter is how many failures in a row leave a tier out for
	// Cooldown. The default is 3.
	BreakAfter int
	// Cooldown is how long a failing tier is left out. The default is 1 s.
	Cooldown time.Duration
	// WriteBackQueue is how many write-backs may wait; more are dropped
	// (and counted). The default is 1024.
	WriteBackQueue int
	// WriteBackWorkers is how many write-backs run at once. The default is 4.
	WriteBackWorkers int
}

// Store is the tiered store. It is safe for concurrent use.
type Store struct {
	tiers  []*tier
	opts   Options
	logger *slog.Logger

	mu      sync.RWMutex // guards closed against sends on queue
	closed  bool
	queue   chan writeBack
	workers sync.WaitGroup
	pending sync.WaitGroup // queued or running write-backs
}

type tier struct {
	Tier
	st stats

	fails     atomic.Int64 // failures in a row
	downUntil atomic.Int64 // unix nanos; skipped before this
	lastLog   atomic.Int64 // unix nanos of the last skip/bad-value log
	quiet     atomic.Int64 // log lines suppressed since
}

type writeBack struct {
	key   plugins.Key
	value []byte
	to    []*tier
}

// New returns a store over tiers, fastest first.
func New(tiers []Tier, opts Options) (*Store, error) {
	if len(tiers) == 0 {
		return nil, errors.New("tiered: no tiers")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.BreakAfter <= 0 {
		opts.BreakAfter = 3
	}
	if opts.Cooldown <= 0 {
		opts.Cooldown = time.Second
	}
	if opts.WriteBackQueue <= 0 {
		opts.WriteBackQueue = 1024
	}
	if opts.WriteBackWorkers <= 0 {
		opts.WriteBackWorkers = 4
	}
	s := &Store{opts: opts, logger: opts.Logger, queue: make(chan writeBack, opts.WriteBackQueue)}
	seen := map[string]bool{}
	for i, t := range tiers {
		switch {
		case t.Name == "":
			return nil, fmt.Errorf("tiered: tiers[%d].name is required", i)
		case seen[t.Name]:
			return nil, fmt.Errorf("tiered: tiers[%d].name %q is used twice", i, t.Name)
		case t.Driver == nil:
			return nil, fmt.Errorf("tiered: tiers[%d] (%s) has no driver", i, t.Name)
		}
		seen[t.Name] = true
		if t.Timeout <= 0 {
			t.Timeout = time.Second
		}
		s.tiers = append(s.tiers, &tier{Tier: t})
	}
	for i := 0; i < opts.WriteBackWorkers; i++ {
		s.workers.Add(1)
		go s.writeBackLoop()
	}
	return s, nil
}

// Get returns the first verified value of key, trying the tiers in order.
// When no tier holds a good value, the error wraps plugins.ErrNotFound if
// at least one tier answered, and plugins.ErrUnavailable if none could;
// either way it names the tiers that were skipped and why.
func (s *Store) Get(ctx context.Context, key plugins.Key) ([]byte, error) {
	return s.get(ctx, key, "")
}

// GetExcept is Get without the tier named except: e.g. the records held
// locally, without asking a network tier.
func (s *Store) GetExcept(ctx context.Context, key plugins.Key, except string) ([]byte, error) {
	return s.get(ctx, key, except)
}

func (s *Store) get(ctx context.Context, key plugins.Key, except string) ([]byte, error) {
	var lacked []*tier
	var skipped []string
	answered := false
	for _, t := range s.tiers {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if t.Name == except {
			continue
		}
		if !t.up() {
			t.st.skips.Add(1)
			skipped = append(skipped, t.Name+": left out after repeated failures")
			continue
		}
		v, err := t.get(ctx, key)
		switch {
		case err == nil && plugins.SumKey(v) == key:
			t.st.hits.Add(1)
			s.queueWriteBack(key, v, lacked)
			return v, nil
		case err == nil:
			t.st.bad.Add(1)
			t.logf(s.logger, slog.LevelWarn, "tier returned a value that does not hash to its key; treated as a miss",
				"key", key.String(), "bytes", len(v), "hash", plugins.SumKey(v).String())
			answered = true
			lacked = append(lacked, t)
		case errors.Is(err, plugins.ErrNotFound):
			t.st.misses.Add(1)
			answered = true
			lacked = append(lacked, t)
		default:
			if ctx.Err() != nil { // the caller gave up, not the tier
				return nil, ctx.Err()
			}
			s.failed(t, "get", err)
			skipped = append(skipped, t.Name+": "+err.Error())
		}
	}
	note := ""
	if len(skipped) > 0 {
		note = " (skipped " + strings.Join(skipped, "; ") + ")"
	}
	if !answered {
		return nil, fmt.Errorf("get %s: %w: no tier could answer%s", key, plugins.ErrUnavailable, note)
	}
	return nil, fmt.Errorf("get %s: %w in any tier%s", key, plugins.ErrNotFound, note)
}

// Has reports whether some tier holds key, asking the tiers in order and
// stopping at the first that does. It does not read or verify the value
// (Get does), and never asks a tier whose breaker is open. When no tier
// holds it and some could not answer, the error wraps
// plugins.ErrUnavailable and names them.
func (s *Store) Has(ctx context.Context, key plugins.Key) (bool, error) {
	var skipped []string
	for _, t := range s.tiers {
		if !t.up() {
			skipped = append(skipped, t.Name+": left out after repeated failures")
			continue
		}
		hctx, cancel := context.WithTimeout(ctx, t.Timeout)
		ok, err := t.Driver.Has(hctx, key)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return false, ctx.Err()
			}
			s.failed(t, "has", err)
			skipped = append(skipped, t.Name+": "+err.Error())
			continue
		}
		if ok {
			return true, nil
		}
	}
	if len(skipped) > 0 {
		return false, fmt.Errorf("has %s: %w: not in the tiers that answered (skipped %s)", key, plugins.ErrUnavailable, strings.Join(skipped, "; "))
	}
	return false, nil
}

// Put verifies a record and writes it to every writable tier at once. It
// returns how many tiers stored it and, if any failed, their errors.
func (s *Store) Put(ctx context.Context, key plugins.Key, value []byte) (int, error) {
	if err := plugins.CheckValue(key, value); err != nil {
		return 0, fmt.Errorf("put: %w", err)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(s.tiers))
	var stored atomic.Int64
	for i, t := range s.tiers {
		if t.ReadOnly {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := t.put(ctx, key, value); err != nil {
				s.failed(t, "put", err)
				errs[i] = fmt.Errorf("tier %s: %w", t.Name, err)
				return
			}
			stored.Add(1)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return int(stored.Load()), fmt.Errorf("put %s: %w", key, err)
	}
	return int(stored.Load()), nil
}

// queueWriteBack hands a verified value to the write-back workers for the
// writable tiers in lacked.
func (s *Store) queueWriteBack(key plugins.Key, v []byte, lacked []*tier) {
	var to []*tier
	for _, t := range lacked {
		if !t.ReadOnly {
			to = append(to, t)
		}
	}
	if len(to) == 0 {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return
	}
	s.pending.Add(1)
	select {
	case s.queue <- writeBack{key: key, value: bytes.Clone(v), to: to}: // the caller owns v
	default:
		s.pending.Done()
		for _, t := range to {
			t.st.writeBacksDropped.Add(1)
		}
	}
}

func (s *Store) writeBackLoop() {
	defer s.workers.Done()
	for wb := range s.queue {
		for _, t := range wb.to {
			if err := t.put(context.Background(), wb.key, wb.value); err != nil {
				s.failed(t, "write-back", err)
				continue
			}
			t.st.writeBacks.Add(1)
		}
		s.pending.Done()
	}
}

// Flush waits until every queued write-back is done, or ctx ends.
func (s *Store) Flush(ctx context.Context) error {
	done := make(chan struct{})
	go func() { s.pending.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close finishes the queued write-backs and stops the store. It does not
// close the drivers (their owner does).
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.queue)
	s.mu.Unlock()
	s.workers.Wait()
	return nil
}

// failed counts and logs a failed call and trips the tier's breaker.
func (s *Store) failed(t *tier, op string, err error) {
	t.st.errors.Add(1)
	if errors.Is(err, context.DeadlineExceeded) {
		t.st.timeouts.Add(1)
	}
	if n := t.fails.Add(1); n >= int64(s.opts.BreakAfter) {
		t.downUntil.Store(time.Now().Add(s.opts.Cooldown).UnixNano())
		t.fails.Store(0)
	}
	t.logf(s.logger, slog.LevelWarn, "tier skipped", "op", op, "err", err)
}

// up reports whether the tier's breaker lets calls through.
func (t *tier) up() bool {
	until := t.downUntil.Load()
	return until == 0 || time.Now().UnixNano() >= until
}

func (t *tier) get(ctx context.Context, key plugins.Key) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, t.Timeout)
	defer cancel()
	start := time.Now()
	v, err := t.Driver.Get(ctx, key)
	t.st.latency.observe(time.Since(start))
	if err == nil || errors.Is(err, plugins.ErrNotFound) {
		t.fails.Store(0)
	}
	return v, err
}

func (t *tier) put(ctx context.Context, key plugins.Key, v []byte) error {
	ctx, cancel := context.WithTimeout(ctx, t.Timeout)
	defer cancel()
	start := time.Now()
	err := t.Driver.Put(ctx, key, v)
	t.st.putLatency.observe(time.Since(start))
	if err == nil {
		t.st.puts.Add(1)
		t.fails.Store(0)
	}
	return err
}

// logf logs for the tier at most once a second, saying how many lines it
// held back in between.
func (t *tier) logf(l *slog.Logger, level slog.Level, msg string, args ...any) {
	now := time.Now().UnixNano()
	last := t.lastLog.Load()
	if now-last < int64(time.Second) || !t.lastLog.CompareAndSwap(last, now) {
		t.quiet.Add(1)
		return
	}
	args = append(args, "tier", t.Name)
	if q := t.quiet.Swap(0); q > 0 {
		args = append(args, "suppressed", q)
	}
	l.Log(context.Background(), level, msg, args...)
}
