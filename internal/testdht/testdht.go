// Package testdht runs real DHT swarms for tests and benchmarks: N nodes
// of zonemirror's DHT driver (libp2p + kad-dht on /zonemirror) in this
// process, listening on 127.0.0.1 TCP at random ports, each with its own
// folder, all closed when the test ends. Rogue adds a node that speaks the
// same protocol but runs no validator: it stores and serves any bytes and
// tries to push them onto honest nodes.
package testdht

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	ds "github.com/ipfs/go-datastore"
	dssync "github.com/ipfs/go-datastore/sync"
	"github.com/libp2p/go-libp2p"
	kaddht "github.com/libp2p/go-libp2p-kad-dht"
	pb "github.com/libp2p/go-libp2p-kad-dht/pb"
	"github.com/libp2p/go-libp2p-kad-dht/records"
	kb "github.com/libp2p/go-libp2p-kbucket"
	record "github.com/libp2p/go-libp2p-record"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"

	"github.com/zonemirror/zonemirror/internal/testdir"
	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/dht"
	"github.com/zonemirror/zonemirror/plugins/host/hosttest"
)

// Loopback is the listen address of every test node.
const Loopback = "/ip4/127.0.0.1/tcp/0"

// Swarm is a running set of DHT nodes.
type Swarm struct {
	// Nodes are the swarm's nodes; a stopped node's entry is nil.
	Nodes []*dht.Driver
	boot  []string
	mu    sync.Mutex
}

// BaseConfig is the config of a test node in dir: loopback, quick
// timeouts. edit may change it.
func BaseConfig(dir string) dht.Config {
	return dht.Config{
		Dir:                     dir,
		Listen:                  []string{Loopback},
		GetTimeout:              plugins.Duration(5 * time.Second),
		ReadyTimeout:            plugins.Duration(30 * time.Second),
		WhitelistRepublishDelay: plugins.Duration(200 * time.Millisecond),
	}
}

// Start starts n nodes: node 0 first (the bootstrap node), then the rest
// in parallel, each joining through node 0 and, past node 1, node 1 too.
// It returns once every node has joined. edit (may be nil) changes node
// i's config. The swarm is closed when t ends.
func Start(t testing.TB, n int, edit func(i int, c *dht.Config)) *Swarm {
	t.Helper()
	s := &Swarm{Nodes: make([]*dht.Driver, n)}
	dirs := make([]string, n)
	for i := range dirs {
		dirs[i] = testdir.Mem(t)
	}
	t.Cleanup(s.Close) // before the folders' removal (cleanups run last first)
	cfg := func(i int) dht.Config {
		c := BaseConfig(dirs[i])
		if i > 0 {
			c.Bootstrap = append(c.Bootstrap, s.boot...)
		}
		if edit != nil {
			edit(i, &c)
		}
		return c
	}
	start := func(i int) error {
		d, err := dht.New(context.Background(), cfg(i), hosttest.Logger())
		if err != nil {
			return fmt.Errorf("node %d: %w", i, err)
		}
		s.mu.Lock()
		s.Nodes[i] = d
		s.mu.Unlock()
		return nil
	}
	for _, i := range []int{0, 1} {
		if i >= n {
			break
		}
		if err := start(i); err != nil {
			t.Fatal(err)
		}
		s.boot = append(s.boot, s.Nodes[i].Addrs()[0])
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 2; i < n; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); errs <- start(i) }()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for i, d := range s.Nodes {
		WaitReady(t, d, fmt.Sprintf("node %d", i))
	}
	return s
}

// WaitReady waits until d has joined, failing t after a minute.
func WaitReady(t testing.TB, d *dht.Driver, name string) {
	t.Helper()
	select {
	case <-d.Ready():
	case <-time.After(time.Minute):
		t.Fatalf("%s did not join the DHT within a minute: %s", name, d.Report().Joining)
	}
}

// Bootstrap is the bootstrap list of the swarm (nodes 0 and 1).
func (s *Swarm) Bootstrap() []string { return append([]string(nil), s.boot...) }

// NodeConfig is the config of an extra node that joins the swarm.
func (s *Swarm) NodeConfig(dir string) dht.Config {
	c := BaseConfig(dir)
	c.Bootstrap = s.Bootstrap()
	return c
}

// Allow puts keys on the whitelist of every running node.
func (s *Swarm) Allow(t testing.TB, keys []plugins.Key) {
	t.Helper()
	for i, d := range s.Live() {
		if _, err := d.Allow(context.Background(), func(yield func(plugins.Key) bool) {
			for _, k := range keys {
				if !yield(k) {
					return
				}
			}
		}); err != nil {
			t.Fatalf("allow on node %d: %v", i, err)
		}
	}
}

