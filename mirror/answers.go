package mirror

import (
	"context"
	"fmt"

	"github.com/zonemirror/zonemirror/namedb"
)

type answerKey struct {
	name, kind string
}

// Answer is a ready answer about a name, kept while the name's stamp
// stays the same (a subdomain's: while the subdomain generation does).
type Answer struct {
	Stamp namedb.NameStamp
	Gen   uint64
	// Body is the encoded answer and Status its HTTP status.
	Body   []byte
	Status int
	// ContentType of Body; ETag is tied to the block that last changed the
	// name and to its standing.
	ContentType, ETag string
	// Location is a redirect's target.
	Location string
}

// Builder makes an answer of one kind from a name's current record. It
// says whether the answer may be cached: an answer that depends on more
// than the record (a zone file not fetched yet) may not.
type Builder func(ctx context.Context, info *namedb.NameInfo) (a *Answer, cacheable bool, err error)

// Answer returns name's answer of kind: the cached one while the name's
// stamp is unchanged, else a new one from build. It returns nil for a name
// never created.
func (m *Mirror) Answer(ctx context.Context, name, kind string, build Builder) (*Answer, error) {
	st, ok := m.names.NameStamp(name)
	if !ok {
		return nil, nil
	}
	k := answerKey{name, kind}
	if a, ok := m.answers.Get(k); ok && a.Stamp == st {
		return a, nil
	}
	// The record read now is at least as new as st; if a block lands in
	// between, the next lookup sees a newer stamp and builds again.
	info, err := m.names.Name(ctx, name)
	if err != nil {
		return nil, err
	}
	if info == nil {
		return nil, nil
	}
	a, cacheable, err := build(ctx, info)
	if err != nil || a == nil {
		return a, err
	}
	a.Stamp = st
	a.ETag = fmt.Sprintf(`W/"%s-%d-%s"`, kind, st.Changed, st.Status)
	if cacheable {
		m.answers.Put(k, a, int64(len(a.Body)+len(name))+256)
	}
	return a, nil
}

// NameZonefile returns the verified zone file of a name's record, or an
// *Absence saying why there is none.
func (m *Mirror) NameZonefile(ctx context.Context, info *namedb.NameInfo) ([]byte, error) {
	if info.Record.ValueHash == nil {
		return nil, &Absence{Reason: ReasonNoZonefile}
	}
	return m.Zonefile(ctx, *info.Record.ValueHash)
}

// SubdomainBuilder makes an answer of one kind about a subdomain from its
// current record (nil if it does not exist).
type SubdomainBuilder func(ctx context.Context, fqn string, rec *namedb.SubdomainRecord) (a *Answer, cacheable bool, err error)

// SubdomainAnswer returns fqn's answer of kind: the cached one while no
// subdomain state changed, else a new one from build.
func (m *Mirror) SubdomainAnswer(ctx context.Context, fqn, kind string, build SubdomainBuilder) (*Answer, error) {
	gen := m.names.SubdomainGen()
	k := answerKey{fqn, "subdomain-" + kind}
	if a, ok := m.answers.Get(k); ok && a.Gen == gen {
		return a, nil
	}
	rec, err := m.names.Subdomain(ctx, fqn)
	if err != nil {
		return nil, err
	}
	a, cacheable, err := build(ctx, fqn, rec)
	if err != nil || a == nil {
		return a, err
	}
	a.Gen = gen
	a.ETag = fmt.Sprintf(`W/"subdomain-%s-%d"`, kind, gen)
	if cacheable {
		m.answers.Put(k, a, int64(len(a.Body)+len(fqn))+256)
	}
	return a, nil
}
