package dht

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	record "github.com/libp2p/go-libp2p-record"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/zonemirror/zonemirror/plugins"
)

// Replication is what publishing a record found out: kad-dht's PutValue
// reports success even when no peer stored the value, so the driver puts
// the record to each of the closest peers itself and counts each peer
// that answered the put with the record (its validator and store took
// it) or, failing that, answers a GET_VALUE with it.
type Replication struct {
	// Closest is how many closest peers the lookup found (at most
	// BucketSize): the peers the record should be on.
	Closest int
	// Holders is how many of them acknowledged storing the record or
	// answered a GET_VALUE with it.
	Holders int
	// Refused is why peers did not take the record, by message (a peer
	// that does not know the hash yet answers with an error).
	Refused map[string]int
}

// UnderReplicated reports whether fewer peers hold the record than
// should (or none at all).
func (r Replication) UnderReplicated() bool { return r.Holders == 0 || r.Holders < r.Closest }

// Publish stores the record on this node and puts it to the closest peers
// now, returning how many really hold it. It waits for the node to join.
func (d *Driver) Publish(ctx context.Context, k plugins.Key, v []byte) (Replication, error) {
	if err := d.storeLocal(ctx, k, v); err != nil {
		return Replication{}, err
	}
	return d.publish(ctx, k, v)
}

// publish puts an already stored record to its closest peers and counts
// the holders.
func (d *Driver) publish(ctx context.Context, k plugins.Key, v []byte) (Replication, error) {
	if err := d.waitReady(ctx); err != nil {
		return Replication{}, fmt.Errorf("publish %s: %w", k, err)
	}
	dk := recordKey(k)
	// Our copy is fresh again: its age is what the schedule goes by. (Not
	// if it was deleted meanwhile.)
	l := d.keyLock(k)
	l.Lock()
	if !d.ix.has(k) {
		l.Unlock()
		return Replication{}, fmt.Errorf("publish %s: %w: deleted meanwhile", k, plugins.ErrNotFound)
	}
	err := d.values.Put(ctx, dk, record.MakePutRecord(dk, v))
	l.Unlock()
	if err != nil {
		return Replication{}, fmt.Errorf("publish %s: datastore: %w", k, err)
	}
	lctx, cancel := context.WithTimeout(ctx, d.s.getTimeout)
	peers, err := d.kad.GetClosestPeers(lctx, dk)
	cancel()
	if len(peers) == 0 {
		if err == nil {
			err = errors.New("no peer found")
		}
		d.st.publishFailed.Add(1)
		d.ix.publishedAt(k, time.Now(), 0, 1)
		d.ix.retryAt(k, time.Now().Add(d.retryAfter()))
		return Replication{}, fmt.Errorf("publish %s: find the closest peers: %w", k, err)
	}
	if len(peers) > d.s.bucketSize {
		peers = peers[:d.s.bucketSize]
	}
	rec := record.MakePutRecord(dk, v)
	r := Replication{Closest: len(peers), Refused: map[string]int{}}
	var holders atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, p := range peers {
		wg.Add(1)
		go func(p peer.ID) {
			defer wg.Done()
			// A peer answers PUT_VALUE with the record only once its
			// validator and store took it (the messenger checks the echo).
			// A put that failed is tried once more with a fresh deadline:
			// a busy peer or a stream that timed out usually takes the
			// second (a peer that refuses the record refuses it again,
			// quickly).
			var err error
			for try := 0; try < 2; try++ {
				pctx, cancel := context.WithTimeout(ctx, d.s.getTimeout)
				err = d.msgr.PutValue(pctx, p, rec)
				cancel()
				if err == nil {
					holders.Add(1)
					return
				}
				if ctx.Err() != nil {
					break
				}
			}
			pctx, cancel := context.WithTimeout(ctx, d.s.getTimeout)
			defer cancel()
			mu.Lock()
			r.Refused[shortError(err)]++
			mu.Unlock()
			// Refused or timed out: it may hold the record all the same.
			if got, _, gerr := d.msgr.GetValue(pctx, p, dk); gerr == nil && got != nil && bytes.Equal(got.GetValue(), v) {
				holders.Add(1)
			}
		}(p)
	}
	wg.Wait()
	r.Holders = int(holders.Load())
	wanted := max(r.Closest, 1)
	d.ix.publishedAt(k, time.Now(), r.Holders, wanted)
	d.st.published.Add(1)
	return r, nil
}

