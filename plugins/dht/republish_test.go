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

// With a 3 s record TTL, records whose publisher left are still there
// after four TTLs: the nodes that hold them republish them.
func TestRepublishKeepsRecordsPastExpiry(t *testing.T) {
	const ttl = 3 * time.Second
	edit := shortLived(ttl, ttl/2)
	s := testdht.Start(t, 20, func(_ int, c *dht.Config) { edit(c) })
	keys, vals := records(20, "alive")
	s.Allow(t, keys)
	ctx := context.Background()
	for i, k := range keys {
		if _, err := s.Nodes[4].Publish(ctx, k, vals[i]); err != nil {
			t.Fatal(err)
		}
	}
	s.Stop(t, 4)
	time.Sleep(4 * ttl)
	fresh := newNode(t, s, edit)
	allow(t, fresh, keys)
	for i, k := range keys {
		got, err := fresh.Get(ctx, k)
		if err != nil || !bytes.Equal(got, vals[i]) {
			t.Fatalf("record %d after 4 TTLs: %q, %v", i, got, err)
		}
	}
	republished := 0
	for _, d := range s.Live() {
		r := d.Report()
		if r.Published > 0 && time.Since(r.LastRepublish) < 2*ttl {
			republished++
		}
		if r.Records != int64(len(keys)) {
			t.Errorf("a node holds %d records, want all %d: %s", r.Records, len(keys), r)
		}
	}
	if republished < 2 {
		t.Errorf("only %d nodes republished lately", republished)
	}
}

// The control: without republishing, the same records are gone once the
// TTL has passed.
func TestWithoutRepublishRecordsExpire(t *testing.T) {
	const ttl = 2 * time.Second
	edit := shortLived(ttl, 0)
	s := testdht.Start(t, 8, func(_ int, c *dht.Config) { edit(c) })
	keys, vals := records(8, "expiring")
	s.Allow(t, keys)
	ctx := context.Background()
	for i, k := range keys {
		if r, err := s.Nodes[3].Publish(ctx, k, vals[i]); err != nil || r.Holders == 0 {
			t.Fatalf("publish %d: %+v, %v", i, r, err)
		}
	}
	s.Stop(t, 3)
	fresh := newNode(t, s, edit)
	allow(t, fresh, keys)
	if _, err := fresh.Get(ctx, keys[0]); err != nil {
		t.Fatalf("before the TTL: %v", err)
	}
	time.Sleep(ttl + time.Second)
	for i, k := range keys[1:] {
		if _, err := fresh.Get(ctx, k); !errors.Is(err, plugins.ErrNotFound) {
			t.Errorf("record %d after the TTL without republishing: %v, want ErrNotFound", i+1, err)
		}
	}
}
