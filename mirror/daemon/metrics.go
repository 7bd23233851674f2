package daemon

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/zonemirror/zonemirror/crawler"
	"github.com/zonemirror/zonemirror/mirror"
	"github.com/zonemirror/zonemirror/mirror/dnsserver"
	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/subdomain"
	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/tiered"
	"github.com/zonemirror/zonemirror/subindex"
)

// metrics are the mirror's Prometheus metrics, named
// zonemirror_<subsystem>_<name>_<unit>.
type metrics struct {
	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec
	dnsQueries   *prometheus.CounterVec
	dnsDuration  prometheus.Histogram
	// the sums of httpRequests and dnsQueries, for the status page
	httpTotal, dnsTotal atomic.Uint64
}

func newMetrics(reg *prometheus.Registry, db *namedb.DB, s chainStatus, store storeStats, m *mirror.Mirror, drivers []plugins.Driver, c *crawler.Crawler, subs *subindex.Indexer) *metrics {
	gauge := func(name, help string, f func() float64) {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
	}
	gauge("zonemirror_sync_height_blocks", "The last block applied to the name database.", func() float64 { h, _ := db.Tip(); return float64(h) })
	gauge("zonemirror_sync_node_height_blocks", "The Bitcoin node's tip.", func() float64 { return float64(s.Status().NodeHeight) })
	gauge("zonemirror_sync_lag_blocks", "Blocks the name database is behind the node's tip.", func() float64 {
		st := s.Status()
		h, _ := db.Tip()
		return float64(max(st.NodeHeight-h, 0))
	})
	gauge("zonemirror_sync_operations", "Name operations applied since start.", func() float64 { return float64(s.Status().Operations) })
	gauge("zonemirror_sync_reorgs", "Reorganizations followed since start.", func() float64 { return float64(s.Status().Reorgs) })
	gauge("zonemirror_records_whitelisted", "Zone-file hashes announced on chain (the whitelist).", func() float64 {
		n, _ := db.WhitelistCount(context.Background())
		return float64(n)
	})
	gauge("zonemirror_mirror_cached_records", "Verified zone files in the mirror's memory cache.", func() float64 { return float64(m.Stats().CachedRecords) })
	gauge("zonemirror_mirror_cached_record_bytes", "Bytes of the mirror's record cache.", func() float64 { return float64(m.Stats().CachedRecordBytes) })
	reg.MustRegister(&lookupCollector{m: m, store: store, drivers: drivers})
	reg.MustRegister(subdomainCollector{db, subs})
	if c != nil {
		reg.MustRegister(crawlCollector{c})
	}
	met := &metrics{
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "zonemirror_http_requests_total", Help: "HTTP requests by route and status code."}, []string{"route", "code"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "zonemirror_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1}}, []string{"route"}),
		dnsQueries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "zonemirror_dns_queries_total", Help: "DNS queries by type and response code."}, []string{"qtype", "rcode"}),
		dnsDuration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "zonemirror_dns_query_duration_seconds", Help: "DNS answer latency.",
			Buckets: []float64{.00005, .0001, .00025, .0005, .001, .0025, .005, .01, .1}}),
	}
	reg.MustRegister(met.httpRequests, met.httpDuration, met.dnsQueries, met.dnsDuration)
	return met
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

// http counts and times every request by its route pattern.
func (met *metrics) http(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: 200}
		next.ServeHTTP(sw, r)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		met.observeHTTP(route, sw.code, time.Since(start))
	})
}

// observeHTTP counts and times one request.
func (met *metrics) observeHTTP(route string, code int, took time.Duration) {
	met.httpRequests.WithLabelValues(route, strconv.Itoa(code)).Inc()
	met.httpTotal.Add(1)
	met.httpDuration.WithLabelValues(route).Observe(took.Seconds())
}

func (met *metrics) dns(qtype uint16, rcode int, took time.Duration) {
	t, ok := dns.TypeToString[qtype]
	if !ok {
		t = "other"
	}
	met.dnsQueries.WithLabelValues(t, dns.RcodeToString[rcode]).Inc()
	met.dnsTotal.Add(1)
	met.dnsDuration.Observe(took.Seconds())
}

// lookupCollector reads the tiered store's and the mirror's counters when
// scraped.
type lookupCollector struct {
	m       *mirror.Mirror
	store   storeStats
	drivers []plugins.Driver
}

// storeStats are the tiers' counters over the stores that use them (the
// mirror's, and the crawler's, which writes into all tiers but its
// source), summed by tier.
type storeStats []*tiered.Store

