package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/zonemirror/zonemirror/chainsync"
	"github.com/zonemirror/zonemirror/crawler"
	"github.com/zonemirror/zonemirror/mirror"
	"github.com/zonemirror/zonemirror/mirror/dnsserver"
	"github.com/zonemirror/zonemirror/mirror/httpapi"
	"github.com/zonemirror/zonemirror/mirror/status"
	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/host"
	"github.com/zonemirror/zonemirror/plugins/tiered"
	"github.com/zonemirror/zonemirror/subindex"
)

// Options are what the caller (cmd/zonemirror) adds to a Config.
type Options struct {
	// Version is the server version the API reports.
	Version string
	// Resync deletes a name database of another format and syncs it again
	// from the chain (namedb.WithResync); without it such a database is
	// refused, naming this fix.
	Resync bool
	// Builtins are the built-in storage drivers by kind.
	Builtins map[string]plugins.OpenFunc
	// Self is the command that serves a built-in driver (see host.Options);
	// the default is this executable with the argument "driver".
	Self []string
	// DriverEnv is added to every driver process's environment.
	DriverEnv []string
	// Network replaces the named network (devnets with parameters of
	// their own); nil takes Config.Network.
	Network *netparams.Network
	// Whitelist, when set, runs in its own goroutine with the name
	// database once it is open, until Run stops (a devnet feeds its DHT
	// peers the whitelist from it).
	Whitelist func(ctx context.Context, db *namedb.DB)
	// Started, when set, is called once everything listens, with the
	// addresses (useful with port 0).
	Started func(Addrs)
	// Ready, when set, is a condition of readiness of the caller's, asked
	// before the mirror's own (a devnet is not ready until its names are
	// seeded): /readyz answers 503 with its reason while it is false.
	Ready func() (bool, string)
	// Logger receives the logs; the default is slog.Default().
	Logger *slog.Logger
}

// Addrs are where a running mirror listens.
type Addrs struct {
	HTTP, DNS string
}

