package httpapi

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/zonemirror/zonemirror/internal/testmirror"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// nopWriter is a ResponseWriter that keeps nothing: the handler's own cost.
type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *nopWriter) WriteHeader(int)             {}

// BenchmarkHandler is the cost of answering one cached request in-process, through ServeHTTP and through Server's fast path
// (routing included, no network).
func BenchmarkHandler(b *testing.B) {
	f := testmirror.New(b, nil)
	api := New(f.Mirror, f.Chain.DB, Options{})
	h := wire.SumHash160(f.Zonefiles["0.id"]).String()
	for _, tc := range []struct{ name, path string }{
		{"name-zonefile", "/v1/names/0.id/zonefile"},
		{"zonefile-by-hash", "/v1/zonefiles/" + h},
		{"name-record", "/v1/names/0.id"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", tc.path, nil)
			w := &nopWriter{h: http.Header{}}
			api.ServeHTTP(w, req)
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				api.ServeHTTP(w, req)
			}
		})
		b.Run("fast-"+tc.name, func(b *testing.B) {
			s := NewServer(api, ServerOptions{})
			var ctx fasthttp.RequestCtx
			ctx.Request.SetRequestURI(tc.path)
			s.handle(&ctx)
			if ctx.Response.StatusCode() != 200 {
				b.Fatalf("%s: %d", tc.path, ctx.Response.StatusCode())
			}
			b.ReportAllocs()
			for b.Loop() {
				ctx.Response.Reset()
				s.handle(&ctx)
			}
		})
	}
}