// Stats are the summed counters, in the first store's tier order.
func (ss storeStats) Stats() []tiered.TierStats {
	var out []tiered.TierStats
	at := map[string]int{}
	for _, s := range ss {
		for _, t := range s.Stats() {
			i, ok := at[t.Name]
			if !ok {
				at[t.Name] = len(out)
				out = append(out, t)
				continue
			}
			o := &out[i]
			o.Hits, o.Misses, o.BadValues = o.Hits+t.Hits, o.Misses+t.Misses, o.BadValues+t.BadValues
			o.Errors, o.Timeouts, o.Skips = o.Errors+t.Errors, o.Timeouts+t.Timeouts, o.Skips+t.Skips
			o.Puts, o.WriteBacks, o.WriteBacksDropped = o.Puts+t.Puts, o.WriteBacks+t.WriteBacks, o.WriteBacksDropped+t.WriteBacksDropped
			o.Count, o.Sum, o.PutCount, o.PutSum = o.Count+t.Count, o.Sum+t.Sum, o.PutCount+t.PutCount, o.PutSum+t.PutSum
			for j := range min(len(o.Buckets), len(t.Buckets)) {
				o.Buckets[j] += t.Buckets[j]
			}
			for j := range min(len(o.PutBuckets), len(t.PutBuckets)) {
				o.PutBuckets[j] += t.PutBuckets[j]
			}
		}
	}
	return out
}

var (
	descTierLookups  = prometheus.NewDesc("zonemirror_tier_lookups_total", "Record lookups per tier, by result (hit, miss, bad: a value that did not hash to its key, error, timeout, skip: left out while failing).", []string{"tier", "result"}, nil)
	descTierPuts     = prometheus.NewDesc("zonemirror_tier_puts_total", "Records stored per tier (writes and write-backs).", []string{"tier"}, nil)
	descTierLatency  = prometheus.NewDesc("zonemirror_tier_lookup_duration_seconds", "Record lookup latency per tier.", []string{"tier"}, nil)
	descTierPutTime  = prometheus.NewDesc("zonemirror_tier_put_duration_seconds", "Record store (Put) latency per tier, failed ones too.", []string{"tier"}, nil)
	descMirrorLookup = prometheus.NewDesc("zonemirror_mirror_record_lookups_total", "Zone-file lookups by where they were answered (cache, tier) or absent.", []string{"result"}, nil)
	descRestarts     = prometheus.NewDesc("zonemirror_driver_restarts_total", "Storage driver processes relaunched after dying.", []string{"driver"}, nil)
)

func (c *lookupCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descTierLookups, descTierPuts, descTierLatency, descTierPutTime, descMirrorLookup, descRestarts} {
		ch <- d
	}
}

func (c *lookupCollector) Collect(ch chan<- prometheus.Metric) {
	counter := func(d *prometheus.Desc, v uint64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	for _, t := range c.store.Stats() {
		for result, v := range map[string]uint64{"hit": t.Hits, "miss": t.Misses, "bad": t.BadValues, "error": t.Errors, "timeout": t.Timeouts, "skip": t.Skips} {
			counter(descTierLookups, v, t.Name, result)
		}
		counter(descTierPuts, t.Puts, t.Name)
		ch <- prometheus.MustNewConstHistogram(descTierLatency, t.Count, t.Sum.Seconds(), bucketMap(t.Buckets), t.Name)
		ch <- prometheus.MustNewConstHistogram(descTierPutTime, t.PutCount, t.PutSum.Seconds(), bucketMap(t.PutBuckets), t.Name)
	}
	s := c.m.Stats()
	counter(descMirrorLookup, s.CacheHits, "cache")
	counter(descMirrorLookup, s.TierHits, "tier")
	counter(descMirrorLookup, s.Absent, "absent")
	for _, d := range c.drivers {
		if p, ok := d.(interface {
			Name() string
			Restarts() int64
		}); ok {
			counter(descRestarts, uint64(p.Restarts()), p.Name())
		}
	}
}

// crawlCollector reads the crawler's status when scraped.
type crawlCollector struct{ c *crawler.Crawler }

var (
	descHeld       = prometheus.NewDesc("zonemirror_records_held", "Whitelist entries whose zone file a tier holds (the crawler's count).", nil, nil)
	descMissing    = prometheus.NewDesc("zonemirror_records_missing", "Whitelisted zone files no tier holds, by why: announced (not fetched yet), not_found (in the DHT), invalid (only invalid copies seen), not_allowed, unavailable (the DHT could not be asked), store_failed, failed.", []string{"state"}, nil)
	descChecked    = prometheus.NewDesc("zonemirror_crawl_checked_records", "Whitelist entries the crawler has looked at (its position).", nil, nil)
	descFetched    = prometheus.NewDesc("zonemirror_crawl_fetched_records_total", "Zone files fetched from the source and stored.", nil, nil)
	descFailures   = prometheus.NewDesc("zonemirror_crawl_failures_total", "Failed fetches by cause.", []string{"cause"}, nil)
	descFullPasses = prometheus.NewDesc("zonemirror_crawl_full_passes_total", "Full passes over the whitelist completed.", nil, nil)
	// the crawler's states as short label values
	descCrawlStates = []struct {
		state crawler.State
		label string
	}{{crawler.StateAnnounced, "announced"}, {crawler.StateNotFound, "not_found"}, {crawler.StateInvalid, "invalid"},
		{crawler.StateNotAllowed, "not_allowed"}, {crawler.StateUnavailable, "unavailable"}, {crawler.StateStoreFailed, "store_failed"},
		{crawler.StateFailed, "failed"}}
	descCauses = []string{crawler.CauseNotFound, crawler.CauseInvalid, crawler.CauseNotAllowed, crawler.CauseUnavailable, crawler.CauseStore, crawler.CauseError}
)

func (crawlCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descHeld, descMissing, descChecked, descFetched, descFailures, descFullPasses} {
		ch <- d
	}
}

