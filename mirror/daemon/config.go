package daemon

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/zonemirror/zonemirror/crawler"
	"github.com/zonemirror/zonemirror/mirror/dnsserver"
	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/plugins/host"
)

// Config is a mirror's whole configuration (YAML).
type Config struct {
	// Network is mainnet, regtest or simnet (network:). The default is
	// mainnet.
	Network string `yaml:"network"`
	// Data is the data folder (data:); the name database is
	// DATA/NETWORK/names. The default is the user cache folder's
	// zonemirror (e.g. ~/.cache/zonemirror).
	Data string `yaml:"data"`
	// Node is the Bitcoin node to follow (node:).
	Node NodeConfig `yaml:"node"`
	// Sync tunes the chain sync (sync:).
	Sync SyncConfig `yaml:"sync"`
	// HTTP is the API's listener (http:).
	HTTP HTTPConfig `yaml:"http"`
	// DNS is the DNS server's listener (dns:).
	DNS DNSConfig `yaml:"dns"`
	// Drivers are the storage tiers in lookup order (drivers:), each a
	// driver of plugins/host. The default is one disk tier in
	// DATA/NETWORK/records.
	Drivers []DriverConfig `yaml:"drivers"`
	// Cache bounds the mirror's memory caches (cache:).
	Cache CacheConfig `yaml:"cache"`
	// Crawl configures the crawler (crawl:).
	Crawl CrawlConfig `yaml:"crawl"`
	// Ready says when /readyz answers 200 (ready:).
	Ready ReadyConfig `yaml:"ready"`
}

// CrawlConfig configures the crawler, which pulls every whitelisted zone
// file the mirror's other tiers lack from a source tier (the DHT) into
// them, and never gives up on one.
type CrawlConfig struct {
	// Source is the name of the tier records are fetched from
	// (crawl.source:); "off" runs no crawler. The default is the tier
	// whose driver is dht, if there is exactly one, else off.
	Source string `yaml:"source"`
	// Workers is how many records are fetched at once (crawl.workers:).
	// The default is 32.
	Workers int `yaml:"workers"`
	// FetchTimeout bounds one fetch (crawl.fetch_timeout:). The default is
	// 30s.
	FetchTimeout string `yaml:"fetch_timeout"`
	// FullPass is how often the whole whitelist is checked against the
	// tiers again (crawl.full_pass:). The default is 1h.
	FullPass string `yaml:"full_pass"`
	// MaxBackoff is the longest wait before a missing record is tried
	// again (crawl.max_backoff:). The default is 10m.
	MaxBackoff string `yaml:"max_backoff"`
}

// NodeNone is node.kind (or node:) for a mirror without a node: it serves
// the name database as it is (a chain that has ended, imported from a
// snapshot) and never syncs.
const NodeNone = "none"

// UnmarshalYAML takes `node: none` for {kind: none}, and the mapping
// otherwise.
func (n *NodeConfig) UnmarshalYAML(v *yaml.Node) error {
	if v.Kind == yaml.ScalarNode && v.Value == NodeNone {
		*n = NodeConfig{Kind: NodeNone}
		return nil
	}
	type plain NodeConfig
	return v.Decode((*plain)(n))
}

// String names the node in logs.
func (n NodeConfig) String() string {
	if n.Kind == NodeNone {
		return NodeNone
	}
	return n.Kind + " " + n.Host
}

// NodeConfig reaches the Bitcoin node.
type NodeConfig struct {
	// Host is host:port of its RPC server (node.host:). The default is
	// 127.0.0.1:8334 (btcd mainnet).
	Host string `yaml:"host"`
	// Kind is btcd (websocket), bitcoind (HTTP POST) or none (no node:
	// serve the database as it is) (node.kind:). The default is btcd.
	Kind string `yaml:"kind"`
	// User, Pass: RPC credentials (node.user:, node.pass:); Cookie: a
	// cookie file instead (node.cookie:); Cert: btcd's rpc.cert for TLS
	// (node.cert:), empty for plain HTTP on loopback. Defaults empty.
	User   string `yaml:"user"`
	Pass   string `yaml:"pass"`
	Cookie string `yaml:"cookie"`
	Cert   string `yaml:"cert"`
}

