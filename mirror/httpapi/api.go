package httpapi

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/zonemirror/zonemirror/mirror"
	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// DB is what the API reads from the name database (*namedb.DB) beyond the
// mirror's lookups.
type DB interface {
	mirror.Names
	Network() *netparams.Network
	AllNames(ctx context.Context, offset, limit int, includeExpired bool) ([]string, error)
	NameHistory(ctx context.Context, name string) (map[int64][]json.RawMessage, error)
	Namespaces() []string
	Namespace(id string) (*namedb.Namespace, bool)
	NamesInNamespace(ctx context.Context, id string, offset, limit int) ([]string, error)
	NameCount(ctx context.Context, namespaceID string) (int, error)
	NamesOwnedBy(ctx context.Context, addr string) ([]string, error)
	NameDID(ctx context.Context, name string) (string, bool, error)
	NameOfDID(ctx context.Context, addr string, index int) (*namedb.NameRecord, error)
	NameCost(name string) (namedb.Cost, error)
	NamespaceCost(id string) (namedb.Cost, error)
	HeightOfConsensusHash(ctx context.Context, ch wire.Hash128) (int64, bool, error)
	BlockOps(ctx context.Context, h int64) ([]json.RawMessage, error)
	Tx(ctx context.Context, txid string) (*namedb.TxStatus, error)
	WhitelistCount(ctx context.Context) (int64, error)
	SubdomainDB
}

// Sync reports the chain sync (chainsync.Syncer): the node's tip and
// whether blocks are still being applied.
type Sync interface {
	NodeHeight() int64
	Indexing() bool
}

// Options configure the API.
type Options struct {
	// Version is the server version shown by ping and info.
	Version string
	// Sync, when set, gives info its last_block_seen and indexing.
	Sync Sync
	// Servers are listed in a POST /v1/zonefile answer (other mirrors the
	// record went to); the default is none.
	Servers []string
	// Ready reports whether the mirror is ready for /readyz (synced, no
	// crawl backlog); nil means always ready.
	Ready func() (bool, string)
}

// API is the HTTP handler.
type API struct {
	m    *mirror.Mirror
	db   DB
	sub  SubdomainDB
	opts Options
	mux  *http.ServeMux
}

