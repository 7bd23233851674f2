package bytecache

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
)

func TestGetPutDelete(t *testing.T) {
	c := New[string, string](100)
	if _, ok := c.Get("a"); ok {
		t.Fatal("a found in an empty cache")
	}
	c.Put("a", "one", 10)
	c.Put("b", "two", 20)
	if v, ok := c.Get("a"); !ok || v != "one" {
		t.Fatalf("Get(a) = %q, %v", v, ok)
	}
	c.Put("a", "uno", 30) // a new value, a new size
	if v, _ := c.Get("a"); v != "uno" {
		t.Fatalf("Get(a) after replacing = %q", v)
	}
	if n, b := c.Stats(); n != 2 || b != 50 {
		t.Fatalf("Stats = %d entries, %d bytes; want 2, 50", n, b)
	}
	c.Delete("a")
	c.Delete("nothing")
	if _, ok := c.Get("a"); ok {
		t.Fatal("a found after Delete")
	}
	if n, b := c.Stats(); n != 1 || b != 20 {
		t.Fatalf("Stats after Delete = %d, %d; want 1, 20", n, b)
	}
}

// TestSecondChance: when the cache is full, the oldest entry not read
// since it was last given a chance goes first.
func TestSecondChance(t *testing.T) {
	c := New[string, int](30)
	c.Put("a", 1, 10)
	c.Put("b", 2, 10)
	c.Put("c", 3, 10)
	c.Get("a") // a is the oldest, but used
	c.Put("d", 4, 10)
	for k, want := range map[string]bool{"a": true, "b": false, "c": true, "d": true} {
		if _, ok := c.Get(k); ok != want {
			t.Errorf("after the eviction, %s cached = %v, want %v", k, ok, want)
		}
	}
	// A value as large as the cache pushes out everything else.
	c.Put("big", 5, 30)
	if n, b := c.Stats(); n != 1 || b != 30 {
		t.Fatalf("Stats = %d, %d; want 1, 30", n, b)
	}
	if _, ok := c.Get("big"); !ok {
		t.Fatal("the value as large as the cache was not kept")
	}
}

// TestTooLarge: a value larger than the whole cache is not kept, and it
// does not leave an older value of its key behind.
func TestTooLarge(t *testing.T) {
	c := New[string, string](100)
	c.Put("k", "huge", 101)
	if _, ok := c.Get("k"); ok {
		t.Fatal("a value larger than the cache was kept")
	}
	c.Put("k", "old", 10)
	c.Put("k", "new and huge", 101)
	if v, ok := c.Get("k"); ok {
		t.Fatalf("after a too-large replacement, Get(k) = %q: a stale value", v)
	}
	if n, b := c.Stats(); n != 0 || b != 0 {
		t.Fatalf("Stats = %d, %d; want 0, 0", n, b)
	}
}

// TestConcurrent mixes Puts, Gets and Deletes from 8 goroutines (run it
// with -race), then checks the bytes held against the entries and the
// bound.
func TestConcurrent(t *testing.T) {
	const max = 10_000
	c := New[int, []int64](max)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 1))
			for range 20_000 {
				k := r.IntN(500)
				switch r.IntN(10) {
				case 0:
					c.Delete(k)
				case 1, 2, 3:
					size := int64(1 + r.IntN(400))
					c.Put(k, []int64{int64(k), size}, size)
				default:
					if v, ok := c.Get(k); ok && v[0] != int64(k) {
						t.Errorf("Get(%d) returned the value of %d", k, v[0])
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	n, held := c.Stats()
	var sum int64
	found := 0
	for k := range 500 {
		if v, ok := c.Get(k); ok {
			sum += v[1]
			found++
		}
	}
	if found != n || sum != held || held > max {
		t.Fatalf("%d entries of %d bytes found, Stats says %d of %d (bound %d)", found, sum, n, held, max)
	}
	if n == 0 {
		t.Fatal("the cache ended empty")
	}
}

func BenchmarkGetParallel(b *testing.B) {
	c := New[string, []byte](1 << 20)
	keys := make([]string, 1000)
	for i := range keys {
		keys[i] = fmt.Sprint("name-", i)
		c.Put(keys[i], make([]byte, 100), 100)
	}
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			c.Get(keys[i%len(keys)])
			i++
		}
	})
}
