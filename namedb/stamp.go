package namedb

import (
	"bytes"
	"context"
	"fmt"
)

// NameStamp is everything a name's answers depend on besides its record,
// read from memory: the mirror caches an answer with its stamp and reuses
// it while the stamp stays the same.
type NameStamp struct {
	// Version changes whenever a commit or a rewind changes the name
	// (unique within the process's lifetime).
	Version uint64
	// Changed is the block that last changed the name (what an ETag is
	// tied to; it survives restarts, Version does not).
	Changed int64
	// Status, ExpireBlock, RenewalDeadline and GracePeriod are the name's
	// standing at the tip, as in NameInfo.
	Status          string
	ExpireBlock     int64
	RenewalDeadline int64
	GracePeriod     bool
}

// NameStamp returns name's stamp; ok is false if the name was never
// created.
func (db *DB) NameStamp(name string) (NameStamp, bool) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	e := db.idx.names[name]
	if e == nil {
		return NameStamp{}, false
	}
	st := NameStamp{Version: e.version, Changed: e.changed}
	st.Status, st.ExpireBlock, st.RenewalDeadline, st.GracePeriod = db.standing(e.namespaceID, e.firstRegistered, e.lastRenewed, e.revoked,
		db.net.FirstBlock-1+int64(len(db.chs)), db.namespaces)
	return st, true
}

// standing is a name's status and deadlines at tip (PROTOCOL.md §7.3).
func (db *DB) standing(namespaceID string, firstRegistered, lastRenewed int64, revoked bool, tip int64,
	namespaces map[string]*storedNamespace) (status string, expire, renewal int64, grace bool) {
	status = StatusExpired
	if aliveIn(db.net, namespaces, namespaceID, firstRegistered, lastRenewed, tip) {
		status = StatusRegistered
		if revoked {
			status = StatusRevoked
		}
	}
	if ns := namespaces[namespaceID]; ns != nil && ns.Ready && ns.Lifetime != InfiniteLifetime {
		expire, renewal, _ = nameDeadlines(db.net, ns.Namespace, &NameRecord{LastRenewed: lastRenewed}, tip)
		grace = status != StatusExpired && tip >= expire && tip < renewal
	}
	return status, expire, renewal, grace
}

// NameDID returns name's decentralized identifier, as the original forms
// it: did:stack:v0:ADDRESS-INDEX, where ADDRESS created the name (its
// registration's new owner, or its first import's) and INDEX counts the
// names ADDRESS created before it. ok is false for a name never created.
func (db *DB) NameDID(_ context.Context, name string) (string, bool, error) {
	v, ok, err := db.get(createdKey(name))
	if err != nil || !ok {
		return "", false, err
	}
	if len(v) < 12 {
		return "", false, corrupt("creation", createdKey(name))
	}
	addr := string(v[12:])
	last := creationKey(addr, int64(beUint(v[:8])), int(beUint(v[8:12])))
	index := -1
	err = db.scan(creationPrefix(addr), nil, func(k, _ []byte) (bool, error) {
		if bytes.Compare(k, last) > 0 {
			return false, nil
		}
		index++
		return true, nil
	})
	if err != nil {
		return "", false, fmt.Errorf("DID of %s: %w", name, err)
	}
	return fmt.Sprintf("did:stack:v0:%s-%d", addr, index), true, nil
}

// NameOfDID is the original's get_DID_name, the reverse of NameDID: the
// name that addr created index-th (from 0, in chain order) and its record
// after the last operation of the life that creation began, which ends
// where the name is preordered again. nil when addr created fewer names,
// or when the name was revoked in that life.
func (db *DB) NameOfDID(_ context.Context, addr string, index int) (*NameRecord, error) {
	if index < 0 {
		return nil, nil
	}
	var name string
	var from []byte
	n := 0
	prefix := creationPrefix(addr)
	err := db.scan(prefix, nil, func(k, v []byte) (bool, error) {
		if n < index {
			n++
			return true, nil
		}
		if len(k) != len(prefix)+12 {
			return false, corrupt("creation", k)
		}
		name = string(v)
		from = historyKey(name, int64(beUint(k[len(prefix):len(prefix)+8])), int(beUint(k[len(prefix)+8:])))
		return false, nil
	})
	if err != nil || name == "" {
		return nil, err
	}
	var last *NameRecord
	revoked := false
	err = db.scan(historyPrefix(name), from, func(k, v []byte) (bool, error) {
		if len(v) < 1 {
			return false, corrupt("history row", k)
		}
		if v[0] != 1 {
			return false, nil // a preorder: the name's next life
		}
		s, err := decodeNameRecord(k, v[1:])
		if err != nil {
			return false, err
		}
		if s.Revoked {
			revoked = true
			return false, nil
		}
		last = s.NameRecord
		return true, nil
	})
	if err != nil {
		return nil, fmt.Errorf("name of did:stack:v0:%s-%d: %w", addr, index, err)
	}
	if revoked {
		return nil, nil
	}
	return last, nil
}
