package httpapi

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zonemirror/zonemirror/internal/testmirror"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// serve runs a's Server on 127.0.0.1 (as zonemirror serve does) until the
// test ends, and returns its base URL.
func serve(t testing.TB, a *API) string {
	t.Helper()
	return serveWith(t, NewServer(a, ServerOptions{}))
}

func serveWith(t testing.TB, s *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

// pair is one API served twice: by net/http over ServeHTTP, and by
// Server (fast path and fallback).
type pair struct {
	tm          *testmirror.Fixture
	std, fast   string
	stdc, fastc *rawClient
	observed    chan string
}

func newPair(t testing.TB) *pair {
	tm := testmirror.New(t, nil)
	api := New(tm.Mirror, tm.Chain.DB, Options{Version: "test"})
	std := httptest.NewServer(api)
	t.Cleanup(std.Close)
	p := &pair{tm: tm, std: strings.TrimPrefix(std.URL, "http://"), observed: make(chan string, 1024)}
	p.fast = strings.TrimPrefix(serveWith(t, NewServer(api, ServerOptions{Observe: func(route string, status int, _ time.Duration) {
		select {
		case p.observed <- fmt.Sprint(route, " ", status):
		default:
		}
	}})), "http://")
	p.stdc, p.fastc = &rawClient{addr: p.std}, &rawClient{addr: p.fast}
	t.Cleanup(func() { p.stdc.reset(); p.fastc.reset() })
	return p
}

// exchange sends one raw request to addr on a connection of its own and
// reads the answer.
func exchange(t testing.TB, addr, method, target string, header map[string]string, body string) (*http.Response, []byte) {
	t.Helper()
	rc := &rawClient{addr: addr, close: true}
	defer rc.reset()
	return rc.do(t, method, target, header, body)
}

// rawClient sends requests as written, unchecked by net/http's client,
// over one kept-alive connection (a fuzzer's many requests would
// otherwise use up the loopback's ports).
type rawClient struct {
	addr  string
	close bool // ask the server to close after each answer
	mu    sync.Mutex
	c     net.Conn
	br    *bufio.Reader
}

func (rc *rawClient) reset() {
	if rc.c != nil {
		rc.c.Close()
		rc.c, rc.br = nil, nil
	}
}

func (rc *rawClient) do(t testing.TB, method, target string, header map[string]string, body string) (*http.Response, []byte) {
	t.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var req bytes.Buffer
	fmt.Fprintf(&req, "%s %s HTTP/1.1\r\nHost: mirror\r\n", method, target)
	if rc.close {
		req.WriteString("Connection: close\r\n")
	}
	for k, v := range header {
		fmt.Fprintf(&req, "%s: %s\r\n", k, v)
	}
	if body != "" {
		fmt.Fprintf(&req, "Content-Length: %d\r\n", len(body))
	}
	req.WriteString("\r\n" + body)
	for attempt := 0; ; attempt++ {
		fresh := rc.c == nil
		if fresh {
			c, err := net.DialTimeout("tcp", rc.addr, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			rc.c, rc.br = c, bufio.NewReader(c)
		}
		rc.c.SetDeadline(time.Now().Add(10 * time.Second))
		resp, b, err := rc.roundTrip(req.Bytes(), method)
		if err == nil {
			if resp.Close {
				rc.reset()
			}
			return resp, b
		}
		rc.reset()
		if fresh || attempt > 0 {
			t.Fatalf("%s %s to %s: %v", method, target, rc.addr, err)
		}
		// The server had closed the kept connection: once more, anew.
	}
}

func (rc *rawClient) roundTrip(req []byte, method string) (*http.Response, []byte, error) {
	if _, err := rc.c.Write(req); err != nil {
		return nil, nil, err
	}
	resp, err := http.ReadResponse(rc.br, &http.Request{Method: method})
	if err != nil {
		return nil, nil, err
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, fmt.Errorf("body: %w", err)
	}
	return resp, b, nil
}

// same fails unless both servers answer the request alike: status, body
// and every header but Date.
func (p *pair) same(t testing.TB, method, target string, header map[string]string, body string) *http.Response {
	t.Helper()
	want, wantBody := p.stdc.do(t, method, target, header, body)
	got, gotBody := p.fastc.do(t, method, target, header, body)
	if want.StatusCode == 400 && bytes.HasPrefix(wantBody, []byte("400 Bad Request")) {
		// net/http's server refused the request before any handler, in
		// plain text; Server must refuse it too (in JSON).
		if got.StatusCode != 400 || !bytes.HasPrefix(gotBody, []byte(`{"error":`)) {
			t.Fatalf("%s %q: Server answered %d %q, net/http refused it", method, target, got.StatusCode, gotBody)
		}
		return got
	}
	if got.StatusCode != want.StatusCode || !bytes.Equal(gotBody, wantBody) {
		t.Fatalf("%s %q: Server answered %d %q, net/http %d %q", method, target, got.StatusCode, gotBody, want.StatusCode, wantBody)
	}
	for _, h := range []http.Header{want.Header, got.Header} {
		h.Del("Date")
	}
	if want.Header.Get("Content-Length") == "" {
		// net/http sent a long body chunked, Server with a length: the
		// same bytes, framed otherwise.
		got.Header.Del("Content-Length")
	}
	keys := func(h http.Header) []string {
		var ks []string
		for k, v := range h {
			ks = append(ks, k+": "+strings.Join(v, ", "))
		}
		slices.Sort(ks)
		return ks
	}
	if g, w := keys(got.Header), keys(want.Header); !slices.Equal(g, w) {
		t.Fatalf("%s %q: Server's headers\n%s\nnet/http's\n%s", method, target, strings.Join(g, "\n"), strings.Join(w, "\n"))
	}
	return got
}

// The fast path answers exactly as net/http does, for the hot routes in
// every state (held, raw, absent, never announced, unknown, invalid,
// conditional) and for the forms it leaves to the fallback.
func TestServerMatchesNetHTTP(t *testing.T) {
	p := newPair(t)
	held := wire.SumHash160(p.tm.Zonefiles["0.id"]).String()
	missing := wire.SumHash160(testmirror.Missing).String()
	var targets []string
	for _, name := range []string{"0.id", "missing.id", "nozone.id", "never.id", "BAD", "a..id", "x"} {
		targets = append(targets, "/v1/names/"+name, "/v1/names/"+name+"/zonefile", "/v1/names/"+name+"/zonefile?raw=1")
	}
	for _, h := range []string{held, missing, strings.ToUpper(held), "00", "zz" + held[2:], strings.Repeat("0", 40)} {
		targets = append(targets, "/v1/zonefiles/"+h)
	}
	targets = append(targets,
		// forms the fast path leaves to net/http
		"/v1/names/0%2Eid", "/v1/names/0.id/zonefile?raw=0", "/v1/names/0.id/zonefile?raw=1&x=2",
		"/v1/names/0.id/zonefile?", "/v1/zonefiles/"+held+"?x", "/v1/names/../v1/names/0.id",
		"/v1/names//zonefile", "/v1/names/./zonefile", "/v1/zonefiles/", "/v1/names/", "/v1/names/0.id/",
		"http://mirror/v1/names/0.id", "/v1/names/0.id/zonefile/"+held, "/v1/info", "/v1/nope")
	for _, target := range targets {
		for _, method := range []string{"GET", "HEAD", "POST"} {
			p.same(t, method, target, nil, "")
		}
	}

	// Conditional requests: the ETag the answer carried, and another.
	for _, target := range []string{"/v1/names/0.id", "/v1/names/0.id/zonefile", "/v1/names/0.id/zonefile?raw=1", "/v1/zonefiles/" + held} {
		resp := p.same(t, "GET", target, nil, "")
		etag := resp.Header.Get("Etag")
		if etag == "" {
			t.Fatalf("GET %s: no ETag", target)
		}
		if r := p.same(t, "GET", target, map[string]string{"If-None-Match": etag}, ""); r.StatusCode != http.StatusNotModified {
			t.Fatalf("GET %s If-None-Match %s: %d, want 304", target, etag, r.StatusCode)
		}
		p.same(t, "GET", target, map[string]string{"If-None-Match": `"other"`}, "")
	}

	// The fast path did answer the plain forms, and told Observe.
	for len(p.observed) > 0 {
		<-p.observed
	}
	exchange(t, p.fast, "GET", "/v1/zonefiles/"+held, nil, "")
	exchange(t, p.fast, "GET", "/v1/names/0.id/zonefile?raw=1", nil, "")
	exchange(t, p.fast, "GET", "/v1/names/never.id", nil, "")
	exchange(t, p.fast, "GET", "/v1/names/0%2Eid", nil, "") // the fallback's
	var seen []string
	for len(p.observed) > 0 {
		seen = append(seen, <-p.observed)
	}
	want := []string{routeZonefile + " 200", routeNameZonefile + " 200", routeName + " 404"}
	if !slices.Equal(seen, want) {
		t.Fatalf("observed %q, want %q", seen, want)
	}
}

// What the fast path cannot read gets a JSON error and loses nothing:
// headers over the limit, a body over the limit, a request line that
// does not parse, a client that stops sending.
func TestServerLimits(t *testing.T) {
	tm := testmirror.New(t, nil)
	addr := strings.TrimPrefix(serve(t, New(tm.Mirror, tm.Chain.DB, Options{Version: "test"})), "http://")
	check := func(what string, resp *http.Response, body []byte, status int) {
		t.Helper()
		if resp.StatusCode != status || resp.Header.Get("Content-Type") != "application/json" || !bytes.HasPrefix(body, []byte(`{"error":`)) {
			t.Fatalf("%s: %d %s %q, want %d with a JSON error", what, resp.StatusCode, resp.Header.Get("Content-Type"), body, status)
		}
	}
	resp, body := exchange(t, addr, "GET", "/v1/info", map[string]string{"X-Big": strings.Repeat("a", maxHeaderBytes)}, "")
	check("big header", resp, body, http.StatusRequestHeaderFieldsTooLarge)
	resp, body = exchange(t, addr, "POST", "/v1/zonefile", map[string]string{"Content-Length": fmt.Sprint(maxBodyBytes + 1)}, "")
	check("big body", resp, body, http.StatusRequestEntityTooLarge)
	resp, body = exchange(t, addr, "GET", "/v1/info HTTP/1.1 extra", nil, "")
	check("bad request line", resp, body, http.StatusBadRequest)

	// A panic-free answer after all of that: the server still serves.
	resp, body = exchange(t, addr, "GET", "/v1/names/0.id/zonefile?raw=1", nil, "")
	if resp.StatusCode != 200 || !bytes.Equal(body, tm.Zonefiles["0.id"]) {
		t.Fatalf("after bad requests: %d %q", resp.StatusCode, body)
	}
}

// Any request target and body get the same answer from Server as from
// net/http, and no panic.
func FuzzServer(f *testing.F) {
	p := newPair(f)
	held := wire.SumHash160(p.tm.Zonefiles["0.id"]).String()
	for _, s := range []string{
		"/v1/names/0.id", "/v1/names/0.id/zonefile?raw=1", "/v1/zonefiles/" + held,
		"/v1/names/missing.id/zonefile", "/v1/names/%30.id", "/v1/names/0.id/zonefile?raw=1&raw=0",
		"/v1/zonefiles/" + strings.ToUpper(held), "/v1/names/./zonefile", "/v1/names/0.id/history?page=1",
	} {
		f.Add("GET", s, "")
	}
	f.Add("HEAD", "/v1/names/nozone.id/zonefile", "")
	f.Add("POST", "/v1/zonefile", `{"zonefile":"$ORIGIN 0.id\n"}`)
	f.Fuzz(func(t *testing.T, method, target, body string) {
		if method != "GET" && method != "POST" && method != "HEAD" {
			method = "GET"
		}
		// A request line both servers can read: no spaces or control
		// bytes in the target (each server refuses those in its own words).
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		}
		if strings.ContainsFunc(target, func(r rune) bool { return r <= ' ' || r >= 0x7f }) {
			return
		}
		p.same(t, method, target, nil, body)
	})
}

// A request's context is not fasthttp's RequestCtx: fasthttp reuses a
// RequestCtx once its handler returns, but a context derived from it (a
// tier lookup's timeout) leaves a goroutine that reads it when the server
// shuts down. Under -race, servers shut down right after lookups that went
// to the tiers, on both paths, report that race without the fix.
func TestServerRequestContext(t *testing.T) {
	tm := testmirror.New(t, nil)
	api := New(tm.Mirror, tm.Chain.DB, Options{Version: "test"})
	absent := wire.SumHash160(tm.Zonefiles["missing.id"]).String() // whitelisted, in no tier
	for range 60 {
		s := NewServer(api, ServerOptions{})
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- s.Serve(ln) }()
		var wg sync.WaitGroup
		for i := range 16 {
			target := "/v1/zonefiles/" + absent // the fast path
			if i%2 == 1 {
				target += "?x" // the fallback
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				if r, _ := exchange(t, ln.Addr().String(), "GET", target, nil, ""); r.StatusCode != 404 {
					t.Errorf("%s: %d", target, r.StatusCode)
				}
			}()
		}
		wg.Wait()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := s.Shutdown(ctx); err != nil {
			t.Fatal(err)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

// testPage answers with its query.
type testPage struct{}

func (testPage) Page(_ context.Context, query string) (string, []byte, error) {
	return "text/plain", []byte("query " + query), nil
}

// A page is answered on the fast path for a GET of its exact path, with
// its query, not to be cached; other paths and methods are not it.
func TestServerPages(t *testing.T) {
	f := testmirror.New(t, nil)
	base := serveWith(t, NewServer(New(f.Mirror, f.Chain.DB, Options{}), ServerOptions{Pages: map[string]Page{"/status": testPage{}}}))
	resp, err := http.Get(base + "/status?format=json")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "query format=json" || resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("Content-Type") != "text/plain" {
		t.Errorf("GET /status: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	resp, err = http.Post(base+"/status", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == 200 {
		t.Error("POST /status answered by the page")
	}
}
