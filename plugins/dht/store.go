package dht

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"
	"time"

	ds "github.com/ipfs/go-datastore"
	dsq "github.com/ipfs/go-datastore/query"
	recpb "github.com/libp2p/go-libp2p-record/pb"
	"github.com/multiformats/go-base32"
	"google.golang.org/protobuf/proto"

	"github.com/zonemirror/zonemirror/plugins"
)

// The folder's datastore (pebble) holds two things:
//
//   - /zf/<base32 of the DHT key>: the records, in kad-dht's own format
//     (a libp2p record with the time it was received), written by kad-dht's
//     value store — for puts from peers — and by ours, over the same keys;
//   - /zm/allow/<40 hex>: the whitelist the host streamed with Allow, so a
//     restarted node refuses and accepts the same records as before.
const allowPrefix = "/zm/allow/"

// held is what the driver knows of one record it holds (kept small: a
// mirror of mainnet holds millions).
type held struct {
	refreshed int64 // unix nanos: when our copy was last put (by us or by a peer)
	due       int64 // unix nanos: when to put it to the closest peers again; 0: not scheduled
	published int64 // unix nanos: our last publish; 0: never
	size      int32
	replicas  int16 // peers that held it after our last publish; -1: unknown
	wanted    int16 // peers it should be on (the closest found, at most K)
	forced    bool  // due at once (the host put it, or it needs another put), whatever its age
	queued    bool  // in index.urgent
}

// index is the in-memory view of the records in the datastore, kept up to
// date by indexedDS. Safe for concurrent use.
type index struct {
	mu      sync.Mutex
	recs    map[plugins.Key]*held
	bytes   int64
	urgent  []plugins.Key // forced records, in order
	self    []byte        // our peer ID, to spread republishing per node
	every   time.Duration // republish interval; 0: never
	changed chan struct{} // poked when urgent grows
}

func newIndex(self []byte, every time.Duration) *index {
	return &index{recs: map[plugins.Key]*held{}, self: self, every: every, changed: make(chan struct{}, 1)}
}

// spread returns when a copy refreshed at t (unix nanos) is due for
// republishing: at a point in the last half of the interval that
// depends on the key and this node, so the holders of a record do not all
// republish it at once (the first to do so refreshes everyone's copy, and
// the others skip). 0 when republishing is off.
func (ix *index) spread(k plugins.Key, t int64) int64 {
	if ix.every <= 0 {
		return 0
	}
	h := fnv.New64a()
	h.Write(ix.self)
	h.Write(k[:])
	u := float64(binary.BigEndian.Uint64(h.Sum(nil))>>11) / (1 << 53) // [0, 1)
	return t + int64(float64(ix.every)*(0.5+0.5*u))
}

// stillDue reports whether k is to be published at now: forced, or its
// copy has not been refreshed (by another holder's republish) since it was
// found due.
func (ix *index) stillDue(k plugins.Key, now time.Time) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	h := ix.recs[k]
	return h != nil && (h.forced || h.due != 0 && h.due <= now.UnixNano())
}

// stored records that our copy of k (size bytes) was put at t: its age
// starts again, so its republishing moves later.
func (ix *index) stored(k plugins.Key, size int, t time.Time) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	h := ix.recs[k]
	if h == nil {
		h = &held{replicas: -1}
		ix.recs[k] = h
	}
	ix.bytes += int64(size) - int64(h.size)
	h.size, h.refreshed = int32(size), t.UnixNano()
	if !h.forced {
		h.due = ix.spread(k, h.refreshed)
	}
}

func (ix *index) deleted(k plugins.Key) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if h := ix.recs[k]; h != nil {
		ix.bytes -= int64(h.size)
		delete(ix.recs, k)
	}
}

// forceLocked makes h due at once. ix.mu is held.
func (ix *index) forceLocked(k plugins.Key, h *held) {
	h.forced = true
	if !h.queued {
		h.queued = true
		ix.urgent = append(ix.urgent, k)
	}
}

func (ix *index) poke() {
	select {
	case ix.changed <- struct{}{}:
	default:
	}
}

// publishNow makes k due at once (a record the host put, which the
// network may not have).
func (ix *index) publishNow(k plugins.Key) {
	ix.mu.Lock()
	if h := ix.recs[k]; h != nil {
		ix.forceLocked(k, h)
	}
	ix.mu.Unlock()
	ix.poke()
}

func (ix *index) has(k plugins.Key) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.recs[k] != nil
}

// takeUrgent returns up to max forced keys and forgets them.
func (ix *index) takeUrgent(max int) []plugins.Key {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	n := min(max, len(ix.urgent))
	out := append([]plugins.Key(nil), ix.urgent[:n]...)
	ix.urgent = ix.urgent[n:]
	for _, k := range out {
		if h := ix.recs[k]; h != nil {
			h.queued = false
		}
	}
	return out
}

// dueKeys returns up to max keys whose scheduled time has come (a scan of
// the index, run on the republish ticker); skip holds keys being
// published.
func (ix *index) dueKeys(now time.Time, max int, skip map[plugins.Key]bool) []plugins.Key {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	t := now.UnixNano()
	var out []plugins.Key
	for k, h := range ix.recs {
		if len(out) >= max {
			break
		}
		if h.due != 0 && h.due <= t && !skip[k] {
			out = append(out, k)
		}
	}
	return out
}

// publishedAt records the outcome of publishing k at t.
func (ix *index) publishedAt(k plugins.Key, t time.Time, replicas, wanted int) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	h := ix.recs[k]
	if h == nil {
		return
	}
	h.published, h.replicas, h.wanted = t.UnixNano(), int16(replicas), int16(wanted)
	h.forced = false
	h.due = ix.spread(k, h.refreshed)
}