// New returns the API over the mirror m and its database db.
func New(m *mirror.Mirror, db DB, opts Options) *API {
	a := &API{m: m, db: db, sub: db, opts: opts, mux: http.NewServeMux()}
	r := a.mux.HandleFunc
	r("GET /v1/node/ping", a.ping)
	r("GET /v1/info", a.info)
	r("GET /v1/names", a.names)
	r(routeName, a.name)
	r("GET /v1/names/{name}/history", a.history)
	r(routeNameZonefile, a.nameZonefile)
	r("GET /v1/names/{name}/zonefile/{hash}", a.nameZonefileByHash)
	r(routeZonefile, a.zonefile)
	r("POST /v1/zonefile", a.postZonefile)
	r("GET /v1/namespaces", a.namespaces)
	r("GET /v1/namespaces/{id}", a.namespace)
	r("GET /v1/namespaces/{id}/names", a.namespaceNames)
	r("GET /v1/namespaces/{id}/name_count", a.namespaceNameCount)
	r("GET /v1/prices/names/{name}", a.namePrice)
	r("GET /v1/prices/namespaces/{id}", a.namespacePrice)
	r("GET /v1/addresses/{chain}/{addr}", a.addressNames)
	r("GET /v1/blockchains/{chain}/consensus", a.consensus)
	r("GET /v1/blockchains/{chain}/consensus/{height}", a.consensusAt)
	r("GET /v1/blockchains/{chain}/consensus-block/{ch}", a.consensusBlock)
	r("GET /v1/blockchains/{chain}/operations/{height}", a.operations)
	r("GET /v1/blockchains/{chain}/name_count", a.nameCount)
	r("GET /v1/blockchains/{chain}/subdomains_count", a.subdomainsCount)
	r("GET /v1/blockchains/{chain}/names/{name}", a.blockchainName)
	r("GET /v1/blockchains/{chain}/transactions/{txid}", a.transaction)
	r("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, map[string]any{"status": "alive"}) })
	r("GET /readyz", a.readyz)
	r("GET /v1/ping", a.ping)
	r("GET /v2/prices/names/{name}", a.namePrice)
	r("GET /v2/prices/namespaces/{id}", a.namespacePrice)
	r("GET /v1/users/{name}", a.user)
	r("GET /v1/dids/{did}", a.did)
	accounts := notServed("Token accounts (Stacks v1 tokens, epoch 4 on) are not kept by this mirror")
	r("GET /v1/accounts/", accounts) // tokens, status, balance, history
	r("GET /v1/subdomains", a.subdomains)
	r("GET /v1/subdomains/{txid}", a.subdomainsAtTx)
	r("GET /v1/names/{name}/subdomains", a.subdomainsOfName)
	insight := notServed("Balances and unspent outputs are not served by this mirror: ask a Bitcoin node or block explorer")
	r("GET /insight-api/addr/", insight) // balance, unconfirmedBalance, utxo
	r("OPTIONS /v1/", preflight)
	r("OPTIONS /v2/", preflight)
	// every other path, and a known path with another method, as the
	// original answered an unmatched route
	r("/", func(w http.ResponseWriter, _ *http.Request) { writeError(w, 404, "No such endpoint") })
	return a
}

// ServeHTTP answers as the original's API did: every reply allows any
// origin (CORS), and the path is normalised as posixpath.normpath did
// before routing (so /v1/zonefile/ and /v1//info are /v1/zonefile and
// /v1/info). The request's URL is changed in place, so a wrapper sees the
// route the mux matched (r.Pattern).
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header()["Access-Control-Allow-Origin"] = []string{"*"}
	clean := normPath(r.URL.Path)
	if !strings.HasPrefix(clean, "/") || strings.HasPrefix(clean, "//") {
		// no route of the original's matches (and net/http's mux would
		// redirect rather than answer)
		writeError(w, 404, "No such endpoint")
		return
	}
	if clean != r.URL.Path {
		u := *r.URL
		u.Path, u.RawPath = clean, ""
		r.URL = &u
	}
	a.mux.ServeHTTP(w, r)
}

// normPath is Python's posixpath.normpath: repeated and trailing slashes
// and "." segments go, ".." takes the segment before it (never above the
// root); exactly two leading slashes are kept, as POSIX allows.
func normPath(p string) string {
	if p == "" {
		return "."
	}
	initial := ""
	switch {
	case strings.HasPrefix(p, "//") && !strings.HasPrefix(p, "///"):
		initial = "//"
	case strings.HasPrefix(p, "/"):
		initial = "/"
	}
	var out []string
	for _, c := range strings.Split(p, "/") {
		switch {
		case c == "" || c == ".":
		case c != "..", initial == "" && (len(out) == 0 || out[len(out)-1] == ".."):
			out = append(out, c)
		case len(out) > 0:
			out = out[:len(out)-1]
		}
	}
	s := initial + strings.Join(out, "/")
	if s == "" {
		return "."
	}
	return s
}

// preflight answers a CORS preflight request as the original did.
func preflight(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h["Access-Control-Allow-Methods"] = []string{"GET, PUT, POST, DELETE"}
	h["Access-Control-Allow-Headers"] = []string{"content-type, authorization, range"}
	h["Access-Control-Expose-Headers"] = []string{"content-length, content-range"}
	h["Access-Control-Max-Age"] = []string{"21600"}
	w.WriteHeader(200)
}

// --- helpers ---

func writeJSON(w http.ResponseWriter, status int, v any) { writeReply(w, jsonReply(status, v)) }

