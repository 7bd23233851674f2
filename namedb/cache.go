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

// recordMemory approximates the memory a decoded record takes in the
// cache: its structs, the cache's entry, and the bytes its strings and
// slices point at.
func recordMemory(s *storedName) int64 {
	const fixed = 512 // NameRecord, storedName, the entry, the optional hashes
	r := s.NameRecord
	n := len(r.Name) + len(r.NamespaceID) + len(r.Sender) + len(r.SenderPubkey) + len(r.Address) +
		len(r.TxID) + len(r.Importer)
	if r.ImporterAddress != nil {
		n += len(*r.ImporterAddress)
	}
	return int64(fixed + n)
}

func newRecordCache(maxBytes int64) *recordCache {
	return &recordCache{c: bytecache.New[string, *storedName](maxBytes)}
}

func (c *recordCache) get(name string) (*storedName, bool) { return c.c.Get(name) }

// put stores s as name's record.
func (c *recordCache) put(name string, s *storedName) {
	c.c.Put(name, s, recordMemory(s))
}

func (c *recordCache) drop(name string) { c.c.Delete(name) }