// retryAt makes k due again at t (a publish that failed).
func (ix *index) retryAt(k plugins.Key, t time.Time) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if h := ix.recs[k]; h != nil {
		h.due = t.UnixNano()
	}
}

// republishUnderReplicated makes every record that fewer peers held than
// wanted at its last publish due at once, and returns how many.
func (ix *index) republishUnderReplicated() int {
	ix.mu.Lock()
	n := 0
	for k, h := range ix.recs {
		if h.replicas >= 0 && h.replicas < h.wanted {
			ix.forceLocked(k, h)
			n++
		}
	}
	ix.mu.Unlock()
	if n > 0 {
		ix.poke()
	}
	return n
}

// summary is the index in numbers.
type summary struct {
	records, bytes                   int64
	underReplicated, unknownReplicas int64
	fewest, fewestWanted             int
}

func (ix *index) summary() summary {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	s := summary{records: int64(len(ix.recs)), bytes: ix.bytes, fewest: -1}
	for _, h := range ix.recs {
		switch {
		case h.replicas < 0:
			s.unknownReplicas++
		case h.replicas < h.wanted:
			s.underReplicated++
			if s.fewest < 0 || int(h.replicas) < s.fewest {
				s.fewest, s.fewestWanted = int(h.replicas), int(h.wanted)
			}
		}
	}
	return s
}

func (ix *index) keys() []plugins.Key {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	out := make([]plugins.Key, 0, len(ix.recs))
	for k := range ix.recs {
		out = append(out, k)
	}
	return out
}

// decodeStored reads a record as kad-dht stores it.
func decodeStored(b []byte) (plugins.Key, *recpb.Record, time.Time, error) {
	rec := new(recpb.Record)
	if err := proto.Unmarshal(b, rec); err != nil {
		return plugins.Key{}, nil, time.Time{}, fmt.Errorf("not a libp2p record: %w", err)
	}
	k, err := parseRecordKey(string(rec.GetKey()))
	if err != nil {
		return plugins.Key{}, nil, time.Time{}, err
	}
	t, err := time.Parse(time.RFC3339Nano, rec.GetTimeReceived())
	if err != nil {
		return k, rec, time.Time{}, fmt.Errorf("record %s: bad receive time %q", k, rec.GetTimeReceived())
	}
	return k, rec, t, nil
}

// dsKeyOf is the inverse of kad-dht's value-store key: /zf/<base32(DHT key)>.
func dsKeyOf(k string) (plugins.Key, bool) {
	rest, ok := strings.CutPrefix(k, keyPrefix)
	if !ok {
		return plugins.Key{}, false
	}
	raw, err := base32.RawStdEncoding.DecodeString(rest)
	if err != nil {
		return plugins.Key{}, false
	}
	key, err := parseRecordKey(string(raw))
	return key, err == nil
}

// indexedDS is the datastore handed to kad-dht: it keeps the index in step
// with every record written or deleted under /zf/ (puts from peers, our
// own puts, kad-dht's expiry sweep).
type indexedDS struct {
	ds.Batching
	ix *index
}

func (d *indexedDS) Put(ctx context.Context, key ds.Key, value []byte) error {
	if err := d.Batching.Put(ctx, key, value); err != nil {
		return err
	}
	if strings.HasPrefix(key.String(), keyPrefix) {
		if k, _, t, err := decodeStored(value); err == nil {
			d.ix.stored(k, len(value), t)
		}
	}
	return nil
}

func (d *indexedDS) Delete(ctx context.Context, key ds.Key) error {
	if err := d.Batching.Delete(ctx, key); err != nil {
		return err
	}
	if k, ok := dsKeyOf(key.String()); ok {
		d.ix.deleted(k)
	}
	return nil
}

// loadRecords fills ix from the datastore and returns the records whose
// copy is older than stale (they have not been put for a long time: the
// node was down).
func loadRecords(ctx context.Context, d ds.Datastore, ix *index, stale time.Duration) ([]plugins.Key, error) {
	res, err := d.Query(ctx, dsq.Query{Prefix: "/" + Namespace})
	if err != nil {
		return nil, fmt.Errorf("read records: %w", err)
	}
	defer res.Close()
	var old []plugins.Key
	now := time.Now()
	for e := range res.Next() {
		if e.Error != nil {
			return nil, fmt.Errorf("read records: %w", e.Error)
		}
		k, _, t, err := decodeStored(e.Value)
		if err != nil {
			continue // kad-dht discards it when read
		}
		ix.stored(k, len(e.Value), t)
		if now.Sub(t) > stale {
			old = append(old, k)
		}
	}
	return old, nil
}

// loadAllowed reads the persisted whitelist into a.
func loadAllowed(ctx context.Context, d ds.Datastore, a *allowSet) error {
	res, err := d.Query(ctx, dsq.Query{Prefix: allowPrefix, KeysOnly: true})
	if err != nil {
		return fmt.Errorf("read whitelist: %w", err)
	}
	defer res.Close()
	var keys []plugins.Key
	for e := range res.Next() {
		if e.Error != nil {
			return fmt.Errorf("read whitelist: %w", e.Error)
		}
		k, err := plugins.ParseKey(strings.TrimPrefix(e.Key, allowPrefix))
		if err != nil {
			continue
		}
		keys = append(keys, k)
	}
	a.add(keys)
	return nil
}

// persistAllowed writes keys to the persisted whitelist in one batch.
func persistAllowed(ctx context.Context, d ds.Batching, keys []plugins.Key) error {
	b, err := d.Batch(ctx)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := b.Put(ctx, ds.NewKey(allowPrefix+k.String()), nil); err != nil {
			return err
		}
	}
	return b.Commit(ctx)
}
