package crawler

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/wire"
	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/tiered"
)

// Whitelist is the stream of zone-file hashes announced on chain, in
// chain order (namedb.DB). A rewind removes entries from the end.
type Whitelist interface {
	// WhitelistAfter returns up to limit entries with Index > after.
	WhitelistAfter(ctx context.Context, after int64, limit int) ([]namedb.WhitelistEntry, error)
	// WhitelistCount is the number of entries (the last Index).
	WhitelistCount(ctx context.Context) (int64, error)
	// WhitelistChanged is closed the next time entries are added or
	// removed.
	WhitelistChanged() <-chan struct{}
	// IsWhitelisted reports whether hash is on the whitelist.
	IsWhitelisted(ctx context.Context, hash wire.Hash160) (bool, error)
}

// Store is the mirror's tiers (tiered.Store): where fetched records go.
type Store interface {
	// Has reports whether some tier holds key, without fetching it.
	Has(ctx context.Context, key plugins.Key) (bool, error)
	// Put verifies a record and writes it to every writable tier,
	// returning how many stored it.
	Put(ctx context.Context, key plugins.Key, value []byte) (int, error)
}

// Source is where missing records are fetched from: the DHT driver (in
// process, or a driver process of the host).
type Source interface {
	// Get fetches key; errors wrap plugins.ErrNotFound (nobody has it),
	// ErrBadValue (only invalid copies seen), ErrNotAllowed (the source
	// does not know the hash yet) or ErrUnavailable.
	Get(ctx context.Context, key plugins.Key) ([]byte, error)
	// Allow tells the source which hashes are whitelisted.
	Allow(ctx context.Context, keys iter.Seq[plugins.Key]) (int, error)
}

var (
	_ Whitelist = (*namedb.DB)(nil)
	_ Store     = (*tiered.Store)(nil)
	_ Source    = plugins.Driver(nil)
)

// Config configures a Crawler. Zero values take the defaults stated.
type Config struct {
	// StateFile keeps the crawler's position in the whitelist across
	// restarts (a small JSON file, replaced atomically). Required.
	StateFile string
	// Workers is how many records are fetched at once. The default is 32.
	Workers int
	// Batch is how many whitelist entries are read at a time. The default
	// is 1000.
	Batch int
	// FetchTimeout bounds one fetch from the source. The default is 30s.
	FetchTimeout time.Duration
	// MinBackoff and MaxBackoff bound the wait before a missing hash is
	// tried again: it doubles from MinBackoff (default 1s) with each
	// failure up to MaxBackoff (default 10m), with jitter. A hash is
	// never given up.
	MinBackoff, MaxBackoff time.Duration
	// FullPass is how often the whole whitelist is checked against the
	// tiers again (records lost from a tier, hashes the follower missed);
	// one pass also runs at start. The default is 1h.
	FullPass time.Duration
	// Poll is how often the whitelist is read when no change was
	// signalled. The default is 5s.
	Poll time.Duration
	// ProgressEvery is how often Run logs the progress line. The default
	// is 10s; negative never logs.
	ProgressEvery time.Duration
	// Logger receives the progress line and events. The default is
	// slog.Default().
	Logger *slog.Logger
}

func (c *Config) defaults() error {
	if c.StateFile == "" {
		return errors.New("crawler: StateFile is required")
	}
	ints := []struct {
		name string
		v    *int
		def  int
	}{{"Workers", &c.Workers, 32}, {"Batch", &c.Batch, 1000}}
	for _, f := range ints {
		if *f.v == 0 {
			*f.v = f.def
		}
		if *f.v < 0 {
			return fmt.Errorf("crawler: %s is negative (%d)", f.name, *f.v)
		}
	}
	durs := []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"FetchTimeout", &c.FetchTimeout, 30 * time.Second}, {"MinBackoff", &c.MinBackoff, time.Second},
		{"MaxBackoff", &c.MaxBackoff, 10 * time.Minute}, {"FullPass", &c.FullPass, time.Hour},
		{"Poll", &c.Poll, 5 * time.Second}, {"ProgressEvery", &c.ProgressEvery, 10 * time.Second},
	}
	for _, f := range durs {
		if *f.v == 0 {
			*f.v = f.def
		}
		if *f.v < 0 && f.name != "ProgressEvery" {
			return fmt.Errorf("crawler: %s is negative (%s)", f.name, *f.v)
		}
	}
	if c.MaxBackoff < c.MinBackoff {
		return fmt.Errorf("crawler: MaxBackoff %s is below MinBackoff %s", c.MaxBackoff, c.MinBackoff)
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return nil
}

