package conformance

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/zonemirror/zonemirror/plugins"
)

// Harness is how the suite reaches the driver under test.
type Harness struct {
	// Open returns a fresh, empty instance of the driver (its own folder,
	// bucket prefix, server...). The harness closes it in t.Cleanup.
	// Required.
	Open func(t *testing.T) plugins.Driver
	// Restart restarts d's process (or, in-process, closes and reopens it
	// on the same storage) and returns the driver to use from then on,
	// once it serves again. Required.
	Restart func(t *testing.T, d plugins.Driver) plugins.Driver
	// Seed stores a record behind the driver's back. Required for read-only
	// drivers, unused otherwise. d is the instance Open returned.
	Seed func(t *testing.T, d plugins.Driver, key plugins.Key, value []byte)
	// ListKeys is how many keys the List test stores. The default is 10,000.
	ListKeys int
	// Timeout bounds each test of the suite. The default is 2 minutes.
	Timeout time.Duration
}

// Run runs the whole suite as subtests of t.
func Run(t *testing.T, h Harness) {
	if h.Open == nil || h.Restart == nil {
		t.Fatal("conformance: Harness.Open and Harness.Restart are required")
	}
	if h.ListKeys == 0 {
		h.ListKeys = 10000
	}
	if h.Timeout == 0 {
		h.Timeout = 2 * time.Minute
	}
	s := &suite{h: h}
	t.Run("Stat", s.testStat)
	t.Run("Miss", s.testMiss)
	t.Run("RoundTrip", s.testRoundTrip)
	t.Run("OverwriteIdentical", s.testOverwrite)
	t.Run("Sizes", s.testSizes)
	t.Run("Refusals", s.testRefusals)
	t.Run("Concurrent16", s.testConcurrent)
	t.Run("List", s.testList)
	t.Run("Allow", s.testAllow)
	t.Run("Restart", s.testRestart)
}

type suite struct{ h Harness }

func (s *suite) ctx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), s.h.Timeout)
	t.Cleanup(cancel)
	return ctx
}

// open opens a fresh driver and reports whether it is read-only.
func (s *suite) open(t *testing.T) (plugins.Driver, bool) {
	t.Helper()
	d := s.h.Open(t)
	st, err := d.Stat(s.ctx(t))
	if err != nil {
		t.Fatalf("Stat of a fresh driver: %v", err)
	}
	if st.ReadOnly && s.h.Seed == nil {
		t.Fatal("conformance: the driver is read-only, so Harness.Seed is required")
	}
	return d, st.ReadOnly
}

// store puts a record through the driver, or seeds it when read-only.
func (s *suite) store(t *testing.T, d plugins.Driver, ro bool, v []byte) plugins.Key {
	t.Helper()
	k := plugins.SumKey(v)
	if ro {
		s.h.Seed(t, d, k, v)
		return k
	}
	if err := d.Put(s.ctx(t), k, v); err != nil {
		t.Fatalf("Put %s (%d bytes): %v", k, len(v), err)
	}
	return k
}

