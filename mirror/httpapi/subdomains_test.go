package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/btcsuite/btcd/address/v2/base58"
	"github.com/btcsuite/btcd/btcec/v2"

	"github.com/zonemirror/zonemirror/internal/testmirror"
	"github.com/zonemirror/zonemirror/namedb/subdomain"
	"github.com/zonemirror/zonemirror/namedb/wire"
	"github.com/zonemirror/zonemirror/plugins"
)

// subFixture is a mirror whose name reg.id carries subdomains.
type subFixture struct {
	*fixture
	tm         *testmirror.Fixture
	alice, bob subdomain.Key
	aliceAddr  string
	bobAddr    string
}

func subKeyOf(seed string) subdomain.Key {
	s := sha256.Sum256([]byte("httpapi subdomain " + seed))
	k, _ := btcec.PrivKeyFromBytes(s[:])
	return subdomain.Key{Private: k, Compressed: true}
}

func subTXT(t *testing.T, label, domain, owner string, seq int64, zonefile string, signer *subdomain.Key) string {
	r := &subdomain.Record{FQN: label + "." + domain, Domain: domain, Owner: owner, Seq: seq, ZoneFile: []byte(zonefile)}
	if signer != nil {
		sig, err := subdomain.SignSingle(*signer, r.Plaintext())
		if err != nil {
			t.Fatal(err)
		}
		r.Sig, r.HasSig = sig, true
	}
	return r.TXT()
}

func subZone(fqn, url string) string {
	return "$ORIGIN " + fqn + "\n$TTL 3600\n_http._tcp IN URI 10 1 \"" + url + "\"\n"
}

func newSubFixture(t *testing.T) *subFixture {
	f := &subFixture{alice: subKeyOf("alice"), bob: subKeyOf("bob")}
	p := wire.TestnetParams
	f.aliceAddr = base58.CheckEncode(subHash160(f.alice.PublicKey()), p.PubKeyHashAddrID)
	f.bobAddr = base58.CheckEncode(subHash160(f.bob.PublicKey()), p.PubKeyHashAddrID)
	reg := "$ORIGIN reg.id\n$TTL 3600\n" +
		subTXT(t, "alice", "reg.id", f.aliceAddr, 0, subZone("alice.reg.id", "https://alice.example/profile.json"), nil) + "\n" +
		subTXT(t, "carol", "reg.id", f.aliceAddr, 0, subZone("carol.reg.id", "https://carol.example/"), nil) + "\n"
	resolved := "$ORIGIN res.id\n$TTL 3600\n_resolver IN URI 10 1 \"https://registrar.example\"\n" +
		subTXT(t, "dave", "res.id", f.bobAddr, 0, subZone("dave.res.id", "https://dave.example/"), nil) + "\n"
	tm := testmirror.New(t, map[string][]byte{"reg.id": []byte(reg), "res.id": []byte(resolved)})
	url := serve(t, New(tm.Mirror, tm.Chain.DB, Options{Version: "test"}))
	f.fixture = &fixture{t: t, chain: tm.Chain, store: tm.Store, m: tm.Mirror, url: url, zf: tm.Zonefiles, owner: tm.Owner}
	f.tm = tm
	f.tm.IndexSubdomains(f.t)
	return f
}

func subHash160(b []byte) []byte {
	h := wire.SumHash160(b)
	return h[:]
}

// transfer moves alice.reg.id to bob with an update of reg.id.
func (f *subFixture) transfer() {
	f.t.Helper()
	zf := []byte("$ORIGIN reg.id\n$TTL 3600\n" +
		subTXT(f.t, "alice", "reg.id", f.bobAddr, 1, subZone("alice.reg.id", "https://bob.example/alice.json"), &f.alice) + "\n")
	f.chain.Update(f.owner, "reg.id", zf)
	f.chain.Mine()
	if _, err := f.store.Put(context.Background(), plugins.SumKey(zf), zf); err != nil {
		f.t.Fatal(err)
	}
	f.tm.IndexSubdomains(f.t)
}