// Crawler pulls every whitelisted record that no tier holds from the
// source into the tiers. Make one with New, run it with Run; Status and
// Missing may be called from any goroutine.
type Crawler struct {
	cfg   Config
	wl    Whitelist
	store Store
	src   Source
	log   *slog.Logger

	mu             sync.Mutex
	pos            int64        // entries up to here have been checked
	posHash        wire.Hash160 // the hash of entry pos
	wlCount        int64
	missing        map[plugins.Key]*item
	due            dueHeap
	missingEntries int64         // Σ len(item.indexes)
	byState        map[State]int // missing hashes by state
	inFlight       int
	fullPasses     int
	lastFullPass   time.Time
	passRunning    bool
	rewinds        int
	lastErr        string
	failures       map[string]uint64
	rate           rateMeter

	fetched atomic.Uint64
	wake    chan struct{}
	running atomic.Bool
}

// item is one missing hash.
type item struct {
	MissingInfo
	indexes []int64 // its whitelist entries
	heapIdx int     // in due; -1 when not queued (in flight)
}

// New returns a crawler over the whitelist wl, the tiers store and the
// source src. It reads its position from cfg.StateFile.
func New(cfg Config, wl Whitelist, store Store, src Source) (*Crawler, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	if wl == nil || store == nil || src == nil {
		return nil, errors.New("crawler: a whitelist, a store and a source are required")
	}
	st, err := loadState(cfg.StateFile)
	if err != nil {
		return nil, err
	}
	return &Crawler{
		cfg: cfg, wl: wl, store: store, src: src, log: cfg.Logger,
		pos: st.Position, posHash: st.hash, missing: map[plugins.Key]*item{},
		failures: map[string]uint64{}, byState: map[State]int{}, wake: make(chan struct{}, 1),
	}, nil
}

// Run crawls until ctx ends: it follows the whitelist from its position,
// runs a full pass at start and every FullPass, and fetches missing
// hashes with Workers workers. It returns nil when ctx ends, or an error
// it cannot go on after (it never stops for a fetch that fails).
func (c *Crawler) Run(ctx context.Context) error {
	if !c.running.CompareAndSwap(false, true) {
		return errors.New("crawler: already running")
	}
	defer c.running.Store(false)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	defer wg.Wait()

	work := make(chan *item)
	for i := 0; i < c.cfg.Workers; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); c.worker(ctx, work) }()
	}
	wg.Add(2)
	go func() { defer wg.Done(); c.dispatch(ctx, work) }()
	go func() { defer wg.Done(); c.progress(ctx) }()

	passDone := make(chan struct{}, 1)
	startPass := func() {
		c.mu.Lock()
		if c.passRunning {
			c.mu.Unlock()
			return
		}
		c.passRunning = true
		c.mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := c.fullPass(ctx)
			c.mu.Lock()
			c.passRunning = false
			if err == nil {
				c.fullPasses++
				c.lastFullPass = time.Now()
			}
			c.mu.Unlock()
			if err != nil && ctx.Err() == nil {
				c.noteErr("full pass", err)
			}
			select {
			case passDone <- struct{}{}:
			default: // the loop has not taken the last one yet: one is enough
			}
		}()
	}
	startPass()
	passTicker := time.NewTicker(c.cfg.FullPass)
	defer passTicker.Stop()
	for {
		changed := c.wl.WhitelistChanged()
		if err := c.follow(ctx); err != nil && ctx.Err() == nil {
			c.noteErr("follow the whitelist", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-changed:
		case <-passTicker.C:
			startPass()
		case <-passDone:
		case <-time.After(c.cfg.Poll):
		}
	}
}

func (c *Crawler) noteErr(what string, err error) {
	c.mu.Lock()
	c.lastErr = what + ": " + err.Error()
	c.mu.Unlock()
	c.log.Warn("crawler: "+what, "err", err)
}

func keysOf(es []namedb.WhitelistEntry) iter.Seq[plugins.Key] {
	return func(yield func(plugins.Key) bool) {
		for _, e := range es {
			if !yield(plugins.Key(e.Hash)) {
				return
			}
		}
	}
}

// readChecked reads up to limit entries after after and checks them.
func (c *Crawler) readChecked(ctx context.Context, after int64, limit int) ([]namedb.WhitelistEntry, []bool, error) {
	es, err := c.wl.WhitelistAfter(ctx, after, limit)
	if err != nil || len(es) == 0 {
		return nil, nil, err
	}
	held, err := c.check(ctx, es)
	if err != nil {
		return nil, nil, err
	}
	return es, held, nil
}

// check tells the source about entries and asks the tiers which they
// hold, a few at a time.
func (c *Crawler) check(ctx context.Context, es []namedb.WhitelistEntry) ([]bool, error) {
	if _, err := c.src.Allow(ctx, keysOf(es)); err != nil {
		// Fetches will say ErrNotAllowed and allow again; go on.
		c.noteErr("tell the source the whitelist", err)
	}
	held := make([]bool, len(es))
	var wg sync.WaitGroup
	const par = 8
	for w := 0; w < par; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(es); i += par {
				ok, err := c.store.Has(ctx, plugins.Key(es[i].Hash))
				held[i] = ok && err == nil // an error: fetching will tell
			}
		}()
	}
	wg.Wait()
	return held, ctx.Err()
}