// SyncConfig tunes the chain sync.
type SyncConfig struct {
	// Confirmations a block needs (sync.confirmations:). The default is
	// the network's: 6 on mainnet, 0 on regtest and simnet.
	Confirmations *int `yaml:"confirmations"`
	// Window is how many block requests are in flight (sync.window:). The
	// default is 64.
	Window int `yaml:"window"`
}

// HTTPConfig is the API's listener.
type HTTPConfig struct {
	// Listen is the API's address (http.listen:), also serving /metrics,
	// /healthz and /readyz. The default is 127.0.0.1:6270 (the original's
	// API port).
	Listen string `yaml:"listen"`
}

// DNSConfig is the DNS server.
type DNSConfig struct {
	// Listen is the UDP and TCP address (dns.listen:); "off" turns DNS
	// off. The default is 127.0.0.1:5353.
	Listen string `yaml:"listen"`
	// Nameserver and Hostmaster go into the SOA and NS of served zones
	// (dns.nameserver:, dns.hostmaster:). Defaults
	// ns1.zonemirror.invalid. and hostmaster.zonemirror.invalid.
	Nameserver string `yaml:"nameserver"`
	Hostmaster string `yaml:"hostmaster"`
	// RRL is response rate limiting (dns.rrl:), as BIND, Knot and NSD do
	// it, over UDP only.
	RRL RRLConfig `yaml:"rrl"`
	// RatePerClient was the old per-address limit, which answered
	// REFUSED; it is replaced by dns.rrl, refused with a message, and is
	// not a flag or an environment variable any more (key:"retired").
	RatePerClient *float64 `yaml:"rate_per_client" key:"retired"`
}

// RRLConfig limits the alike responses sent to one client netblock over
// UDP: the excess is dropped, but every slip-th one is sent truncated so
// a real resolver retries over TCP, which is never limited.
type RRLConfig struct {
	// ResponsesPerSecond of one name and type (or of missing names of one
	// zone, or of errors) to one netblock (dns.rrl.responses_per_second:).
	// The default is 200 (NSD's); -1 turns limiting off.
	ResponsesPerSecond float64 `yaml:"responses_per_second"`
	// Slip: every slip-th limited response is sent truncated
	// (dns.rrl.slip:); 1 truncates them all, -1 drops them all. The
	// default is 2 (BIND's and NSD's).
	Slip int `yaml:"slip"`
	// Window is how long a netblock's excess is remembered
	// (dns.rrl.window:). The default is 15s (BIND's).
	Window string `yaml:"window"`
	// IPv4Prefix and IPv6Prefix are the netblocks' lengths
	// (dns.rrl.ipv4_prefix:, dns.rrl.ipv6_prefix:). The defaults are 24
	// and 56 (BIND's).
	IPv4Prefix int `yaml:"ipv4_prefix"`
	IPv6Prefix int `yaml:"ipv6_prefix"`
	// Exempt are networks never limited (dns.rrl.exempt:), e.g.
	// ["10.0.0.0/8", "2001:db8::/32"]. The default is none.
	Exempt []string `yaml:"exempt"`
}

// dnsserverRRL is the server's form of c.
func (c RRLConfig) dnsserverRRL() (dnsserver.RRL, error) {
	r := dnsserver.RRL{ResponsesPerSecond: c.ResponsesPerSecond, Slip: c.Slip, IPv4Prefix: c.IPv4Prefix, IPv6Prefix: c.IPv6Prefix}
	if c.Window != "" {
		w, err := time.ParseDuration(c.Window)
		if err != nil {
			return r, fmt.Errorf("window: %w", err)
		}
		r.Window = w
	}
	for _, e := range c.Exempt {
		p, err := netip.ParsePrefix(e)
		if err != nil {
			if a, aerr := netip.ParseAddr(e); aerr == nil {
				p = netip.PrefixFrom(a, a.BitLen())
			} else {
				return r, fmt.Errorf("exempt: %w", err)
			}
		}
		r.Exempt = append(r.Exempt, p.Masked())
	}
	if r.ResponsesPerSecond < 0 && r.ResponsesPerSecond != -1 {
		return r, fmt.Errorf("responses_per_second: %v: want a rate, or -1 for none", r.ResponsesPerSecond)
	}
	if err := r.Validate(); err != nil {
		return r, err
	}
	return r, nil
}

