package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/zonemirror/zonemirror/internal/testmirror"
)

// Any path, query and body reach the handlers without a panic, and every
// answer is a JSON object or array (or raw zone-file bytes), never a 5xx
// caused by the request itself (501 is a route the mirror does not serve).
func FuzzAPI(f *testing.F) {
	tm := testmirror.New(f, nil)
	api := New(tm.Mirror, tm.Chain.DB, Options{Version: "fuzz"})
	for _, s := range []string{
		"/v1/names/0.id", "/v1/names/0.id/zonefile?raw=1", "/v1/names/0.id/history?page=3",
		"/v1/names?page=-1&all=true", "/v1/zonefiles/c5f5b4197c94d4561f6332160f624d728b0da8bf",
		"/v1/blockchains/bitcoin/consensus/99999999999999999999", "/v1/blockchains/bitcoin/transactions/zz",
		"/v1/prices/names/%00.id", "/v1/namespaces/id/names?page=9999999999", "/v1/names/a.id/zonefile/xyz",
		"/v1/addresses/bitcoin/1111", "/v1/blockchains/x/names/..",
		"/v1/dids/did:stack:v0:mkiWF1cs5RNG453XeWhqUH9HAiVjZne5gv-0", "/v1/dids/did:stack:v0:tNyUeW1y7VLCQWH4jbtm1gvWUQmDpsaCkd-99999999999999999999",
		"/v1/users/0.id", "/v1/users/a.b.id", "/v1/accounts/x/tokens", "/v2/prices/names/0.id", "/v1/zonefile/", "//v1/ping", "/v1/./names/../info",
	} {
		f.Add("GET", s, "")
	}
	f.Add("POST", "/v1/zonefile", `{"zonefile_b64":"!!"}`)
	f.Add("POST", "/v1/zonefile", `{"zonefile":"$ORIGIN 0.id\n"}`)
	f.Fuzz(func(t *testing.T, method, target, body string) {
		if method != "GET" && method != "POST" {
			method = "GET"
		}
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		}
		req, err := http.NewRequest(method, "http://mirror"+target, strings.NewReader(body))
		if err != nil {
			return // not a URL at all: the server never sees it
		}
		w := httptest.NewRecorder()
		api.ServeHTTP(w, req)
		if w.Code >= 500 && w.Code != 501 && w.Code != 502 && w.Code != 503 {
			t.Fatalf("%s %q: %d %s", method, target, w.Code, w.Body)
		}
	})
}