func writeBody(w http.ResponseWriter, status int, contentType string, b []byte) {
	h := w.Header()
	h["Content-Type"] = []string{contentType}
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.WriteHeader(status)
	w.Write(b) //nolint:errcheck // the client went away
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// reply is a whole answer of a route that both servers serve (net/http
// through ServeHTTP, and Server's fast path): one logic, two writers.
type reply struct {
	status      int
	contentType string
	body        []byte
	// etag is the ETag header when set; immutable adds a year-long,
	// immutable Cache-Control (content-addressed bytes).
	etag      string
	immutable bool
	// height and consensus, when set, are the tip the answer is true at.
	height, consensus string
	// location is a redirect's target.
	location string
}

const immutableCache = "public, max-age=31536000, immutable"

func jsonReply(status int, v any) reply {
	b, err := json.Marshal(v)
	if err != nil {
		return reply{status: 500, contentType: "application/json", body: []byte(`{"error":"encoding failed"}`)}
	}
	return reply{status: status, contentType: "application/json", body: b}
}

func errorReply(status int, msg string) reply {
	return jsonReply(status, map[string]string{"error": msg})
}

// writeReply writes rep through net/http.
func writeReply(w http.ResponseWriter, rep reply) {
	h := w.Header()
	if rep.height != "" {
		h["X-Zonemirror-Height"] = []string{rep.height}
		h["X-Zonemirror-Consensus-Hash"] = []string{rep.consensus}
	}
	if rep.etag != "" {
		h["Etag"] = []string{rep.etag}
	}
	if rep.location != "" {
		h["Location"] = []string{rep.location}
	}
	if rep.status == http.StatusNotModified {
		w.WriteHeader(rep.status)
		return
	}
	if rep.immutable {
		h["Cache-Control"] = []string{immutableCache}
	}
	writeBody(w, rep.status, rep.contentType, rep.body)
}

// tipHeaders say at which block and consensus hash an answer is true.
func (a *API) tipHeaders(w http.ResponseWriter) int64 {
	h, height, ch := a.m.Tip()
	w.Header()["X-Zonemirror-Height"] = []string{height}
	w.Header()["X-Zonemirror-Consensus-Hash"] = []string{ch}
	return h
}

// page reads ?page=N (from 0).
func page(r *http.Request) (int, bool) {
	s := r.URL.Query().Get("page")
	if s == "" {
		return 0, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0 && n < 1<<30
}

func (a *API) chainOK(w http.ResponseWriter, r *http.Request) bool {
	if r.PathValue("chain") != "bitcoin" {
		writeError(w, 404, "Unsupported blockchain")
		return false
	}
	return true
}

func validName(name string) bool { return wire.CheckName(name) == nil }

// absence writes a 404 that says why a zone file is not served.
func absence(w http.ResponseWriter, msg string, err error) { writeReply(w, absenceReply(msg, err)) }

// absenceReply is the 404 that says why a zone file is not served (502
// when no tier could be asked).
func absenceReply(msg string, err error) reply {
	body := map[string]string{"error": msg}
	var ab *mirror.Absence
	if errors.As(err, &ab) {
		body["reason"] = ab.Reason
		if ab.LastError != "" {
			body["last_error"] = ab.LastError
		}
		status := 404
		if ab.Reason == mirror.ReasonUnavailable {
			status = 502
		}
		return jsonReply(status, body)
	}
	return errorReply(500, err.Error())
}

// --- node ---

func (a *API) ping(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, 200, map[string]string{"status": "alive", "version": a.opts.Version})
}

func (a *API) info(w http.ResponseWriter, r *http.Request) {
	tip := a.tipHeaders(w)
	ch, _ := a.db.ConsensusHashAt(tip)
	n := a.db.Network()
	seen, indexing := tip, false
	if a.opts.Sync != nil {
		seen, indexing = a.opts.Sync.NodeHeight(), a.opts.Sync.Indexing()
	}
	count, err := a.db.WhitelistCount(r.Context())
	if err != nil {
		writeError(w, 500, err.Error())
		return
	}
	writeJSON(w, 200, map[string]any{
		"consensus": ch.String(), "first_block": n.FirstBlock, "indexing": indexing,
		"last_block_processed": tip, "last_block_seen": seen, "server_alive": true,
		"server_version": a.opts.Version, "testnet": n.Name != "mainnet", "zonefile_count": count,
	})
}

func (a *API) readyz(w http.ResponseWriter, _ *http.Request) {
	if a.opts.Ready != nil {
		if ok, why := a.opts.Ready(); !ok {
			writeJSON(w, 503, map[string]string{"status": "not ready", "reason": why})
			return
		}
	}
	writeJSON(w, 200, map[string]string{"status": "ready"})
}

// --- names ---

func (a *API) names(w http.ResponseWriter, r *http.Request) {
	p, ok := page(r)
	if !ok {
		writeError(w, 400, "Invalid page")
		return
	}
	a.tipHeaders(w)
	all := r.URL.Query().Get("all") == "true"
	names, err := a.db.AllNames(r.Context(), p*100, 100, all)
	if err != nil {
		writeError(w, 500, err.Error())
		return
	}
	writeJSON(w, 200, names)
}

// nameRecordAnswer is GET /v1/names/{name}'s body.
func (a *API) nameRecordAnswer(ctx context.Context, info *namedb.NameInfo) (*mirror.Answer, bool, error) {
	r := info.Record
	if info.Status == namedb.StatusExpired {
		b, _ := json.Marshal(map[string]string{"status": "available"})
		return &mirror.Answer{Body: b, Status: 404, ContentType: "application/json"}, true, nil
	}
	zf, err := a.m.NameZonefile(ctx, info)
	var ab *mirror.Absence
	if err != nil && !errors.As(err, &ab) {
		return nil, false, err
	}
	var zonefile any
	cacheable := true
	if err == nil {
		zonefile = string(zf)
	} else if ab.Reason != mirror.ReasonNoZonefile {
		cacheable = false // it may arrive any moment
	}
	var hash any
	if r.ValueHash != nil {
		hash = r.ValueHash.String()
	}
	body := map[string]any{
		"address": r.Address, "blockchain": "bitcoin", "last_txid": r.TxID, "resolver": nil,
		"status": info.Status, "zonefile": zonefile, "zonefile_hash": hash,
	}
	did, ok, err := a.db.NameDID(ctx, r.Name)
	if err != nil {
		return nil, false, err
	}
	if ok {
		body["did"] = did
	}
	if info.ExpireBlock != 0 {
		body["expire_block"], body["renewal_deadline"], body["grace_period"] = info.ExpireBlock, info.RenewalDeadline, info.GracePeriod
	} else {
		body["expire_block"], body["renewal_deadline"], body["grace_period"] = -1, -1, false
	}
	b, err := json.Marshal(body)
	return &mirror.Answer{Body: b, Status: 200, ContentType: "application/json"}, cacheable, err
}

func (a *API) serveAnswer(w http.ResponseWriter, r *http.Request, name, kind string, build mirror.Builder) {
	writeReply(w, a.answerReply(r.Context(), name, kind, r.Header.Get("If-None-Match"), build))
}

// answerReply is name's answer of kind (mirror.Answer), or 304 when
// ifNoneMatch is its ETag.
func (a *API) answerReply(ctx context.Context, name, kind, ifNoneMatch string, build mirror.Builder) reply {
	if !validName(name) {
		return errorReply(400, "Invalid name")
	}
	_, height, consensus := a.m.Tip()
	rep := func(r reply) reply {
		r.height, r.consensus = height, consensus
		return r
	}
	ans, err := a.m.Answer(ctx, name, kind, build)
	if err != nil {
		return rep(errorReply(500, err.Error()))
	}
	if ans == nil {
		if kind == "record" {
			return rep(jsonReply(404, map[string]string{"status": "available"}))
		}
		return rep(errorReply(404, "Name not found"))
	}
	if ifNoneMatch != "" && ifNoneMatch == ans.ETag {
		return rep(reply{status: http.StatusNotModified, etag: ans.ETag})
	}
	return rep(reply{status: ans.Status, contentType: ans.ContentType, body: ans.Body, etag: ans.ETag})
}

func (a *API) name(w http.ResponseWriter, r *http.Request) {
	writeReply(w, a.nameReply(r.Context(), r.PathValue("name"), r.Header.Get("If-None-Match")))
}

// nameReply is GET /v1/names/{name}.
func (a *API) nameReply(ctx context.Context, name, ifNoneMatch string) reply {
	if isSubdomain(name) {
		return a.subdomainReply(ctx, name, "record", ifNoneMatch)
	}
	return a.answerReply(ctx, name, "record", ifNoneMatch, a.nameRecordAnswer)
}

func (a *API) nameZonefile(w http.ResponseWriter, r *http.Request) {
	writeReply(w, a.nameZonefileReply(r.Context(), r.PathValue("name"), r.URL.Query().Get("raw") == "1", r.Header.Get("If-None-Match")))
}

// nameZonefileReply is GET /v1/names/{name}/zonefile (?raw=1: raw).
func (a *API) nameZonefileReply(ctx context.Context, name string, raw bool, ifNoneMatch string) reply {
	kind := "zonefile"
	if raw {
		kind = "zonefile-raw"
	}
	if isSubdomain(name) {
		return a.subdomainReply(ctx, name, kind, ifNoneMatch)
	}
	return a.answerReply(ctx, name, kind, ifNoneMatch, a.zonefileAnswer(raw))
}

// zonefileAnswer builds GET /v1/names/{name}/zonefile's answer: the zone
// file in JSON, or raw, or a 404 saying why there is none.
func (a *API) zonefileAnswer(raw bool) mirror.Builder {
	return func(ctx context.Context, info *namedb.NameInfo) (*mirror.Answer, bool, error) {
		zf, err := a.m.NameZonefile(ctx, info)
		if err != nil {
			var ab *mirror.Absence
			if !errors.As(err, &ab) {
				return nil, false, err
			}
			body := map[string]string{"error": "No zone file for name", "reason": ab.Reason}
			if ab.LastError != "" {
				body["last_error"] = ab.LastError
			}
			b, _ := json.Marshal(body)
			return &mirror.Answer{Body: b, Status: 404, ContentType: "application/json"}, ab.Reason == mirror.ReasonNoZonefile, nil
		}
		if raw {
			return &mirror.Answer{Body: zf, Status: 200, ContentType: "application/octet-stream"}, true, nil
		}
		b, err := json.Marshal(map[string]string{"zonefile": string(zf)})
		return &mirror.Answer{Body: b, Status: 200, ContentType: "application/json"}, true, err
	}
}

func (a *API) nameZonefileByHash(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	hash, err := wire.ParseHash160(r.PathValue("hash"))
	if !(validName(name) || isSubdomain(name)) || err != nil {
		writeError(w, 400, "Invalid name or zone file hash")
		return
	}
	a.tipHeaders(w)
	if isSubdomain(name) {
		a.subdomainZonefileByHash(w, r, name, hash)
		return
	}
	hist, err := a.db.NameHistory(r.Context(), name)
	if err != nil {
		writeError(w, 500, err.Error())
		return
	}
	had := false
	for _, recs := range hist {
		for _, rec := range recs {
			var v struct {
				ValueHash *wire.Hash160 `json:"value_hash"`
			}
			if json.Unmarshal(rec, &v) == nil && v.ValueHash != nil && *v.ValueHash == hash {
				had = true
			}
		}
	}
	if !had {
		writeError(w, 404, "No such zone file for name")
		return
	}
	zf, err := a.m.Zonefile(r.Context(), hash)
	if err != nil {
		absence(w, "No zone file for name", err)
		return
	}
	writeJSON(w, 200, map[string]string{"zonefile": string(zf)})
}

func (a *API) history(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	p, ok := page(r)
	if !(validName(name) || isSubdomain(name)) || !ok {
		writeError(w, 400, "Invalid name or page")
		return
	}
	a.tipHeaders(w)
	if isSubdomain(name) {
		a.subdomainHistory(w, r, name, p)
		return
	}
	hist, err := a.db.NameHistory(r.Context(), name)
	if err != nil {
		writeError(w, 500, err.Error())
		return
	}
	if len(hist) == 0 {
		writeError(w, 404, "Name not found")
		return
	}
	// 20 records a page, newest first, grouped by block.
	type rec struct {
		h int64
		i int
	}
	var all []rec
	for h, recs := range hist {
		for i := range recs {
			all = append(all, rec{h, i})
		}
	}
	slices.SortFunc(all, func(x, y rec) int {
		if x.h != y.h {
			return int(y.h - x.h)
		}
		return y.i - x.i
	})
	out := map[string][]json.RawMessage{}
	for _, e := range all[min(p*20, len(all)):min(p*20+20, len(all))] {
		k := strconv.FormatInt(e.h, 10)
		out[k] = append([]json.RawMessage{hist[e.h][e.i]}, out[k]...)
	}
	writeJSON(w, 200, out)
}

func (a *API) blockchainName(w http.ResponseWriter, r *http.Request) {
	if !a.chainOK(w, r) {
		return
	}
	a.serveAnswer(w, r, r.PathValue("name"), "blockchain-record", func(_ context.Context, info *namedb.NameInfo) (*mirror.Answer, bool, error) {
		raw, err := json.Marshal(info.Record)
		if err != nil {
			return nil, false, err
		}
		m := map[string]json.RawMessage{}
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, false, err
		}
		extra := map[string]any{"expired": info.Status == namedb.StatusExpired, "expire_block": info.ExpireBlock, "renewal_deadline": info.RenewalDeadline}
		if info.ExpireBlock == 0 {
			extra["expire_block"], extra["renewal_deadline"] = -1, -1
		}
		for k, v := range extra {
			m[k], _ = json.Marshal(v)
		}
		b, err := json.Marshal(m)
		return &mirror.Answer{Body: b, Status: 200, ContentType: "application/json"}, true, err
	})
}

