package daemon

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zonemirror/zonemirror/chainsync/txbuild"
	"github.com/zonemirror/zonemirror/internal/nodepkg"
	"github.com/zonemirror/zonemirror/internal/testbtcd"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// jsClient is the original's client, blockstack.js 19.3.0, running under
// Node (testdata/blockstackjs/driver.js), one request at a time.
type jsClient struct {
	t      *testing.T
	in     io.WriteCloser
	out    chan []byte
	stderr *bytes.Buffer
	id     int
}

func startJS(t *testing.T, apiURL string, node *testbtcd.Node) *jsClient {
	t.Helper()
	src, err := filepath.Abs(filepath.Join("testdata", "blockstackjs"))
	if err != nil {
		t.Fatal(err)
	}
	pkgs, err := nodepkg.Install(src)
	if err != nil {
		t.Fatalf("install blockstack.js: %v", err)
	}
	cmd := exec.Command("node", filepath.Join(src, "driver.js"))
	cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(pkgs, "node_modules"), "API_URL="+apiURL,
		"BTCD_URL=http://"+node.RPCAddr, "BTCD_USER="+node.User, "BTCD_PASS="+node.Pass,
		fmt.Sprintf("BTCD_PUBKEYHASH=%#x", map[string]byte{"regtest": 0x6f, "simnet": 0x3f}[node.Net]))
	j := &jsClient{t: t, out: make(chan []byte, 1), stderr: &bytes.Buffer{}}
	cmd.Stderr = j.stderr
	if j.in, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start node: %v", err)
	}
	go func() {
		s := bufio.NewScanner(stdout)
		s.Buffer(make([]byte, 1<<20), 1<<24)
		for s.Scan() {
			j.out <- append([]byte(nil), s.Bytes()...)
		}
		close(j.out)
	}()
	t.Cleanup(func() {
		j.in.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("node: %v\n%s", err, j.stderr)
		}
	})
	return j
}

// call sends one request and returns its result; a client error fails
// the test with the client's stack.
func (j *jsClient) call(req map[string]any, v any) {
	j.t.Helper()
	j.id++
	req["id"] = j.id
	b, _ := json.Marshal(req)
	if _, err := j.in.Write(append(b, '\n')); err != nil {
		j.t.Fatalf("write to node: %v\n%s", err, j.stderr)
	}
	var line []byte
	select {
	case l, ok := <-j.out:
		if !ok {
			j.t.Fatalf("node exited\n%s", j.stderr)
		}
		line = l
	case <-time.After(2 * time.Minute):
		j.t.Fatalf("no answer from blockstack.js to %s\n%s", b, j.stderr)
	}
	var resp struct {
		ID     int             `json:"id"`
		Result json.RawMessage `json:"result"`
		Error  string          `json:"error"`
	}
	if err := json.Unmarshal(line, &resp); err != nil || resp.ID != j.id {
		j.t.Fatalf("answer %q to %s: %v", line, b, err)
	}
	if resp.Error != "" {
		j.t.Fatalf("blockstack.js %s: %s", b, resp.Error)
	}
	if v != nil {
		if err := json.Unmarshal(resp.Result, v); err != nil {
			j.t.Fatalf("result %s of %s: %v", resp.Result, b, err)
		}
	}
}

// read calls a method of blockstack.js's network (the client's reads).
func (j *jsClient) read(v any, method string, args ...any) {
	j.t.Helper()
	if args == nil {
		args = []any{}
	}
	j.call(map[string]any{"op": "read", "method": method, "args": args}, v)
}

// tx builds a transaction with one of blockstack.js's builders and
// broadcasts it; it returns the txid.
func (j *jsClient) tx(builder string, args ...any) string {
	j.t.Helper()
	var r struct {
		TxID string `json:"txid"`
	}
	j.call(map[string]any{"op": "tx", "builder": builder, "args": args}, &r)
	return r.TxID
}

// keyHex is a key as blockstack.js takes it: the secret and 01
// (compressed).
func keyHex(k *txbuild.Key) string { return hex.EncodeToString(k.Priv.Serialize()) + "01" }

