package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/zonemirror/zonemirror/internal/testmirror"
	"github.com/zonemirror/zonemirror/mirror"
	"github.com/zonemirror/zonemirror/namedb/namedbtest"
	"github.com/zonemirror/zonemirror/namedb/wire"
	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/tiered"
)

// fixture is the test mirror served on 127.0.0.1.
type fixture struct {
	t     *testing.T
	chain *namedbtest.Chain
	store *tiered.Store
	m     *mirror.Mirror
	url   string
	zf    map[string][]byte
	owner *namedbtest.Key
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	tm := testmirror.New(t, nil)
	url := serve(t, New(tm.Mirror, tm.Chain.DB, Options{Version: "test"}))
	return &fixture{t: t, chain: tm.Chain, store: tm.Store, m: tm.Mirror, url: url, zf: tm.Zonefiles, owner: tm.Owner}
}

// get fetches path and decodes a JSON body into v (when not nil).
func (f *fixture) get(path string, v any) *http.Response {
	f.t.Helper()
	resp, err := http.Get(f.url + path)
	if err != nil {
		f.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			f.t.Fatalf("GET %s: %d %q: %v", path, resp.StatusCode, body, err)
		}
	}
	return resp
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func expectKeys(t *testing.T, what string, m map[string]any, want ...string) {
	t.Helper()
	sort.Strings(want)
	if got := keys(m); !slices.Equal(got, want) {
		t.Errorf("%s: fields %v, want %v", what, got, want)
	}
}

func TestNodeEndpoints(t *testing.T) {
	f := newFixture(t)
	var ping map[string]any
	if r := f.get("/v1/node/ping", &ping); r.StatusCode != 200 || ping["status"] != "alive" {
		t.Errorf("ping %d %v", r.StatusCode, ping)
	}
	var info map[string]any
	f.get("/v1/info", &info)
	expectKeys(t, "info", info, "consensus", "first_block", "indexing", "last_block_processed", "last_block_seen", "server_alive", "server_version", "testnet", "zonefile_count")
	ch, _ := f.chain.DB.ConsensusHashAt(f.chain.Tip())
	if info["consensus"] != ch.String() || info["last_block_processed"] != float64(f.chain.Tip()) || info["testnet"] != true || info["zonefile_count"] != float64(13) {
		t.Errorf("info %v", info)
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		if r := f.get(p, nil); r.StatusCode != 200 {
			t.Errorf("%s: %d", p, r.StatusCode)
		}
	}
}

func TestNameRecord(t *testing.T) {
	f := newFixture(t)
	var rec map[string]any
	r := f.get("/v1/names/zinai.id", &rec)
	if r.StatusCode != 200 {
		t.Fatalf("%d %v", r.StatusCode, rec)
	}
	expectKeys(t, "name record", rec, "address", "blockchain", "did", "expire_block", "renewal_deadline", "grace_period", "last_txid", "resolver", "status", "zonefile", "zonefile_hash")
	if d, _ := rec["did"].(string); !strings.HasPrefix(d, "did:stack:v0:"+f.owner.Address+"-") {
		t.Errorf("did %v", rec["did"])
	}
	if rec["zonefile"] != string(f.zf["zinai.id"]) || rec["status"] != "registered" || rec["address"] != f.owner.Address ||
		rec["zonefile_hash"] != wire.SumHash160(f.zf["zinai.id"]).String() || rec["blockchain"] != "bitcoin" {
		t.Errorf("record %v", rec)
	}
	if r.Header.Get("X-Zonemirror-Height") != fmt.Sprint(f.chain.Tip()) || len(r.Header.Get("X-Zonemirror-Consensus-Hash")) != 32 || r.Header.Get("Etag") == "" {
		t.Errorf("headers %v", r.Header)
	}
	var avail map[string]any
	if r := f.get("/v1/names/nobody.id", &avail); r.StatusCode != 404 || avail["status"] != "available" {
		t.Errorf("unknown name: %d %v", r.StatusCode, avail)
	}
	if r := f.get("/v1/names/Bad..name", nil); r.StatusCode != 400 {
		t.Errorf("invalid name: %d", r.StatusCode)
	}
	// A name whose zone file was announced but not fetched says so.
	f.get("/v1/names/missing.id", &rec)
	if rec["zonefile"] != nil || rec["zonefile_hash"] == nil {
		t.Errorf("missing zone file: %v", rec)
	}
	var full map[string]any
	f.get("/v1/blockchains/bitcoin/names/zinai.id", &full)
	if full["expired"] != false || full["name"] != "zinai.id" || full["opcode"] != "NAME_REGISTRATION" {
		t.Errorf("blockchain record %v", full)
	}
}

