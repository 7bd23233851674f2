package dht

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/zonemirror/zonemirror/plugins"
)

// Config is the DHT driver's config (the `config:` keys of its tier).
// Zero values take the defaults stated beside each field; Validate applies
// them and checks everything once, with errors that name the bad key.
type Config struct {
	// Dir is the folder that keeps the node's records, its whitelist and
	// (by default) its peer key. Required; created if missing.
	Dir string `json:"dir"`
	// Listen are the multiaddrs the node listens on. The default is
	// ["/ip4/0.0.0.0/tcp/7420"]. TCP and QUIC (quic-v1) addresses are
	// accepted; with a private-network key only TCP works.
	Listen []string `json:"listen,omitempty"`
	// Bootstrap are peers to join through, as multiaddrs ending in
	// /p2p/PEERID. The default is none: the first node of a network, which
	// others join.
	Bootstrap []string `json:"bootstrap,omitempty"`
	// KeyFile is the node's persistent private key (libp2p protobuf
	// encoding), which fixes its peer ID across restarts. The default is
	// DIR/peer.key; a missing file is created with a new Ed25519 key.
	KeyFile string `json:"key_file,omitempty"`
	// PrivateNetworkKeyFile is a libp2p private-network key (the
	// "/key/swarm/psk/1.0.0/" file format): only nodes with the same key
	// can connect. It works over TCP only. The default (empty) is an open
	// network.
	PrivateNetworkKeyFile string `json:"private_network_key_file,omitempty"`
	// BucketSize is Kademlia's K: the routing table's bucket size and the
	// number of closest peers a record is stored on (its replication). The
	// default is 20, as in the original network.
	BucketSize int `json:"bucket_size,omitempty"`
	// Concurrency is Kademlia's alpha: the requests a lookup keeps in
	// flight. The default is 3 (measured: 3 took a 20-node loopback crawl
	// from ~500 to ~2,300 records/s).
	Concurrency int `json:"concurrency,omitempty"`
	// MaxValueBytes is the largest record the node stores or accepts from
	// peers. The default is 40960, the zone-file limit of the protocol.
	MaxValueBytes int `json:"max_value_bytes,omitempty"`
	// GetTimeout bounds one network lookup of a record. The default is 10s.
	GetTimeout plugins.Duration `json:"get_timeout,omitempty"`
	// RecordTTL is how long peers keep a record after it was last put to
	// them (kad-dht's max record age). Every node of a network should use
	// the same value. The default is 48h.
	RecordTTL plugins.Duration `json:"record_ttl,omitempty"`
	// RepublishInterval is how old this node lets its copy of a record
	// grow before it puts the record to the closest peers again (each
	// record at a point spread over the last half of the interval; a put
	// by any other node resets the age). It must be at most half of
	// RecordTTL. The default is 22h; "0s" never republishes (records then
	// expire after RecordTTL unless another node republishes them).
	RepublishInterval *plugins.Duration `json:"republish_interval,omitempty"`
	// RepublishWorkers is how many records are published at once. The
	// default is 4.
	RepublishWorkers int `json:"republish_workers,omitempty"`
	// WhitelistRepublishDelay is how long after new whitelist entries
	// arrive the node re-puts its under-replicated records (peers that
	// refused them before they knew the hash accept them then). The
	// default is 30s.
	WhitelistRepublishDelay plugins.Duration `json:"whitelist_republish_delay,omitempty"`
	// ReadyTimeout bounds how long a lookup waits for the node to join
	// the network (a filled and refreshed routing table) before it fails
	// with ErrUnavailable. The default is 30s.
	ReadyTimeout plugins.Duration `json:"ready_timeout,omitempty"`
}

// Defaults.
const (
	DefaultListen                  = "/ip4/0.0.0.0/tcp/7420"
	DefaultBucketSize              = 20
	DefaultConcurrency             = 3
	DefaultMaxValueBytes           = 40960
	DefaultGetTimeout              = 10 * time.Second
	DefaultRecordTTL               = 48 * time.Hour
	DefaultRepublishInterval       = 22 * time.Hour
	DefaultRepublishWorkers        = 4
	DefaultWhitelistRepublishDelay = 30 * time.Second
	DefaultReadyTimeout            = 30 * time.Second
)

// settings is a validated Config with the defaults applied.
type settings struct {
	dir, keyFile, pskFile   string
	listen                  []ma.Multiaddr
	bootstrap               []peer.AddrInfo
	bucketSize, concurrency int
	maxValue                int
	getTimeout, ttl         time.Duration
	republish               time.Duration // 0: never
	workers                 int
	whitelistDelay          time.Duration
	readyTimeout            time.Duration
}

