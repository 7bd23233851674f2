package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/btcsuite/btcd/chaincfg/v2"
	"github.com/btcsuite/btcd/rpcclient"
	"github.com/miekg/dns"

	"github.com/zonemirror/zonemirror/chainsync/txbuild"
	"github.com/zonemirror/zonemirror/internal/testbtcd"
	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/disk"
)

// httpGet returns a GET's status and body.
func httpGet(t *testing.T, url string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	code, b := httpGet(t, url)
	if v != nil {
		json.Unmarshal(b, v)
	}
	return code
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !ok(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// chain is a regtest btcd with a funded miner, for a mirror under test.
type chain struct {
	t     *testing.T
	net   string // regtest or simnet
	node  *testbtcd.Node
	rpc   *rpcclient.Client
	miner *txbuild.Key
	b     *txbuild.Builder
	send  *txbuild.Sender
	base  string // the mirror's API, once it runs
	ready func() (bool, string)
}

func newChain(t *testing.T) *chain { return newChainWith(t, testbtcd.Options{}) }

// newChainWith starts the chain's btcd with o (its mining address set;
// the network is o.Net, regtest by default).
func newChainWith(t *testing.T, o testbtcd.Options) *chain {
	if o.Net == "" {
		o.Net = "regtest"
	}
	n, err := netparams.Named(o.Net)
	if err != nil {
		t.Fatal(err)
	}
	c := &chain{t: t, net: o.Net, miner: txbuild.KeyFromSeed("serve test miner", n.Wire), b: &txbuild.Builder{Params: n.Wire}}
	params := map[string]*chaincfg.Params{"regtest": &chaincfg.RegressionNetParams, "simnet": &chaincfg.SimNetParams}[o.Net]
	if o.MiningAddr, err = txbuild.NodeAddress(c.miner, params); err != nil {
		t.Fatal(err)
	}
	c.node = testbtcd.Start(t, o)
	if c.rpc, err = c.node.Client(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.rpc.Shutdown)
	blocks, err := c.rpc.Generate(110)
	if err != nil {
		t.Fatal(err)
	}
	c.send = txbuild.NewSender(c.b, c.rpc)
	if err := c.send.AddCoinbases(context.Background(), c.miner, blocks[:10]); err != nil {
		t.Fatal(err)
	}
	return c
}

// serve runs the mirror from the YAML config (node: is added) until the
// test ends, and returns where it listens.
func (c *chain) serve(yaml string, builtins map[string]plugins.OpenFunc) Addrs {
	t := c.t
	cfg, err := Load([]byte(fmt.Sprintf("network: %s\nnode: {host: %q, user: %q, pass: %q}\n", c.net, c.node.RPCAddr, c.node.User, c.node.Pass) + yaml))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addrs := make(chan Addrs, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, cfg, Options{Version: "test", Builtins: builtins, Ready: c.ready, Started: func(a Addrs) { addrs <- a }})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve returned %v", err)
		}
	})
	select {
	case a := <-addrs:
		c.base = "http://" + a.HTTP
		return a
	case err := <-done:
		done <- nil // for the cleanup, which waits for Run
		t.Fatalf("serve: %v", err)
	}
	return Addrs{}
}

// serveDisk serves with one in-process disk tier, on ports of its own.
func (c *chain) serveDisk() Addrs {
	t := c.t
	return c.serve(fmt.Sprintf(`
data: %s
http: {listen: "127.0.0.1:0"}
dns: {listen: "127.0.0.1:0"}
drivers:
  - {name: local, driver: disk, in_process: true, config: {dir: %q}}
`, t.TempDir(), t.TempDir()), map[string]plugins.OpenFunc{"disk": disk.Open})
}

func (c *chain) consensusHash() wire.Hash128 {
	var v map[string]string
	getJSON(c.t, c.base+"/v1/blockchains/bitcoin/consensus", &v)
	h, err := wire.ParseHash128(v["consensus_hash"])
	if err != nil {
		c.t.Fatal(err)
	}
	return h
}

