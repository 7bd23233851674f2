package snapshot

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/namedbtest"
	"github.com/zonemirror/zonemirror/namedb/netparams"
)

var (
	benchOps     = flag.Int("snapshot.ops", 50_000, "operations in the benchmarks' chain")
	benchImports = flag.Int("snapshot.imports", 3, "imports of the snapshot in BenchmarkSnapshot (the median is reported)")
)

// benchChain builds a chain of about ops operations in mainnet's density
// (about 5 operations a block: most blocks have none): names preordered
// and registered in batches, then updated, with empty blocks between.
func benchChain(b *testing.B, ops int) *namedb.DB {
	b.Helper()
	start := time.Now()
	c := namedbtest.New(b, netparams.Devnet())
	c.Launch("id", 1_000_000)
	zfs := map[string][]byte{}
	done, batch := 0, 0
	for done < ops {
		// 5 owners of 20 names each (the quota is 25), 50 updated
		for o := range 5 {
			owner := c.Key(fmt.Sprintf("owner %d-%d", batch, o))
			names := make([]string, 20)
			for i := range names {
				names[i] = fmt.Sprintf("n%d-%d-%d.id", batch, o, i)
				zfs[names[i]] = []byte(names[i])
			}
			c.Register(owner, zfs, names...)
			c.MineEmpty(4)
			for _, n := range names[:10] {
				c.Update(owner, n, []byte(n+" v2"))
			}
			c.Mine()
			c.MineEmpty(3)
		}
		done += 250
		batch++
	}
	b.Logf("a chain of %d operations in %d blocks, built in %s", done, c.Tip(), time.Since(start).Round(time.Second))
	return c.DB
}

// peakMemory samples the heap and the process's resident memory until
// stop is called, and returns how far their peaks rose above where they
// were at the start (the source database, open throughout, is not
// counted).
func peakMemory() (stop func() (heap, rss uint64)) {
	runtime.GC()
	var ms0 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	heap0, rss0 := ms0.HeapInuse, rss()
	var heapPeak, rssPeak atomic.Uint64
	quit, done := make(chan struct{}), make(chan struct{})
	sample := func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if ms.HeapInuse > heapPeak.Load() {
			heapPeak.Store(ms.HeapInuse)
		}
		if r := rss(); r > rssPeak.Load() {
			rssPeak.Store(r)
		}
	}
	go func() {
		defer close(done)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			sample()
			select {
			case <-quit:
				return
			case <-t.C:
			}
		}
	}()
	return func() (uint64, uint64) {
		close(quit)
		<-done
		sample()
		return heapPeak.Load() - min(heap0, heapPeak.Load()), rssPeak.Load() - min(rss0, rssPeak.Load())
	}
}

// rss is the process's resident memory (Linux), 0 if unknown.
func rss() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseUint(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkSnapshot exports a chain of -snapshot.ops operations and
// imports it, reporting the rates (operations a second), the snapshot's
// bytes per operation and how far the heap and resident memory rose above
// where they were during each (the import's includes its pebble memtable
// and the new database's in-memory index of names, which grows with the
// names as a synced database's does). The source is closed before the
// imports start; the import rate is the median of -snapshot.imports
// imports. Run with two sizes:
//
//	go test -run '^$' -bench BenchmarkSnapshot -benchtime 1x ./snapshot -snapshot.ops 50000
func BenchmarkSnapshot(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		db := benchChain(b, *benchOps)
		trust := trustTip(db)
		b.StartTimer()
		stop := peakMemory()
		v := db.View()
		var buf bytes.Buffer
		start := time.Now()
		m, err := Export(ctx, db, v, &buf, ExportOptions{})
		exportTime := time.Since(start)
		v.Close()
		heapE, rssE := stop()
		if err != nil {
			b.Fatal(err)
		}
		snap := buf.Bytes()
		// the import runs alone, as it does in its own process: the
		// source's background compactions are done and its memory freed
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		runtime.GC()

		// imported -snapshot.imports times, each into a new folder: the
		// median is the figure (two cores are noisy), the slowest and the
		// fastest are shown too
		var times []time.Duration
		stop = peakMemory()
		for i := range *benchImports {
			path := filepath.Join(b.TempDir(), fmt.Sprintf("names%d", i))
			runtime.GC()
			start = time.Now()
			if _, err := Import(ctx, bytes.NewReader(snap), ImportOptions{Network: netparams.Devnet(), Path: path, Trust: trust}); err != nil {
				b.Fatal(err)
			}
			times = append(times, time.Since(start))
			if err := os.RemoveAll(path); err != nil {
				b.Fatal(err)
			}
		}
		heapI, rssI := stop()
		slices.Sort(times)
		importTime := times[len(times)/2]
		b.ReportMetric(float64(m.Operations)/times[len(times)-1].Seconds(), "import-ops/s-slowest")
		b.ReportMetric(float64(m.Operations)/times[0].Seconds(), "import-ops/s-fastest")
		b.ReportMetric(float64(m.Operations)/exportTime.Seconds(), "export-ops/s")
		b.ReportMetric(float64(m.Operations)/importTime.Seconds(), "import-ops/s")
		b.ReportMetric(float64(m.Blocks)/importTime.Seconds(), "import-blocks/s")
		b.ReportMetric(float64(len(snap))/float64(m.Operations), "bytes/op")
		b.ReportMetric(float64(heapE)/(1<<20), "export-heap-rise-MiB")
		b.ReportMetric(float64(rssE)/(1<<20), "export-rss-rise-MiB")
		b.ReportMetric(float64(heapI)/(1<<20), "import-heap-rise-MiB")
		b.ReportMetric(float64(rssI)/(1<<20), "import-rss-rise-MiB")
		b.ReportMetric(float64(m.Operations), "ops")
	}
}
