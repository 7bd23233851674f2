package mirror

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/zonemirror/zonemirror/internal/bytecache"
	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/wire"
	"github.com/zonemirror/zonemirror/plugins"
)

// Names is what the mirror reads from the name database (*namedb.DB).
type Names interface {
	Tip() (int64, [32]byte)
	ConsensusHashAt(h int64) (wire.Hash128, bool)
	Name(ctx context.Context, name string) (*namedb.NameInfo, error)
	NameStamp(name string) (namedb.NameStamp, bool)
	IsWhitelisted(ctx context.Context, hash wire.Hash160) (bool, error)
	Subdomain(ctx context.Context, fqn string) (*namedb.SubdomainRecord, error)
	SubdomainGen() uint64
	SubdomainZonefile(ctx context.Context, h wire.Hash160) ([]byte, bool, error)
}

// Records is where zone files are kept (*tiered.Store): Get verifies the
// value against its key.
type Records interface {
	Get(ctx context.Context, key plugins.Key) ([]byte, error)
	Put(ctx context.Context, key plugins.Key, value []byte) (int, error)
}

// CrawlState says why a whitelisted record is not held yet (the crawler).
type CrawlState interface {
	// Missing returns the record's crawl state and the last error; ok is
	// false when the crawler knows nothing of it.
	Missing(hash wire.Hash160) (state, lastError string, ok bool)
}

// Options configure a Mirror.
type Options struct {
	// RecordCacheBytes bounds the verified zone files kept in memory. The
	// default is 64 MiB.
	RecordCacheBytes int64
	// AnswerCacheBytes bounds the cached name answers. The default is 64 MiB.
	AnswerCacheBytes int64
	// MaxZonefileBytes is the largest zone file accepted (PROTOCOL.md §9).
	// The default is 40,960.
	MaxZonefileBytes int
	// Crawl explains missing records; nil when no crawler runs.
	Crawl CrawlState
}

// Mirror answers lookups. It is safe for concurrent use.
type Mirror struct {
	names   Names
	records Records
	opts    Options
	zf      *bytecache.Cache[wire.Hash160, []byte]
	answers *bytecache.Cache[answerKey, *Answer]

	// tipHeader caches the tip's height and consensus hash as text.
	tip atomic.Pointer[tipInfo]
	mu  sync.Mutex

	// Counters of record lookups, for metrics.
	cacheHits, tierHits, absent atomic.Uint64
}

type tipInfo struct {
	height int64
	hash   [32]byte
	// Height and ConsensusHash as header values.
	Height, ConsensusHash string
}

// New returns a mirror over names and records.
func New(names Names, records Records, opts Options) *Mirror {
	if opts.RecordCacheBytes == 0 {
		opts.RecordCacheBytes = 64 << 20
	}
	if opts.AnswerCacheBytes == 0 {
		opts.AnswerCacheBytes = 64 << 20
	}
	if opts.MaxZonefileBytes == 0 {
		opts.MaxZonefileBytes = 40960
	}
	return &Mirror{names: names, records: records, opts: opts,
		zf:      bytecache.New[wire.Hash160, []byte](opts.RecordCacheBytes),
		answers: bytecache.New[answerKey, *Answer](opts.AnswerCacheBytes)}
}

// Names returns the name database the mirror reads.
func (m *Mirror) Names() Names { return m.names }

// Tip returns the height and consensus hash every answer is true at, as
// header values.
func (m *Mirror) Tip() (height int64, heightText, consensusHash string) {
	h, hash := m.names.Tip()
	if t := m.tip.Load(); t != nil && t.height == h && t.hash == hash {
		return h, t.Height, t.ConsensusHash
	}
	ch, _ := m.names.ConsensusHashAt(h)
	t := &tipInfo{height: h, hash: hash, Height: fmt.Sprint(h), ConsensusHash: ch.String()}
	m.tip.Store(t)
	return h, t.Height, t.ConsensusHash
}

// Absence says why a zone file is not served.
type Absence struct {
	// Reason is one of the Reason… constants.
	Reason string
	// LastError is the crawler's last error fetching it, if any.
	LastError string
}