// follow reads the whitelist after the position, handling rewinds.
func (c *Crawler) follow(ctx context.Context) error {
	count, err := c.wl.WhitelistCount(ctx)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.wlCount = count
	pos, posHash := c.pos, c.posHash
	c.mu.Unlock()
	if pos > count {
		if err := c.rewind(ctx, count, "the whitelist shrank below the crawler's position"); err != nil {
			return err
		}
	} else if pos > 0 {
		es, err := c.wl.WhitelistAfter(ctx, pos-1, 1)
		if err != nil {
			return err
		}
		if len(es) == 0 || es[0].Hash != posHash {
			// Rewound and refilled with other entries since we looked:
			// where the branches part is unknown, so start over.
			if err := c.rewind(ctx, 0, "the entry at the crawler's position changed"); err != nil {
				return err
			}
		}
	}
	for ctx.Err() == nil {
		c.mu.Lock()
		pos = c.pos
		c.mu.Unlock()
		es, held, err := c.readChecked(ctx, pos, c.cfg.Batch)
		if err != nil || len(es) == 0 {
			return err
		}
		c.mu.Lock()
		if c.pos != pos { // a rewind meanwhile
			c.mu.Unlock()
			continue
		}
		for i, e := range es {
			if !held[i] {
				c.addMissingLocked(e)
			}
		}
		last := es[len(es)-1]
		c.pos, c.posHash = last.Index, last.Hash
		c.wlCount = max(c.wlCount, last.Index)
		c.mu.Unlock()
		if err := saveState(c.cfg.StateFile, last.Index, last.Hash); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// rewind moves the position back to count (entries after it were undone)
// and forgets the missing entries past it.
func (c *Crawler) rewind(ctx context.Context, count int64, why string) error {
	var h wire.Hash160
	if count > 0 {
		es, err := c.wl.WhitelistAfter(ctx, count-1, 1)
		if err != nil {
			return err
		}
		if len(es) == 0 {
			return fmt.Errorf("rewind to %d: entry %d is gone too", count, count)
		}
		h = es[0].Hash
	}
	c.mu.Lock()
	from := c.pos
	c.pos, c.posHash, c.wlCount = count, h, count
	c.rewinds++
	for k, it := range c.missing {
		kept := it.indexes[:0]
		for _, i := range it.indexes {
			if i <= count {
				kept = append(kept, i)
			}
		}
		c.missingEntries -= int64(len(it.indexes) - len(kept))
		it.indexes = kept
		if len(kept) == 0 {
			c.removeLocked(k, it)
		}
	}
	c.mu.Unlock()
	c.log.Info("crawler: whitelist rewound", "from", from, "to", count, "why", why)
	return saveState(c.cfg.StateFile, count, h)
}

// fullPass checks every entry up to the position against the tiers.
func (c *Crawler) fullPass(ctx context.Context) error {
	c.mu.Lock()
	upto := c.pos
	c.mu.Unlock()
	for after := int64(0); after < upto; {
		es, held, err := c.readChecked(ctx, after, int(min(int64(c.cfg.Batch), upto-after)))
		if err != nil || len(es) == 0 {
			return err
		}
		c.mu.Lock()
		for i, e := range es {
			if e.Index > c.pos {
				break // rewound meanwhile
			}
			k := plugins.Key(e.Hash)
			it := c.missing[k]
			switch {
			case held[i] && it != nil:
				c.removeLocked(k, it) // arrived by another way
			case !held[i]:
				c.addMissingLocked(e)
			}
		}
		c.mu.Unlock()
		after = es[len(es)-1].Index
	}
	return nil
}

// addMissingLocked records that entry e's record is missing.
func (c *Crawler) addMissingLocked(e namedb.WhitelistEntry) {
	k := plugins.Key(e.Hash)
	if it := c.missing[k]; it != nil {
		for _, i := range it.indexes {
			if i == e.Index {
				return
			}
		}
		it.indexes = append(it.indexes, e.Index)
		c.missingEntries++
		return
	}
	now := time.Now()
	it := &item{MissingInfo: MissingInfo{Key: k, Name: e.Name, Index: e.Index, State: StateAnnounced, FirstSeen: now, NextTry: now},
		indexes: []int64{e.Index}, heapIdx: -1}
	c.missing[k] = it
	c.byState[it.State]++
	c.missingEntries++
	heap.Push(&c.due, it)
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *Crawler) removeLocked(k plugins.Key, it *item) {
	delete(c.missing, k)
	if c.byState[it.State]--; c.byState[it.State] == 0 {
		delete(c.byState, it.State)
	}
	c.missingEntries -= int64(len(it.indexes))
	if it.heapIdx >= 0 {
		heap.Remove(&c.due, it.heapIdx)
	}
}

// dispatch hands due items to the workers.
func (c *Crawler) dispatch(ctx context.Context, work chan<- *item) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		c.mu.Lock()
		var next *item
		wait := time.Hour
		if len(c.due) > 0 {
			if d := time.Until(c.due[0].NextTry); d <= 0 {
				next = heap.Pop(&c.due).(*item)
				c.inFlight++
			} else {
				wait = d
			}
		}
		c.mu.Unlock()
		if next != nil {
			select {
			case work <- next:
				continue
			case <-ctx.Done():
				return
			}
		}
		timer.Reset(wait)
		select {
		case <-timer.C:
		case <-c.wake:
		case <-ctx.Done():
			return
		}
	}
}

