package dht_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/zonemirror/zonemirror/internal/testdht"
	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/dht"
)

// shortLived makes records expire after ttl and be republished every
// every (0: never).
func shortLived(ttl, every time.Duration) func(c *dht.Config) {
	return func(c *dht.Config) {
		c.RecordTTL = plugins.Duration(ttl)
		e := plugins.Duration(every)
		c.RepublishInterval = &e
	}
}

// With a 6 s record TTL, records whose publisher left are still there
// after two and a half TTLs: the nodes that hold them republish them.
// That needs the swarm to republish the records within a republish
// interval (half the TTL); a machine too loaded to publish them once in
// that time shows nothing, and the test runs again with a TTL long enough
// for what it measured.
func TestRepublishKeepsRecordsPastExpiry(t *testing.T) {
	ttl := 6 * time.Second
	for try := 1; ; try++ {
		took, ok := republishPastExpiry(t, ttl)
		if ok {
			return
		}
		if try == 3 {
			t.Fatalf("publishing 10 records took %s with a %s TTL, three times over: too slow to test republishing", took, ttl)
		}
		t.Logf("publishing took %s, more than the republish interval of a %s TTL; again with a TTL of %s", took, ttl, 4*took)
		ttl = 4 * took
	}
}

// republishPastExpiry runs the test with record TTL ttl; ok is false (and
// nothing is asserted) if publishing the records took longer than half
// the TTL.
func republishPastExpiry(t *testing.T, ttl time.Duration) (took time.Duration, ok bool) {
	edit := shortLived(ttl, ttl/2)
	start := time.Now()
	s := testdht.Start(t, 20, func(_ int, c *dht.Config) { edit(c) })
	defer s.Close()
	t.Logf("TTL %s: swarm up after %s", ttl, time.Since(start))
	keys, vals := records(10, "alive")
	s.Allow(t, keys)
	ctx := context.Background()
	pubStart := time.Now()
	for i, k := range keys {
		if _, err := s.Nodes[4].Publish(ctx, k, vals[i]); err != nil {
			t.Fatal(err)
		}
	}
	if took = time.Since(pubStart); took > ttl/2 {
		return took, false
	}
	t.Logf("published after %s", time.Since(start))
	s.Stop(t, 4)
	time.Sleep(5 * ttl / 2)
	t.Logf("slept after %s", time.Since(start))
	fresh := newNode(t, s, edit)
	defer fresh.Close()
	t.Logf("fresh node joined after %s", time.Since(start))
	allow(t, fresh, keys)
	for i, k := range keys {
		got, err := fresh.Get(ctx, k)
		if err != nil || !bytes.Equal(got, vals[i]) {
			t.Fatalf("record %d after 2.5 TTLs: %q, %v", i, got, err)
		}
	}
	t.Logf("fetched after %s", time.Since(start))
	// Every record is still spread over the swarm (a copy that a late
	// republish missed under load expires, and the next one restores it).
	republished := 0
	live := s.Live()
	for _, d := range live {
		if r := d.Report(); r.Published > 0 && time.Since(r.LastRepublish) < 2*ttl {
			republished++
		}
	}
	if republished < 2 {
		t.Errorf("only %d nodes republished lately", republished)
	}
	var total uint64
	for _, d := range live {
		total += d.Report().Published
	}
	t.Logf("%d publishes by %d nodes in %s", total, len(live), time.Since(start))
	for i, k := range keys {
		holders := 0
		for _, d := range live {
			if ok, _ := d.Has(ctx, k); ok {
				holders++
			}
		}
		if holders < len(live)/2 {
			t.Errorf("record %d is held by %d of %d nodes", i, holders, len(live))
		}
	}
	return took, true
}

// The control: without republishing, the same records are gone once the
// TTL has passed. Seeing one before the TTL needs the fresh node to join
// and fetch it within the TTL; on a machine too loaded for that, the
// observation says nothing, and the control runs again with a TTL twice
// as long.
func TestWithoutRepublishRecordsExpire(t *testing.T) {
	for ttl := 2 * time.Second; ; ttl *= 2 {
		if expireWithoutRepublish(t, ttl) {
			return
		}
		if ttl >= 16*time.Second {
			t.Fatal("the fresh node never fetched a record within the TTL")
		}
		t.Logf("the fresh node took longer than the %s TTL; again with twice the TTL", ttl)
	}
}

// expireWithoutRepublish reports false if the observation before the TTL
// came too late to mean anything.
func expireWithoutRepublish(t *testing.T, ttl time.Duration) bool {
	edit := shortLived(ttl, 0)
	s := testdht.Start(t, 8, func(_ int, c *dht.Config) { edit(c) })
	defer s.Close()
	keys, vals := records(8, "expiring")
	s.Allow(t, keys)
	ctx := context.Background()
	// The first record, seen before the TTL, is published last (it
	// expires last) and timed from before its publish.
	var published time.Time
	for i := len(keys) - 1; i >= 0; i-- {
		if i == 0 {
			published = time.Now()
		}
		if r, err := s.Nodes[3].Publish(ctx, keys[i], vals[i]); err != nil || r.Holders == 0 {
			t.Fatalf("publish %d: %+v, %v", i, r, err)
		}
	}
	s.Stop(t, 3)
	fresh := newNode(t, s, edit)
	allow(t, fresh, keys)
	if _, err := fresh.Get(ctx, keys[0]); err != nil {
		if time.Since(published) >= ttl {
			return false
		}
		t.Fatalf("before the TTL: %v", err)
	}
	time.Sleep(ttl + time.Second)
	for i, k := range keys[1:] {
		if _, err := fresh.Get(ctx, k); !errors.Is(err, plugins.ErrNotFound) {
			t.Errorf("record %d after the TTL without republishing: %v, want ErrNotFound", i+1, err)
		}
	}
	return true
}
