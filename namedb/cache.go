package namedb

import (
	"container/list"
	"sync"
	"sync/atomic"
)

// recordCache keeps decoded name records, bounded in bytes: a hot name is
// answered without SQLite or JSON. Records change only when a block commits
// or a rewind runs, and both update or drop the entries of the names they
// touch, so an entry is never stale.
//
// Eviction is second chance (CLOCK), an approximation of least recently
// used: a hit only sets the entry's flag under the read lock, so lookups
// from many goroutines do not serialize on the list; the evictor skips
// (and clears) flagged entries once.
type recordCache struct {
	mu    sync.RWMutex
	max   int64
	bytes int64
	lru   *list.List // of *cacheEntry, front = newest
	m     map[string]*list.Element
}

type cacheEntry struct {
	name string
	s    *storedName
	size int64
	used atomic.Bool
}

// cacheOverhead approximates the memory of an entry beyond its JSON size.
const cacheOverhead = 256

func newRecordCache(maxBytes int64) *recordCache {
	return &recordCache{max: maxBytes, lru: list.New(), m: map[string]*list.Element{}}
}

func (c *recordCache) get(name string) (*storedName, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	el := c.m[name]
	if el == nil {
		return nil, false
	}
	e := el.Value.(*cacheEntry)
	if !e.used.Load() {
		e.used.Store(true)
	}
	return e.s, true
}

// put stores s (whose JSON form is jsonSize bytes) as name's record.
func (c *recordCache) put(name string, s *storedName, jsonSize int) {
	size := int64(jsonSize) + cacheOverhead
	if size > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el := c.m[name]; el != nil {
		e := el.Value.(*cacheEntry)
		c.bytes += size - e.size
		e.s, e.size = s, size
		c.lru.MoveToFront(el)
	} else {
		c.m[name] = c.lru.PushFront(&cacheEntry{name: name, s: s, size: size})
		c.bytes += size
	}
	for c.bytes > c.max {
		el := c.lru.Back()
		e := el.Value.(*cacheEntry)
		if e.used.Load() && el != c.lru.Front() {
			e.used.Store(false)
			c.lru.MoveToFront(el)
			continue
		}
		c.lru.Remove(el)
		delete(c.m, e.name)
		c.bytes -= e.size
	}
}

func (c *recordCache) drop(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el := c.m[name]; el != nil {
		c.bytes -= el.Value.(*cacheEntry).size
		c.lru.Remove(el)
		delete(c.m, name)
	}
}
