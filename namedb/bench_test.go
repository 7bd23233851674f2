package namedb

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The benchmarks the namedb issue sets targets for: operations applied per
// second in blocks of 100 operations (≥ 10,000/s), an empty block committed
// (≤ 0.5 ms, BenchmarkApplyEmptyBlock in db_test.go), name-record lookups at
// 1 and 8 goroutines (≥ 100,000/s at 8), and the memory and disk size of a
// database of -names registered names (bench/namedb-million.sh runs it with
// 1,000,000).

var benchNames = flag.Int("names", 20_000, "registered names for BenchmarkNameTable and the lookup benchmarks")

// workload registers names in a namespace of its own: each block preorders
// a batch of new names, registers the previous block's batch and updates
// names registered earlier, as a busy mainnet block does.
type workload struct {
	c       *chain
	actors  []*actor
	next    int // next name to preorder
	ordered []int
	updates int
}

const namesPerActor = 20

func newWorkload(tb testing.TB) *workload {
	n := testNet()
	n.Epochs[0].LifetimeMultiplier = 1
	c := newChain(tb, n)
	w := &workload{c: c}
	creator, launcher := newActor(n.Wire, "bench creator"), newActor(n.Wire, "bench launcher")
	c.launch(creator, launcher, "bench", InfiniteLifetime)
	return w
}

func (w *workload) actor(i int) *actor {
	for len(w.actors) <= i/namesPerActor {
		w.actors = append(w.actors, newActor(w.c.net.Wire, fmt.Sprint("bench ", len(w.actors))))
	}
	return w.actors[i/namesPerActor]
}

// benchName is the i-th name of the workload; names arrive in random
// order, as on mainnet (multiplying by an odd constant is a bijection).
func benchName(i int) string { return fmt.Sprintf("n%08x.bench", uint32(i)*2654435761) }

// queue queues one block: pre preorders, the registrations of the last
// block's preorders, and upd updates of registered names.
func (w *workload) queue(pre, upd int) {
	c := w.c
	for _, i := range w.ordered {
		a := w.actor(i)
		c.register(a, benchName(i), a, vh(benchName(i)))
	}
	// names registered in this block cannot be updated in it
	registered := w.next - len(w.ordered)
	w.ordered = w.ordered[:0]
	for range pre {
		a := w.actor(w.next)
		c.preorder(a, benchName(w.next), a, 102_400_000)
		w.ordered = append(w.ordered, w.next)
		w.next++
	}
	for range upd {
		if registered == 0 {
			break
		}
		i := (w.updates * 7919) % registered
		w.updates++
		c.update(w.actor(i), benchName(i), *vh(fmt.Sprint("u", w.updates)))
	}
}

func (w *workload) mine(tb testing.TB) *BlockResult {
	res := w.c.mine()
	if len(res.Rejected) > 0 {
		r := res.Rejected[0]
		tb.Fatalf("block %d: %d refused, first %s: %v", res.Height, len(res.Rejected), r.Opcode, r.Err)
	}
	return res
}

// register makes n names registered (preorder and registration blocks of
// 500 operations).
func (w *workload) register(tb testing.TB, n int) {
	for w.next < n {
		w.queue(min(250, n-w.next), 0)
		w.mine(tb)
	}
	w.queue(0, 0)
	w.mine(tb)
}

// BenchmarkApplyOps applies blocks of 100 operations — 40 preorders, 40
// registrations, 20 updates — on a database that already holds 20,000
// names.
func BenchmarkApplyOps(b *testing.B) {
	w := newWorkload(b)
	w.register(b, 20_000)
	w.queue(40, 20)
	w.mine(b)
	ops := 0
	var apply time.Duration
	for b.Loop() {
		w.queue(40, 20)
		start := time.Now()
		res := w.mine(b)
		apply += time.Since(start)
		ops += res.Accepted
	}
	b.ReportMetric(float64(ops)/apply.Seconds(), "ops/s")
	b.ReportMetric(float64(ops)/float64(b.N), "ops/block")
}

// BenchmarkNameLookup reads name records (DB.Name) of a database of -names
// names from 1 and 8 goroutines: hot (every record in the record cache) and
// cold (cache off: SQLite and JSON on every lookup).
func BenchmarkNameLookup(b *testing.B) {
	w := newWorkload(b)
	w.register(b, *benchNames)
	ctx := context.Background()
	db := w.c.db
	hot := db.cache
	for _, mode := range []string{"hot", "cold"} {
		db.cache = hot
		if mode == "cold" {
			db.cache = newRecordCache(0)
		}
		for _, g := range []int{1, 8} {
			b.Run(fmt.Sprintf("%s/goroutines=%d", mode, g), func(b *testing.B) {
				var wg sync.WaitGroup
				per := b.N/g + 1
				b.ResetTimer()
				start := time.Now()
				for k := range g {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := range per {
							name := benchName((k*per + i) * 7 % *benchNames)
							info, err := db.Name(ctx, name)
							if err != nil || info == nil || info.Status != StatusRegistered {
								b.Errorf("%s: %v %v", name, info, err)
								return
							}
						}
					}()
				}
				wg.Wait()
				b.ReportMetric(float64(per*g)/time.Since(start).Seconds(), "lookups/s")
			})
		}
	}
	db.cache = hot
}

// BenchmarkNameTable builds a database of -names registered names through
// preorder and registration blocks and reports its size on disk, the
// process's memory and the rate it was built at.
func BenchmarkNameTable(b *testing.B) {
	for b.Loop() {
		w := newWorkload(b)
		start := time.Now()
		last := start
		for w.next < *benchNames {
			w.register(b, min(w.next+50_000, *benchNames))
			if time.Since(last) > 30*time.Second {
				b.Logf("%d names, %s", w.next, time.Since(start).Round(time.Second))
				last = time.Now()
			}
		}
		elapsed := time.Since(start)
		if err := w.c.db.kv.Flush(); err != nil {
			b.Fatal(err)
		}
		size := int64(w.c.db.kv.Metrics().DiskSpaceUsage())
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		n := float64(*benchNames)
		b.ReportMetric(float64(size)/(1<<20), "disk-MiB")
		b.ReportMetric(float64(size)/n, "disk-B/name")
		b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MiB")
		b.ReportMetric(float64(rssBytes(b))/(1<<20), "rss-MiB")
		b.ReportMetric(2*n/elapsed.Seconds(), "ops/s")
	}
}

// rssBytes is the resident set of this process (Linux), or 0.
func rssBytes(tb testing.TB) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}