func (cc crawlCollector) Collect(ch chan<- prometheus.Metric) {
	st := cc.c.Status()
	metric := func(d *prometheus.Desc, t prometheus.ValueType, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, t, v, labels...)
	}
	metric(descHeld, prometheus.GaugeValue, float64(st.Held))
	metric(descChecked, prometheus.GaugeValue, float64(st.Checked))
	for _, s := range descCrawlStates { // every state, zeros too, so a dashboard sees them go
		metric(descMissing, prometheus.GaugeValue, float64(st.MissingByState[s.state]), s.label)
	}
	metric(descFetched, prometheus.CounterValue, float64(st.Fetched))
	for _, cause := range descCauses {
		metric(descFailures, prometheus.CounterValue, float64(st.Failures[cause]), cause)
	}
	metric(descFullPasses, prometheus.CounterValue, float64(st.FullPasses))
}

var (
	descSubdomains        = prometheus.NewDesc("zonemirror_subdomains", "Subdomains that exist (a record of theirs holds).", nil, nil)
	descSubdomainRefused  = prometheus.NewDesc("zonemirror_subdomain_refused_records", "Subdomain records refused, by reason: of a whole zone file (zonefile_*: it does not parse as the original's parser reads it, is not a user zone file, another $ORIGIN…), of one TXT record (bad_parts, bad_seqn, bad_name, duplicate_key, shadowed), and records that do not hold (not_first, bad_sequence, bad_signature, independent, bad_owner).", []string{"reason"}, nil)
	descSubdomainZones    = prometheus.NewDesc("zonemirror_subdomain_processed_zonefiles_total", "Zone files handed to the name database for their subdomain records since start.", nil, nil)
	descSubdomainWaiting  = prometheus.NewDesc("zonemirror_subdomain_waiting_zonefiles", "Whitelist entries whose zone file is not held yet, so their subdomain records wait.", nil, nil)
	descSubdomainFailures = prometheus.NewDesc("zonemirror_subdomain_failures_total", "Zone files whose subdomain processing failed (and is retried).", nil, nil)
)

// subdomainCollector reports the subdomain state and its indexer.
type subdomainCollector struct {
	db   *namedb.DB
	subs *subindex.Indexer
}

func (subdomainCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descSubdomains, descSubdomainRefused, descSubdomainZones, descSubdomainWaiting, descSubdomainFailures} {
		ch <- d
	}
}

func (c subdomainCollector) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(descSubdomains, prometheus.GaugeValue, float64(c.db.SubdomainCount()))
	refused := c.db.SubdomainRefusals()
	for _, reason := range subdomain.Reasons { // every reason, zeros too
		ch <- prometheus.MustNewConstMetric(descSubdomainRefused, prometheus.GaugeValue, float64(refused[reason]), reason)
	}
	for reason, n := range refused {
		if !slices.Contains(subdomain.Reasons, reason) {
			ch <- prometheus.MustNewConstMetric(descSubdomainRefused, prometheus.GaugeValue, float64(n), reason)
		}
	}
	st := c.subs.Status()
	ch <- prometheus.MustNewConstMetric(descSubdomainZones, prometheus.CounterValue, float64(st.Processed))
	ch <- prometheus.MustNewConstMetric(descSubdomainWaiting, prometheus.GaugeValue, float64(st.Waiting))
	ch <- prometheus.MustNewConstMetric(descSubdomainFailures, prometheus.CounterValue, float64(st.Failed))
}

// registerRRL counts the DNS responses the response rate limit dropped
// and slipped (sent truncated).
func registerRRL(reg *prometheus.Registry, ds *dnsserver.Server) {
	for _, action := range []string{"dropped", "slipped"} {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "zonemirror_dns_rrl_responses_total",
			Help:        "DNS responses over UDP held back by response rate limiting: dropped, or slipped (sent truncated so the client retries over TCP).",
			ConstLabels: prometheus.Labels{"action": action}}, func() float64 {
			d, s := ds.Limited()
			if action == "dropped" {
				return float64(d)
			}
			return float64(s)
		}))
	}
}

// bucketMap is a tier histogram's cumulative buckets by their bounds.
func bucketMap(cum []uint64) map[float64]uint64 {
	out := map[float64]uint64{}
	for i, b := range tiered.LatencyBuckets {
		if i < len(cum) {
			out[b.Seconds()] = cum[i]
		}
	}
	return out
}