// retryAfter is how long a record whose publishing failed waits.
func (d *Driver) retryAfter() time.Duration {
	if d.s.republish > 0 {
		return min(30*time.Second, d.s.republish/4)
	}
	return 30 * time.Second
}

// shortError is the first line of an error from a peer, for counting.
func shortError(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 120 {
		s = s[:120]
	}
	return s
}

// republishLoop publishes due records with RepublishWorkers workers: those
// the host put (at once), those whose copy has aged into the last half
// of RepublishInterval, and under-replicated ones after new whitelist
// entries. A record that another node republished first has a fresh copy
// here and is skipped.
func (d *Driver) republishLoop() {
	defer d.wg.Done()
	tick := d.s.republish / 100
	if tick <= 0 {
		tick = time.Second
	}
	tick = min(max(tick, 20*time.Millisecond), time.Minute)
	ticker := time.NewTicker(tick)
	defer ticker.Stop()

	work := make(chan plugins.Key)
	var mu sync.Mutex
	busy := map[plugins.Key]bool{}
	var workers sync.WaitGroup
	for i := 0; i < d.s.workers; i++ {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for k := range work {
				d.republishOne(k)
				mu.Lock()
				delete(busy, k)
				mu.Unlock()
			}
		}()
	}
	defer func() { close(work); workers.Wait() }()
	for {
		select {
		case <-d.ctx.Done():
			return
		case <-ticker.C:
		case <-d.ix.changed:
		}
		select {
		case <-d.ready:
		case <-d.ctx.Done():
			return
		}
		// Forced records first (the host put them), then the scheduled
		// ones when the ticker says so.
		keys := d.ix.takeUrgent(4096)
		if len(keys) == 0 {
			mu.Lock()
			skip := make(map[plugins.Key]bool, len(busy))
			for k := range busy {
				skip[k] = true
			}
			mu.Unlock()
			keys = d.ix.dueKeys(time.Now(), 4096, skip)
		}
		for _, k := range keys {
			mu.Lock()
			dup := busy[k]
			busy[k] = true
			mu.Unlock()
			if dup {
				continue
			}
			select {
			case work <- k:
			case <-d.ctx.Done():
				return
			}
		}
		if len(keys) > 0 {
			d.ix.poke() // more may be waiting
		}
	}
}

// republishOne publishes one held record and logs what it found. A node
// with an empty routing table (the first of a network, or cut off) tries
// again later without doing anything.
func (d *Driver) republishOne(k plugins.Key) {
	if !d.ix.stillDue(k, time.Now()) {
		return // another holder republished it meanwhile: our copy is fresh
	}
	if d.kad.RoutingTable().Size() == 0 {
		d.ix.retryAt(k, time.Now().Add(d.retryAfter()))
		return
	}
	v, ok, err := d.local(d.ctx, k)
	if err != nil || !ok {
		return // deleted or expired meanwhile
	}
	r, err := d.publish(d.ctx, k, v)
	if d.ctx.Err() != nil {
		return
	}
	now := time.Now()
	d.st.lastRepublish.Store(now.UnixNano())
	if err != nil {
		// Logged once a minute: a node without peers fails every record.
		if last := d.st.lastFailLog.Load(); now.UnixNano()-last > int64(time.Minute) && d.st.lastFailLog.CompareAndSwap(last, now.UnixNano()) {
			d.logger.Warn("publishing failed; will retry", "key", k.String(), "retry_in", d.retryAfter(), "err", err,
				"failed_so_far", d.st.publishFailed.Load())
		}
		return
	}
	if r.UnderReplicated() {
		d.logger.Warn("record under-replicated", "key", k.String(), "holders", r.Holders, "closest", r.Closest, "refused", r.Refused)
	}
}