// DriverConfig is one storage tier (drivers[i]:), as plugins/host takes
// it; Config is the driver's own keys.
type DriverConfig struct {
	Name      string   `yaml:"name"`
	Driver    string   `yaml:"driver"`
	Path      string   `yaml:"path"`
	Args      []string `yaml:"args"`
	SHA256    string   `yaml:"sha256"`
	InProcess bool     `yaml:"in_process"`
	// MaxProcs, when above 0, is the driver process's GOMAXPROCS
	// (drivers[i].max_procs:). The default (0) leaves Go's: every core.
	MaxProcs int            `yaml:"max_procs"`
	ReadOnly bool           `yaml:"read_only"`
	Config   map[string]any `yaml:"config"`
	// Timeout bounds each call to the tier, e.g. "500ms"
	// (drivers[i].timeout:). The default is 1 s.
	Timeout string `yaml:"timeout"`
}

// CacheConfig bounds the memory caches.
type CacheConfig struct {
	// Records bounds the verified zone files kept in memory
	// (cache.records_bytes:). The default is 64 MiB.
	Records int64 `yaml:"records_bytes"`
	// Answers bounds the cached name answers (cache.answers_bytes:). The
	// default is 64 MiB.
	Answers int64 `yaml:"answers_bytes"`
	// Names bounds namedb's decoded records (cache.names_bytes:). The
	// default is 256 MiB.
	Names int64 `yaml:"names_bytes"`
}

// ReadyConfig says when the mirror is ready.
type ReadyConfig struct {
	// MaxLag is how many blocks behind the node's tip still count as
	// synced (ready.max_lag:). The default is 1.
	MaxLag int64 `yaml:"max_lag"`
	// MaxMissing is how many whitelisted records may be missing (not yet
	// crawled) for the mirror to be ready (ready.max_missing:). The default
	// is 0; it applies only when a crawler runs.
	MaxMissing int64 `yaml:"max_missing"`
}

// Load reads a YAML config, applies the defaults and validates it.
func Load(b []byte) (*Config, error) {
	c, err := Parse(b)
	if err != nil {
		return nil, err
	}
	if err := c.Defaults(); err != nil {
		return nil, err
	}
	return c, nil
}

// Parse reads a YAML config without applying defaults (so that flags can
// override keys first); unknown keys are errors.
func Parse(b []byte) (*Config, error) {
	c := &Config{}
	if len(bytes.TrimSpace(b)) > 0 { // an empty document means all defaults
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(c); err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
	}
	return c, nil
}

// Defaults fills in what is unset and validates; errors name the key.
func (c *Config) Defaults() error {
	if c.Network == "" {
		c.Network = "mainnet"
	}
	if _, err := netparams.Named(c.Network); err != nil {
		return fmt.Errorf("config: network: %w", err)
	}
	if c.Data == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			return fmt.Errorf("config: data: no default (%v); set it", err)
		}
		c.Data = filepath.Join(dir, "zonemirror")
	}
	if c.Node.Kind == "" {
		c.Node.Kind = "btcd"
	}
	if c.Node.Kind != "btcd" && c.Node.Kind != "bitcoind" && c.Node.Kind != NodeNone {
		return fmt.Errorf("config: node.kind: %q, want btcd, bitcoind or none", c.Node.Kind)
	}
	if c.Node.Host == "" && c.Node.Kind != NodeNone {
		c.Node.Host = "127.0.0.1:8334"
	}
	if c.Sync.Window == 0 {
		c.Sync.Window = 64
	}
	if c.Sync.Window < 1 || c.Sync.Window > 4096 {
		return fmt.Errorf("config: sync.window: %d, want 1 to 4096", c.Sync.Window)
	}
	if c.Sync.Confirmations != nil && *c.Sync.Confirmations < 0 {
		return fmt.Errorf("config: sync.confirmations: %d is negative", *c.Sync.Confirmations)
	}
	if c.HTTP.Listen == "" {
		c.HTTP.Listen = "127.0.0.1:6270"
	}
	if _, _, err := net.SplitHostPort(c.HTTP.Listen); err != nil {
		return fmt.Errorf("config: http.listen: %w", err)
	}
	if c.DNS.Listen == "" {
		c.DNS.Listen = "127.0.0.1:5353"
	}
	if c.DNS.Listen != "off" {
		if _, _, err := net.SplitHostPort(c.DNS.Listen); err != nil {
			return fmt.Errorf("config: dns.listen: %w", err)
		}
	}
	if c.DNS.RatePerClient != nil {
		return fmt.Errorf("config: dns.rate_per_client: replaced by dns.rrl (response rate limiting: dns.rrl.responses_per_second of alike answers per client netblock, the excess dropped or slipped truncated, never REFUSED)")
	}
	if _, err := c.DNS.RRL.dnsserverRRL(); err != nil {
		return fmt.Errorf("config: dns.rrl.%w", err)
	}
	if len(c.Drivers) == 0 {
		c.Drivers = []DriverConfig{{Name: "disk", Driver: "disk", Config: map[string]any{"dir": filepath.Join(c.Data, c.Network, "records")}}}
	}
	for i, d := range c.Drivers {
		if d.Timeout != "" {
			if _, err := time.ParseDuration(d.Timeout); err != nil {
				return fmt.Errorf("config: drivers[%d].timeout: %w", i, err)
			}
		}
	}
	if err := c.crawlDefaults(); err != nil {
		return err
	}
	for key, v := range map[string]int64{"crawl.workers": int64(c.Crawl.Workers), "cache.records_bytes": c.Cache.Records, "cache.answers_bytes": c.Cache.Answers, "cache.names_bytes": c.Cache.Names, "ready.max_lag": c.Ready.MaxLag, "ready.max_missing": c.Ready.MaxMissing} {
		if v < 0 {
			return fmt.Errorf("config: %s: %d is negative", key, v)
		}
	}
	if c.Cache.Records == 0 {
		c.Cache.Records = 64 << 20
	}
	if c.Cache.Answers == 0 {
		c.Cache.Answers = 64 << 20
	}
	if c.Cache.Names == 0 {
		c.Cache.Names = 256 << 20
	}
	if c.Ready.MaxLag == 0 {
		c.Ready.MaxLag = 1
	}
	return nil
}

