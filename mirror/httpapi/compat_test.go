package httpapi

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/btcsuite/btcd/address/v2/base58"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// normPath is Python's posixpath.normpath; the expected values are
// Python's own answers.
func TestNormPathIsPythons(t *testing.T) {
	for in, want := range map[string]string{
		"/v1/zonefile/":             "/v1/zonefile",
		"/v1//info":                 "/v1/info",
		"/v1/./names/../names/a.id": "/v1/names/a.id",
		"/../v1/ping":               "/v1/ping",
		"//v1/ping":                 "//v1/ping",
		"///v1/ping":                "/v1/ping",
		"/v1/names/a.id/.":          "/v1/names/a.id",
		"":                          ".",
		".":                         ".",
		"..":                        "..",
		"a/../..":                   "..",
		"/":                         "/",
		"//":                        "//",
		"/a/b/../../..":             "/",
		"v1/ping/":                  "v1/ping",
	} {
		if got := normPath(in); got != want {
			t.Errorf("normPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// Paths are normalised before routing, as the original did, on the fast
// path and the fallback alike: a trailing slash, a doubled slash or dot
// segments reach the same route.
func TestPathsAreNormalised(t *testing.T) {
	f := newFixture(t)
	addr := strings.TrimPrefix(f.url, "http://")
	_, plain := exchange(t, addr, "GET", "/v1/names/zinai.id", nil, "")
	for _, target := range []string{"/v1/names/zinai.id/", "/v1//names/zinai.id", "/v1/./names/x/../zinai.id", "/v1/names/zinai.id/."} {
		r, body := exchange(t, addr, "GET", target, nil, "")
		if r.StatusCode != 200 || string(body) != string(plain) {
			t.Errorf("GET %s: %d %.80s, want the answer of /v1/names/zinai.id", target, r.StatusCode, body)
		}
	}
	if r, body := exchange(t, addr, "GET", "/v1/info/", nil, ""); r.StatusCode != 200 || !strings.Contains(string(body), `"consensus"`) {
		t.Errorf("GET /v1/info/: %d %s", r.StatusCode, body)
	}
	// blockstack.js's broadcastZoneFile posts to /v1/zonefile/
	zf, _ := json.Marshal(map[string]string{"zonefile": string(f.zf["missing.id"])})
	r, body := exchange(t, addr, "POST", "/v1/zonefile/", map[string]string{"Content-Type": "application/json"}, string(zf))
	if r.StatusCode != 200 || !strings.Contains(string(body), `"status":true`) {
		t.Errorf("POST /v1/zonefile/: %d %s", r.StatusCode, body)
	}
}

// Every path and method no route answers gets the original's JSON error,
// never text and never a redirect.
func TestUnmatchedRoutesAnswerJSON(t *testing.T) {
	f := newFixture(t)
	addr := strings.TrimPrefix(f.url, "http://")
	for _, c := range []struct{ method, target string }{
		{"GET", "/"},
		{"GET", "/v1/nope"},
		{"GET", "/v3/names/zinai.id"},
		{"GET", "//v1/info"},
		{"DELETE", "/v1/names/zinai.id"},
		{"PUT", "/v1/zonefile"},
		{"GET", "/v1/zonefile"},
		{"POST", "/v1/info"},
	} {
		r, body := exchange(t, addr, c.method, c.target, nil, "")
		if r.StatusCode != 404 || r.Header.Get("Content-Type") != "application/json" || strings.TrimSpace(string(body)) != `{"error":"No such endpoint"}` {
			t.Errorf("%s %s: %d %q %s", c.method, c.target, r.StatusCode, r.Header.Get("Content-Type"), body)
		}
	}
}

// Every answer allows any origin, as the original's did, and OPTIONS
// under /v1/ and /v2/ is a CORS preflight.
func TestCORS(t *testing.T) {
	f := newFixture(t)
	addr := strings.TrimPrefix(f.url, "http://")
	// the fast path, the fallback, an error and a 404
	for _, target := range []string{"/v1/names/zinai.id", "/v1/names/zinai.id/zonefile", "/v1/info", "/v1/names/nobody.id", "/v1/nope"} {
		if r, _ := exchange(t, addr, "GET", target, nil, ""); r.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("GET %s: %d, Access-Control-Allow-Origin %q", target, r.StatusCode, r.Header.Get("Access-Control-Allow-Origin"))
		}
	}
	for _, target := range []string{"/v1/zonefile", "/v2/prices/names/a.id", "/v1/anything/at/all"} {
		r, _ := exchange(t, addr, "OPTIONS", target, nil, "")
		if r.StatusCode != 200 || r.Header.Get("Access-Control-Allow-Methods") != "GET, PUT, POST, DELETE" || r.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("OPTIONS %s: %d %v", target, r.StatusCode, r.Header)
		}
	}
	if r, _ := exchange(t, addr, "OPTIONS", "/v3/x", nil, ""); r.StatusCode != 404 {
		t.Errorf("OPTIONS outside /v1/ and /v2/: %d", r.StatusCode)
	}
}

// The routes v21 added: /v1/ping and the /v2/ prices, which answer as
// /v1/'s do.
func TestV21Routes(t *testing.T) {
	f := newFixture(t)
	var ping map[string]any
	if r := f.get("/v1/ping", &ping); r.StatusCode != 200 || ping["status"] != "alive" || ping["version"] != "test" {
		t.Errorf("ping: %d %v", r.StatusCode, ping)
	}
	for _, p := range []string{"names/abc.id", "names/zinai.id", "namespaces/abcd", "namespaces/id"} {
		_, v1 := exchange(t, strings.TrimPrefix(f.url, "http://"), "GET", "/v1/prices/"+p, nil, "")
		r, v2 := exchange(t, strings.TrimPrefix(f.url, "http://"), "GET", "/v2/prices/"+p, nil, "")
		if r.StatusCode != 200 || string(v1) != string(v2) {
			t.Errorf("/v2/prices/%s: %d %s, /v1/: %s", p, r.StatusCode, v2, v1)
		}
	}
	cost, _ := f.chain.DB.NameCost("abc.id")
	var price map[string]map[string]any
	f.get("/v2/prices/names/abc.id", &price)
	if p := price["name_price"]; p["units"] != "BTC" || p["amount"] != jsonInt(cost.Amount) || p["satoshis"] != float64(cost.Amount) || len(p) != 3 {
		t.Errorf("name price %v, want %+v", price, cost)
	}
	var why map[string]string
	if r := f.get("/v2/prices/names/abc.nope", &why); r.StatusCode != 404 || why["error"] != "Unknown/invalid namespace" {
		t.Errorf("price in no namespace: %d %v", r.StatusCode, why)
	}
	if r := f.get("/v2/prices/namespaces/NOPE", &why); r.StatusCode != 400 || why["error"] != "Invalid namespace" {
		t.Errorf("price of an invalid namespace id: %d %v", r.StatusCode, why)
	}
}

func jsonInt(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// /v1/addresses re-encodes the address it is given, as the original did:
// a key's mainnet and testnet forms find the same names; anything else is
// a JSON 400.
func TestAddressesAreReencoded(t *testing.T) {
	f := newFixture(t)
	script, err := wire.TestnetParams.ScriptForAddress(f.owner.Address)
	if err != nil {
		t.Fatal(err)
	}
	mainnet := wire.MainnetParams.Address(script)
	var want, got map[string][]string
	f.get("/v1/addresses/bitcoin/"+f.owner.Address, &want)
	if len(want["names"]) != 14 {
		t.Fatalf("names of %s: %v", f.owner.Address, want)
	}
	if r := f.get("/v1/addresses/bitcoin/"+mainnet, &got); r.StatusCode != 200 || !slices.Equal(got["names"], want["names"]) {
		t.Errorf("names of the mainnet form %s: %d %v, want %v", mainnet, r.StatusCode, got, want)
	}
	h := wire.SumHash160([]byte("nobody"))
	for _, addr := range []string{
		base58.CheckEncode(h[:], 0x3f), // simnet's version
		mainnet[:len(mainnet)-1] + map[bool]string{true: "2", false: "3"}[mainnet[len(mainnet)-1] == '3'], // checksum
		"1BoatSLRHtKNngkdXEeobR76b53LETtpy", // 33 characters, checksum wrong
		"1111", "0OIl" + mainnet[4:],
	} {
		var why map[string]string
		if r := f.get("/v1/addresses/bitcoin/"+addr, &why); r.StatusCode != 400 || why["error"] == "" {
			t.Errorf("%s: %d %v, want a 400", addr, r.StatusCode, why)
		}
	}
	var none map[string][]string
	if r := f.get("/v1/addresses/bitcoin/"+wire.MainnetParams.Address(wire.BurnScript()), &none); r.StatusCode != 200 || none["names"] == nil || len(none["names"]) != 0 {
		t.Errorf("an address without names: %d %v, want an empty list", r.StatusCode, none)
	}
}

// Profiles and DIDs go as far as the original's steps without the
// network: the name (or the DID's name), its zone file, the zone file's
// URIs; then a 501 with the URIs where the original fetched the token.
// Each earlier failure is the original's 404.
func TestProfilesAndDIDs(t *testing.T) {
	f := newFixture(t)
	const uri = "https://gaia.blockstack.org/hub/18cR3haFbmuYQVNcrCM9N1GvfPzDraQGN9/profile.json" // zinai.id's zone file
	did, _, err := f.chain.DB.NameDID(context.Background(), "zinai.id")
	if err != nil {
		t.Fatal(err)
	}
	addr, index, _ := strings.Cut(strings.TrimPrefix(did, "did:stack:v0:"), "-")
	script, _ := wire.TestnetParams.ScriptForAddress(addr)
	mainnetDID := "did:stack:v0:" + wire.MainnetParams.Address(script) + "-" + index
	for _, path := range []string{"/v1/users/zinai.id", "/v1/dids/" + did, "/v1/dids/" + mainnetDID} {
		var body struct {
			Error        string   `json:"error"`
			ZonefileHash string   `json:"zonefile_hash"`
			URLs         []string `json:"urls"`
		}
		r := f.get(path, &body)
		if r.StatusCode != 501 || !slices.Equal(body.URLs, []string{uri}) || body.ZonefileHash != wire.SumHash160(f.zf["zinai.id"]).String() || !strings.Contains(body.Error, "does not fetch") {
			t.Errorf("%s: %d %+v", path, r.StatusCode, body)
		}
	}
	missingDID, _, _ := f.chain.DB.NameDID(context.Background(), "missing.id")
	nozoneDID, _, _ := f.chain.DB.NameDID(context.Background(), "nozone.id")
	for path, want := range map[string]struct {
		status int
		err    string
	}{
		"/v1/users/nobody.id":                     {404, "Failed to get name record: Name not found"},
		"/v1/users/missing.id":                    {404, "Failed to get zone file for missing.id"},
		"/v1/users/nozone.id":                     {404, "No zone file hash in name record for nozone.id"},
		"/v1/users/Not_A_Name":                    {400, "Invalid name or subdomain"},
		"/v1/dids/" + missingDID:                  {404, "Failed to get zone file for " + missingDID},
		"/v1/dids/" + nozoneDID:                   {404, "No zone file hash in name record for " + nozoneDID},
		"/v1/dids/did:stack:v0:" + addr + "-9999": {404, "Failed to get DID record: Failed to resolve DID to a non-revoked name"},
		"/v1/dids/did:stack:v0:" + addr:           {400, "Invalid DID"},
		"/v1/dids/did:web:example.org":            {400, "Invalid DID"},
	} {
		var body map[string]string
		if r := f.get(path, &body); r.StatusCode != want.status || body["error"] != want.err {
			t.Errorf("%s: %d %v, want %d %q", path, r.StatusCode, body, want.status, want.err)
		}
	}
	// a subdomain's DID (address version 127 off mainnet) of a creator
	// who created none
	h := wire.SumHash160([]byte("sub"))
	did = "did:stack:v0:" + base58.CheckEncode(h[:], 127) + "-0"
	var body map[string]string
	if r := f.get("/v1/dids/"+did, &body); r.StatusCode != 404 || body["error"] != "Failed to get DID record: Failed to load subdomain from "+did {
		t.Errorf("a subdomain DID: %d %v", r.StatusCode, body)
	}
}

// The original's routes the mirror does not serve answer a JSON 501 that
// says why.
func TestRoutesNotServed(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{
		"/v1/accounts/1BoatSLRHtKNngkdXEeobR76b53LETtpy/tokens", "/v1/accounts/1BoatSLRHtKNngkdXEeobR76b53LETtpy/STACKS/balance",
		"/v1/accounts/1BoatSLRHtKNngkdXEeobR76b53LETtpy/history/3",
		"/insight-api/addr/1BoatSLRHtKNngkdXEeobR76b53LETtpy/utxo",
	} {
		var body map[string]string
		if r := f.get(path, &body); r.StatusCode != 501 || body["error"] == "" {
			t.Errorf("%s: %d %v", path, r.StatusCode, body)
		}
	}
}