// Report is what the driver holds and knows, in numbers.
type Report struct {
	// Ready: the node has joined the network; Joining says why not.
	Ready   bool
	Joining string
	// Peers is the routing table's size.
	Peers int
	// Records and Bytes are what the node holds; Whitelist how many keys
	// it allows.
	Records, Bytes int64
	Whitelist      int
	// UnderReplicated counts held records that fewer peers held than
	// should at their last publish by this node; Fewest/FewestOf is the
	// worst of them. Unpublished counts held records this node has not
	// published (it got them from peers, or has not yet).
	UnderReplicated, Unpublished int64
	Fewest, FewestOf             int
	// LastRepublish is when this node last published a record; Published
	// and PublishFailed count publishes since start.
	LastRepublish            time.Time
	Published, PublishFailed uint64
	// Gets by outcome since start: served from this node, found in the
	// network, not found, only invalid copies seen, failed.
	LocalHits, Found, NotFound, InvalidOnly, GetErrors uint64
	// Refused counts records this node's validator refused (from peers'
	// puts, lookups' answers and the host), by reason: bad_key,
	// too_large, bad_hash, not_allowed.
	Refused map[string]uint64
}

// Report returns the driver's numbers now.
func (d *Driver) Report() Report {
	s := d.ix.summary()
	r := Report{
		Joining: d.joinNote.Load().(string),
		Records: s.records, Bytes: s.bytes, Whitelist: d.val.allowed.len(),
		UnderReplicated: s.underReplicated, Unpublished: s.unknownReplicas,
		Fewest: s.fewest, FewestOf: s.fewestWanted,
		Published: d.st.published.Load(), PublishFailed: d.st.publishFailed.Load(),
		LocalHits: d.st.localHits.Load(), Found: d.st.found.Load(), NotFound: d.st.notFound.Load(),
		InvalidOnly: d.st.invalidOnly.Load(), GetErrors: d.st.getErrors.Load(),
		Refused: d.val.refusedCounts(),
	}
	select {
	case <-d.ready:
		r.Ready = true
	default:
	}
	if d.kad != nil {
		r.Peers = d.kad.RoutingTable().Size()
	}
	if t := d.st.lastRepublish.Load(); t > 0 {
		r.LastRepublish = time.Unix(0, t)
	}
	return r
}

// String is the report as one line, which Stat returns as its message.
func (r Report) String() string {
	var b strings.Builder
	if r.Ready {
		fmt.Fprintf(&b, "joined, %d peers in the routing table", r.Peers)
	} else {
		fmt.Fprintf(&b, "not joined yet (%s)", r.Joining)
	}
	fmt.Fprintf(&b, "; holds %d records (%d bytes), whitelist %d", r.Records, r.Bytes, r.Whitelist)
	if r.UnderReplicated > 0 {
		fmt.Fprintf(&b, "; %d under-replicated (fewest: %d of %d peers)", r.UnderReplicated, r.Fewest, r.FewestOf)
	}
	if r.Unpublished > 0 {
		fmt.Fprintf(&b, "; %d not published by this node", r.Unpublished)
	}
	if r.LastRepublish.IsZero() {
		b.WriteString("; never republished")
	} else {
		fmt.Fprintf(&b, "; last republish %s (%d published, %d failed)", r.LastRepublish.UTC().Format(time.RFC3339), r.Published, r.PublishFailed)
	}
	var ref []string
	for _, reason := range refusalReasons {
		if n := r.Refused[reason]; n > 0 {
			ref = append(ref, fmt.Sprintf("%s %d", reason, n))
		}
	}
	if len(ref) > 0 {
		fmt.Fprintf(&b, "; refused %s", strings.Join(ref, ", "))
	}
	return b.String()
}
