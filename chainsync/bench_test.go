package chainsync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/btcsuite/btcd/chaincfg/v2"
	"github.com/zonemirror/zonemirror/chainsync/txbuild"
	"github.com/zonemirror/zonemirror/internal/testbtcd"
	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/netparams"
)

// The sync benchmark runs over a simnet chain of 2,000+ blocks carrying
// 20,000+ name operations, built once (about a minute) into
// $ZONEMIRROR_BENCH_CHAIN, default the user cache folder, and reused: simnet
// keeps its chain when btcd restarts.

const benchChainVersion = "v1"

func benchNet() *netparams.Network {
	return testNet()
}

// simnetAddress is key's address as btcd's simnet takes it (the chain
// records the testnet form).
func simnetAddress(t testing.TB, key *txbuild.Key) string {
	a, err := txbuild.NodeAddress(key, &chaincfg.SimNetParams)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

type benchMeta struct {
	Tip, Operations int64
}

// benchChain starts btcd on the cached benchmark chain, building it first
// if needed.
func benchChain(b *testing.B) (*testbtcd.Node, benchMeta) {
	b.Helper()
	dir := os.Getenv("ZONEMIRROR_BENCH_CHAIN")
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			b.Fatal(err)
		}
		dir = filepath.Join(cache, "zonemirror", "bench-chain-"+benchChainVersion)
	}
	metaPath := filepath.Join(dir, "chain.json")
	miner := txbuild.KeyFromSeed("bench miner", benchNet().Wire)
	if raw, err := os.ReadFile(metaPath); err == nil {
		var m benchMeta
		if err := json.Unmarshal(raw, &m); err != nil {
			b.Fatal(err)
		}
		node := testbtcd.Start(b, testbtcd.Options{Net: "simnet", Dir: dir, MiningAddr: simnetAddress(b, miner)})
		return node, m
	}
	b.Logf("building the benchmark chain in %s (once)", dir)
	os.RemoveAll(dir)
	start := time.Now()
	node := testbtcd.Start(b, testbtcd.Options{Net: "simnet", Dir: dir, MiningAddr: simnetAddress(b, miner)})
	c := startTestChain(b, benchNet(), miner, node)
	names := c.buildNames("bench", 670, 10)
	tip, _ := c.db.Tip()
	m := benchMeta{Tip: tip, Operations: c.sync.Status().Operations}
	if len(names) != 6700 || m.Tip < 2000 || m.Operations < 20_000 {
		b.Fatalf("built %d names, %d blocks, %d operations", len(names), m.Tip, m.Operations)
	}
	counts, _ := c.db.RejectionCounts(context.Background())
	if len(counts) != 0 {
		b.Fatalf("the benchmark chain has refused operations: %v", counts)
	}
	raw, _ := json.Marshal(m)
	if err := os.WriteFile(metaPath, raw, 0o644); err != nil {
		b.Fatal(err)
	}
	b.Logf("built %d blocks with %d operations in %s", m.Tip, m.Operations, time.Since(start).Round(time.Second))
	return node, m
}

// BenchmarkSync syncs the benchmark chain into a namedb on disk, side by
// side with a loop that only fetches the same raw blocks from the same
// node over the same websocket (the limit). Target: sync ≥ 80% of the raw
// fetch rate. decode-only is the ceiling a free database would give.
func BenchmarkSync(b *testing.B) {
	node, m := benchChain(b)
	ctx := context.Background()
	b.Run("raw-fetch", func(b *testing.B) {
		var cpu cpuMeter
		var blocks int64
		var elapsed time.Duration
		for b.Loop() {
			n, err := dialNode(nodeConfig(node))
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			cpu.start(b, node)
			for f := range n.fetch(ctx, 1, m.Tip, 64) {
				if f.err != nil {
					b.Fatal(f.err)
				}
				blocks++
			}
			elapsed += time.Since(start)
			cpu.stop(b, node)
			n.close()
		}
		b.ReportMetric(float64(blocks)/elapsed.Seconds(), "blocks/s")
		cpu.report(b, blocks)
	})
	// decode-only is the syncer itself (fetch, decode, extract, in height
	// order) handing each block to a store that only records its tip: the
	// most the sync could reach with a database that cost nothing.
	b.Run("decode-only", func(b *testing.B) {
		var cpu cpuMeter
		var blocks int64
		var elapsed time.Duration
		for b.Loop() {
			st := &tipStore{net: benchNet()}
			st.tip = st.net.FirstBlock - 1
			cpu.start(b, node)
			elapsed += timeSync(b, New(Config{Node: nodeConfig(node), PollEvery: time.Millisecond}, st), st, m.Tip)
			cpu.stop(b, node)
			blocks += m.Tip
		}
		b.ReportMetric(float64(blocks)/elapsed.Seconds(), "blocks/s")
		cpu.report(b, blocks)
	})
	b.Run("sync", func(b *testing.B) {
		var cpu cpuMeter
		var blocks, ops int64
		var elapsed time.Duration
		for b.Loop() {
			db, err := namedb.Open(ctx, filepath.Join(b.TempDir(), "names"), benchNet())
			if err != nil {
				b.Fatal(err)
			}
			s := New(Config{Node: nodeConfig(node), PollEvery: time.Millisecond}, db)
			cpu.start(b, node)
			elapsed += timeSync(b, s, db, m.Tip)
			cpu.stop(b, node)
			blocks += m.Tip
			ops += s.Status().Operations
			if got := s.Status().Operations; got != m.Operations {
				b.Fatalf("synced %d operations, the chain has %d", got, m.Operations)
			}
			db.Close()
		}
		b.ReportMetric(float64(blocks)/elapsed.Seconds(), "blocks/s")
		b.ReportMetric(float64(ops)/elapsed.Seconds(), "ops/s")
		cpu.report(b, blocks)
	})
}

