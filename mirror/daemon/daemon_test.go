package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/zonemirror/zonemirror/chainsync/txbuild"
	"github.com/zonemirror/zonemirror/internal/testbtcd"
	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/disk"
)

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if v != nil {
		json.Unmarshal(b, v)
	}
	return resp.StatusCode
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

// serve starts from a YAML config against a real btcd: a name registered
// through real transactions, its zone file posted to the API, answers over
// HTTP and DNS, readiness and metrics.
func TestServeFromYAML(t *testing.T) {
	n, _ := netparams.Named("regtest")
	miner := txbuild.KeyFromSeed("serve test miner", n.Wire)
	node := testbtcd.Start(t, testbtcd.Options{MiningAddr: miner.Address})
	rpc, err := node.Client()
	if err != nil {
		t.Fatal(err)
	}
	defer rpc.Shutdown()
	blocks, err := rpc.Generate(110)
	if err != nil {
		t.Fatal(err)
	}
	b := &txbuild.Builder{Params: n.Wire}
	send := txbuild.NewSender(b, rpc)
	if err := send.AddCoinbases(context.Background(), miner, blocks[:10]); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load([]byte(fmt.Sprintf(`
network: regtest
data: %s
node: {host: %q, user: %q, pass: %q}
http: {listen: "127.0.0.1:0"}
dns: {listen: "127.0.0.1:0"}
drivers:
  - {name: local, driver: disk, in_process: true, config: {dir: %q}}
`, t.TempDir(), node.RPCAddr, node.User, node.Pass, t.TempDir())))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addrs := make(chan Addrs, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, cfg, Options{Version: "test", Builtins: map[string]plugins.OpenFunc{"disk": disk.Open}, Started: func(a Addrs) { addrs <- a }})
	}()
	var a Addrs
	select {
	case a = <-addrs:
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}
	base := "http://" + a.HTTP
	waitFor(t, "readiness", func() bool { return getJSON(t, base+"/readyz", nil) == 200 })

	ch := func() wire.Hash128 {
		var v map[string]string
		getJSON(t, base+"/v1/blockchains/bitcoin/consensus", &v)
		h, err := wire.ParseHash128(v["consensus_hash"])
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	mine := func() {
		tip, _ := rpc.GetBlockCount()
		if _, err := rpc.Generate(1); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the block", func() bool {
			var info map[string]any
			getJSON(t, base+"/v1/info", &info)
			return info["last_block_processed"] == float64(tip+1)
		})
	}
	must := func(r txbuild.Request, err error) txbuild.Request {
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	do := func(r txbuild.Request) {
		if _, err := send.Send(miner, r); err != nil {
			t.Fatal(err)
		}
	}
	zonefile := []byte("$ORIGIN me.serve\n$TTL 3600\n_http._tcp IN URI 10 1 \"https://example.com/me\"\n")
	do(must(b.NamespacePreorder("serve", miner, miner.Address, ch(), 50_000_000)))
	mine()
	do(txbuild.NamespaceReveal(&wire.NamespaceReveal{Lifetime: 1000, Coeff: 250, Base: 4, Buckets: [16]uint8{6, 5, 4, 3, 2, 1},
		NonalphaDiscount: 4, NoVowelDiscount: 4, Version: 1, NamespaceID: "serve"}, miner.Address))
	mine()
	do(txbuild.NamespaceReady("serve"))
	mine()
	do(must(b.Preorder("me.serve", miner, miner.Address, ch(), b.BurnAddress(), 10_000_000)))
	mine()
	h := wire.SumHash160(zonefile)
	do(txbuild.Register("me.serve", miner.Address, &h))
	mine()

	// Announced, not fetched: the answer says so; then the zone file is
	// posted and served.
	var why map[string]string
	if code := getJSON(t, base+"/v1/names/me.serve/zonefile", &why); code != 404 || why["reason"] == "" {
		t.Errorf("before the post: %d %v", code, why)
	}
	body, _ := json.Marshal(map[string]string{"zonefile": string(zonefile)})
	resp, err := http.Post(base+"/v1/zonefile", "application/json", bytes.NewReader(body))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("post: %v %v", resp, err)
	}
	var z map[string]string
	if code := getJSON(t, base+"/v1/names/me.serve/zonefile", &z); code != 200 || z["zonefile"] != string(zonefile) {
		t.Errorf("zone file: %d %v", code, z)
	}
	q := new(dns.Msg)
	q.SetQuestion("_http._tcp.me.serve.", dns.TypeURI)
	r, err := dns.Exchange(q, a.DNS)
	if err != nil || r.Rcode != dns.RcodeSuccess || len(r.Answer) != 1 || r.Answer[0].(*dns.URI).Target != "https://example.com/me" {
		t.Errorf("dns: %v %v", r, err)
	}
	mresp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(mresp.Body)
	mresp.Body.Close()
	for _, want := range []string{"zonemirror_sync_height_blocks 1", "zonemirror_records_whitelisted 1", `zonemirror_http_requests_total{code="200",route="GET /v1/names/{name}/zonefile"}`,
		`zonemirror_dns_queries_total{qtype="URI",rcode="NOERROR"} 1`, `zonemirror_tier_lookups_total{result="hit",tier="local"}`} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve returned %v", err)
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
	for _, tc := range []struct{ yaml, want string }{
		{"network: testnet3", "network"},
		{"node: {kind: electrum}", "node.kind"},
		{"sync: {window: 0}\nhttp: {listen: nope}", "http.listen"},
		{"dns: {listen: ':x:'}", "dns.listen"},
		{"drivers: [{name: a, driver: disk, timeout: soon}]", "drivers[0].timeout"},
		{"cache: {records_bytes: -1}", "cache.records_bytes"},
		{"colour: blue", "colour"},
	} {
		if _, err := Load([]byte(tc.yaml)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want an error naming %s", tc.yaml, err, tc.want)
		}
	}
}