// crawlDefaults picks the crawler's source tier and checks its keys.
func (c *Config) crawlDefaults() error {
	names := map[string]bool{}
	var dhts []string
	for _, d := range c.Drivers {
		names[d.Name] = true
		if d.Driver == "dht" {
			dhts = append(dhts, d.Name)
		}
	}
	switch {
	case c.Crawl.Source == "" && len(dhts) == 1:
		c.Crawl.Source = dhts[0]
	case c.Crawl.Source == "":
		c.Crawl.Source = "off"
	case c.Crawl.Source != "off" && !names[c.Crawl.Source]:
		return fmt.Errorf("config: crawl.source: no tier is named %q", c.Crawl.Source)
	}
	for key, v := range map[string]string{"crawl.fetch_timeout": c.Crawl.FetchTimeout, "crawl.full_pass": c.Crawl.FullPass, "crawl.max_backoff": c.Crawl.MaxBackoff} {
		if v == "" {
			continue
		}
		if d, err := time.ParseDuration(v); err != nil || d <= 0 {
			return fmt.Errorf("config: %s: %q is not a positive duration", key, v)
		}
	}
	return nil
}

// crawlerConfig is the crawler's config (durations checked by Defaults).
func (c *Config) crawlerConfig(stateFile string) crawler.Config {
	dur := func(s string) time.Duration { d, _ := time.ParseDuration(s); return d }
	cc := crawler.Config{StateFile: stateFile, Workers: c.Crawl.Workers, FetchTimeout: dur(c.Crawl.FetchTimeout),
		FullPass: dur(c.Crawl.FullPass), MaxBackoff: dur(c.Crawl.MaxBackoff)}
	if cc.MaxBackoff > 0 && cc.MaxBackoff < time.Second {
		cc.MinBackoff = cc.MaxBackoff
	}
	return cc
}

// hostConfigs are the drivers as plugins/host takes them.
func (c *Config) hostConfigs() ([]host.DriverConfig, error) {
	out := make([]host.DriverConfig, len(c.Drivers))
	for i, d := range c.Drivers {
		raw, err := json.Marshal(d.Config)
		if err != nil {
			return nil, fmt.Errorf("config: drivers[%d].config: %w", i, err)
		}
		if d.Config == nil {
			raw = []byte("{}")
		}
		out[i] = host.DriverConfig{Name: d.Name, Driver: d.Driver, Path: d.Path, Args: d.Args, SHA256: d.SHA256, InProcess: d.InProcess, MaxProcs: d.MaxProcs, Config: raw}
	}
	return out, nil
}
