package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttpadaptor"
)

// The limits of Server. A request's headers must fit in maxHeaderBytes
// (else 431) and its body in maxBodyBytes (else 413); a zone file is at
// most 40,960 bytes, under 60 KB as base64 in a POST /v1/zonefile.
const (
	maxHeaderBytes = 16 << 10
	maxBodyBytes   = 1 << 20
	readTimeout    = 30 * time.Second
	writeTimeout   = 60 * time.Second
	idleTimeout    = 120 * time.Second
)

// The routes Server answers itself: the API's patterns for them (and so
// the metrics' route label).
const (
	routeZonefile     = "GET /v1/zonefiles/{hash}"
	routeNameZonefile = "GET /v1/names/{name}/zonefile"
	routeName         = "GET /v1/names/{name}"
)

// ServerOptions configure a Server.
type ServerOptions struct {
	// Fallback serves every request that the fast path does not; the
	// default is the API itself. The daemon passes its mux (the API
	// wrapped in metrics, plus /metrics).
	Fallback http.Handler
	// Observe, when set, is told the route, status and duration of each
	// request that the fast path answers (Fallback observes its own).
	Observe func(route string, status int, took time.Duration)
	// Logger receives the HTTP server's own errors; the default is
	// slog.Default().
	Logger *slog.Logger
	// Pages are answered on the fast path too, for a GET of their exact
	// path (any query): the daemon's /status, whose bytes are rendered
	// once a second, costs no more than a cached lookup under load.
	Pages map[string]Page
}

// Page is a page served on the fast path: its body for the request's
// query string, not to be cached by clients.
type Page interface {
	Page(ctx context.Context, query string) (contentType string, body []byte, err error)
}

// Server serves the API over HTTP/1.1. The hot lookups — GET
// /v1/zonefiles/{hash}, /v1/names/{name}/zonefile and /v1/names/{name} —
// are answered straight from the API's cached answers over fasthttp (a
// third of net/http's cost per request and a far shorter latency tail on
// a loaded machine); every other request, and any hot path in a form
// other than the plain one (escapes, extra query, dot segments), goes to
// Fallback through net/http's interfaces. Both paths write the same
// reply, so answers are byte-for-byte those of ServeHTTP.
//
// A request's context is the server's own (ended by Shutdown), never
// fasthttp's RequestCtx: fasthttp reuses a RequestCtx once its handler
// returns, while a context derived from it (a tier lookup's timeout) still
// has a goroutine reading it — a data race the race detector caught.
type Server struct {
	api      *API
	opts     ServerOptions
	fallback fasthttp.RequestHandler
	srv      *fasthttp.Server
	base     context.Context
	stop     context.CancelFunc
}

// NewServer returns a Server for a.
func NewServer(a *API, opts ServerOptions) *Server {
	if opts.Fallback == nil {
		opts.Fallback = a
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Server{api: a, opts: opts}
	s.base, s.stop = context.WithCancel(context.Background())
	fallback := opts.Fallback
	s.fallback = fasthttpadaptor.NewFastHTTPHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fallback.ServeHTTP(w, r.WithContext(s.base))
	}))
	s.srv = &fasthttp.Server{
		Handler:                      s.handle,
		ErrorHandler:                 requestError,
		NoDefaultServerHeader:        true,
		NoDefaultContentType:         true,
		DisablePreParseMultipartForm: true,
		ReadBufferSize:               maxHeaderBytes,
		MaxRequestBodySize:           maxBodyBytes,
		ReadTimeout:                  readTimeout,
		WriteTimeout:                 writeTimeout,
		IdleTimeout:                  idleTimeout,
		CloseOnShutdown:              true,
		Logger:                       fastLogger{opts.Logger},
	}
	return s
}

// Serve answers requests on ln until Shutdown; it returns nil after
// Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	if err := s.srv.Serve(ln); err != nil {
		return fmt.Errorf("http serve %s: %w", ln.Addr(), err)
	}
	return nil
}

// Shutdown stops accepting, closes idle connections and waits for the
// requests in flight until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	defer s.stop() // the requests in flight are done, or ctx ended
	return s.srv.ShutdownWithContext(ctx)
}

