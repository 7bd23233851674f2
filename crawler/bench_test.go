package crawler_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zonemirror/zonemirror/crawler"
	"github.com/zonemirror/zonemirror/internal/testdht"
	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/host"
)

// benchRecords returns n records sized as the real data: the real zone
// files in turn (median 135 B, one of 34.7 KB), each made unique by a
// comment line, plus one 40,960-byte record per 2,000.
func benchRecords(b *testing.B, n int) ([]plugins.Key, [][]byte) {
	_, real := zoneFiles(b)
	keys := make([]plugins.Key, n)
	vals := make([][]byte, n)
	for i := range vals {
		if i%2000 == 1999 {
			v := make([]byte, 40960)
			copy(v, fmt.Sprintf("$ORIGIN big%d.id\n; ", i))
			for j := 24; j < len(v)-1; j++ {
				v[j] = 'a' + byte(j%26)
			}
			v[len(v)-1] = '\n'
			vals[i] = v
		} else {
			vals[i] = append(append([]byte(nil), real[i%len(real)]...), fmt.Sprintf("; bench %d\n", i)...)
		}
		keys[i] = plugins.SumKey(vals[i])
	}
	return keys, vals
}

// BenchmarkCrawl10k: a fresh mirror (name database with the 10,000
// hashes, disk tier on tmpfs without fsync, a DHT node) crawls 10,000
// records from a 20-node swarm in this process. Reports records/s, the
// crawl's time, the CPU it took (this process: the mirror and the 20
// nodes serving it; and the driver process's, when there is one), the heap
// in use after it and the process's peak RSS. The swarm is built and
// filled once, untimed; each sub-benchmark crawls with a fresh mirror.
func BenchmarkCrawl10k(b *testing.B) {
	const n = 10000
	s := testdht.Start(b, 20, nil)
	keys, vals := benchRecords(b, n)
	s.Allow(b, keys)
	start := time.Now()
	publish(b, s.Nodes[15:], keys, vals)
	b.Logf("swarm of 20 filled with %d records in %s (load %s)", n, time.Since(start).Round(time.Millisecond), loadavg())
	for _, bc := range []struct {
		name    string
		process bool
		workers int
	}{
		{"inprocess/workers=8", false, 8},
		{"inprocess/workers=32", false, 32},
		{"inprocess/workers=128", false, 128},
		{"process/workers=8", true, 8},
		{"process/workers=32", true, 32},
		{"process/workers=128", true, 128},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				crawlOnce(b, s, keys, bc.process, bc.workers)
			}
		})
	}
}

func crawlOnce(b *testing.B, s *testdht.Swarm, keys []plugins.Key, process bool, workers int) {
	b.StopTimer()
	m := newMirror(b, s, mirrorOpts{process: process, crawl: func(c *crawler.Config) { c.Workers = workers }})
	m.chain.Announce(b, hashes(keys))
	runtime.GC()
	var before syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	childBefore := childCPU(m)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	// ZONEMIRROR_CRAWL_CPUPROFILE=FILE profiles the crawls alone.
	if f := os.Getenv("ZONEMIRROR_CRAWL_CPUPROFILE"); f != "" {
		out, err := os.Create(fmt.Sprintf("%s.%d", f, time.Now().UnixNano()))
		if err == nil && pprof.StartCPUProfile(out) == nil {
			defer func() { pprof.StopCPUProfile(); out.Close() }()
		}
	}
	b.StartTimer()
	start := time.Now()
	go func() { done <- m.c.Run(ctx) }()
	for {
		st := m.c.Status()
		if st.Held == int64(len(keys)) {
			break
		}
		if time.Since(start) > 5*time.Minute {
			b.Fatalf("crawl not done after 5 minutes: %s", st)
		}
		time.Sleep(20 * time.Millisecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	var after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	cpu := tv(after.Utime) + tv(after.Stime) - tv(before.Utime) - tv(before.Stime)
	child := childCPU(m) - childBefore
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	cancel()
	<-done
	st := m.c.Status()
	b.ReportMetric(float64(len(keys))/elapsed.Seconds(), "records/s")
	b.ReportMetric(elapsed.Seconds(), "s/crawl")
	b.ReportMetric(cpu.Seconds(), "cpu-s")
	if process {
		b.ReportMetric(child.Seconds(), "driver-cpu-s")
	}
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MiB")
	b.ReportMetric(float64(after.Maxrss)/1024, "maxrss-MiB")
	b.Logf("%d records in %s: %s; load %s", len(keys), elapsed.Round(time.Millisecond), st, loadavg())
	m.close(b)
	b.StartTimer()
}

func tv(t syscall.Timeval) time.Duration {
	return time.Duration(t.Sec)*time.Second + time.Duration(t.Usec)*time.Microsecond
}

// childCPU is the CPU time of the mirror's driver process so far (0 in
// process), from /proc.
func childCPU(m *mirror) time.Duration {
	p, ok := m.dht.(*host.Process)
	if !ok {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.PID()))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+s) * time.Second / 100 // clock ticks of 10 ms
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