func TestZonefiles(t *testing.T) {
	f := newFixture(t)
	want := f.zf["0.id"]
	var z map[string]string
	r := f.get("/v1/names/0.id/zonefile", &z)
	if r.StatusCode != 200 || z["zonefile"] != string(want) {
		t.Fatalf("%d %v", r.StatusCode, z)
	}
	etag := r.Header.Get("Etag")
	req, _ := http.NewRequest("GET", f.url+"/v1/names/0.id/zonefile", nil)
	req.Header.Set("If-None-Match", etag)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 304 {
		t.Errorf("If-None-Match: %v %v", resp, err)
	}
	raw := f.get("/v1/names/0.id/zonefile?raw=1", nil)
	body, _ := io.ReadAll(raw.Body)
	if !bytes.Equal(body, want) || raw.Header.Get("Content-Type") != "application/octet-stream" {
		t.Errorf("raw %q %s", body, raw.Header.Get("Content-Type"))
	}
	h := wire.SumHash160(want).String()
	byHash := f.get("/v1/zonefiles/"+h, nil)
	body, _ = io.ReadAll(byHash.Body)
	if !bytes.Equal(body, want) || byHash.Header.Get("Etag") != `"`+h+`"` || !strings.Contains(byHash.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("by hash: %q %v", body, byHash.Header)
	}
	var hz map[string]string
	if r := f.get("/v1/names/0.id/zonefile/"+h, &hz); r.StatusCode != 200 || hz["zonefile"] != string(want) {
		t.Errorf("by name and hash: %d", r.StatusCode)
	}
	if r := f.get("/v1/names/1.id/zonefile/"+h, nil); r.StatusCode != 404 {
		t.Errorf("another name's hash: %d", r.StatusCode)
	}
	// Absent, and why.
	var why map[string]string
	if r := f.get("/v1/names/nozone.id/zonefile", &why); r.StatusCode != 404 || why["error"] != "No zone file for name" || why["reason"] != mirror.ReasonNoZonefile {
		t.Errorf("no zone file: %d %v", r.StatusCode, why)
	}
	if r := f.get("/v1/names/missing.id/zonefile", &why); r.StatusCode != 404 || why["reason"] != mirror.ReasonNotFetched {
		t.Errorf("not fetched: %d %v", r.StatusCode, why)
	}
	if r := f.get("/v1/zonefiles/"+wire.SumHash160([]byte("never")).String(), &why); r.StatusCode != 404 || why["reason"] != mirror.ReasonNotAnnounced {
		t.Errorf("not announced: %d %v", r.StatusCode, why)
	}
	if r := f.get("/v1/zonefiles/xyz", nil); r.StatusCode != 400 {
		t.Errorf("bad hash: %d", r.StatusCode)
	}
}

