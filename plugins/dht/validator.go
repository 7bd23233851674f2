package dht

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/zonemirror/zonemirror/plugins"
)

// Namespace is the record namespace of zone files in the DHT: a record's
// DHT key is "/zf/" followed by the 40 lowercase hex characters of its
// hash160.
const Namespace = "zf"

const keyPrefix = "/" + Namespace + "/"

// recordKey returns the DHT key of k.
func recordKey(k plugins.Key) string { return keyPrefix + k.String() }

// parseRecordKey reads a DHT key of our namespace.
func parseRecordKey(s string) (plugins.Key, error) {
	rest, ok := strings.CutPrefix(s, keyPrefix)
	if !ok {
		return plugins.Key{}, fmt.Errorf("%w: DHT key is not in the /%s/ namespace", plugins.ErrBadKey, Namespace)
	}
	return plugins.ParseKey(rest)
}

// Reasons a record is refused, as counted in Stats.Refused.
const (
	RefusedBadKey     = "bad_key"     // not /zf/<40 lowercase hex>
	RefusedTooLarge   = "too_large"   // over max_value_bytes
	RefusedBadHash    = "bad_hash"    // hash160(value) is not the key
	RefusedNotAllowed = "not_allowed" // the key is not on the whitelist
)

var refusalReasons = []string{RefusedBadKey, RefusedTooLarge, RefusedBadHash, RefusedNotAllowed}

// validator is the record validator kad-dht runs on every record it stores
// (a put from a peer, a local put) and every record a lookup receives. It
// accepts a value only if its key is /zf/<hex of a 20-byte key>, it is at
// most maxValue bytes, it hashes to its key, and the key is on the
// whitelist. Values are content-addressed, so two valid values of one key
// are the same bytes and Select has nothing to choose.
type validator struct {
	maxValue int
	allowed  *allowSet
	refused  [4]atomic.Uint64 // by refusalReasons index
	// watch counts refusals per key while lookups of that key run, so a
	// Get can tell "only invalid copies seen" from "nothing found".
	mu    sync.Mutex
	watch map[string]*watch
}

type watch struct {
	refs    int
	invalid atomic.Int64
}

func (v *validator) refuse(key string, reason int, err error) error {
	v.refused[reason].Add(1)
	v.mu.Lock()
	w := v.watch[key]
	v.mu.Unlock()
	if w != nil {
		w.invalid.Add(1)
	}
	return err
}

// startWatch starts counting the refusals of key; stopWatch returns how
// many there were since.
func (v *validator) startWatch(key string) *watch {
	v.mu.Lock()
	defer v.mu.Unlock()
	w := v.watch[key]
	if w == nil {
		w = &watch{}
		v.watch[key] = w
	}
	w.refs++
	return w
}

func (v *validator) stopWatch(key string, w *watch) int64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	if w.refs--; w.refs == 0 {
		delete(v.watch, key)
	}
	return w.invalid.Load()
}

// Validate implements record.Validator.
func (v *validator) Validate(key string, value []byte) error {
	k, err := parseRecordKey(key)
	if err != nil {
		return v.refuse(key, 0, err)
	}
	if len(value) > v.maxValue {
		return v.refuse(key, 1, fmt.Errorf("%w: %d bytes, the limit is %d", plugins.ErrTooLarge, len(value), v.maxValue))
	}
	if h := plugins.SumKey(value); h != k {
		return v.refuse(key, 2, fmt.Errorf("%w: key %s, value hashes to %s", plugins.ErrBadValue, k, h))
	}
	if !v.allowed.has(k) {
		return v.refuse(key, 3, fmt.Errorf("%w: %s is not whitelisted on this node", plugins.ErrNotAllowed, k))
	}
	return nil
}

// Select implements record.Validator: every valid value of a key is the
// same bytes, so the first is as good as any.
func (v *validator) Select(key string, values [][]byte) (int, error) {
	if len(values) == 0 {
		return 0, errors.New("no values to select from")
	}
	return 0, nil
}

// refusedCounts returns the refusals so far by reason.
func (v *validator) refusedCounts() map[string]uint64 {
	m := make(map[string]uint64, len(refusalReasons))
	for i, r := range refusalReasons {
		m[r] = v.refused[i].Load()
	}
	return m
}

// allowSet is the node's whitelist in memory (it is also persisted, see
// store.go). Safe for concurrent use.
type allowSet struct {
	mu   sync.RWMutex
	keys map[plugins.Key]struct{}
}

func newAllowSet() *allowSet { return &allowSet{keys: map[plugins.Key]struct{}{}} }

func (a *allowSet) has(k plugins.Key) bool {
	a.mu.RLock()
	defer a.mu.RUnlock()
	_, ok := a.keys[k]
	return ok
}

// add adds keys and returns those that were new.
func (a *allowSet) add(keys []plugins.Key) []plugins.Key {
	a.mu.Lock()
	defer a.mu.Unlock()
	var fresh []plugins.Key
	for _, k := range keys {
		if _, ok := a.keys[k]; !ok {
			a.keys[k] = struct{}{}
			fresh = append(fresh, k)
		}
	}
	return fresh
}

func (a *allowSet) len() int {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return len(a.keys)
}