// mine mines a block and waits for the mirror to apply it.
func (c *chain) mine() {
	tip, _ := c.rpc.GetBlockCount()
	if _, err := c.rpc.Generate(1); err != nil {
		c.t.Fatal(err)
	}
	waitFor(c.t, "the block", func() bool {
		var info map[string]any
		getJSON(c.t, c.base+"/v1/info", &info)
		return info["last_block_processed"] == float64(tip+1)
	})
}

func (c *chain) do(r txbuild.Request, err error) {
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := c.send.Send(c.miner, r); err != nil {
		c.t.Fatal(err)
	}
	c.mine()
}

// namespace creates and readies namespace ns.
func (c *chain) namespace(ns string) {
	c.do(c.b.NamespacePreorder(ns, c.miner, c.miner.Address, c.consensusHash(), 50_000_000))
	c.do(txbuild.NamespaceReveal(&wire.NamespaceReveal{Lifetime: 1000, Coeff: 250, Base: 4, Buckets: [16]uint8{6, 5, 4, 3, 2, 1},
		NonalphaDiscount: 4, NoVowelDiscount: 4, Version: 1, NamespaceID: ns}, c.miner.Address), nil)
	c.do(txbuild.NamespaceReady(ns), nil)
}

// register preorders and registers name with the hash of zonefile.
func (c *chain) register(name string, zonefile []byte) {
	c.do(c.b.Preorder(name, c.miner, c.miner.Address, c.consensusHash(), c.b.BurnAddress(), 10_000_000))
	h := wire.SumHash160(zonefile)
	c.do(txbuild.Register(name, c.miner.Address, &h), nil)
}

