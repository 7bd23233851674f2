package dht_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
}

// Publishing a record that only 5 of the 19 other nodes accept (the rest
// do not know its hash) reports 5 holders, not the success kad-dht's
// PutValue would report; once the others learn the hash, the publisher
// re-puts it by itself and every closest peer holds it.
func TestPublishCountsRealHolders(t *testing.T) {
	s := testdht.Start(t, 20, nil)
	v := []byte("$ORIGIN few.id\n$TTL 3600\n")
	k := plugins.SumKey(v)
	pub := s.Nodes[0]
	allow(t, pub, []plugins.Key{k})
	for _, d := range s.Nodes[1:6] {
		allow(t, d, []plugins.Key{k})
	}
	r, err := pub.Publish(context.Background(), k, v)
	if err != nil {
		t.Fatal(err)
	}
	if r.Holders != 5 || !r.UnderReplicated() || r.Closest != 19 || len(r.Refused) == 0 {
		t.Fatalf("replication %+v, want 5 holders of 19 and refusals", r)
	}
	if rep := pub.Report(); rep.UnderReplicated != 1 || rep.Fewest != 5 || !strings.Contains(rep.String(), "1 under-replicated (fewest: 5 of 19 peers)") {
		t.Fatalf("report: %s", rep)
	}
	// The others get the whitelist entry; the publisher gets it too (its
	// own Allow of a known key is not news, so a new one arrives with it).
	s.Allow(t, []plugins.Key{k, plugins.SumKey([]byte("another announced hash"))})
	deadline := time.Now().Add(30 * time.Second)
	for pub.Report().UnderReplicated != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("not re-put after the whitelist grew: %s", pub.Report())
		}
		time.Sleep(50 * time.Millisecond)
	}
	held := 0
	for _, d := range s.Nodes[1:] {
		if ok, _ := d.Has(context.Background(), k); ok {
			held++
		}
	}
	if held != 19 {
		t.Errorf("%d of 19 peers hold the record after the re-put", held)
	}
}

// Nodes with the same private-network key form a network; a node without
// it cannot join them (it stays "not joined" and lookups fail as
// unavailable, not as misses).
func TestPrivateNetwork(t *testing.T) {
	psk := filepath.Join(t.TempDir(), "swarm.key")
	if err := os.WriteFile(psk, []byte("/key/swarm/psk/1.0.0/\n/base16/\n"+strings.Repeat("7a", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := testdht.Start(t, 3, func(_ int, c *dht.Config) { c.PrivateNetworkKeyFile = psk })
	keys, vals := records(1, "private")
	s.Allow(t, keys)
	if r, err := s.Nodes[1].Publish(context.Background(), keys[0], vals[0]); err != nil || r.Holders != 2 {
		t.Fatalf("publish in the private network: %+v, %v", r, err)
	}
	c := s.NodeConfig(testdir.Mem(t))
	c.ReadyTimeout = plugins.Duration(2 * time.Second)
	outsider, err := dht.New(context.Background(), c, hosttest.Logger())
	if err != nil {
		t.Fatal(err)
	}
	defer outsider.Close()
	allow(t, outsider, keys)
	if _, err := outsider.Get(context.Background(), keys[0]); !errors.Is(err, plugins.ErrUnavailable) {
		t.Errorf("Get by a node without the key: %v, want ErrUnavailable", err)
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		r := outsider.Report()
		if r.Ready {
			t.Fatalf("a node without the network key joined: %s", r)
		}
		if strings.Contains(r.Joining, "no bootstrap peer reachable") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("outsider: %s", r)
		}
	}
}