// --- zone files ---

func (a *API) zonefile(w http.ResponseWriter, r *http.Request) {
	writeReply(w, a.zonefileReply(r.Context(), r.PathValue("hash"), r.Header.Get("If-None-Match")))
}

// zonefileReply is GET /v1/zonefiles/{hash}: the verified bytes, immutable.
func (a *API) zonefileReply(ctx context.Context, hashText, ifNoneMatch string) reply {
	hash, err := wire.ParseHash160(hashText)
	if err != nil {
		return errorReply(400, "Invalid zone file hash")
	}
	etag := `"` + hash.String() + `"`
	if ifNoneMatch == etag {
		return reply{status: http.StatusNotModified, etag: etag}
	}
	zf, err := a.m.Zonefile(ctx, hash)
	if err != nil {
		return absenceReply("No zone file with this hash", err)
	}
	return reply{status: 200, contentType: "application/octet-stream", body: zf, etag: etag, immutable: true}
}

func (a *API) postZonefile(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeError(w, 400, "Could not read the request")
		return
	}
	var req struct {
		Zonefile    *string `json:"zonefile"`
		ZonefileB64 *string `json:"zonefile_b64"`
	}
	if err := json.Unmarshal(body, &req); err != nil || (req.Zonefile == nil) == (req.ZonefileB64 == nil) {
		writeError(w, 400, `Give {"zonefile": text} or {"zonefile_b64": base64}`)
		return
	}
	var zf []byte
	if req.Zonefile != nil {
		zf = []byte(*req.Zonefile)
	} else if zf, err = base64.StdEncoding.DecodeString(*req.ZonefileB64); err != nil {
		writeError(w, 400, "zonefile_b64 is not base64")
		return
	}
	h, err := a.m.Publish(r.Context(), zf)
	switch {
	case errors.Is(err, mirror.ErrTooLarge):
		writeError(w, 400, err.Error())
	case errors.Is(err, mirror.ErrNotWhitelisted):
		writeError(w, 400, err.Error())
	case err != nil:
		writeError(w, 502, err.Error())
	default:
		servers := a.opts.Servers
		if servers == nil {
			servers = []string{}
		}
		writeJSON(w, 200, map[string]any{"status": true, "servers": servers, "zonefile_hash": h.String()})
	}
}