// Run runs the mirror until ctx ends; it returns an error if a part fails
// to start (the port is taken, a driver does not start, the database is
// another network's), else nil after a clean stop.
func Run(ctx context.Context, cfg *Config, opts Options) (err error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	n := opts.Network
	if n == nil {
		if n, err = netparams.Named(cfg.Network); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	dbOpts := []namedb.Option{namedb.WithRecordCache(cfg.Cache.Names)}
	if opts.Resync {
		dbOpts = append(dbOpts, namedb.WithResync())
	}
	db, err := namedb.Open(ctx, filepath.Join(cfg.Data, n.Name, "names"), n, dbOpts...)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := db.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	if opts.Whitelist != nil {
		wlDone := make(chan struct{})
		go func() { defer close(wlDone); opts.Whitelist(ctx, db) }()
		defer func() { cancel(); <-wlDone }()
	}

	// Storage tiers, each driver its own process (or in-process).
	ts, err := startTiers(ctx, cfg, opts, logger)
	if err != nil {
		return err
	}
	defer ts.close()
	store, tiers, drivers := ts.store, ts.tiers, ts.drivers

	// Subdomains: the indexer hands every held zone file to namedb, those
	// the crawler fetches or clients post as they arrive.
	var held subindex.Records = store
	if cfg.Crawl.Source != "off" && len(tiers) > 1 {
		held = localTiers{store, cfg.Crawl.Source}
	}
	subs := subindex.New(db, held, logger)
	subsDone := make(chan error, 1)
	go func() { subsDone <- subs.Run(ctx) }()
	defer func() {
		cancel()
		<-subsDone
	}()

	// The crawler: from the source tier (the DHT) into the others.
	var crawl *crawler.Crawler
	crawlDone := make(chan error, 1)
	tierStats := storeStats{store} // the crawler's writes count too
	if cfg.Crawl.Source != "off" {
		var into *tiered.Store
		if crawl, into, err = startCrawler(ctx, cfg, n, db, store, tiers, subs, logger, crawlDone); err != nil {
			return err
		}
		if into != store {
			tierStats = append(tierStats, into)
		}
		defer func() {
			cancel()
			<-crawlDone
		}()
	}
	mopts := mirror.Options{RecordCacheBytes: cfg.Cache.Records, AnswerCacheBytes: cfg.Cache.Answers, MaxZonefileBytes: n.MaxZonefileBytes}
	if crawl != nil {
		mopts.Crawl = crawlState{crawl}
	}
	m := mirror.New(db, arrivals{allowingRecords{store, drivers}, subs}, mopts)
	if stopAdmin, err := serveAdmin(ctx, AdminSocket(cfg, n), db, heldRecords{held}, opts.Version, logger); err != nil {
		// the API and DNS do not need it; an export must then wait for a stop
		logger.Warn("no admin socket: `zonemirror snapshot export` of this mirror needs it stopped", "err", err)
	} else {
		defer stopAdmin()
	}

	// Chain sync, unless there is no node (a chain that has ended, served
	// from an imported snapshot).
	var syncer *chainsync.Syncer
	syncDone := make(chan error, 1)
	if cfg.Node.Kind != NodeNone {
		sc := chainsync.Config{Node: chainsync.NodeConfig{Host: cfg.Node.Host, Kind: cfg.Node.Kind, User: cfg.Node.User, Pass: cfg.Node.Pass,
			CookieFile: cfg.Node.Cookie, CertFile: cfg.Node.Cert}, Window: cfg.Sync.Window}
		if cfg.Sync.Confirmations != nil {
			sc.Confirmations, sc.UseConfirmations = *cfg.Sync.Confirmations, true
		}
		syncer = chainsync.New(sc, db)
		go func() { syncDone <- syncer.Run(ctx) }()
		defer func() {
			cancel()
			<-syncDone
		}()
	}
	chain := chainState(syncer, db)

	// Metrics, the API, DNS.
	reg := prometheus.NewRegistry()
	met := newMetrics(reg, db, chain, tierStats, m, drivers, crawl, subs)
	ready := func() (bool, string) {
		if opts.Ready != nil {
			if ok, why := opts.Ready(); !ok {
				return false, why
			}
		}
		if ok, why := readiness(chain.Status(), cfg.Ready); !ok || crawl == nil {
			return ok, why
		}
		return crawlReadiness(crawl.Status(), cfg.Ready)
	}
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "zonemirror_ready", Help: "1 while /readyz answers 200 (synced, crawled, and the caller's condition), else 0."},
		func() float64 {
			if ok, _ := ready(); ok {
				return 1
			}
			return 0
		}))
	api := httpapi.New(m, db, httpapi.Options{Version: opts.Version, Sync: syncStatus{chain}, Ready: ready})
	kinds := make([]string, len(cfg.Drivers))
	for i, d := range cfg.Drivers {
		kinds[i] = d.Driver
		if kinds[i] == "" {
			kinds[i] = d.Path
		}
	}
	parts := &statusParts{version: opts.Version, network: n.Name, db: db, chain: chain, ready: ready, crawl: crawl,
		stats: tierStats, tiers: tiers, kinds: kinds, m: m, met: met}
	statusPage := status.New(parts.report)
	statusDone := make(chan struct{})
	go func() { defer close(statusDone); statusPage.Run(ctx) }()
	defer func() { cancel(); <-statusDone }()
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.Handle("GET /status", statusPage)
	mux.Handle("/", met.http(api))
	hl, err := net.Listen("tcp", cfg.HTTP.Listen)
	if err != nil {
		return fmt.Errorf("http.listen %s: %w", cfg.HTTP.Listen, err)
	}
	srv := httpapi.NewServer(api, httpapi.ServerOptions{Fallback: mux, Observe: met.observeHTTP, Logger: logger,
		Pages: map[string]httpapi.Page{"/status": statusPage}})
	httpDone := make(chan error, 1)
	go func() { httpDone <- srv.Serve(hl) }()
	defer func() {
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer scancel()
		srv.Shutdown(sctx) //nolint:errcheck // best effort on the way out
	}()
	addrs := Addrs{HTTP: hl.Addr().String()}

	dnsDone := make(chan error, 1)
	if cfg.DNS.Listen != "off" {
		pc, tl, err := dnsserver.Listen(cfg.DNS.Listen)
		if err != nil {
			return fmt.Errorf("dns.listen: %w", err)
		}
		rrl, _ := cfg.DNS.RRL.dnsserverRRL() // checked by Defaults
		ds := dnsserver.New(m, db, dnsserver.Options{Nameserver: cfg.DNS.Nameserver, Hostmaster: cfg.DNS.Hostmaster,
			RRL: rrl, Observe: met.dns})
		registerRRL(reg, ds)
		parts.dns.Store(ds)
		go func() { dnsDone <- ds.Serve(ctx, pc, tl) }()
		addrs.DNS = pc.LocalAddr().String()
	}
	logger.Info("mirror serving", "network", n.Name, "http", addrs.HTTP, "status", "http://"+addrs.HTTP+"/status", "dns", addrs.DNS, "node", cfg.Node.String(), "tiers", len(tiers), "crawl", cfg.Crawl.Source)
	if opts.Started != nil {
		opts.Started(addrs)
	}
	select {
	case <-ctx.Done():
		return nil
	case err := <-httpDone:
		if err == nil {
			return nil
		}
		return fmt.Errorf("http: %w", err)
	case err := <-dnsDone:
		return err
	case err := <-crawlDone:
		crawlDone <- err // for the deferred wait
		return fmt.Errorf("crawler: %w", err)
	case err := <-syncDone:
		syncDone <- err // for the deferred wait
		if err != nil && !errors.Is(err, context.Canceled) {
			return fmt.Errorf("chain sync: %w", err)
		}
		<-ctx.Done() // the stop block was reached: keep serving
		return nil
	}
}