// Live returns the running nodes.
func (s *Swarm) Live() []*dht.Driver {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*dht.Driver
	for _, d := range s.Nodes {
		if d != nil {
			out = append(out, d)
		}
	}
	return out
}

// Stop closes node i (it goes offline for good).
func (s *Swarm) Stop(t testing.TB, i int) {
	t.Helper()
	s.mu.Lock()
	d := s.Nodes[i]
	s.Nodes[i] = nil
	s.mu.Unlock()
	if d != nil {
		if err := d.Close(); err != nil {
			t.Errorf("close node %d: %v", i, err)
		}
	}
}

// Close closes every running node.
func (s *Swarm) Close() {
	s.mu.Lock()
	nodes := s.Nodes
	s.Nodes = make([]*dht.Driver, len(nodes))
	s.mu.Unlock()
	var wg sync.WaitGroup
	for _, d := range nodes {
		if d != nil {
			wg.Add(1)
			go func() { defer wg.Done(); d.Close() }()
		}
	}
	wg.Wait()
}

// Rogue is a dishonest node: kad-dht on /zonemirror with a validator that
// accepts anything, so it stores whatever it is told and serves it.
type Rogue struct {
	Host host.Host
	DHT  *kaddht.IpfsDHT
	msgr *pb.ProtocolMessenger
	vals *records.ValueStore
}

// anything is the rogue's validator.
type anything struct{}

func (anything) Validate(string, []byte) error        { return nil }
func (anything) Select(string, [][]byte) (int, error) { return 0, nil }

// NewRogue starts a rogue node that joins the swarm; it is closed when t
// ends.
func (s *Swarm) NewRogue(t testing.TB) *Rogue {
	t.Helper()
	h, err := libp2p.New(libp2p.ListenAddrStrings(Loopback), libp2p.Transport(tcp.NewTCPTransport), libp2p.DisableRelay())
	if err != nil {
		t.Fatal(err)
	}
	store := dssync.MutexWrap(ds.NewMapDatastore())
	v := record.NamespacedValidator{dht.Namespace: anything{}}
	k, err := kaddht.New(h, kaddht.Mode(kaddht.ModeServer), kaddht.ProtocolPrefix(dht.ProtocolPrefix),
		kaddht.Validator(v), kaddht.Datastore(store), kaddht.DisableProviders())
	if err != nil {
		h.Close()
		t.Fatal(err)
	}
	r := &Rogue{Host: h, DHT: k, vals: records.NewValueStore(store, v, 0)}
	t.Cleanup(func() { k.Close(); h.Close() })
	r.msgr, err = pb.NewProtocolMessenger(k.MessageSender())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, b := range s.boot {
		ai, err := peer.AddrInfoFromString(b)
		if err != nil {
			t.Fatal(err)
		}
		if err := h.Connect(ctx, *ai); err != nil {
			t.Fatalf("rogue: connect %s: %v", b, err)
		}
	}
	for k.RoutingTable().Size() == 0 {
		if ctx.Err() != nil {
			t.Fatal("rogue: routing table stays empty")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := <-k.ForceRefresh(); err != nil {
		t.Logf("rogue: refresh: %v", err)
	}
	return r
}

// Hold makes the rogue store value under key's DHT record, whatever the
// bytes, and serve it to lookups.
func (r *Rogue) Hold(t testing.TB, key plugins.Key, value []byte) {
	t.Helper()
	dk := "/" + dht.Namespace + "/" + key.String()
	if err := r.vals.Put(context.Background(), dk, record.MakePutRecord(dk, value)); err != nil {
		t.Fatal(err)
	}
}

// PushTo sends a PUT_VALUE of value under key's record to peer p and
// returns the peer's answer (nil: it stored it).
func (r *Rogue) PushTo(ctx context.Context, p peer.ID, key plugins.Key, value []byte) error {
	dk := "/" + dht.Namespace + "/" + key.String()
	return r.msgr.PutValue(ctx, p, record.MakePutRecord(dk, value))
}

// AmongClosest reports whether id is among the n closest, of the running
// nodes and id itself, to k's DHT key: a node that holds k and is that
// close is reached by any lookup of k.
func (s *Swarm) AmongClosest(id peer.ID, k plugins.Key, n int) bool {
	ids := []peer.ID{id}
	for _, d := range s.Live() {
		if d.ID() != id {
			ids = append(ids, d.ID())
		}
	}
	closest := kb.SortClosestPeers(ids, kb.ConvertKey("/"+dht.Namespace+"/"+k.String()))
	return slices.Contains(closest[:min(n, len(closest))], id)
}