// --- namespaces ---

func (a *API) namespaces(w http.ResponseWriter, _ *http.Request) {
	a.tipHeaders(w)
	writeJSON(w, 200, map[string]any{"namespaces": a.db.Namespaces()})
}

func (a *API) namespace(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if wire.CheckNamespaceID(id) != nil {
		writeError(w, 400, "Invalid namespace")
		return
	}
	a.tipHeaders(w)
	ns, ok := a.db.Namespace(id)
	if !ok {
		writeError(w, 404, "No such namespace")
		return
	}
	writeJSON(w, 200, ns)
}

func (a *API) namespaceNames(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	p, ok := page(r)
	if wire.CheckNamespaceID(id) != nil || !ok {
		writeError(w, 400, "Invalid namespace or page")
		return
	}
	a.tipHeaders(w)
	if _, ok := a.db.Namespace(id); !ok {
		writeError(w, 404, "No such namespace")
		return
	}
	names, err := a.db.NamesInNamespace(r.Context(), id, p*100, 100)
	if err != nil {
		writeError(w, 500, err.Error())
		return
	}
	writeJSON(w, 200, names)
}

func (a *API) namespaceNameCount(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if wire.CheckNamespaceID(id) != nil {
		writeError(w, 400, "Invalid namespace")
		return
	}
	a.tipHeaders(w)
	if _, ok := a.db.Namespace(id); !ok {
		writeError(w, 404, "No such namespace")
		return
	}
	n, err := a.db.NameCount(r.Context(), id)
	if err != nil {
		writeError(w, 500, err.Error())
		return
	}
	writeJSON(w, 200, map[string]int{"names_count": n})
}