func (c *chain) metrics() string {
	resp, err := http.Get(c.base + "/metrics")
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// serve starts from a YAML config against a real btcd: a name registered
// through real transactions, its zone file posted to the API, answers over
// HTTP and DNS, readiness and metrics.
func TestServeFromYAML(t *testing.T) {
	c := newChain(t)
	a := c.serveDisk()
	waitFor(t, "readiness", func() bool { return getJSON(t, c.base+"/readyz", nil) == 200 })

	zonefile := []byte("$ORIGIN me.serve\n$TTL 3600\n_http._tcp IN URI 10 1 \"https://example.com/me\"\n")
	c.namespace("serve")
	c.register("me.serve", zonefile)

	// Announced, not fetched: the answer says so; then the zone file is
	// posted and served.
	var why map[string]string
	if code := getJSON(t, c.base+"/v1/names/me.serve/zonefile", &why); code != 404 || why["reason"] == "" {
		t.Errorf("before the post: %d %v", code, why)
	}
	body, _ := json.Marshal(map[string]string{"zonefile": string(zonefile)})
	resp, err := http.Post(c.base+"/v1/zonefile", "application/json", bytes.NewReader(body))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("post: %v %v", resp, err)
	}
	var z map[string]string
	if code := getJSON(t, c.base+"/v1/names/me.serve/zonefile", &z); code != 200 || z["zonefile"] != string(zonefile) {
		t.Errorf("zone file: %d %v", code, z)
	}
	q := new(dns.Msg)
	q.SetQuestion("_http._tcp.me.serve.", dns.TypeURI)
	r, err := dns.Exchange(q, a.DNS)
	if err != nil || r.Rcode != dns.RcodeSuccess || len(r.Answer) != 1 || r.Answer[0].(*dns.URI).Target != "https://example.com/me" {
		t.Errorf("dns: %v %v", r, err)
	}
	metrics := c.metrics()
	for _, want := range []string{"zonemirror_sync_height_blocks 1", "zonemirror_records_whitelisted 1", `zonemirror_http_requests_total{code="200",route="GET /v1/names/{name}/zonefile"}`, `zonemirror_http_requests_total{code="404",route="GET /v1/names/{name}/zonefile"} 1`,
		`zonemirror_http_requests_total{code="200",route="POST /v1/zonefile"} 1`,
		`zonemirror_dns_queries_total{qtype="URI",rcode="NOERROR"} 1`, `zonemirror_dns_rrl_responses_total{action="slipped"} 0`, `zonemirror_tier_lookups_total{result="hit",tier="local"}`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// Config errors name the key; unknown keys are refused; an empty config is
// all defaults.
func TestConfig(t *testing.T) {
	c, err := Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Network != "mainnet" || c.HTTP.Listen != "127.0.0.1:6270" || c.DNS.Listen != "127.0.0.1:5353" || len(c.Drivers) != 1 || c.Drivers[0].Driver != "disk" {
		t.Errorf("defaults %+v", c)
	}
	c, err = Load([]byte("node: none\ndns: {rrl: {responses_per_second: 50, slip: 1, window: 5s, exempt: [192.0.2.7, 10.0.0.0/8]}}"))
	if err != nil {
		t.Fatal(err)
	}
	if r, err := c.DNS.RRL.dnsserverRRL(); err != nil || r.ResponsesPerSecond != 50 || r.Slip != 1 || r.Window != 5*time.Second || r.IPv4Prefix != 24 || r.IPv6Prefix != 56 ||
		len(r.Exempt) != 2 || r.Exempt[0].String() != "192.0.2.7/32" || c.Node.Kind != NodeNone || c.Node.Host != "" {
		t.Errorf("dns.rrl and node: none read as %+v %+v (%v)", r, c.Node, err)
	}
	c, err = Load([]byte("drivers: [{name: a, driver: disk, max_procs: 2}, {name: b, driver: disk}]"))
	if err != nil {
		t.Fatal(err)
	}
	if hcs, err := c.hostConfigs(); err != nil || hcs[0].MaxProcs != 2 || hcs[1].MaxProcs != 0 {
		t.Errorf("drivers[].max_procs reached the host as %+v (%v), want 2 and 0", hcs, err)
	}
	for _, tc := range []struct{ yaml, want string }{
		{"network: testnet3", "network"},
		{"node: {kind: electrum}", "node.kind"},
		{"sync: {window: 0}\nhttp: {listen: nope}", "http.listen"},
		{"dns: {listen: ':x:'}", "dns.listen"},
		{"drivers: [{name: a, driver: disk, timeout: soon}]", "drivers[0].timeout"},
		{"cache: {records_bytes: -1}", "cache.records_bytes"},
		{"colour: blue", "colour"},
		{"dns: {rate_per_client: 200}", "dns.rate_per_client: replaced by dns.rrl"},
		{"dns: {rrl: {window: soon}}", "dns.rrl.window"},
		{"dns: {rrl: {ipv4_prefix: 33}}", "dns.rrl.ipv4_prefix"},
		{"dns: {rrl: {exempt: [10.0.0.0/99]}}", "dns.rrl.exempt"},
		{"dns: {rrl: {responses_per_second: -5}}", "dns.rrl.responses_per_second"},
	} {
		if _, err := Load([]byte(tc.yaml)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want an error naming %s", tc.yaml, err, tc.want)
		}
	}
}

// A caller's condition of readiness (Options.Ready, a devnet's seeding)
// holds /readyz at 503 with its reason until it is met.
func TestReadyCondition(t *testing.T) {
	c := newChain(t)
	var met atomic.Bool
	c.ready = func() (bool, string) {
		if !met.Load() {
			return false, "seeding"
		}
		return true, ""
	}
	c.serveDisk()
	c.mine() // synced: only the condition is unmet
	var why map[string]string
	if code := getJSON(t, c.base+"/readyz", &why); code != 503 || why["reason"] != "seeding" {
		t.Errorf("readyz before the condition: %d %v", code, why)
	}
	met.Store(true)
	if code := getJSON(t, c.base+"/readyz", &why); code != 200 {
		t.Errorf("readyz after the condition: %d %v", code, why)
	}
}
