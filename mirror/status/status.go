// Package status is an operator's view of a running mirror: the figures
// of GET /status, a server-rendered HTML page that refreshes itself (no
// script, no outside asset: it works offline) or JSON with ?format=json,
// and of `zonemirror status` in a terminal. A Report is built from the
// mirror's parts at each request (at most once a second); a History keeps
// the last hour of a few series, sampled every Interval, for the page's
// sparklines, in a bounded ring.
package status

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Report is the mirror's state at one moment.
type Report struct {
	Time    time.Time `json:"time"`
	Version string    `json:"version"`
	Network string    `json:"network"`
	Ready   bool      `json:"ready"`
	// NotReady says why, when Ready is false.
	NotReady string `json:"not_ready,omitempty"`

	Sync Sync `json:"sync"`
	// ConsensusHash is that of the last block applied.
	ConsensusHash string `json:"consensus_hash"`
	Names         int64  `json:"names"`
	Subdomains    int64  `json:"subdomains"`

	Records Records `json:"records"`
	Tiers   []Tier  `json:"tiers"`
	Lookups Lookups `json:"lookups"`

	// History is the last hour of each series, oldest first, one point
	// every HistoryInterval.
	History         map[string][]float64 `json:"history"`
	HistoryInterval string               `json:"history_interval"`
}

// Sync is where the name database is with the chain.
type Sync struct {
	State        string  `json:"state"`
	Height       int64   `json:"height"`
	NodeHeight   int64   `json:"node_height"`
	Lag          int64   `json:"lag"`
	BlocksPerSec float64 `json:"blocks_per_sec"`
	Reorgs       int64   `json:"reorgs"`
	LastReorg    int64   `json:"last_reorg_depth"`
	LastError    string  `json:"last_error,omitempty"`
}

// Records is the whitelist and how much of it the tiers hold.
type Records struct {
	Whitelisted int64 `json:"whitelisted"`
	Held        int64 `json:"held"`
	Missing     int64 `json:"missing"`
	// MissingByCause counts the missing zone files by why (the crawler's
	// states: announced, not_found, invalid, …).
	MissingByCause map[string]int64 `json:"missing_by_cause"`
	// Failures counts the crawler's failed fetches by cause.
	Failures map[string]uint64 `json:"failures"`
	// Recent are the missing zone files tried last, with their reasons;
	// Oldest the one missing longest.
	Recent []Missing `json:"recent_failures"`
	Oldest *Missing  `json:"oldest_missing,omitempty"`
}

// Missing is one whitelisted zone file no tier holds.
type Missing struct {
	Hash      string    `json:"hash"`
	Name      string    `json:"name"`
	State     string    `json:"state"`
	LastError string    `json:"last_error,omitempty"`
	Attempts  int       `json:"attempts"`
	Since     time.Time `json:"since"`
	LastTry   time.Time `json:"last_try,omitzero"`
}

// Tier is one storage tier.
type Tier struct {
	Name   string `json:"name"`
	Driver string `json:"driver"`
	// Health is "ok", or why not (the driver's Stat failing).
	Health   string  `json:"health"`
	Restarts int64   `json:"restarts"`
	GetP50Ms float64 `json:"get_p50_ms"`
	GetP99Ms float64 `json:"get_p99_ms"`
	PutP50Ms float64 `json:"put_p50_ms"`
	PutP99Ms float64 `json:"put_p99_ms"`
	// HitRatio is hits over lookups (0 before any lookup); Lookups and
	// Puts count since start.
	HitRatio float64 `json:"hit_ratio"`
	Lookups  uint64  `json:"lookups"`
	Puts     uint64  `json:"puts"`
}

// Lookups are the answers served, as rates over the last sample.
type Lookups struct {
	HTTPPerSec    float64 `json:"http_per_sec"`
	DNSPerSec     float64 `json:"dns_per_sec"`
	HTTPRequests  uint64  `json:"http_requests"`
	DNSQueries    uint64  `json:"dns_queries"`
	CacheHitRatio float64 `json:"cache_hit_ratio"`
	// RRLDropped and RRLSlipped count the DNS responses response rate
	// limiting held back since start.
	RRLDropped uint64 `json:"rrl_dropped"`
	RRLSlipped uint64 `json:"rrl_slipped"`
}

// The series the history keeps.
var Series = []string{"height", "lag", "missing", "http_per_sec", "dns_per_sec", "rrl_per_sec"}

// Interval is how often the history samples; it keeps an hour.
const (
	Interval = 30 * time.Second
	points   = int(time.Hour / Interval)
)