// --- prices ---

// namePrice answers GET /v1/prices/names/{name} (and /v2/): the price at
// the last processed block, as {"name_price": {amount, units}} with
// satoshis too when the units are BTC (v1's shape).
func (a *API) namePrice(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if !validName(name) {
		writeError(w, 400, "Invalid name")
		return
	}
	a.tipHeaders(w)
	c, err := a.db.NameCost(name)
	if err != nil {
		writeError(w, 404, "Unknown/invalid namespace")
		return
	}
	writeJSON(w, 200, map[string]any{"name_price": costJSON(c)})
}

// namespacePrice answers GET /v1/prices/namespaces/{id} (and /v2/).
func (a *API) namespacePrice(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if wire.CheckNamespaceID(id) != nil {
		writeError(w, 400, "Invalid namespace")
		return
	}
	a.tipHeaders(w)
	c, err := a.db.NamespaceCost(id)
	if err != nil {
		writeError(w, 404, "Invalid namespace")
		return
	}
	writeJSON(w, 200, costJSON(c))
}

// costJSON is a price as the original's API wrote it: the amount as a
// decimal string (for clients without big integers), its units, and
// satoshis as a number when the units are BTC.
func costJSON(c namedb.Cost) map[string]any {
	out := map[string]any{"amount": strconv.FormatInt(c.Amount, 10), "units": c.Units}
	if c.Units == namedb.UnitsBTC {
		out["satoshis"] = c.Amount
	}
	return out
}

