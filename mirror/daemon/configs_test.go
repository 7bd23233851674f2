package daemon

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/dht"
	"github.com/zonemirror/zonemirror/plugins/disk"
	"github.com/zonemirror/zonemirror/plugins/s3"
	"github.com/zonemirror/zonemirror/plugins/tiered"
)

// Every example config in configs/ loads, and each tier's config: keys are
// its driver's.
func TestExampleConfigs(t *testing.T) {
	files, err := filepath.Glob("../../configs/*.yaml")
	if err != nil || len(files) < 3 {
		t.Fatalf("example configs: %v %v", files, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c, err := Load(b)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		hcs, err := c.hostConfigs()
		if err != nil {
			t.Fatal(err)
		}
		for i, hc := range hcs {
			dst := map[string]any{"disk": &disk.Config{}, "s3": &s3.Config{}, "dht": &dht.Config{}}[hc.Driver]
			if dst == nil {
				t.Errorf("%s: drivers[%d]: driver %q", f, i, hc.Driver)
				continue
			}
			if err := plugins.DecodeConfig(hc.Config, dst); err != nil {
				t.Errorf("%s: drivers[%d].config: %v", f, i, err)
			}
		}
	}
}

// promtool returns the path of Prometheus's promtool, or fails saying
// how to get it (.ci/run installs Debian's prometheus package).
func promtool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("promtool")
	if err != nil {
		t.Fatalf("promtool is not installed (apt-get install --no-install-recommends prometheus; .ci/run does): %v", err)
	}
	return p
}

// The example Prometheus config and the alert rules pass promtool's
// checks, and the rules their unit tests (configs/prometheus/alerts_test.yml:
// each alert fires on its condition, with its labels and annotations, and
// not on a healthy mirror).
func TestPrometheusRules(t *testing.T) {
	pt := promtool(t)
	for _, args := range [][]string{
		{"check", "config", "prometheus.yml"},
		{"check", "rules", "alerts.yml"},
		{"test", "rules", "alerts_test.yml"},
	} {
		cmd := exec.Command(pt, args...)
		cmd.Dir = "../../configs/prometheus"
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "SUCCESS") {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// A tier's latency quantiles come from its cumulative buckets as
// Prometheus's histogram_quantile reads them.
func TestTierQuantile(t *testing.T) {
	s := tiered.TierStats{Count: 100, Buckets: make([]uint64, len(tiered.LatencyBuckets))}
	for i := range s.Buckets { // half in the first bucket, the rest in the third
		switch {
		case i < 2:
			s.Buckets[i] = 50
		default:
			s.Buckets[i] = 100
		}
	}
	b0, b1, b2 := tiered.LatencyBuckets[0].Seconds(), tiered.LatencyBuckets[1].Seconds(), tiered.LatencyBuckets[2].Seconds()
	if got := quantile(0.5, s.Count, s.Buckets); got != b0 {
		t.Errorf("p50 %v, want %v (the first bucket's bound)", got, b0)
	}
	if got, want := quantile(0.99, s.Count, s.Buckets), b1+(b2-b1)*49/50; math.Abs(got-want) > 1e-12 {
		t.Errorf("p99 %v, want %v", got, want)
	}
	if quantile(0.5, 0, nil) != 0 {
		t.Error("no Get: not 0")
	}
}

// The tiers' counters are summed over the stores that use them: the
// crawler's writes show with the mirror's.
func TestStoreStatsSummed(t *testing.T) {
	d, err := disk.New(disk.Config{Dir: t.TempDir()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var stores storeStats
	for range 2 {
		s, err := tiered.New([]tiered.Tier{{Name: "local", Driver: d}}, tiered.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		stores = append(stores, s)
	}
	ctx := context.Background()
	for i, s := range stores {
		v := []byte(fmt.Sprintf("zone file %d", i))
		if _, err := s.Put(ctx, plugins.SumKey(v), v); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(ctx, plugins.SumKey(v)); err != nil {
			t.Fatal(err)
		}
	}
	st := stores.Stats()
	if len(st) != 1 || st[0].Puts != 2 || st[0].PutCount != 2 || st[0].Hits != 2 || st[0].Count != 2 || st[0].PutBuckets[len(st[0].PutBuckets)-1] != 2 {
		t.Fatalf("summed: %+v", st)
	}
}
