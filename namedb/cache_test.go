package namedb

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

func rec(name string) *storedName { return &storedName{NameRecord: &NameRecord{Name: name}} }

// sized is a record of name whose recordMemory is n bytes.
func sized(t *testing.T, name string, n int) *storedName {
	t.Helper()
	s := rec(name)
	s.Address = strings.Repeat("a", n-int(recordMemory(s)))
	if got := recordMemory(s); got != int64(n) {
		t.Fatalf("%s: %d bytes, want %d", name, got, n)
	}
	return s
}

// The cache never holds more than its bound, keeps recently used entries
// over unused ones, and an update replaces an entry in place.
func TestRecordCacheBound(t *testing.T) {
	const entry = 1000 // each entry costs 1000 bytes
	const bound = 10_000
	c := newRecordCache(bound)
	for i := range 10 {
		c.put(fmt.Sprint(i), sized(t, fmt.Sprint(i), entry))
	}
	if n, b := c.c.Stats(); b != bound || n != 10 {
		t.Fatalf("%d bytes, %d entries; want 10000, 10", b, n)
	}
	c.get("0") // used: survives the next eviction
	c.put("new", sized(t, "new", entry))
	if _, b := c.c.Stats(); b > bound {
		t.Fatalf("%d bytes over the bound %d", b, bound)
	}
	if _, ok := c.get("0"); !ok {
		t.Error("a used entry was evicted before unused ones")
	}
	if _, ok := c.get("1"); ok {
		t.Error("the oldest unused entry is still there")
	}
	c.put("0", sized(t, "zero", 2*entry))
	if s, _ := c.get("0"); s.Name != "zero" {
		t.Errorf("update: %q", s.Name)
	} else if _, b := c.c.Stats(); b > bound {
		t.Errorf("update: %d bytes", b)
	}
	c.drop("0")
	if _, ok := c.get("0"); ok {
		t.Error("dropped entry still cached")
	}
	off := newRecordCache(0)
	off.put("a", rec("a"))
	if _, ok := off.get("a"); ok {
		t.Error("a cache of size 0 keeps entries")
	} else if _, b := off.c.Stats(); b != 0 {
		t.Error("a cache of size 0 keeps entries")
	}
}

// Readers looking names up while blocks commit and rewind always get the
// record of a block at or before the tip they are judged at, never a stale
// one from before the last block they saw.
func TestNameReadsDuringCommits(t *testing.T) {
	ctx := context.Background()
	c := newChain(t, testNet())
	alice, bob := newActor(c.net.Wire, "alice"), newActor(c.net.Wire, "bob")
	c.launch(alice, bob, "race", InfiniteLifetime)
	names := []string{"a.race", "b.race", "c.race"}
	for _, n := range names {
		c.claim(alice, n)
	}
	// A cache that holds two of the three names: lookups keep missing and
	// re-filling it while blocks commit, the race the generation check is for.
	one, err := c.db.readName(c.db.get, names[0])
	if err != nil || one == nil {
		t.Fatal(one, err)
	}
	c.db.cache = newRecordCache(2*recordMemory(one) + recordMemory(one)/2)
	// blockOf[v] is the block h > base after which every name has value v.
	var blockOf sync.Map
	var tip atomic.Int64
	base := c.tip()
	tip.Store(base)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var reads atomic.Int64
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				before := tip.Load()
				info, err := c.db.Name(ctx, names[reads.Add(1)%3])
				if err != nil || info == nil {
					t.Errorf("lookup: %v %v", info, err)
					return
				}
				// The value hash says which block's update this record is.
				h := base // registered without a value (claim)
				if v := info.Record.ValueHash; v != nil {
					b, ok := blockOf.Load(*v)
					if !ok {
						t.Errorf("%s has value %s, which no block set", info.Record.Name, v)
						return
					}
					h = b.(int64)
				}
				if h < before {
					t.Errorf("record of block %d, but block %d was already visible", h, before)
					return
				}
			}
		}()
	}
	for i := range 60 {
		h := c.tip() + 1
		v := *vh(fmt.Sprint("v", h))
		blockOf.Store(v, h)
		for _, n := range names {
			c.update(alice, n, v)
		}
		c.mustAccept(c.mine(), 3)
		tip.Store(h)
		if i%20 == 19 {
			// rewind one block and mine it again with the same values
			tip.Store(h - 1)
			if err := c.db.Rewind(ctx, h-1); err != nil {
				t.Fatal(err)
			}
			for _, n := range names {
				c.update(alice, n, v)
			}
			c.mustAccept(c.mine(), 3)
			tip.Store(h)
		}
	}
	close(stop)
	wg.Wait()
	if reads.Load() < 100 {
		t.Fatalf("only %d reads ran", reads.Load())
	}
}