// --- addresses and the chain ---

// addressNames answers GET /v1/addresses/{chain}/{addr} as the original:
// the address is checked (base58check, 26–35 characters) and re-encoded
// to this network's form (virtualchain's address_reencode), so a key's
// mainnet and testnet addresses find the same names.
func (a *API) addressNames(w http.ResponseWriter, r *http.Request) {
	addr := r.PathValue("addr")
	if len(addr) < 26 || len(addr) > 35 {
		writeError(w, 400, "Invalid address")
		return
	}
	addr, err := a.db.Network().Wire.Reencode(addr)
	if errors.Is(err, wire.ErrAddressVersion) {
		// the original failed here with a 500 (an uncaught ValueError)
		writeError(w, 400, "Unrecognized address version")
		return
	}
	if err != nil {
		writeError(w, 400, "Invalid address")
		return
	}
	if !a.chainOK(w, r) {
		return
	}
	a.tipHeaders(w)
	names, err := a.db.NamesOwnedBy(r.Context(), addr)
	if err != nil {
		writeError(w, 500, err.Error())
		return
	}
	// then the subdomains it owns now (the original listed those it ever
	// owned, by the address string as given)
	subs, err := a.sub.SubdomainsOwnedBy(r.Context(), addr)
	if err != nil {
		writeError(w, 500, err.Error())
		return
	}
	writeJSON(w, 200, map[string]any{"names": append(names, subs...)})
}