func badKey(key, format string, args ...any) error {
	return fmt.Errorf("%w: key %q: %s", plugins.ErrBadConfig, key, fmt.Sprintf(format, args...))
}

// validate applies the defaults and checks c once.
func (c Config) validate() (*settings, error) {
	s := &settings{
		dir: c.Dir, keyFile: c.KeyFile, pskFile: c.PrivateNetworkKeyFile,
		bucketSize: c.BucketSize, concurrency: c.Concurrency, maxValue: c.MaxValueBytes,
		getTimeout: time.Duration(c.GetTimeout), ttl: time.Duration(c.RecordTTL),
		workers: c.RepublishWorkers, whitelistDelay: time.Duration(c.WhitelistRepublishDelay),
		readyTimeout: time.Duration(c.ReadyTimeout),
	}
	if s.dir == "" {
		return nil, fmt.Errorf("%w: key \"dir\" is required", plugins.ErrBadConfig)
	}
	if s.keyFile == "" {
		s.keyFile = s.dir + string(os.PathSeparator) + "peer.key"
	}
	listen := c.Listen
	if len(listen) == 0 {
		listen = []string{DefaultListen}
	}
	for i, l := range listen {
		a, err := ma.NewMultiaddr(l)
		if err != nil {
			return nil, badKey(fmt.Sprintf("listen[%d]", i), "%q is not a multiaddr: %v", l, err)
		}
		tcp := hasProtocol(a, ma.P_TCP)
		quic := hasProtocol(a, ma.P_QUIC_V1)
		switch {
		case !tcp && !quic:
			return nil, badKey(fmt.Sprintf("listen[%d]", i), "%q is neither TCP nor QUIC (quic-v1)", l)
		case quic && s.pskFile != "":
			return nil, badKey(fmt.Sprintf("listen[%d]", i), "%q: a private network key works over TCP only", l)
		}
		s.listen = append(s.listen, a)
	}
	for i, b := range c.Bootstrap {
		ai, err := peer.AddrInfoFromString(b)
		if err != nil {
			return nil, badKey(fmt.Sprintf("bootstrap[%d]", i), "%q is not a multiaddr ending in /p2p/PEERID: %v", b, err)
		}
		s.bootstrap = append(s.bootstrap, *ai)
	}
	ints := []struct {
		key string
		v   *int
		def int
		min int
	}{
		{"bucket_size", &s.bucketSize, DefaultBucketSize, 2},
		{"concurrency", &s.concurrency, DefaultConcurrency, 1},
		{"max_value_bytes", &s.maxValue, DefaultMaxValueBytes, 1},
		{"republish_workers", &s.workers, DefaultRepublishWorkers, 1},
	}
	for _, f := range ints {
		if *f.v == 0 {
			*f.v = f.def
		}
		if *f.v < f.min {
			return nil, badKey(f.key, "%d is below the minimum %d", *f.v, f.min)
		}
	}
	if s.maxValue > plugins.MaxValueSize {
		return nil, badKey("max_value_bytes", "%d is over the drivers' limit %d", s.maxValue, plugins.MaxValueSize)
	}
	durs := []struct {
		key string
		v   *time.Duration
		def time.Duration
	}{
		{"get_timeout", &s.getTimeout, DefaultGetTimeout},
		{"record_ttl", &s.ttl, DefaultRecordTTL},
		{"whitelist_republish_delay", &s.whitelistDelay, DefaultWhitelistRepublishDelay},
		{"ready_timeout", &s.readyTimeout, DefaultReadyTimeout},
	}
	for _, f := range durs {
		if *f.v == 0 {
			*f.v = f.def
		}
		if *f.v < 0 {
			return nil, badKey(f.key, "%s is negative", *f.v)
		}
	}
	s.republish = DefaultRepublishInterval
	if c.RepublishInterval != nil {
		s.republish = time.Duration(*c.RepublishInterval)
	}
	if s.republish < 0 || s.republish > s.ttl/2 {
		return nil, badKey("republish_interval", "%s must be between 0s (never) and half of record_ttl (%s)", s.republish, s.ttl/2)
	}
	return s, nil
}

func hasProtocol(a ma.Multiaddr, code int) bool {
	_, err := a.ValueForProtocol(code)
	if err == nil {
		return true
	}
	for _, p := range a.Protocols() {
		if p.Code == code {
			return true
		}
	}
	return false
}

// errBadPSK reports an unreadable private-network key file.
var errBadPSK = errors.New("not a private network key file (want the /key/swarm/psk/1.0.0/ format)")

func pskError(path string, err error) error {
	return badKey("private_network_key_file", "%s: %v", path, errors.Join(errBadPSK, err))
}