func (s *Server) handle(ctx *fasthttp.RequestCtx) {
	defer func() {
		if p := recover(); p != nil {
			s.opts.Logger.Error("http handler panicked", "uri", string(ctx.RequestURI()), "panic", p)
			ctx.Response.Reset()
			writeFast(ctx, errorReply(500, "internal error"))
		}
	}()
	uri := string(ctx.RequestURI())
	route, arg, raw, ok := hotRoute(uri)
	if !ok || !ctx.IsGet() && !ctx.IsHead() {
		// not a hot lookup: one of the Pages, or the fallback
		if path, query, _ := strings.Cut(uri, "?"); ctx.IsGet() {
			if p, ok := s.opts.Pages[path]; ok {
				s.page(ctx, path, query, p)
				return
			}
		}
		if _, err := url.ParseRequestURI(uri); err != nil {
			writeFast(ctx, errorReply(400, "Malformed request target"))
			return
		}
		s.fallback(ctx)
		return
	}
	start := time.Now()
	ifNoneMatch := string(ctx.Request.Header.Peek("If-None-Match"))
	var rep reply
	switch route {
	case routeZonefile:
		rep = s.api.zonefileReply(s.base, arg, ifNoneMatch)
	case routeNameZonefile:
		rep = s.api.nameZonefileReply(s.base, arg, raw, ifNoneMatch)
	default:
		rep = s.api.nameReply(s.base, arg, ifNoneMatch)
	}
	writeFast(ctx, rep)
	if s.opts.Observe != nil {
		s.opts.Observe(route, rep.status, time.Since(start))
	}
}

// page answers a GET of one of the Pages.
func (s *Server) page(ctx *fasthttp.RequestCtx, path, query string, p Page) {
	start := time.Now()
	ct, body, err := p.Page(s.base, query)
	rep := reply{status: 200, contentType: ct, body: body}
	if err != nil {
		rep = errorReply(500, err.Error())
	}
	ctx.Response.Header.Set("Cache-Control", "no-store")
	writeFast(ctx, rep)
	if s.opts.Observe != nil {
		s.opts.Observe("GET "+path, rep.status, time.Since(start))
	}
}

// hotRoute matches the plain form of a hot route in a request target:
// the route, its one path argument, and whether ?raw=1 asks for a raw
// zone file. Anything else (an escape, a dot segment, another query, an
// absolute URI) is not matched, and net/http's own parsing answers it.
func hotRoute(uri string) (route, arg string, raw, ok bool) {
	path, query, hasQuery := strings.Cut(uri, "?")
	if rest, found := strings.CutPrefix(path, "/v1/zonefiles/"); found {
		if !plainSegment(rest) || hasQuery {
			return "", "", false, false
		}
		return routeZonefile, rest, false, true
	}
	rest, found := strings.CutPrefix(path, "/v1/names/")
	if !found {
		return "", "", false, false
	}
	if name, found := strings.CutSuffix(rest, "/zonefile"); found {
		if !plainSegment(name) || (hasQuery && query != "raw=1") {
			return "", "", false, false
		}
		return routeNameZonefile, name, hasQuery, true
	}
	if !plainSegment(rest) || hasQuery {
		return "", "", false, false
	}
	return routeName, rest, false, true
}

// plainSegment is a path segment that net/http reads as itself: letters,
// digits and -_.+ (every character of a name or a hash), and not "." or
// "..".
func plainSegment(s string) bool {
	if s == "" || s == "." || s == ".." {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '+') {
			return false
		}
	}
	return true
}

// writeFast writes rep as writeReply does, through fasthttp. The body is
// not copied: answers and records are immutable.
func writeFast(ctx *fasthttp.RequestCtx, rep reply) {
	h := &ctx.Response.Header
	h.Set("Access-Control-Allow-Origin", "*")
	if rep.height != "" {
		h.Set("X-Zonemirror-Height", rep.height)
		h.Set("X-Zonemirror-Consensus-Hash", rep.consensus)
	}
	if rep.etag != "" {
		h.Set("Etag", rep.etag)
	}
	if rep.location != "" {
		h.Set("Location", rep.location)
	}
	ctx.SetStatusCode(rep.status)
	if rep.status == http.StatusNotModified {
		return
	}
	if rep.immutable {
		h.Set("Cache-Control", immutableCache)
	}
	h.SetContentType(rep.contentType)
	ctx.Response.SetBodyRaw(rep.body)
}

// requestError answers a request that could not be read, with a JSON
// error as every other error.
func requestError(ctx *fasthttp.RequestCtx, err error) {
	status, msg := http.StatusBadRequest, "Malformed request"
	var small *fasthttp.ErrSmallBuffer
	var timeout interface{ Timeout() bool }
	switch {
	case errors.As(err, &small):
		status, msg = http.StatusRequestHeaderFieldsTooLarge, "Request headers too large"
	case errors.Is(err, fasthttp.ErrBodyTooLarge):
		status, msg = http.StatusRequestEntityTooLarge, "Request body too large"
	case errors.As(err, &timeout) && timeout.Timeout():
		status, msg = http.StatusRequestTimeout, "Request timed out"
	}
	ctx.Response.Reset()
	writeFast(ctx, errorReply(status, msg))
	ctx.SetConnectionClose()
}

// fastLogger routes fasthttp's log lines into slog: a panic in a handler
// as an error, the rest (mostly a client's broken request, already
// answered) at debug level.
type fastLogger struct{ l *slog.Logger }

func (f fastLogger) Printf(format string, args ...any) {
	msg := "http server: " + fmt.Sprintf(format, args...)
	if strings.Contains(msg, "panic") {
		f.l.Error(msg)
		return
	}
	f.l.Debug(msg)
}