// tierSet is the mirror's storage tiers, started.
type tierSet struct {
	host    *host.Host
	store   *tiered.Store
	tiers   []tiered.Tier
	drivers []plugins.Driver
}

func (ts *tierSet) close() {
	ts.store.Close()
	ts.host.Close()
}

// startTiers starts the drivers of cfg's tiers, each its own process (or
// in-process).
func startTiers(ctx context.Context, cfg *Config, opts Options, logger *slog.Logger) (*tierSet, error) {
	h, err := host.New(host.Options{Builtins: opts.Builtins, Self: opts.Self, Env: opts.DriverEnv, Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("storage drivers: %w", err)
	}
	hcfgs, err := cfg.hostConfigs()
	if err == nil {
		err = host.Validate(hcfgs, h.Builtins())
		if err != nil {
			err = fmt.Errorf("config: %w", err)
		}
	}
	if err != nil {
		h.Close()
		return nil, err
	}
	ts := &tierSet{host: h}
	for i, hc := range hcfgs {
		d, err := h.Start(ctx, hc)
		if err != nil {
			h.Close()
			return nil, fmt.Errorf("storage driver %s: %w", hc.Name, err)
		}
		ts.drivers = append(ts.drivers, d)
		timeout := time.Duration(0)
		if cfg.Drivers[i].Timeout != "" {
			timeout, _ = time.ParseDuration(cfg.Drivers[i].Timeout)
		}
		ts.tiers = append(ts.tiers, tiered.Tier{Name: hc.Name, Driver: d, Timeout: timeout, ReadOnly: cfg.Drivers[i].ReadOnly})
	}
	if ts.store, err = tiered.New(ts.tiers, tiered.Options{Logger: logger}); err != nil {
		h.Close()
		return nil, fmt.Errorf("storage tiers: %w", err)
	}
	return ts, nil
}

// startCrawler starts the crawler from the tier named cfg.Crawl.Source
// into the other tiers (or into the source itself when it is the only
// one); Run's error goes to done.
func startCrawler(ctx context.Context, cfg *Config, n *netparams.Network, db *namedb.DB, all *tiered.Store, tiers []tiered.Tier, subs *subindex.Indexer, logger *slog.Logger, done chan<- error) (*crawler.Crawler, *tiered.Store, error) {
	var src plugins.Driver
	var rest []tiered.Tier
	for _, t := range tiers {
		if t.Name == cfg.Crawl.Source {
			src = t.Driver
		} else {
			rest = append(rest, t)
		}
	}
	into := all
	if len(rest) > 0 {
		s, err := tiered.New(rest, tiered.Options{Logger: logger})
		if err != nil {
			return nil, nil, fmt.Errorf("crawler tiers: %w", err)
		}
		into = s
	}
	cc := cfg.crawlerConfig(filepath.Join(cfg.Data, n.Name, "crawler.json"))
	cc.Logger = logger
	c, err := crawler.New(cc, db, arrivals{into, subs}, src)
	if err != nil {
		if into != all {
			into.Close()
		}
		return nil, nil, err
	}
	go func() {
		err := c.Run(ctx)
		if into != all {
			into.Close()
		}
		done <- err
	}()
	return c, into, nil
}

// allowingRecords is the tiers as the mirror writes them: before a Put
// (of a zone file the mirror found whitelisted on chain) every driver is
// told the hash, since their whitelists, streamed by the crawler, may not
// have reached the block that announced it yet — the DHT node would
// refuse the record.
type allowingRecords struct {
	*tiered.Store
	drivers []plugins.Driver
}

func (r allowingRecords) Put(ctx context.Context, key plugins.Key, value []byte) (int, error) {
	for _, d := range r.drivers {
		// A driver that cannot take the hash fails the Put below, which
		// reports it with the tier's name.
		_, _ = d.Allow(ctx, func(yield func(plugins.Key) bool) { yield(key) })
	}
	return r.Store.Put(ctx, key, value)
}

// putter is a store records are written to.
type putter interface {
	Has(ctx context.Context, key plugins.Key) (bool, error)
	Get(ctx context.Context, key plugins.Key) ([]byte, error)
	Put(ctx context.Context, key plugins.Key, value []byte) (int, error)
}

// arrivals tells the subdomain indexer of every record written through it
// (the crawler's, and the zone files clients post).
type arrivals struct {
	putter
	subs *subindex.Indexer
}

func (a arrivals) Put(ctx context.Context, key plugins.Key, value []byte) (int, error) {
	n, err := a.putter.Put(ctx, key, value)
	if n > 0 {
		a.subs.Arrived(ctx, wire.Hash160(key), value)
	}
	return n, err
}

// localTiers reads held records from every tier but the crawl source (a
// lookup in the DHT would go to the network, for records not held).
type localTiers struct {
	store  *tiered.Store
	source string
}

func (l localTiers) Get(ctx context.Context, key plugins.Key) ([]byte, error) {
	return l.store.GetExcept(ctx, key, l.source)
}

// crawlState adapts the crawler to mirror.CrawlState.
type crawlState struct{ c *crawler.Crawler }

func (s crawlState) Missing(hash wire.Hash160) (string, string, bool) {
	mi, ok := s.c.Missing(plugins.Key(hash))
	return string(mi.State), mi.LastError, ok
}

// crawlReadiness: the whole whitelist checked, and at most MaxMissing
// records missing.
func crawlReadiness(st crawler.Status, r ReadyConfig) (bool, string) {
	switch {
	case st.Checked < st.Whitelisted:
		return false, fmt.Sprintf("crawling: %d of %d whitelisted records checked", st.Checked, st.Whitelisted)
	case int64(st.Missing) > r.MaxMissing:
		return false, fmt.Sprintf("crawling: %d of %d whitelisted records held, %d missing (ready.max_missing is %d)", st.Held, st.Whitelisted, st.Missing, r.MaxMissing)
	}
	return true, ""
}

// chainStatus is where the name database is with the chain: the
// syncer's status, or with no node the database's own tip.
type chainStatus interface{ Status() chainsync.Status }

// chainState is s, or without one (node: none) the state of a chain that
// has ended: the database's tip is the chain's.
func chainState(s *chainsync.Syncer, db *namedb.DB) chainStatus {
	if s == nil {
		return noNode{db}
	}
	return s
}

type noNode struct{ db *namedb.DB }

func (n noNode) Status() chainsync.Status {
	h, _ := n.db.Tip()
	return chainsync.Status{State: chainsync.StateDone, Height: h, Target: h, NodeHeight: h}
}

// syncStatus adapts the chain's status to httpapi.Sync.
type syncStatus struct{ s chainStatus }

func (s syncStatus) NodeHeight() int64 { return s.s.Status().NodeHeight }
func (s syncStatus) Indexing() bool    { return s.s.Status().State == chainsync.StateSyncing }

// readiness: synced to the node's tip (within MaxLag).
func readiness(st chainsync.Status, r ReadyConfig) (bool, string) {
	switch {
	case (st.State == chainsync.StateRetrying || st.State == chainsync.StateConnecting) && st.LastError != "":
		return false, fmt.Sprintf("chain sync %s: %s", st.State, st.LastError)
	case st.State == chainsync.StateRetrying || st.State == chainsync.StateConnecting:
		return false, fmt.Sprintf("chain sync %s", st.State)
	case st.NodeHeight == 0 && st.Height < 0:
		return false, "not synced yet"
	case st.Target-st.Height > r.MaxLag:
		return false, fmt.Sprintf("syncing: block %d of %d", st.Height, st.Target)
	}
	return true, ""
}
