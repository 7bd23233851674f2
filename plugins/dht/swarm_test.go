package dht_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/zonemirror/zonemirror/internal/testdht"
	"github.com/zonemirror/zonemirror/internal/testdir"
	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/dht"
	"github.com/zonemirror/zonemirror/plugins/host/hosttest"
)

func records(n int, tag string) ([]plugins.Key, [][]byte) {
	keys := make([]plugins.Key, n)
	vals := make([][]byte, n)
	for i := range vals {
		vals[i] = []byte(fmt.Sprintf("$ORIGIN %s-%d.id\n$TTL 3600\n_http._tcp IN URI 10 1 \"https://example.org/%d\"\n", tag, i, i))
		keys[i] = plugins.SumKey(vals[i])
	}
	return keys, vals
}

func newNode(t *testing.T, s *testdht.Swarm, edit func(*dht.Config)) *dht.Driver {
	t.Helper()
	c := s.NodeConfig(testdir.Mem(t))
	if edit != nil {
		edit(&c)
	}
	d, err := dht.New(context.Background(), c, hosttest.Logger())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	testdht.WaitReady(t, d, "new node")
	return d
}

func allow(t *testing.T, d plugins.Driver, keys []plugins.Key) {
	t.Helper()
	n, err := d.Allow(context.Background(), func(yield func(plugins.Key) bool) {
		for _, k := range keys {
			if !yield(k) {
				return
			}
		}
	})
	if err != nil || n != len(keys) {
		t.Fatalf("Allow: %d of %d, %v", n, len(keys), err)
	}
}

// Records published by one node of a 20-node swarm are held by all of its
// closest peers (asked one by one) and fetched by a fresh node.
func TestPublishReplicatesAndFreshNodeGets(t *testing.T) {
	s := testdht.Start(t, 20, nil)
	keys, vals := records(30, "pub")
	s.Allow(t, keys)
	ctx := context.Background()
	for i, k := range keys {
		r, err := s.Nodes[3].Publish(ctx, k, vals[i])
		if err != nil {
			t.Fatal(err)
		}
		if r.Closest < 15 || r.UnderReplicated() {
			t.Fatalf("record %d: %+v, want held by every one of >= 15 closest peers", i, r)
		}
	}
	fresh := newNode(t, s, nil)
	allow(t, fresh, keys)
	for i, k := range keys {
		got, err := fresh.Get(ctx, k)
		if err != nil || !bytes.Equal(got, vals[i]) {
			t.Fatalf("Get %d: %q, %v", i, got, err)
		}
		if ok, _ := fresh.Has(ctx, k); ok {
			t.Fatalf("Get stored record %d on the fresh node; Has must mean held", i)
		}
	}
	if r := fresh.Report(); r.Found != uint64(len(keys)) {
		t.Errorf("fresh node report: %+v", r)
	}
	missing := plugins.SumKey([]byte("never published"))
	allow(t, fresh, []plugins.Key{missing})
	if _, err := fresh.Get(ctx, missing); !errors.Is(err, plugins.ErrNotFound) {
		t.Errorf("Get of an unpublished key: %v, want ErrNotFound", err)
	}
	if _, err := fresh.Get(ctx, plugins.SumKey([]byte("not allowed"))); !errors.Is(err, plugins.ErrNotFound) {
		t.Errorf("Get of a key off the whitelist: %v, want ErrNotFound", err)
	}
	_ = time.Second
}