func (a *API) consensus(w http.ResponseWriter, r *http.Request) {
	if !a.chainOK(w, r) {
		return
	}
	_, _, ch := a.m.Tip()
	a.tipHeaders(w)
	writeJSON(w, 200, map[string]string{"consensus_hash": ch})
}

// height parses {height} and answers 503 for blocks not processed yet.
func (a *API) height(w http.ResponseWriter, r *http.Request) (int64, bool) {
	h, err := strconv.ParseInt(r.PathValue("height"), 10, 64)
	if err != nil || h < 0 {
		writeError(w, 400, "Invalid block height")
		return 0, false
	}
	if tip := a.tipHeaders(w); h > tip {
		writeError(w, 503, "Block not processed yet")
		return 0, false
	}
	return h, true
}

func (a *API) consensusAt(w http.ResponseWriter, r *http.Request) {
	if !a.chainOK(w, r) {
		return
	}
	h, ok := a.height(w, r)
	if !ok {
		return
	}
	ch, ok := a.db.ConsensusHashAt(h)
	if !ok {
		writeError(w, 404, "No consensus hash at this height")
		return
	}
	writeJSON(w, 200, map[string]string{"consensus_hash": ch.String()})
}

func (a *API) consensusBlock(w http.ResponseWriter, r *http.Request) {
	if !a.chainOK(w, r) {
		return
	}
	ch, err := wire.ParseHash128(r.PathValue("ch"))
	if err != nil {
		writeError(w, 400, "Invalid consensus hash")
		return
	}
	a.tipHeaders(w)
	h, ok, err := a.db.HeightOfConsensusHash(r.Context(), ch)
	if err != nil {
		writeError(w, 500, err.Error())
		return
	}
	if !ok {
		writeError(w, 404, "No block with this consensus hash")
		return
	}
	writeJSON(w, 200, map[string]int64{"block_height": h})
}

func (a *API) operations(w http.ResponseWriter, r *http.Request) {
	if !a.chainOK(w, r) {
		return
	}
	h, ok := a.height(w, r)
	if !ok {
		return
	}
	ops, err := a.db.BlockOps(r.Context(), h)
	if err != nil {
		writeError(w, 500, err.Error())
		return
	}
	writeJSON(w, 200, ops)
}

func (a *API) nameCount(w http.ResponseWriter, r *http.Request) {
	if !a.chainOK(w, r) {
		return
	}
	a.tipHeaders(w)
	n, err := a.db.NameCount(r.Context(), "")
	if err != nil {
		writeError(w, 500, err.Error())
		return
	}
	writeJSON(w, 200, map[string]int{"names_count": n})
}

func (a *API) subdomainsCount(w http.ResponseWriter, r *http.Request) {
	if !a.chainOK(w, r) {
		return
	}
	a.tipHeaders(w)
	writeJSON(w, 200, map[string]int64{"names_count": a.sub.SubdomainCount()})
}

func (a *API) transaction(w http.ResponseWriter, r *http.Request) {
	if !a.chainOK(w, r) {
		return
	}
	txid := strings.ToLower(r.PathValue("txid"))
	if b, err := hex.DecodeString(txid); err != nil || len(b) != 32 {
		writeError(w, 400, "Invalid transaction id")
		return
	}
	tip := a.tipHeaders(w)
	st, err := a.db.Tx(r.Context(), txid)
	if err != nil {
		writeError(w, 500, err.Error())
		return
	}
	indexing := false
	if a.opts.Sync != nil {
		indexing = a.opts.Sync.Indexing()
	}
	if st == nil {
		writeError(w, 404, fmt.Sprintf("Transaction %s is not a Blockstack operation namedb has seen", txid))
		return
	}
	tx := map[string]any{"block_height": st.Height, "op": st.Opcode, "status": st.Status, "vtxindex": st.Vtxindex}
	if st.Status == "rejected" {
		tx["reason"], tx["code"] = st.Reason, st.Code
	}
	writeJSON(w, 200, map[string]any{"indexing": indexing, "lastblock": tip, "status": true, "tx": tx})
}
