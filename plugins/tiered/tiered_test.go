package tiered_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/disk"
	"github.com/zonemirror/zonemirror/plugins/host"
	"github.com/zonemirror/zonemirror/plugins/host/hosttest"
	"github.com/zonemirror/zonemirror/plugins/tiered"
)

// liar returns every value with its first byte flipped.
type liar struct{ plugins.Driver }

func (l liar) Get(ctx context.Context, k plugins.Key) ([]byte, error) {
	v, err := l.Driver.Get(ctx, k)
	if err == nil && len(v) > 0 {
		v[0] ^= 0xff
	}
	return v, err
}

// slow answers after delay, or when ctx ends.
type slow struct {
	plugins.Driver
	delay time.Duration
	calls atomic.Int64
}

func (s *slow) Get(ctx context.Context, k plugins.Key) ([]byte, error) {
	s.calls.Add(1)
	select {
	case <-time.After(s.delay):
		return s.Driver.Get(ctx, k)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

var builtins = map[string]plugins.OpenFunc{
	"disk": disk.Open,
	"liar": func(ctx context.Context, s plugins.Setup) (plugins.Driver, error) {
		d, err := disk.Open(ctx, s)
		return liar{d}, err
	},
}

func TestMain(m *testing.M) { hosttest.Main(m, builtins) }

func newDisk(t *testing.T) *disk.Disk {
	t.Helper()
	off := false
	d, err := disk.New(disk.Config{Dir: t.TempDir(), Fsync: &off}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func newStore(t *testing.T, tiers ...tiered.Tier) *tiered.Store {
	t.Helper()
	s, err := tiered.New(tiers, tiered.Options{Logger: hosttest.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func put(t *testing.T, d plugins.Driver, v []byte) plugins.Key {
	t.Helper()
	k := plugins.SumKey(v)
	if err := d.Put(context.Background(), k, v); err != nil {
		t.Fatal(err)
	}
	return k
}

func stats(s *tiered.Store, name string) tiered.TierStats {
	for _, st := range s.Stats() {
		if st.Name == name {
			return st
		}
	}
	panic(name)
}

func TestGetInOrderAndWriteBack(t *testing.T) {
	fast, slowT, ro := newDisk(t), newDisk(t), newDisk(t)
	v := []byte("$ORIGIN muneeb.id\n")
	k := put(t, slowT, v)
	put(t, ro, v)
	s := newStore(t,
		tiered.Tier{Name: "ro", Driver: emptyView{ro}, ReadOnly: true},
		tiered.Tier{Name: "fast", Driver: fast},
		tiered.Tier{Name: "slow", Driver: slowT})
	ctx := context.Background()
	got, err := s.Get(ctx, k)
	if err != nil || !bytes.Equal(got, v) {
		t.Fatalf("Get: %q, %v", got, err)
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, _ := fast.Has(ctx, k); !ok {
		t.Fatal("not written back to the faster tier that lacked it")
	}
	if st := stats(s, "fast"); st.Misses != 1 || st.WriteBacks != 1 || st.Count != 1 {
		t.Errorf("fast: %+v", st)
	}
	if st := stats(s, "ro"); st.Misses != 1 || st.WriteBacks != 0 || st.Puts != 0 {
		t.Errorf("read-only tier written: %+v", st)
	}
	// Now the fast tier answers; the slow one is not asked.
	if _, err := s.Get(ctx, k); err != nil {
		t.Fatal(err)
	}
	if st := stats(s, "fast"); st.Hits != 1 {
		t.Errorf("fast after write-back: %+v", st)
	}
	if st := stats(s, "slow"); st.Hits != 1 || st.Count != 1 {
		t.Errorf("slow asked again: %+v", st)
	}
	// A miss everywhere is ErrNotFound.
	if _, err := s.Get(ctx, plugins.SumKey([]byte("absent"))); !errors.Is(err, plugins.ErrNotFound) {
		t.Errorf("miss: %v", err)
	}
}

// emptyView answers every Get with a miss (a read-only tier that lacks
// everything).
type emptyView struct{ plugins.Driver }

func (emptyView) Get(context.Context, plugins.Key) ([]byte, error) { return nil, plugins.ErrNotFound }

func TestWrongBytesNeverReachTheCaller(t *testing.T) {
	good, lying := newDisk(t), newDisk(t)
	v := []byte("the real zone file")
	k := put(t, good, v)
	put(t, lying, v)
	s := newStore(t, tiered.Tier{Name: "liar", Driver: liar{lying}}, tiered.Tier{Name: "good", Driver: good})
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		got, err := s.Get(ctx, k)
		if err != nil || !bytes.Equal(got, v) {
			t.Fatalf("Get %d: %q, %v", i, got, err)
		}
	}
	if st := stats(s, "liar"); st.BadValues != 3 || st.Hits != 0 {
		t.Errorf("liar: %+v", st)
	}
	// With only the liar, there is no value at all.
	only := newStore(t, tiered.Tier{Name: "liar", Driver: liar{lying}})
	if got, err := only.Get(ctx, k); !errors.Is(err, plugins.ErrNotFound) || got != nil {
		t.Fatalf("liar alone: %q, %v; want ErrNotFound and no bytes", got, err)
	}
}

// The same through a real driver process that lies.
func TestWrongBytesFromADriverProcess(t *testing.T) {
	h := hosttest.New(t, builtins, nil)
	dir := t.TempDir()
	lying := hosttest.Start(t, h, host.DriverConfig{Name: "liar", Driver: "liar", Config: hosttest.JSON(map[string]any{"dir": dir})})
	good := newDisk(t)
	v := bytes.Repeat([]byte("zone "), 1000)
	k := put(t, lying, v)
	put(t, good, v)
	s := newStore(t, tiered.Tier{Name: "liar", Driver: lying}, tiered.Tier{Name: "good", Driver: good})
	got, err := s.Get(context.Background(), k)
	if err != nil || !bytes.Equal(got, v) {
		t.Fatalf("Get: %d bytes, %v", len(got), err)
	}
	if st := stats(s, "liar"); st.BadValues != 1 {
		t.Errorf("liar: %+v", st)
	}
}

func TestSlowTierIsSkippedThenLeftOut(t *testing.T) {
	stalled := &slow{Driver: newDisk(t), delay: time.Hour}
	good := newDisk(t)
	v := []byte("record")
	k := put(t, good, v)
	s := newStore(t, tiered.Tier{Name: "stalled", Driver: stalled, Timeout: 20 * time.Millisecond}, tiered.Tier{Name: "good", Driver: good})
	ctx := context.Background()
	for i := 0; i < 10; i++ {
		got, err := s.Get(ctx, k)
		if err != nil || !bytes.Equal(got, v) {
			t.Fatalf("Get %d: %q, %v", i, got, err)
		}
	}
	st := stats(s, "stalled")
	if st.Timeouts != 3 || st.Errors != 3 || st.Skips != 7 || stalled.calls.Load() != 3 {
		t.Errorf("stalled: %+v, calls %d; want 3 timeouts, then left out", st, stalled.calls.Load())
	}
	// Every tier down: ErrUnavailable, not ErrNotFound.
	only := newStore(t, tiered.Tier{Name: "stalled", Driver: stalled, Timeout: 10 * time.Millisecond})
	if _, err := only.Get(ctx, k); !errors.Is(err, plugins.ErrUnavailable) || errors.Is(err, plugins.ErrNotFound) {
		t.Errorf("all tiers failing: %v, want ErrUnavailable", err)
	}
}

func TestPutWritesEveryWritableTier(t *testing.T) {
	a, b, ro := newDisk(t), newDisk(t), newDisk(t)
	s := newStore(t, tiered.Tier{Name: "a", Driver: a}, tiered.Tier{Name: "ro", Driver: ro, ReadOnly: true}, tiered.Tier{Name: "b", Driver: b})
	ctx := context.Background()
	v := []byte("stored twice")
	k := plugins.SumKey(v)
	if n, err := s.Put(ctx, k, v); n != 2 || err != nil {
		t.Fatalf("Put: %d, %v", n, err)
	}
	for name, d := range map[string]plugins.Driver{"a": a, "b": b} {
		if ok, _ := d.Has(ctx, k); !ok {
			t.Errorf("tier %s lacks the record", name)
		}
	}
	if ok, _ := ro.Has(ctx, k); ok {
		t.Error("read-only tier written")
	}
	if _, err := s.Put(ctx, plugins.SumKey([]byte("other")), v); !errors.Is(err, plugins.ErrBadValue) {
		t.Errorf("Put of a wrong record: %v", err)
	}
	// A failing tier is reported, the others still store.
	full, _ := disk.New(disk.Config{Dir: t.TempDir(), ReadOnly: true}, nil)
	s2 := newStore(t, tiered.Tier{Name: "full", Driver: full}, tiered.Tier{Name: "a", Driver: a})
	v2 := []byte("second")
	n, err := s2.Put(ctx, plugins.SumKey(v2), v2)
	if n != 1 || !errors.Is(err, plugins.ErrReadOnly) {
		t.Errorf("Put with a refusing tier: %d, %v", n, err)
	}
}

// kill -9 of a driver process under 16 concurrent lookups: every lookup is
// answered by the other tier, and the killed driver serves again quickly.
func TestKill9UnderLoad(t *testing.T) {
	h := hosttest.New(t, builtins, nil)
	a := hosttest.Start(t, h, host.DriverConfig{Name: "a", Driver: "disk", Config: hosttest.JSON(map[string]any{"dir": t.TempDir(), "fsync": false})})
	b := hosttest.Start(t, h, host.DriverConfig{Name: "b", Driver: "disk", Config: hosttest.JSON(map[string]any{"dir": t.TempDir(), "fsync": false})})
	s := newStore(t, tiered.Tier{Name: "a", Driver: a, Timeout: 2 * time.Second}, tiered.Tier{Name: "b", Driver: b, Timeout: 2 * time.Second})
	ctx := context.Background()
	const n = 200
	keys := make([]plugins.Key, n)
	vals := make([][]byte, n)
	for i := range keys {
		vals[i] = []byte(fmt.Sprintf("record %d %s", i, bytes.Repeat([]byte("x"), i)))
		keys[i] = plugins.SumKey(vals[i])
		if c, err := s.Put(ctx, keys[i], vals[i]); c != 2 || err != nil {
			t.Fatal(c, err)
		}
	}
	var lookups, failures atomic.Int64
	var firstErr atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				got, err := s.Get(ctx, keys[i%n])
				lookups.Add(1)
				if err != nil || !bytes.Equal(got, vals[i%n]) {
					failures.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprint(err))
				}
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	back := hosttest.Kill9(t, a.(*host.Process), 10*time.Second)
	time.Sleep(300 * time.Millisecond) // and keep serving after the relaunch
	close(stop)
	wg.Wait()
	st := stats(s, "a")
	t.Logf("%d lookups, %d failed; tier a served again %s after kill -9; a: %d hits %d errors %d skips; b: %d hits",
		lookups.Load(), failures.Load(), back.Round(time.Millisecond), st.Hits, st.Errors, st.Skips, stats(s, "b").Hits)
	if failures.Load() != 0 {
		t.Fatalf("%d of %d lookups failed (first: %v)", failures.Load(), lookups.Load(), firstErr.Load())
	}
	if back > 5*time.Second {
		t.Errorf("driver took %s to serve again", back)
	}
	if stats(s, "b").Hits == 0 || st.Errors+st.Skips == 0 {
		t.Error("tier b never stood in for the killed tier a")
	}
	// a answers again after its relaunch.
	before := stats(s, "a").Hits
	if _, err := s.Get(ctx, keys[0]); err != nil || stats(s, "a").Hits != before+1 {
		// the breaker may still be open for up to its cooldown
		time.Sleep(1100 * time.Millisecond)
		if _, err := s.Get(ctx, keys[0]); err != nil || stats(s, "a").Hits <= before {
			t.Errorf("tier a not answering after relaunch: %v", err)
		}
	}
}

// blockingPut holds every Put until release is closed.
type blockingPut struct {
	plugins.Driver
	release chan struct{}
}

func (b blockingPut) Put(ctx context.Context, k plugins.Key, v []byte) error {
	<-b.release
	return b.Driver.Put(ctx, k, v)
}

// Write-backs wait in a bounded queue; past it they are dropped and
// counted, and the lookups themselves never wait for them.
func TestWriteBackQueueIsBounded(t *testing.T) {
	release := make(chan struct{})
	fast := blockingPut{Driver: newDisk(t), release: release}
	slowT := newDisk(t)
	s, err := tiered.New([]tiered.Tier{{Name: "fast", Driver: fast, Timeout: time.Minute}, {Name: "slow", Driver: slowT}},
		tiered.Options{Logger: hosttest.Logger(), WriteBackQueue: 2, WriteBackWorkers: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	const n = 10
	for i := 0; i < n; i++ {
		v := []byte(fmt.Sprintf("record %d", i))
		k := put(t, slowT, v)
		if got, err := s.Get(ctx, k); err != nil || !bytes.Equal(got, v) {
			t.Fatalf("Get %d: %q, %v", i, got, err)
		}
	}
	close(release)
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	st := stats(s, "fast")
	// One write-back runs (blocked), two wait in the queue, the rest drop.
	if st.WriteBacks+st.WriteBacksDropped != n || st.WriteBacksDropped < n-4 || st.WriteBacks < 2 {
		t.Errorf("write-backs %d, dropped %d, of %d", st.WriteBacks, st.WriteBacksDropped, n)
	}
}

// GetExcept leaves one tier out: a record only that tier holds is not
// found, and the tier is not asked.
func TestGetExcept(t *testing.T) {
	local, network := newDisk(t), newDisk(t)
	onlyThere := put(t, network, []byte("$ORIGIN there.id\n"))
	both := []byte("$ORIGIN both.id\n")
	kb := put(t, local, both)
	put(t, network, both)
	s := newStore(t, tiered.Tier{Name: "local", Driver: local}, tiered.Tier{Name: "dht", Driver: network})
	ctx := context.Background()
	if _, err := s.GetExcept(ctx, onlyThere, "dht"); !errors.Is(err, plugins.ErrNotFound) {
		t.Errorf("a record only the left-out tier holds: %v", err)
	}
	if v, err := s.GetExcept(ctx, kb, "dht"); err != nil || !bytes.Equal(v, both) {
		t.Errorf("a record held locally: %q, %v", v, err)
	}
	if st := stats(s, "dht"); st.Hits+st.Misses != 0 {
		t.Errorf("the left-out tier was asked: %+v", st)
	}
	if v, err := s.Get(ctx, onlyThere); err != nil || len(v) == 0 {
		t.Errorf("Get still asks every tier: %v", err)
	}
}