// Page serves /status from build, which makes a Report without History
// (and without the rates, which the history's samples give).
type Page struct {
	build func(context.Context) Report

	mu     sync.Mutex
	last   Report
	lastAt time.Time
	// the last report rendered, HTML and JSON, reused until a new one
	// (at most once a second): /status under load costs a copy
	renderedAt       time.Time
	htmlOut, jsonOut []byte
	history          map[string][]float64
	prev             *Report
	prevAt           time.Time
	rates            [3]float64 // http, dns, rrl per second over the last sample
}

// New returns the page; Run samples its history.
func New(build func(context.Context) Report) *Page {
	return &Page{build: build, history: map[string][]float64{}}
}

// Run samples the history every Interval until ctx ends.
func (p *Page) Run(ctx context.Context) {
	p.sample(ctx)
	t := time.NewTicker(Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			p.sample(ctx)
		}
	}
}

// sample takes one point of every series.
func (p *Page) sample(ctx context.Context) {
	r := p.build(ctx)
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.prev != nil {
		dt := now.Sub(p.prevAt).Seconds()
		if dt > 0 {
			p.rates = [3]float64{
				float64(r.Lookups.HTTPRequests-min(r.Lookups.HTTPRequests, p.prev.Lookups.HTTPRequests)) / dt,
				float64(r.Lookups.DNSQueries-min(r.Lookups.DNSQueries, p.prev.Lookups.DNSQueries)) / dt,
				float64(r.Lookups.RRLDropped+r.Lookups.RRLSlipped-min(r.Lookups.RRLDropped+r.Lookups.RRLSlipped, p.prev.Lookups.RRLDropped+p.prev.Lookups.RRLSlipped)) / dt,
			}
		}
	}
	p.prev, p.prevAt = &r, now
	for i, v := range []float64{float64(r.Sync.Height), float64(r.Sync.Lag), float64(r.Records.Missing), p.rates[0], p.rates[1], p.rates[2]} {
		s := append(p.history[Series[i]], v)
		if len(s) > points {
			s = s[len(s)-points:]
		}
		p.history[Series[i]] = s
	}
}

// Report is the current report (built at most once a second), with the
// rates and the history.
func (p *Page) Report(ctx context.Context) Report {
	p.mu.Lock()
	fresh := time.Since(p.lastAt) < time.Second
	r := p.last
	p.mu.Unlock()
	if !fresh {
		r = p.build(ctx)
		p.mu.Lock()
		p.last, p.lastAt = r, time.Now()
		p.mu.Unlock()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	r.Lookups.HTTPPerSec, r.Lookups.DNSPerSec = p.rates[0], p.rates[1]
	r.History = make(map[string][]float64, len(p.history))
	for k, v := range p.history {
		r.History[k] = append([]float64(nil), v...)
	}
	r.HistoryInterval = Interval.String()
	return r
}

// ServeHTTP answers GET /status: HTML, or JSON with ?format=json.
func (p *Page) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	htmlOut, jsonOut, err := p.rendered(r.Context())
	w.Header().Set("Cache-Control", "no-store")
	switch {
	case err != nil:
		http.Error(w, err.Error(), 500)
	case r.URL.Query().Get("format") == "json":
		w.Header().Set("Content-Type", "application/json")
		w.Write(jsonOut) //nolint:errcheck // the client went away
	default:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(htmlOut) //nolint:errcheck // the client went away
	}
}

// Page is the fast path's form of ServeHTTP (httpapi.Page).
func (p *Page) Page(ctx context.Context, query string) (string, []byte, error) {
	htmlOut, jsonOut, err := p.rendered(ctx)
	if err != nil {
		return "", nil, err
	}
	if q, _ := url.ParseQuery(query); q.Get("format") == "json" {
		return "application/json", jsonOut, nil
	}
	return "text/html; charset=utf-8", htmlOut, nil
}

// rendered is the current report as HTML and JSON, rendered once per
// report.
func (p *Page) rendered(ctx context.Context) (htmlOut, jsonOut []byte, err error) {
	rep := p.Report(ctx)
	p.mu.Lock()
	if !p.renderedAt.IsZero() && p.renderedAt.Equal(p.lastAt) {
		defer p.mu.Unlock()
		return p.htmlOut, p.jsonOut, nil
	}
	at := p.lastAt
	p.mu.Unlock()
	var h bytes.Buffer
	if err := render(&h, rep); err != nil {
		return nil, nil, err
	}
	j, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return nil, nil, err
	}
	p.mu.Lock()
	p.renderedAt, p.htmlOut, p.jsonOut = at, h.Bytes(), append(j, '\n')
	p.mu.Unlock()
	return h.Bytes(), append(j, '\n'), nil
}