// The original's client drives the mirror: its reads agree with the
// mirror's own answers, and the names and namespace it registers, updates,
// transfers, renews, revokes, readies and imports with its own transaction
// builders — and the zone files it broadcasts — are applied and served.
func TestBlockstackJS(t *testing.T) {
	// on simnet, the devnet's network, where the client first failed; the
	// client's coins come from btcd's address index
	c := newChainWith(t, testbtcd.Options{Net: "simnet", AddrIndex: true})
	c.serveDisk()

	p := wire.TestnetParams
	payer, reveal, alice, bob := txbuild.KeyFromSeed("js payer", p), txbuild.KeyFromSeed("js reveal", p), txbuild.KeyFromSeed("js alice", p), txbuild.KeyFromSeed("js bob", p)
	if _, err := c.send.Pay(c.miner, []txbuild.Payment{{Address: payer.Address, Value: 40_0000_0000}, {Address: reveal.Address, Value: 1_0000_0000},
		{Address: alice.Address, Value: 1_0000_0000}, {Address: bob.Address, Value: 1_0000_0000}}); err != nil {
		t.Fatal(err)
	}
	c.mine()
	js := startJS(t, c.base, c.node)

	// applied checks that the mirror accepted the client's transaction.
	applied := func(txid, op string) {
		t.Helper()
		c.mine()
		var st struct {
			Status bool `json:"status"`
			Tx     struct {
				Status, Op, Reason string
			} `json:"tx"`
		}
		getJSON(t, c.base+"/v1/blockchains/bitcoin/transactions/"+txid, &st)
		if !st.Status || st.Tx.Status != "accepted" || st.Tx.Op != op {
			t.Fatalf("%s %s: %+v, want accepted", op, txid, st)
		}
	}
	// agree checks that a client read equals the mirror's answer at path.
	agree := func(path, method string, args ...any) map[string]any {
		t.Helper()
		var client, mirror map[string]any
		js.read(&client, method, args...)
		getJSON(t, c.base+path, &mirror)
		cb, _ := json.Marshal(client)
		mb, _ := json.Marshal(mirror)
		if !bytes.Equal(cb, mb) {
			t.Errorf("%s: the client read %s, the mirror answers %s", method, cb, mb)
		}
		return mirror
	}
	// broadcast has the client post a zone file and checks it is served.
	broadcast := func(zonefile string) {
		t.Helper()
		var servers any
		js.read(&servers, "broadcastZoneFile", zonefile)
		var got string
		h := wire.SumHash160([]byte(zonefile)).String()
		js.read(&got, "getZonefile", h)
		if got != zonefile {
			t.Errorf("zone file %s: the client reads %q", h, got)
		}
	}
	price := func(method, arg, path string, nested bool) {
		t.Helper()
		var client struct{ Units, Amount string }
		js.read(&client, method, arg)
		var m map[string]any
		getJSON(t, c.base+path, &m)
		if nested {
			m = m["name_price"].(map[string]any)
		}
		if client.Units != m["units"] || client.Amount != m["amount"] || client.Amount == "" {
			t.Errorf("%s(%s): the client reads %+v, the mirror answers %v", method, arg, client, m)
		}
	}

	// A namespace, with an import, launched by the client.
	const ns = "bsjs"
	price("getNamespacePrice", ns, "/v2/prices/namespaces/"+ns, false)
	applied(js.tx("makeNamespacePreorder", ns, reveal.Address, keyHex(payer)), "NAMESPACE_PREORDER")
	applied(js.tx("makeNamespaceReveal", map[string]any{"id": ns, "version": 1, "lifetime": 5000, "coeff": 250, "base": 4,
		"buckets": []int{6, 5, 4, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "nonalphaDiscount": 10, "noVowelDiscount": 10}, reveal.Address, keyHex(payer)), "NAMESPACE_REVEAL")
	imported := "$ORIGIN imported.bsjs\n$TTL 3600\n_http._tcp IN URI 10 1 \"https://example.org/imported\"\n"
	applied(js.tx("makeNameImport", "imported."+ns, bob.Address, wire.SumHash160([]byte(imported)).String(), keyHex(reveal)), "NAME_IMPORT")
	broadcast(imported)
	applied(js.tx("makeNamespaceReady", ns, keyHex(reveal)), "NAMESPACE_READY")
	if info := agree("/v1/namespaces/"+ns, "getNamespaceInfo", ns); info["ready"] != true || info["recipient_address"] != reveal.Address {
		t.Errorf("namespace %v", info)
	}

	// A name through its life, every step built by the client.
	name := "alice." + ns
	price("getNamePrice", name, "/v2/prices/names/"+name, true)
	zf := func(i int) string {
		return fmt.Sprintf("$ORIGIN %s\n$TTL 3600\n_http._tcp IN URI 10 1 \"https://example.org/alice/%d\"\n", name, i)
	}
	record := func(want map[string]any) map[string]any {
		t.Helper()
		rec := agree("/v1/names/"+name, "getNameInfo", name)
		for k, v := range want {
			if rec[k] != v {
				t.Errorf("%s: %s is %v, want %v (record %v)", name, k, rec[k], v, rec)
			}
		}
		return rec
	}
	applied(js.tx("makePreorder", name, alice.Address, keyHex(payer)), "NAME_PREORDER")
	applied(js.tx("makeRegister", name, alice.Address, keyHex(payer), zf(1)), "NAME_REGISTRATION")
	broadcast(zf(1))
	record(map[string]any{"address": alice.Address, "status": "registered", "zonefile": zf(1), "zonefile_hash": wire.SumHash160([]byte(zf(1))).String()})

	applied(js.tx("makeUpdate", name, keyHex(alice), keyHex(payer), zf(2)), "NAME_UPDATE")
	broadcast(zf(2))
	record(map[string]any{"address": alice.Address, "zonefile": zf(2)})

	applied(js.tx("makeTransfer", name, bob.Address, keyHex(alice), keyHex(payer), true), "NAME_TRANSFER")
	before := record(map[string]any{"address": bob.Address, "zonefile": zf(2)})
	var owned []string
	js.read(&owned, "getNamesOwned", bob.Address)
	slices.Sort(owned)
	if strings.Join(owned, ",") != "alice.bsjs,imported.bsjs" {
		t.Errorf("names of bob: %v", owned)
	}
	agreeList := func(addr string) {
		t.Helper()
		var client []string
		js.read(&client, "getNamesOwned", addr)
		var mirror map[string][]string
		getJSON(t, c.base+"/v1/addresses/bitcoin/"+addr, &mirror)
		if strings.Join(client, ",") != strings.Join(mirror["names"], ",") {
			t.Errorf("names of %s: the client reads %v, the mirror answers %v", addr, client, mirror["names"])
		}
	}
	agreeList(bob.Address)
	agreeList(alice.Address)

	applied(js.tx("makeRenewal", name, bob.Address, keyHex(bob), keyHex(payer), zf(3)), "NAME_RENEWAL")
	broadcast(zf(3))
	after := record(map[string]any{"address": bob.Address, "zonefile": zf(3)})
	if after["expire_block"].(float64) <= before["expire_block"].(float64) {
		t.Errorf("renewal: expires at %v, before %v", after["expire_block"], before["expire_block"])
	}

	applied(js.tx("makeRevoke", name, keyHex(bob), keyHex(payer)), "NAME_REVOKE")
	record(map[string]any{"status": "revoked"})

	var ch string
	js.read(&ch, "getConsensusHash")
	if want := c.consensusHash().String(); ch != want {
		t.Errorf("consensus hash: the client reads %s, the mirror answers %s", ch, want)
	}

	// The client reached the routes it was meant to (not a fallback).
	metrics := c.metrics()
	for _, route := range []string{"GET /v2/prices/names/{name}", "GET /v2/prices/namespaces/{id}", "POST /v1/zonefile", "GET /v1/zonefiles/{hash}",
		"GET /v1/names/{name}", "GET /v1/namespaces/{id}", "GET /v1/addresses/{chain}/{addr}", "GET /v1/blockchains/{chain}/consensus"} {
		if !strings.Contains(metrics, fmt.Sprintf(`zonemirror_http_requests_total{code="200",route=%q}`, route)) {
			t.Errorf("no 200 answer on %s", route)
		}
	}
	for _, fallback := range []string{"/v1/prices/names/{name}", "/v1/prices/namespaces/{id}"} {
		if strings.Contains(metrics, fmt.Sprintf(`route="GET %s"`, fallback)) {
			t.Errorf("the client fell back to %s", fallback)
		}
	}
}