func post(t *testing.T, url string, body any) (int, map[string]any) {
	b, _ := json.Marshal(body)
	resp, err := http.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// POST /v1/zonefile takes whitelisted zone files only, stores them, and
// the name's answers show them from then on.
func TestPostZonefile(t *testing.T) {
	f := newFixture(t)
	var why map[string]string
	f.get("/v1/names/missing.id/zonefile", &why) // not cached while absent
	code, out := post(t, f.url+"/v1/zonefile", map[string]string{"zonefile": string(f.zf["missing.id"])})
	if code != 200 || out["status"] != true {
		t.Fatalf("post: %d %v", code, out)
	}
	var z map[string]string
	if r := f.get("/v1/names/missing.id/zonefile", &z); r.StatusCode != 200 || z["zonefile"] != string(f.zf["missing.id"]) {
		t.Errorf("after the post: %d %v", r.StatusCode, z)
	}
	if code, out := post(t, f.url+"/v1/zonefile", map[string]string{"zonefile": "$ORIGIN spam.id\n"}); code != 400 || !strings.Contains(fmt.Sprint(out["error"]), "not whitelisted") {
		t.Errorf("spam: %d %v", code, out)
	}
	if code, _ := post(t, f.url+"/v1/zonefile", map[string]string{"zonefile": strings.Repeat("x", 40961)}); code != 400 {
		t.Errorf("too large: %d", code)
	}
	if code, _ := post(t, f.url+"/v1/zonefile", map[string]string{"nope": "x"}); code != 400 {
		t.Errorf("bad request: %d", code)
	}
}

// A name's answers change when a block changes the name, and go back when
// a rewind undoes it.
func TestAnswersFollowTheChain(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	var z map[string]string
	f.get("/v1/names/10.id/zonefile", &z)
	before := z["zonefile"]
	next := []byte("$ORIGIN 10.id\n$TTL 3600\n_http._tcp IN URI 10 1 \"https://example.com/v2\"\n")
	if _, err := f.store.Put(ctx, plugins.SumKey(next), next); err != nil {
		t.Fatal(err)
	}
	f.chain.Update(f.owner, "10.id", next)
	f.chain.Mine()
	f.get("/v1/names/10.id/zonefile", &z)
	if z["zonefile"] != string(next) {
		t.Fatalf("after the update: %q", z["zonefile"])
	}
	if err := f.chain.DB.Rewind(ctx, f.chain.Tip()-1); err != nil {
		t.Fatal(err)
	}
	f.get("/v1/names/10.id/zonefile", &z)
	if z["zonefile"] != before {
		t.Fatalf("after the rewind: %q", z["zonefile"])
	}
	f.chain.Transfer(f.owner, "10.id", f.chain.Key("new owner"), false)
	f.chain.Mine()
	var rec map[string]any
	f.get("/v1/names/10.id", &rec)
	if rec["address"] != f.chain.Key("new owner").Address || rec["zonefile"] != nil {
		t.Errorf("after a transfer that clears the data: %v", rec)
	}
}

// History and block operations have the fields of the real records of
// patrickstanley.id and block 462592 (testdata, from shared/data/vectors).
func TestRecordShapesMatchRealRecords(t *testing.T) {
	f := newFixture(t)
	f.chain.Update(f.owner, "zinai.id", f.zf["0.id"])
	f.chain.Mine()
	f.chain.Transfer(f.owner, "zinai.id", f.chain.Key("someone"), true)
	transferBlock := f.chain.Tip() + 1
	f.chain.Mine()

	var realHist map[string][]map[string]any
	raw, _ := os.ReadFile("testdata/patrickstanley.id-history.json")
	json.Unmarshal(raw, &realHist)
	wantFields := map[string][]string{}
	for _, recs := range realHist {
		for _, r := range recs {
			// The docs' history comes from a release before v21, which
			// kept transfer_send_block_id; v21 does not (PROTOCOL.md §5.5).
			delete(r, "transfer_send_block_id")
			wantFields[r["opcode"].(string)] = keys(r)
		}
	}
	var hist map[string][]map[string]any
	if r := f.get("/v1/names/zinai.id/history", &hist); r.StatusCode != 200 {
		t.Fatalf("history: %d", r.StatusCode)
	}
	seen := map[string]bool{}
	for _, recs := range hist {
		for _, r := range recs {
			op := r["opcode"].(string)
			seen[op] = true
			if w, ok := wantFields[op]; ok && !slices.Equal(keys(r), w) {
				t.Errorf("history %s fields %v, the real record's %v", op, keys(r), w)
			}
		}
	}
	if len(seen) != 4 {
		t.Errorf("history has %v, want preorder, registration, update, transfer", seen)
	}

	var realOps []map[string]any
	raw, _ = os.ReadFile("testdata/block-462592-operations.json")
	json.Unmarshal(raw, &realOps)
	opFields := map[string][]string{}
	for _, r := range realOps {
		opFields[r["opcode"].(string)] = keys(r)
	}
	var ops []map[string]any
	f.get(fmt.Sprintf("/v1/blockchains/bitcoin/operations/%d", transferBlock), &ops)
	if len(ops) != 1 || !slices.Equal(keys(ops[0]), opFields["NAME_TRANSFER"]) {
		t.Errorf("transfer operation %v, want the fields %v", ops, opFields["NAME_TRANSFER"])
	}
	f.chain.Register(f.owner, nil, "fresh.id")
	var preOps []map[string]any // a fresh slice: Unmarshal merges into old maps
	f.get(fmt.Sprintf("/v1/blockchains/bitcoin/operations/%d", f.chain.Tip()-1), &preOps)
	if len(preOps) != 1 || !slices.Equal(keys(preOps[0]), opFields["NAME_PREORDER"]) {
		t.Errorf("preorder operation %v, want the fields %v", preOps, opFields["NAME_PREORDER"])
	}
}

func TestListsAndChainEndpoints(t *testing.T) {
	f := newFixture(t)
	var names []string
	f.get("/v1/names?page=0", &names)
	if len(names) != 14 || names[0] != "0.id" {
		t.Errorf("names %v", names)
	}
	f.get("/v1/names?page=1", &names)
	if len(names) != 0 {
		t.Errorf("page 1 %v", names)
	}
	var nss map[string][]string
	f.get("/v1/namespaces", &nss)
	if !slices.Equal(nss["namespaces"], []string{"id"}) {
		t.Errorf("namespaces %v", nss)
	}
	var ns map[string]any
	f.get("/v1/namespaces/id", &ns)
	if ns["namespace_id"] != "id" || ns["ready"] != true || len(ns["buckets"].([]any)) != 16 {
		t.Errorf("namespace %v", ns)
	}
	if r := f.get("/v1/namespaces/nope", nil); r.StatusCode != 404 {
		t.Errorf("unknown namespace %d", r.StatusCode)
	}
	f.get("/v1/namespaces/id/names?page=0", &names)
	if len(names) != 14 {
		t.Errorf("namespace names %v", names)
	}
	var count map[string]int
	f.get("/v1/namespaces/id/name_count", &count)
	if count["names_count"] != 14 {
		t.Errorf("name_count %v", count)
	}
	f.get("/v1/blockchains/bitcoin/name_count", &count)
	if count["names_count"] != 14 {
		t.Errorf("blockchain name_count %v", count)
	}
	var price map[string]map[string]any
	f.get("/v1/prices/names/abc.id", &price)
	if p := price["name_price"]; p["units"] != "BTC" || p["satoshis"].(float64) <= 0 || p["amount"] == "" {
		t.Errorf("name price %v", price)
	}
	var nsPrice map[string]any
	f.get("/v1/prices/namespaces/abcd", &nsPrice)
	if nsPrice["satoshis"].(float64) <= 0 {
		t.Errorf("namespace price %v", nsPrice)
	}
	var owned map[string][]string
	f.get("/v1/addresses/bitcoin/"+f.owner.Address, &owned)
	if len(owned["names"]) != 14 {
		t.Errorf("names owned %v", owned)
	}
	var ch map[string]string
	f.get("/v1/blockchains/bitcoin/consensus", &ch)
	tipCH, _ := f.chain.DB.ConsensusHashAt(f.chain.Tip())
	if ch["consensus_hash"] != tipCH.String() {
		t.Errorf("consensus %v", ch)
	}
	f.get("/v1/blockchains/bitcoin/consensus/3", &ch)
	ch3, _ := f.chain.DB.ConsensusHashAt(3)
	if ch["consensus_hash"] != ch3.String() {
		t.Errorf("consensus at 3: %v", ch)
	}
	var bh map[string]int64
	f.get("/v1/blockchains/bitcoin/consensus-block/"+ch3.String(), &bh)
	if bh["block_height"] != 3 {
		t.Errorf("height of %s: %v", ch3, bh)
	}
	if r := f.get(fmt.Sprintf("/v1/blockchains/bitcoin/consensus/%d", f.chain.Tip()+5), nil); r.StatusCode != 503 {
		t.Errorf("a block not processed yet: %d", r.StatusCode)
	}
	if r := f.get("/v1/blockchains/ethereum/consensus", nil); r.StatusCode != 404 {
		t.Errorf("unsupported chain: %d", r.StatusCode)
	}
	rec, _ := f.chain.DB.Name(context.Background(), "0.id")
	var tx map[string]any
	f.get("/v1/blockchains/bitcoin/transactions/"+rec.Record.TxID, &tx)
	inner, _ := tx["tx"].(map[string]any)
	if tx["status"] != true || inner["status"] != "accepted" || inner["op"] != "NAME_REGISTRATION" {
		t.Errorf("transaction %v", tx)
	}
	var sub map[string]int
	f.get("/v1/blockchains/bitcoin/subdomains_count", &sub)
	if _, ok := sub["names_count"]; !ok {
		t.Errorf("subdomains_count %v", sub)
	}
}
