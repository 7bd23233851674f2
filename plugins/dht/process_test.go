package dht_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/zonemirror/zonemirror/internal/testdht"
	"github.com/zonemirror/zonemirror/internal/testdir"
	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/conformance"
	"github.com/zonemirror/zonemirror/plugins/dht"
	"github.com/zonemirror/zonemirror/plugins/host"
	"github.com/zonemirror/zonemirror/plugins/host/hosttest"
)

var builtins = map[string]plugins.OpenFunc{"dht": dht.Open}

func TestMain(m *testing.M) { hosttest.Main(m, builtins) }

func one(k plugins.Key) func(func(plugins.Key) bool) {
	return func(yield func(plugins.Key) bool) { yield(k) }
}

// allowing allows each key just before storing it: the conformance suite
// stores random records, which a whitelisting driver would refuse (that
// refusal is tested on its own, below and in the swarm tests).
type allowing struct{ plugins.Driver }

func (a allowing) Put(ctx context.Context, k plugins.Key, v []byte) error {
	if _, err := a.Allow(ctx, one(k)); err != nil {
		return err
	}
	return a.Driver.Put(ctx, k, v)
}

// The conformance suite against a real driver process (a lone node, the
// first of its network), with kill -9 and relaunch as Restart.
func TestConformanceProcess(t *testing.T) {
	h := hosttest.New(t, builtins, nil)
	n := 0
	conformance.Run(t, conformance.Harness{
		Open: func(t *testing.T) plugins.Driver {
			n++
			c := testdht.BaseConfig(testdir.Mem(t))
			c.MaxValueBytes = plugins.MaxValueSize
			return allowing{hosttest.Start(t, h, host.DriverConfig{Name: fmt.Sprintf("dht-%d", n), Driver: "dht", Config: hosttest.JSON(c)})}
		},
		Restart: func(t *testing.T, d plugins.Driver) plugins.Driver {
			hosttest.Kill9(t, d.(allowing).Driver.(*host.Process), 30*time.Second)
			return d
		},
	})
}

var underRE = regexp.MustCompile(`(\d+) under-replicated \(fewest: (\d+) of (\d+) peers\)`)

// A driver process holds records no other node takes (they are not on the
// other nodes' whitelists): its Stat reports them under-replicated, as
// publishing found by asking the peers. Killed with -9 and relaunched on
// the same folder, it still holds them, still allows them, and serves them
// to a fresh node, for which it is the only source.
func TestRestartedProcessHoldsAndServes(t *testing.T) {
	s := testdht.Start(t, 20, nil)
	// The driver's peer ID is fixed by its key file, so the records can be
	// chosen among those it is one of the closest nodes to: a lookup for
	// them reaches it (a node holding a record that is far from it is, by
	// Kademlia's design, not found).
	cfg := s.NodeConfig(testdir.Mem(t))
	cfg.KeyFile = filepath.Join(t.TempDir(), "peer.key")
	priv, _, err := crypto.GenerateEd25519Key(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := crypto.MarshalPrivateKey(priv)
	if err := os.WriteFile(cfg.KeyFile, kb, 0o600); err != nil {
		t.Fatal(err)
	}
	id, _ := peer.IDFromPrivateKey(priv)
	var keys []plugins.Key
	var vals [][]byte
	for i := 0; len(keys) < 10; i++ {
		ks, vs := records(1, fmt.Sprintf("restart%d", i))
		if s.AmongClosest(id, ks[0], 8) {
			keys, vals = append(keys, ks[0]), append(vals, vs[0])
		}
	}
	h := hosttest.New(t, builtins, nil)
	p := hosttest.Start(t, h, host.DriverConfig{Name: "dht", Driver: "dht", Config: hosttest.JSON(cfg)})
	ctx := context.Background()
	allow(t, p, keys)
	for i, k := range keys {
		if err := p.Put(ctx, k, vals[i]); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(time.Minute)
	for {
		st, err := p.Stat(ctx)
		if err != nil {
			t.Fatal(err)
		}
		m := underRE.FindStringSubmatch(st.Message)
		if m != nil && m[1] == strconv.Itoa(len(keys)) && m[2] == "0" {
			if st.Records != int64(len(keys)) || !st.Healthy {
				t.Fatalf("Stat: %+v", st)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Stat does not report %d records held by no peer: %q", len(keys), st.Message)
		}
		time.Sleep(100 * time.Millisecond)
	}
	hosttest.Kill9(t, p.(*host.Process), 30*time.Second)
	st, err := p.Stat(ctx)
	if err != nil || st.Records != int64(len(keys)) {
		t.Fatalf("Stat after kill -9: %+v, %v", st, err)
	}
	for i, k := range keys {
		if ok, err := p.Has(ctx, k); err != nil || !ok {
			t.Fatalf("Has %d after restart: %v, %v", i, ok, err)
		}
		if got, err := p.Get(ctx, k); err != nil || !bytes.Equal(got, vals[i]) {
			t.Fatalf("Get %d after restart: %q, %v", i, got, err)
		}
	}
	// The whitelist survived too: the same record is taken again.
	if err := p.Put(ctx, keys[0], vals[0]); err != nil {
		t.Fatalf("Put of an allowed record after restart: %v", err)
	}
	fresh := newNode(t, s, nil)
	allow(t, fresh, keys)
	for i, k := range keys {
		got, err := fresh.Get(ctx, k)
		if err != nil || !bytes.Equal(got, vals[i]) {
			t.Fatalf("a fresh node's Get %d from the restarted node: %q, %v", i, got, err)
		}
	}
}
