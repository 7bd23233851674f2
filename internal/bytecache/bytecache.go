// Package bytecache is a map bounded by the bytes of its values, for the
// mirror's caches of records and answers. It evicts with second chance (an
// approximation of least recently used): a hit only sets a flag under the
// read lock, so lookups from many goroutines do not contend on a list.
package bytecache

import (
	"container/list"
	"sync"
	"sync/atomic"
)

// Cache is the bounded map. It is safe for concurrent use.
type Cache[K comparable, V any] struct {
	mu    sync.RWMutex
	max   int64
	bytes int64
	lru   *list.List // of *entry[K, V], front = newest
	m     map[K]*list.Element
}

type entry[K comparable, V any] struct {
	key  K
	val  V
	size int64
	used atomic.Bool
}

// New returns a cache holding values of at most max bytes in all.
func New[K comparable, V any](max int64) *Cache[K, V] {
	return &Cache[K, V]{max: max, lru: list.New(), m: map[K]*list.Element{}}
}

// Get returns the value of k.
func (c *Cache[K, V]) Get(k K) (V, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	el := c.m[k]
	if el == nil {
		var zero V
		return zero, false
	}
	e := el.Value.(*entry[K, V])
	if !e.used.Load() {
		e.used.Store(true)
	}
	return e.val, true
}

// Put stores v, counted as size bytes, under k. A value larger than the
// whole cache is not kept (and k's older value, if any, is dropped). The
// entry put is never the one evicted to make room for it.
func (c *Cache[K, V]) Put(k K, v V, size int64) {
	if size > c.max {
		c.Delete(k)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	put := c.m[k]
	if put != nil {
		e := put.Value.(*entry[K, V])
		c.bytes += size - e.size
		e.val, e.size = v, size
		c.lru.MoveToFront(put)
	} else {
		put = c.lru.PushFront(&entry[K, V]{key: k, val: v, size: size})
		c.m[k] = put
		c.bytes += size
	}
	for c.bytes > c.max {
		el := c.lru.Back()
		e := el.Value.(*entry[K, V])
		// A used entry gets its second chance, and the one put waits at
		// the front while the others pass: entries that had their chance
		// move ahead of it, so it can reach the back. Since it fits, the
		// loop ends before only it is left.
		if el == put || e.used.Load() {
			e.used.Store(false)
			c.lru.MoveToFront(el)
			continue
		}
		c.lru.Remove(el)
		delete(c.m, e.key)
		c.bytes -= e.size
	}
}

// Delete removes k.
func (c *Cache[K, V]) Delete(k K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el := c.m[k]; el != nil {
		c.bytes -= el.Value.(*entry[K, V]).size
		c.lru.Remove(el)
		delete(c.m, k)
	}
}

// Stats returns the entry count and the bytes held.
func (c *Cache[K, V]) Stats() (int, int64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m), c.bytes
}
