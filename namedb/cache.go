package namedb

import "github.com/zonemirror/zonemirror/internal/bytecache"

// recordCache keeps decoded name records, bounded in bytes: a hot name is
// answered without the store or JSON. Records change only when a block
// commits or a rewind runs, and both update or drop the entries of the
// names they touch, so an entry is never stale. Eviction is bytecache's
// second chance.
type recordCache struct {
	c *bytecache.Cache[string, *storedName]
}

// cacheOverhead approximates the memory of an entry beyond its JSON size.
const cacheOverhead = 256

func newRecordCache(maxBytes int64) *recordCache {
	return &recordCache{c: bytecache.New[string, *storedName](maxBytes)}
}

func (c *recordCache) get(name string) (*storedName, bool) { return c.c.Get(name) }

// put stores s (whose JSON form is jsonSize bytes) as name's record.
func (c *recordCache) put(name string, s *storedName, jsonSize int) {
	c.c.Put(name, s, int64(jsonSize)+cacheOverhead)
}

func (c *recordCache) drop(name string) { c.c.Delete(name) }