// cpuMeter sums the processor time this process and btcd spend in the
// timed spans of a benchmark, so that a run shows where the time of a
// block goes: on 2 cores, the sum per block bounds the rate.
type cpuMeter struct {
	self, node         time.Duration
	selfMark, nodeMark time.Duration
}

func (c *cpuMeter) start(b *testing.B, n *testbtcd.Node) {
	c.selfMark, c.nodeMark = selfCPU(b), nodeCPU(b, n)
}

func (c *cpuMeter) stop(b *testing.B, n *testbtcd.Node) {
	c.self += selfCPU(b) - c.selfMark
	c.node += nodeCPU(b, n) - c.nodeMark
}

func (c *cpuMeter) report(b *testing.B, blocks int64) {
	b.ReportMetric(float64(c.self.Microseconds())/float64(blocks), "self-µs/block")
	b.ReportMetric(float64(c.node.Microseconds())/float64(blocks), "btcd-µs/block")
}

func selfCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func nodeCPU(b *testing.B, n *testbtcd.Node) time.Duration {
	d, err := n.CPUTime()
	if err != nil {
		b.Fatal(err)
	}
	return d
}

// timeSync runs s until st reaches tip and returns how long that took.
func timeSync(b *testing.B, s *Syncer, st Store, tip int64) time.Duration {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- s.Run(ctx) }()
	for {
		h, _ := st.Tip()
		if h >= tip {
			break
		}
		select {
		case err := <-done:
			b.Fatalf("the syncer stopped at %d of %d: %v", h, tip, err)
		case <-time.After(time.Millisecond):
		}
	}
	elapsed := time.Since(start)
	cancel()
	<-done
	return elapsed
}

// tipStore is a Store that keeps nothing but its tip: the decode-only
// benchmark's database that costs nothing.
type tipStore struct {
	mu   sync.Mutex
	tip  int64
	hash [32]byte
	net  *netparams.Network
}

func (t *tipStore) ApplyBlock(_ context.Context, b namedb.Block) (*namedb.BlockResult, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if b.Height != t.tip+1 {
		return nil, fmt.Errorf("block %d after %d", b.Height, t.tip)
	}
	t.tip, t.hash = b.Height, b.Hash
	return &namedb.BlockResult{Height: b.Height}, nil
}

func (t *tipStore) Rewind(context.Context, int64) error {
	return errors.New("the benchmark chain does not reorganize")
}

func (t *tipStore) Tip() (int64, [32]byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.tip, t.hash
}

func (t *tipStore) BlockHash(_ context.Context, h int64) ([32]byte, bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.hash, h == t.tip, nil
}

func (t *tipStore) Network() *netparams.Network { return t.net }

// BenchmarkFollowLatency is the time from a block being mined to the
// caught-up syncer having applied it (the websocket notification wakes
// it; the poll is 1 s, the default).
func BenchmarkFollowLatency(b *testing.B) {
	n := testNet()
	miner := txbuild.KeyFromSeed("latency miner", n.Wire)
	node := testbtcd.Start(b, testbtcd.Options{MiningAddr: miner.Address})
	rpc, err := node.Client()
	if err != nil {
		b.Fatal(err)
	}
	defer rpc.Shutdown()
	ctx := context.Background()
	db, err := namedb.Open(ctx, filepath.Join(b.TempDir(), "names"), n)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	s := New(Config{Node: nodeConfig(node)}, db)
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go s.Run(sctx)
	var total time.Duration
	for b.Loop() {
		want, _ := db.Tip()
		start := time.Now()
		if _, err := rpc.Generate(1); err != nil {
			b.Fatal(err)
		}
		for {
			if tip, _ := db.Tip(); tip > want {
				break
			}
			time.Sleep(200 * time.Microsecond)
		}
		total += time.Since(start)
	}
	b.ReportMetric(float64(total.Microseconds())/float64(b.N)/1000, "ms/block")
}
