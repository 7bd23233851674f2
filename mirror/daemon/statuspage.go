package daemon

import (
	"context"
	"sort"
	"sync/atomic"
	"time"

	"github.com/zonemirror/zonemirror/crawler"
	"github.com/zonemirror/zonemirror/mirror"
	"github.com/zonemirror/zonemirror/mirror/dnsserver"
	"github.com/zonemirror/zonemirror/mirror/status"
	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/tiered"
)

// statusParts are what the status page reads.
type statusParts struct {
	version string
	network string
	db      *namedb.DB
	chain   chainStatus
	ready   func() (bool, string)
	crawl   *crawler.Crawler // nil: no crawler
	stats   storeStats
	tiers   []tiered.Tier
	kinds   []string // each tier's driver kind (or path)
	m       *mirror.Mirror
	met     *metrics
	dns     atomic.Pointer[dnsserver.Server] // nil: DNS off (set once it runs)
}

// recentFailures is how many of the crawler's recent failures the page
// lists.
const recentFailures = 10

// report builds the status page's report.
func (p *statusParts) report(ctx context.Context) status.Report {
	r := status.Report{Time: time.Now().UTC(), Version: p.version, Network: p.network}
	r.Ready, r.NotReady = p.ready()
	st := p.chain.Status()
	h, _ := p.db.Tip()
	r.Sync = status.Sync{State: string(st.State), Height: h, NodeHeight: st.NodeHeight, Lag: max(st.NodeHeight-h, 0),
		BlocksPerSec: st.BlocksPerSec, Reorgs: st.Reorgs, LastReorg: st.LastReorg, LastError: st.LastError}
	if ch, ok := p.db.ConsensusHashAt(h); ok {
		r.ConsensusHash = ch.String()
	}
	if n, err := p.db.NameCount(ctx, ""); err == nil {
		r.Names = int64(n)
	}
	r.Subdomains = p.db.SubdomainCount()

	wl, _ := p.db.WhitelistCount(ctx)
	r.Records = status.Records{Whitelisted: wl, MissingByCause: map[string]int64{}, Failures: map[string]uint64{}}
	if p.crawl != nil {
		cs := p.crawl.Status()
		r.Records.Held = cs.Held
		r.Records.Missing = int64(cs.Missing)
		for _, s := range descCrawlStates {
			r.Records.MissingByCause[s.label] = int64(cs.MissingByState[s.state])
		}
		for _, cause := range descCauses {
			r.Records.Failures[cause] = cs.Failures[cause]
		}
		missing := p.crawl.MissingList(0)
		var tried []crawler.MissingInfo
		for _, mi := range missing {
			if !mi.LastTry.IsZero() {
				tried = append(tried, mi)
			}
			if r.Records.Oldest == nil || mi.FirstSeen.Before(r.Records.Oldest.Since) {
				x := missingOf(mi)
				r.Records.Oldest = &x
			}
		}
		sort.Slice(tried, func(i, j int) bool { return tried[i].LastTry.After(tried[j].LastTry) })
		for _, mi := range tried[:min(len(tried), recentFailures)] {
			r.Records.Recent = append(r.Records.Recent, missingOf(mi))
		}
	} else {
		r.Records.Held = wl // no crawler: no count of what is missing
	}

	stats := p.stats.Stats()
	for i, t := range p.tiers {
		tier := status.Tier{Name: t.Name, Driver: p.kinds[i], Health: "ok"}
		if rp, ok := t.Driver.(interface{ Restarts() int64 }); ok {
			tier.Restarts = rp.Restarts()
		}
		sctx, cancel := context.WithTimeout(ctx, time.Second)
		if _, err := t.Driver.Stat(sctx); err != nil {
			tier.Health = err.Error()
		}
		cancel()
		for _, s := range stats {
			if s.Name != t.Name {
				continue
			}
			lookups := s.Hits + s.Misses + s.BadValues + s.Errors + s.Skips
			tier.Lookups, tier.Puts = lookups, s.Puts
			if lookups > 0 {
				tier.HitRatio = float64(s.Hits) / float64(lookups)
			}
			tier.GetP50Ms = quantile(0.5, s.Count, s.Buckets) * 1000
			tier.GetP99Ms = quantile(0.99, s.Count, s.Buckets) * 1000
			tier.PutP50Ms = quantile(0.5, s.PutCount, s.PutBuckets) * 1000
			tier.PutP99Ms = quantile(0.99, s.PutCount, s.PutBuckets) * 1000
		}
		r.Tiers = append(r.Tiers, tier)
	}

	ms := p.m.Stats()
	r.Lookups = status.Lookups{HTTPRequests: p.met.httpTotal.Load(), DNSQueries: p.met.dnsTotal.Load()}
	if all := ms.CacheHits + ms.TierHits + ms.Absent; all > 0 {
		r.Lookups.CacheHitRatio = float64(ms.CacheHits) / float64(all)
	}
	if ds := p.dns.Load(); ds != nil {
		r.Lookups.RRLDropped, r.Lookups.RRLSlipped = ds.Limited()
	}
	return r
}

func missingOf(mi crawler.MissingInfo) status.Missing {
	return status.Missing{Hash: plugins.Key(mi.Key).String(), Name: mi.Name, State: stateLabel(mi.State), LastError: mi.LastError,
		Attempts: mi.Attempts, Since: mi.FirstSeen, LastTry: mi.LastTry}
}

func stateLabel(s crawler.State) string {
	for _, d := range descCrawlStates {
		if d.state == s {
			return d.label
		}
	}
	return string(s)
}

// quantile is the q-quantile of a tier's latency in seconds, from its
// count and cumulative buckets (tiered.LatencyBuckets), interpolated
// within the bucket as Prometheus's histogram_quantile does (0 before any
// call).
func quantile(q float64, count uint64, buckets []uint64) float64 {
	if count == 0 {
		return 0
	}
	rank := q * float64(count)
	prevBound, prevCount := 0.0, uint64(0)
	for i, b := range tiered.LatencyBuckets {
		if i >= len(buckets) {
			break
		}
		bound := b.Seconds()
		if float64(buckets[i]) >= rank {
			in := buckets[i] - prevCount
			if in == 0 {
				return bound
			}
			return prevBound + (bound-prevBound)*(rank-float64(prevCount))/float64(in)
		}
		prevBound, prevCount = bound, buckets[i]
	}
	return prevBound // beyond the last bucket: its bound, as Prometheus says
}