// Subdomains answer on the routes of names with the original's shapes and
// statuses, through the fast path too.
func TestSubdomainRecords(t *testing.T) {
	f := newSubFixture(t)
	var rec map[string]any
	r := f.get("/v1/names/alice.reg.id", &rec)
	if r.StatusCode != 200 {
		t.Fatalf("alice: %d %v", r.StatusCode, rec)
	}
	expectKeys(t, "subdomain record", rec, "status", "zonefile", "zonefile_hash", "address", "blockchain", "last_txid", "did")
	aliceZF := subZone("alice.reg.id", "https://alice.example/profile.json")
	wantDID := "did:stack:v0:" + base58.CheckEncode(subHash160(f.alice.PublicKey()), 127) + "-0"
	if rec["status"] != "registered_subdomain" || rec["zonefile"] != aliceZF || rec["address"] != f.aliceAddr ||
		rec["zonefile_hash"] != wire.SumHash160([]byte(aliceZF)).String() || rec["did"] != wantDID {
		t.Errorf("alice: %v", rec)
	}
	etag := r.Header.Get("Etag")
	req, _ := http.NewRequest("GET", f.url+"/v1/names/alice.reg.id", nil)
	req.Header.Set("If-None-Match", etag)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 304 {
		t.Errorf("If-None-Match: %v %v", resp.StatusCode, err)
	}
	// carol is alice's second creation
	if f.get("/v1/names/carol.reg.id", &rec); rec["did"] != strings.TrimSuffix(wantDID, "-0")+"-1" {
		t.Errorf("carol's DID: %v", rec["did"])
	}
	var zf map[string]string
	if f.get("/v1/names/alice.reg.id/zonefile", &zf); zf["zonefile"] != aliceZF {
		t.Errorf("zone file: %v", zf)
	}
	if resp := f.get("/v1/names/alice.reg.id/zonefile?raw=1", nil); !bodyIs(resp, aliceZF) {
		t.Error("raw zone file")
	}
	h := wire.SumHash160([]byte(aliceZF)).String()
	if resp := f.get("/v1/zonefiles/"+h, nil); resp.StatusCode != 200 || !bodyIs(resp, aliceZF) {
		t.Errorf("/v1/zonefiles/ of a subdomain's zone file: %d", resp.StatusCode)
	}
	if f.get("/v1/names/alice.reg.id/zonefile/"+h, &zf); zf["zonefile"] != aliceZF {
		t.Errorf("zone file by hash: %v", zf)
	}
	var e map[string]string
	if r := f.get("/v1/names/alice.reg.id/zonefile/"+strings.Repeat("0", 40), &e); r.StatusCode != 404 || e["error"] != "No such zonefile" {
		t.Errorf("another hash: %d %v", r.StatusCode, e)
	}

	// absent: the parent's resolver, or why not
	for path, want := range map[string]struct {
		status   int
		more     string
		location string
	}{
		"/v1/names/nobody.reg.id":  {404, "failed to find parent domain's resolver", ""},
		"/v1/names/nobody.none.id": {404, "failed to look up parent domain", ""},
		"/v1/names/nobody.res.id":  {301, "", "https://registrar.example/v1/names/nobody.res.id"},
	} {
		var body map[string]string
		resp := noRedirect(t, f.url+path, &body)
		if resp.StatusCode != want.status || body["more"] != want.more || resp.Header.Get("Location") != want.location {
			t.Errorf("%s: %d %v %q", path, resp.StatusCode, body, resp.Header.Get("Location"))
		}
	}
	if r := f.get("/v1/names/nobody.reg.id/zonefile", &e); r.StatusCode != 404 || e["error"] != "Failed to load subdomain" {
		t.Errorf("absent zone file: %d %v", r.StatusCode, e)
	}

	// lists and counts
	var list []string
	if f.get("/v1/subdomains?page=0", &list); !slices.Equal(list, []string{"alice.reg.id", "carol.reg.id", "dave.res.id"}) {
		t.Errorf("/v1/subdomains: %v", list)
	}
	if r := f.get("/v1/subdomains", &e); r.StatusCode != 400 || e["error"] != "page= argument required" {
		t.Errorf("no page: %d %v", r.StatusCode, e)
	}
	if f.get("/v1/names/reg.id/subdomains", &list); !slices.Equal(list, []string{"alice.reg.id", "carol.reg.id"}) {
		t.Errorf("subdomains of reg.id: %v", list)
	}
	var count map[string]int
	if f.get("/v1/blockchains/bitcoin/subdomains_count", &count); count["names_count"] != 3 {
		t.Errorf("count: %v", count)
	}
	var owned map[string][]string
	if f.get("/v1/addresses/bitcoin/"+f.aliceAddr, &owned); !slices.Equal(owned["names"], []string{"alice.reg.id", "carol.reg.id"}) {
		t.Errorf("alice owns %v", owned)
	}
	var did map[string]any
	if r := f.get("/v1/dids/"+wantDID, &did); r.StatusCode != 501 || !slices.Equal(anyStrings(did["urls"]), []string{"https://alice.example/profile.json"}) {
		t.Errorf("DID: %d %v", r.StatusCode, did)
	}

	// a transfer changes the answers
	f.transfer()
	if f.get("/v1/names/alice.reg.id", &rec); rec["address"] != f.bobAddr || rec["did"] != wantDID {
		t.Errorf("after the transfer: %v", rec)
	}
	if f.get("/v1/addresses/bitcoin/"+f.bobAddr, &owned); !slices.Contains(owned["names"], "alice.reg.id") {
		t.Errorf("bob owns %v", owned)
	}
	var hist map[string][]map[string]any
	if r := f.get("/v1/names/alice.reg.id/history", &hist); r.StatusCode != 200 || len(hist) != 2 {
		t.Fatalf("history: %d %v", r.StatusCode, hist)
	}
	for _, recs := range hist {
		for _, h := range recs {
			expectKeys(t, "history record", h, "address", "domain", "block_number", "sequence", "txid", "value_hash", "zonefile", "name")
			zfb, _ := base64.StdEncoding.DecodeString(h["zonefile"].(string))
			if wire.SumHash160(zfb).String() != h["value_hash"] {
				t.Errorf("history record's zone file and hash disagree: %v", h)
			}
		}
	}
	if r := f.get("/v1/names/alice.reg.id/history?page=1", &e); r.StatusCode != 404 {
		t.Errorf("history page 1: %d", r.StatusCode)
	}
	// the zone file of the transfer's operation
	es, _ := f.chain.DB.WhitelistAfter(context.Background(), 0, 1000)
	var rows []map[string]any
	if f.get("/v1/subdomains/"+es[len(es)-1].TxID, &rows); len(rows) != 1 || rows[0]["fully_qualified_subdomain"] != "alice.reg.id" || rows[0]["accepted"] != 1.0 || rows[0]["sequence"] != 1.0 {
		t.Errorf("ops at the transfer's txid: %v", rows)
	}
}

func bodyIs(resp *http.Response, want string) bool {
	b, _ := io.ReadAll(resp.Body)
	return string(b) == want
}

func anyStrings(v any) []string {
	var out []string
	l, _ := v.([]any)
	for _, e := range l {
		s, _ := e.(string)
		out = append(out, s)
	}
	return out
}

func noRedirect(t *testing.T, url string, v any) *http.Response {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %q: %v", url, b, err)
	}
	return resp
}