func (c *Crawler) worker(ctx context.Context, work <-chan *item) {
	for {
		select {
		case it := <-work:
			c.fetch(ctx, it)
		case <-ctx.Done():
			return
		}
	}
}

// fetch tries one missing hash once and reschedules it if it failed.
func (c *Crawler) fetch(ctx context.Context, it *item) {
	k := it.Key
	fctx, cancel := context.WithTimeout(ctx, c.cfg.FetchTimeout)
	v, err := c.src.Get(fctx, k)
	cancel()
	if err == nil && plugins.SumKey(v) != k {
		err = fmt.Errorf("%w: the source returned %d bytes that hash to %s", plugins.ErrBadValue, len(v), plugins.SumKey(v))
	}
	stored := false
	if err == nil {
		var n int
		n, err = c.store.Put(ctx, k, v)
		if n > 0 {
			if err != nil {
				c.log.Warn("crawler: a record reached only some tiers", "key", k.String(), "tiers", n, "err", err)
			}
			stored, err = true, nil
		} else if err == nil {
			err = errors.New("no writable tier")
		}
		if err != nil {
			err = fmt.Errorf("%w: %w", errStore, err)
		}
	}
	if ctx.Err() != nil && !stored {
		c.mu.Lock()
		c.inFlight--
		if c.missing[k] == it {
			heap.Push(&c.due, it) // for the next Run
		}
		c.mu.Unlock()
		return
	}
	if errors.Is(err, plugins.ErrNotAllowed) {
		// The source lost (or never got) the whitelist entry: tell it.
		_, _ = c.src.Allow(ctx, func(yield func(plugins.Key) bool) { yield(k) })
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inFlight--
	cur := c.missing[k]
	if stored {
		c.fetched.Add(1)
		if cur == it {
			c.removeLocked(k, it)
		}
		return
	}
	state, cause := classify(err)
	c.failures[cause]++
	if cur != it {
		return // no longer missing (rewound, or arrived another way)
	}
	it.Attempts++
	if c.byState[it.State]--; c.byState[it.State] == 0 {
		delete(c.byState, it.State)
	}
	c.byState[state]++
	it.State, it.LastError, it.LastTry = state, err.Error(), time.Now()
	it.NextTry = it.LastTry.Add(c.backoff(it.Attempts))
	heap.Push(&c.due, it)
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

var errStore = errors.New("fetched, but the tiers did not store it")

// backoff is the wait before attempt n+1: doubling from MinBackoff, at
// most MaxBackoff, times a jitter in [0.5, 1).
func (c *Crawler) backoff(n int) time.Duration {
	d := c.cfg.MinBackoff
	for i := 1; i < n && d < c.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, c.cfg.MaxBackoff)
	return time.Duration(float64(d) * (0.5 + rand.Float64()/2))
}

// classify maps a fetch error to the state a missing hash is left in and
// the cause it is counted under.
func classify(err error) (State, string) {
	switch {
	case errors.Is(err, errStore):
		return StateStoreFailed, CauseStore
	case errors.Is(err, plugins.ErrBadValue):
		return StateInvalid, CauseInvalid
	case errors.Is(err, plugins.ErrNotFound):
		return StateNotFound, CauseNotFound
	case errors.Is(err, plugins.ErrNotAllowed):
		return StateNotAllowed, CauseNotAllowed
	case errors.Is(err, plugins.ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		return StateUnavailable, CauseUnavailable
	}
	return StateFailed, CauseError
}

// dueHeap orders missing items by NextTry.
type dueHeap []*item

func (h dueHeap) Len() int           { return len(h) }
func (h dueHeap) Less(i, j int) bool { return h[i].NextTry.Before(h[j].NextTry) }
func (h dueHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].heapIdx, h[j].heapIdx = i, j
}
func (h *dueHeap) Push(x any) {
	it := x.(*item)
	it.heapIdx = len(*h)
	*h = append(*h, it)
}
func (h *dueHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	it.heapIdx = -1
	return it
}
