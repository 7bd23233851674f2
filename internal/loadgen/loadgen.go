package loadgen

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Result is what Run measured.
type Result struct {
	// Elapsed is the wall time of all calls.
	Elapsed time.Duration
	// Latencies holds each call's latency, sorted.
	Latencies []time.Duration
}

// Run makes n calls of op (with i from 0 to n-1, each once) from callers
// goroutines. It stops at the first error and returns it.
func Run(n, callers int, op func(i int) error) (Result, error) {
	lat := make([]time.Duration, n)
	var next atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for g := 0; g < callers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || failed.Load() != nil {
					return
				}
				t := time.Now()
				if err := op(i); err != nil {
					failed.CompareAndSwap(nil, err)
					return
				}
				lat[i] = time.Since(t)
			}
		}()
	}
	wg.Wait()
	r := Result{Elapsed: time.Since(start), Latencies: lat}
	if err, _ := failed.Load().(error); err != nil {
		return r, err
	}
	slices.Sort(r.Latencies)
	return r, nil
}

// Rate is calls per second.
func (r Result) Rate() float64 { return float64(len(r.Latencies)) / r.Elapsed.Seconds() }

// Quantile returns the latency at q (0.5 for p50, 0.99 for p99).
func (r Result) Quantile(q float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	return r.Latencies[min(int(q*float64(len(r.Latencies))), len(r.Latencies)-1)]
}

// Reporter takes a benchmark's custom metrics (*testing.B does).
type Reporter interface {
	ReportMetric(n float64, unit string)
}

// Report gives rep the rate (ops/s) and the p50 and p99 latencies (p50-µs,
// p99-µs): the figures the benchmarks print.
func (r Result) Report(rep Reporter) {
	rep.ReportMetric(r.Rate(), "ops/s")
	rep.ReportMetric(float64(r.Quantile(0.5).Microseconds()), "p50-µs")
	rep.ReportMetric(float64(r.Quantile(0.99).Microseconds()), "p99-µs")
}
