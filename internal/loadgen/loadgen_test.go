package loadgen

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestRunCallsEachIndexOnce(t *testing.T) {
	seen := make([]atomic.Int32, 1000)
	r, err := Run(len(seen), 16, func(i int) error {
		seen[i].Add(1)
		if i == 0 {
			time.Sleep(2 * time.Millisecond)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range seen {
		if seen[i].Load() != 1 {
			t.Fatalf("index %d called %d times", i, seen[i].Load())
		}
	}
	if r.Quantile(1) < 2*time.Millisecond || r.Quantile(0) > r.Quantile(0.5) || r.Rate() <= 0 {
		t.Errorf("quantiles %v %v %v, rate %v", r.Quantile(0), r.Quantile(0.5), r.Quantile(1), r.Rate())
	}
}

func TestRunStopsAtFirstError(t *testing.T) {
	boom := errors.New("boom")
	var calls atomic.Int64
	_, err := Run(1_000_000, 4, func(i int) error {
		calls.Add(1)
		if i == 10 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || calls.Load() >= 1_000_000 {
		t.Fatalf("err %v after %d calls", err, calls.Load())
	}
}