// record returns a random value of n bytes.
func record(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

func (s *suite) mustGet(t *testing.T, d plugins.Driver, k plugins.Key, want []byte) {
	t.Helper()
	got, err := d.Get(s.ctx(t), k)
	if err != nil {
		t.Fatalf("Get %s: %v", k, err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("Get %s: %d bytes, want the %d stored", k, len(got), len(want))
	}
}

func (s *suite) testStat(t *testing.T) {
	d, ro := s.open(t)
	st, err := d.Stat(s.ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if !st.Healthy {
		t.Errorf("fresh driver unhealthy: %s", st.Message)
	}
	if st.Driver == "" {
		t.Error("Stat: Info.Driver is empty")
	}
	if st.ReadOnly != ro {
		t.Error("Stat: ReadOnly changed between calls")
	}
	for name, v := range map[string]int64{"Records": st.Records, "Bytes": st.Bytes, "FreeBytes": st.FreeBytes} {
		if v < -1 {
			t.Errorf("Stat: %s = %d, want -1 (unknown) or a count", name, v)
		}
	}
}

func (s *suite) testMiss(t *testing.T) {
	d, ro := s.open(t)
	ctx := s.ctx(t)
	k := plugins.SumKey(record(64))
	if _, err := d.Get(ctx, k); !errors.Is(err, plugins.ErrNotFound) {
		t.Errorf("Get of a missing key: err %v, want ErrNotFound", err)
	}
	if ok, err := d.Has(ctx, k); err != nil || ok {
		t.Errorf("Has of a missing key: %v, %v; want false, nil", ok, err)
	}
	err := d.Delete(ctx, k)
	if ro {
		if !errors.Is(err, plugins.ErrReadOnly) {
			t.Errorf("Delete on a read-only driver: %v, want ErrReadOnly", err)
		}
	} else if err != nil {
		t.Errorf("Delete of a missing key: %v, want nil", err)
	}
	var n int
	if err := d.List(ctx, plugins.ListOptions{}, func(keys []plugins.Key) error { n += len(keys); return nil }); err != nil || n != 0 {
		t.Errorf("List of an empty driver: %d keys, %v", n, err)
	}
}

func (s *suite) testRoundTrip(t *testing.T) {
	d, ro := s.open(t)
	ctx := s.ctx(t)
	v := record(4096)
	k := s.store(t, d, ro, v)
	s.mustGet(t, d, k, v)
	if ok, err := d.Has(ctx, k); err != nil || !ok {
		t.Fatalf("Has after Put: %v, %v", ok, err)
	}
	if ro {
		if err := d.Put(ctx, k, v); !errors.Is(err, plugins.ErrReadOnly) {
			t.Errorf("Put on a read-only driver: %v, want ErrReadOnly", err)
		}
		if err := d.Delete(ctx, k); !errors.Is(err, plugins.ErrReadOnly) {
			t.Errorf("Delete on a read-only driver: %v, want ErrReadOnly", err)
		}
		s.mustGet(t, d, k, v)
		return
	}
	if err := d.Delete(ctx, k); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := d.Get(ctx, k); !errors.Is(err, plugins.ErrNotFound) {
		t.Errorf("Get after Delete: %v, want ErrNotFound", err)
	}
	if ok, err := d.Has(ctx, k); err != nil || ok {
		t.Errorf("Has after Delete: %v, %v", ok, err)
	}
	if err := d.Delete(ctx, k); err != nil {
		t.Errorf("second Delete: %v", err)
	}
	// A deleted record can be stored again.
	s.store(t, d, ro, v)
	s.mustGet(t, d, k, v)
}

func (s *suite) testOverwrite(t *testing.T) {
	d, ro := s.open(t)
	v := record(40960)
	k := s.store(t, d, ro, v)
	if !ro {
		for i := 0; i < 3; i++ {
			if err := d.Put(s.ctx(t), k, bytes.Clone(v)); err != nil {
				t.Fatalf("Put of identical bytes again (%d): %v", i+1, err)
			}
		}
	}
	s.mustGet(t, d, k, v)
}

func (s *suite) testSizes(t *testing.T) {
	d, ro := s.open(t)
	for _, n := range []int{0, 1, 4096, 40960, 256 << 10, plugins.MaxValueSize} {
		v := record(n)
		k := s.store(t, d, ro, v)
		s.mustGet(t, d, k, v)
	}
}

func (s *suite) testRefusals(t *testing.T) {
	d, ro := s.open(t)
	ctx := s.ctx(t)
	big := record(plugins.MaxValueSize + 1)
	want := plugins.ErrTooLarge
	if ro {
		want = plugins.ErrReadOnly // either refusal is fine; it must refuse
	}
	if err := d.Put(ctx, plugins.SumKey(big), big); !errors.Is(err, plugins.ErrTooLarge) && !errors.Is(err, want) {
		t.Errorf("Put of %d bytes: %v, want ErrTooLarge", len(big), err)
	}
	v := record(100)
	wrong := plugins.SumKey(record(100))
	if err := d.Put(ctx, wrong, v); !errors.Is(err, plugins.ErrBadValue) && !errors.Is(err, want) {
		t.Errorf("Put of a value under another key: %v, want ErrBadValue", err)
	}
	if ok, err := d.Has(ctx, wrong); err != nil || ok {
		t.Errorf("a refused Put is visible: Has %v, %v", ok, err)
	}
}

func (s *suite) testConcurrent(t *testing.T) {
	d, ro := s.open(t)
	const workers, each = 16, 40
	shared := record(4096)
	sharedKey := plugins.SumKey(shared)
	if ro {
		s.h.Seed(t, d, sharedKey, shared)
	}
	// Seed read-only drivers before the workers start.
	vals := make([][][]byte, workers)
	for w := range vals {
		vals[w] = make([][]byte, each)
		for i := range vals[w] {
			vals[w][i] = record(512 + w*97 + i)
			if ro {
				s.h.Seed(t, d, plugins.SumKey(vals[w][i]), vals[w][i])
			}
		}
	}
	ctx := s.ctx(t)
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- func() error {
				for i, v := range vals[w] {
					k := plugins.SumKey(v)
					if !ro {
						if err := d.Put(ctx, k, v); err != nil {
							return fmt.Errorf("worker %d Put %d: %w", w, i, err)
						}
						// Everyone writes the shared record too, now and then:
						// identical bytes from many writers at once.
						if i%8 == 0 {
							if err := d.Put(ctx, sharedKey, shared); err != nil {
								return fmt.Errorf("worker %d Put shared: %w", w, err)
							}
						}
					}
					got, err := d.Get(ctx, k)
					if err != nil || !bytes.Equal(got, v) {
						return fmt.Errorf("worker %d Get %d: %d bytes, %v", w, i, len(got), err)
					}
					if ok, err := d.Has(ctx, k); err != nil || !ok {
						return fmt.Errorf("worker %d Has %d: %v, %v", w, i, ok, err)
					}
					if got, err := d.Get(ctx, sharedKey); !ro && i == 0 && err != nil {
						return fmt.Errorf("worker %d Get shared: %v", w, err)
					} else if err == nil && !bytes.Equal(got, shared) {
						return fmt.Errorf("worker %d Get shared: torn value of %d bytes", w, len(got))
					}
					if !ro && i%2 == 1 {
						if err := d.Delete(ctx, k); err != nil {
							return fmt.Errorf("worker %d Delete %d: %w", w, i, err)
						}
					}
				}
				return nil
			}()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if t.Failed() {
		return
	}
	for w := range vals {
		for i, v := range vals[w] {
			ok, err := d.Has(ctx, plugins.SumKey(v))
			if err != nil {
				t.Fatal(err)
			}
			if want := ro || i%2 == 0; ok != want {
				t.Errorf("after the workers, record %d/%d present=%v, want %v", w, i, ok, want)
			}
		}
	}
	s.mustGet(t, d, sharedKey, shared)
}

func (s *suite) testList(t *testing.T) {
	d, ro := s.open(t)
	ctx := s.ctx(t)
	n := s.h.ListKeys
	want := make([]plugins.Key, n)
	vals := make([][]byte, n)
	for i := range vals {
		vals[i] = make([]byte, 40) // small distinct values
		binary.BigEndian.PutUint64(vals[i], uint64(i))
		copy(vals[i][8:], "zonemirror conformance list record")
		want[i] = plugins.SumKey(vals[i])
		if ro {
			s.h.Seed(t, d, want[i], vals[i])
		}
	}
	if !ro { // stored from 16 goroutines
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for w := 0; w < 16; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < n; i += 16 {
					if err := d.Put(ctx, want[i], vals[i]); err != nil {
						errs <- fmt.Errorf("Put %d: %w", i, err)
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	}
	slices.SortFunc(want, func(a, b plugins.Key) int { return bytes.Compare(a[:], b[:]) })

	list := func(opt plugins.ListOptions) []plugins.Key {
		t.Helper()
		var got []plugins.Key
		err := d.List(ctx, opt, func(keys []plugins.Key) error {
			got = append(got, keys...) // keys may be reused after fn returns
			return nil
		})
		if err != nil {
			t.Fatalf("List %+v: %v", opt, err)
		}
		return got
	}
	all := list(plugins.ListOptions{})
	if !slices.Equal(all, want) {
		t.Fatalf("List: %d keys (sorted and equal to the stored set: %v), want %d", len(all), slices.Equal(all, want), n)
	}
	// Resume in pages of 3,000, each after the last key of the one before.
	var pages []plugins.Key
	var after *plugins.Key
	for {
		page := list(plugins.ListOptions{After: after, Limit: 3000})
		if len(page) > 3000 {
			t.Fatalf("List with Limit 3000 returned %d keys", len(page))
		}
		if len(page) == 0 {
			break
		}
		pages = append(pages, page...)
		last := page[len(page)-1]
		after = &last
	}
	if !slices.Equal(pages, want) {
		t.Fatalf("resumed List: %d keys, want the %d in order", len(pages), n)
	}
	// After a key that is not stored: resumes at the next one.
	gap := want[n/2]
	gap[plugins.KeySize-1]++ // a neighbour that is almost surely absent
	if !slices.Contains(want, gap) {
		i, _ := slices.BinarySearchFunc(want, gap, func(a, b plugins.Key) int { return bytes.Compare(a[:], b[:]) })
		if got := list(plugins.ListOptions{After: &gap, Limit: 5}); !slices.Equal(got, want[i:min(i+5, n)]) {
			t.Errorf("List after an absent key: got %d keys not matching the next ones", len(got))
		}
	}
	// After the last key: nothing.
	if got := list(plugins.ListOptions{After: &want[n-1]}); len(got) != 0 {
		t.Errorf("List after the last key: %d keys", len(got))
	}
	// Stopping early returns fn's error.
	stop := errors.New("enough")
	calls := 0
	err := d.List(ctx, plugins.ListOptions{}, func([]plugins.Key) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("List with fn failing: err %v after %d calls, want fn's error after 1", err, calls)
	}
}

func (s *suite) testAllow(t *testing.T) {
	d, _ := s.open(t)
	const n = 5000
	keys := func(yield func(plugins.Key) bool) {
		for i := 0; i < n; i++ {
			var v [8]byte
			binary.BigEndian.PutUint64(v[:], uint64(i))
			if !yield(plugins.SumKey(v[:])) {
				return
			}
		}
	}
	got, err := d.Allow(s.ctx(t), keys)
	if err != nil {
		t.Fatalf("Allow of %d keys: %v", n, err)
	}
	if got < 0 || got > n {
		t.Errorf("Allow took %d keys of %d", got, n)
	}
	if got, err := d.Allow(s.ctx(t), func(func(plugins.Key) bool) {}); err != nil || got != 0 {
		t.Errorf("Allow of no keys: %d, %v", got, err)
	}
}

func (s *suite) testRestart(t *testing.T) {
	d, ro := s.open(t)
	vals := [][]byte{record(10), record(4096), record(40960)}
	var keys []plugins.Key
	for _, v := range vals {
		keys = append(keys, s.store(t, d, ro, v))
	}
	d = s.h.Restart(t, d)
	st, err := d.Stat(s.ctx(t))
	if err != nil || !st.Healthy {
		t.Fatalf("Stat after restart: %+v, %v", st, err)
	}
	for i, v := range vals {
		s.mustGet(t, d, keys[i], v)
	}
	if !ro {
		v := record(777)
		k := s.store(t, d, ro, v)
		s.mustGet(t, d, k, v)
	}
}