// Reasons a zone file is absent.
const (
	ReasonNoZonefile   = "the name has no zone file"
	ReasonNotAnnounced = "not announced on chain"
	ReasonNotFetched   = "announced, not fetched yet"
	ReasonInvalidOnly  = "only invalid copies seen"
	ReasonUnavailable  = "the storage tiers failed"
)

func (a *Absence) Error() string {
	if a.LastError != "" {
		return a.Reason + ": " + a.LastError
	}
	return a.Reason
}

// Zonefile returns the verified zone file of hash — a name's, or a
// subdomain's that a name's carried — or an *Absence saying why there is
// none. Other errors are failures of the name database.
func (m *Mirror) Zonefile(ctx context.Context, hash wire.Hash160) ([]byte, error) {
	if b, ok := m.zf.Get(hash); ok {
		m.cacheHits.Add(1)
		return b, nil
	}
	ok, err := m.names.IsWhitelisted(ctx, hash)
	if err != nil {
		return nil, err
	}
	if !ok {
		// a subdomain's zone file, carried inside a name's
		if b, ok, err := m.names.SubdomainZonefile(ctx, hash); err != nil || ok {
			if ok {
				m.zf.Put(hash, b, int64(len(b))+64)
			}
			return b, err
		}
		m.absent.Add(1)
		return nil, &Absence{Reason: ReasonNotAnnounced}
	}
	b, err := m.records.Get(ctx, plugins.Key(hash))
	if err == nil {
		m.tierHits.Add(1)
		m.zf.Put(hash, b, int64(len(b))+64)
		return b, nil
	}
	m.absent.Add(1)
	a := &Absence{Reason: ReasonNotFetched}
	if !errors.Is(err, plugins.ErrNotFound) {
		a.Reason, a.LastError = ReasonUnavailable, err.Error()
	}
	if m.opts.Crawl != nil {
		if state, last, ok := m.opts.Crawl.Missing(hash); ok {
			a.Reason, a.LastError = state, last
		}
	}
	return nil, a
}

// ErrNotWhitelisted is returned for a zone file whose hash no name was
// ever given on chain.
var ErrNotWhitelisted = errors.New("the zone file's hash is not whitelisted: no name was given it on chain")

// ErrTooLarge is returned for a zone file above the size limit.
var ErrTooLarge = errors.New("the zone file is too large")

// Publish stores a zone file whose hash is whitelisted in every writable
// tier (the DHT tier announces it) and returns its hash.
func (m *Mirror) Publish(ctx context.Context, zonefile []byte) (wire.Hash160, error) {
	if len(zonefile) > m.opts.MaxZonefileBytes {
		return wire.Hash160{}, fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, len(zonefile), m.opts.MaxZonefileBytes)
	}
	h := wire.SumHash160(zonefile)
	ok, err := m.names.IsWhitelisted(ctx, h)
	if err != nil {
		return h, err
	}
	if !ok {
		return h, fmt.Errorf("%w (hash %s)", ErrNotWhitelisted, h)
	}
	if _, err := m.records.Put(ctx, plugins.Key(h), zonefile); err != nil {
		return h, fmt.Errorf("store zone file %s: %w", h, err)
	}
	m.zf.Put(h, zonefile, int64(len(zonefile))+64)
	return h, nil
}

// Stats are the mirror's counters.
type Stats struct {
	// Record lookups answered from memory, from a tier, or not at all.
	CacheHits, TierHits, Absent uint64
	// Records and bytes in the record cache; answers in the answer cache.
	CachedRecords, CachedAnswers int
	CachedRecordBytes            int64
}

// Stats returns the mirror's counters.
func (m *Mirror) Stats() Stats {
	n, b := m.zf.Stats()
	a, _ := m.answers.Stats()
	return Stats{CacheHits: m.cacheHits.Load(), TierHits: m.tierHits.Load(), Absent: m.absent.Load(),
		CachedRecords: n, CachedRecordBytes: b, CachedAnswers: a}
}
