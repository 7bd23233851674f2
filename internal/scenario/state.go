package scenario

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// The questions a scenario's check() asked the original's state engine
// (BlockstackDB, nameset/namedb.py), answered by namedb as of the last
// block, with the original's meaning. Records come back as Rec, the
// original's dicts.

// Rec is a record as the original's state engine returned it: the name,
// namespace or preorder record's fields by their names.
type Rec map[string]any

// S returns a string field ("" for null).
func (r Rec) S(field string) string {
	v, ok := r[field]
	if !ok {
		panic(fmt.Sprintf("scenario: record has no field %q: %v", field, r))
	}
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	panic(fmt.Sprintf("scenario: field %q is %T, not a string", field, v))
}

// I returns an integer field (an op_fee float is truncated).
func (r Rec) I(field string) int64 {
	v, ok := r[field]
	if !ok {
		panic(fmt.Sprintf("scenario: record has no field %q: %v", field, r))
	}
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return int64(f)
	case float64:
		return int64(x)
	}
	panic(fmt.Sprintf("scenario: field %q is %T, not a number", field, v))
}

// F returns a number field as a float.
func (r Rec) F(field string) float64 {
	v, ok := r[field].(json.Number)
	if !ok {
		panic(fmt.Sprintf("scenario: field %q is %T, not a number", field, r[field]))
	}
	f, _ := v.Float64()
	return f
}

// IsFloat reports whether a number field is a float in the original's
// JSON (an imported name's op_fee).
func (r Rec) IsFloat(field string) bool {
	v, ok := r[field].(json.Number)
	if !ok {
		return false
	}
	_, err := v.Int64()
	return err != nil || containsAny(string(v), ".eE")
}

// B returns a boolean field.
func (r Rec) B(field string) bool {
	b, ok := r[field].(bool)
	if !ok {
		panic(fmt.Sprintf("scenario: field %q is %T, not a bool", field, r[field]))
	}
	return b
}

// Null reports whether a field is null (None).
func (r Rec) Null(field string) bool {
	v, ok := r[field]
	return !ok || v == nil
}

func containsAny(s, chars string) bool {
	for _, c := range s {
		for _, d := range chars {
			if c == d {
				return true
			}
		}
	}
	return false
}

func recOf(v any) Rec {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return recOfJSON(b)
}

func recOfJSON(b []byte) Rec {
	d := json.NewDecoder(bytesReader(b))
	d.UseNumber()
	r := Rec{}
	if err := d.Decode(&r); err != nil {
		panic(fmt.Sprintf("scenario: record %s: %v", b, err))
	}
	return r
}

// nameInfo returns namedb's answer for name (nil if never created).
func (s *S) nameInfo(name string) *namedb.NameInfo {
	s.t.Helper()
	info, err := s.DB.Name(s.ctx, name)
	if err != nil {
		s.t.Fatalf("scenario: name %s: %v", name, err)
	}
	return info
}

// GetName is state_engine.get_name(name): the name's record if it exists
// at the last block — registered and not expired, revoked or not; nil
// otherwise.
func (s *S) GetName(name string) Rec {
	s.t.Helper()
	info := s.nameInfo(name)
	if info == nil || info.Status == namedb.StatusExpired {
		return nil
	}
	return recOf(info.Record)
}

// GetNameIncludeExpired is state_engine.get_name(name,
// include_expired=True): the name's last record, expired or not.
func (s *S) GetNameIncludeExpired(name string) Rec {
	s.t.Helper()
	info := s.nameInfo(name)
	if info == nil {
		return nil
	}
	return recOf(info.Record)
}

// IsNameRegistered is state_engine.is_name_registered: the name exists,
// is not expired and is not revoked.
func (s *S) IsNameRegistered(name string) bool {
	s.t.Helper()
	info := s.nameInfo(name)
	return info != nil && info.Status == namedb.StatusRegistered
}

// IsNameRevoked is state_engine.is_name_revoked.
func (s *S) IsNameRevoked(name string) bool {
	s.t.Helper()
	info := s.nameInfo(name)
	return info != nil && info.Status == namedb.StatusRevoked
}

// NameStanding is the name's status and deadlines as the API shows them
// (whois): "registered", "revoked" or "expired", expire_block and
// renewal_deadline.
func (s *S) NameStanding(name string) (status string, expireBlock, renewalDeadline int64) {
	s.t.Helper()
	info := s.nameInfo(name)
	if info == nil {
		return "", 0, 0
	}
	return info.Status, info.ExpireBlock, info.RenewalDeadline
}

// GetNamespace is state_engine.get_namespace(id): the namespace if it is
// ready.
func (s *S) GetNamespace(id string) Rec {
	ns, ok := s.DB.Namespace(id)
	if !ok || !ns.Ready {
		return nil
	}
	return recOf(ns)
}

// GetNamespaceReveal is state_engine.get_namespace_reveal(id): the
// namespace if it is revealed, not ready and its reveal not expired.
func (s *S) GetNamespaceReveal(id string) Rec {
	ns, ok := s.DB.Namespace(id)
	if !ok || ns.Ready {
		return nil
	}
	cur := s.GetCurrentBlock()
	if ns.RevealBlock <= cur && cur < ns.RevealBlock+s.Net.NamespaceRevealExpire {
		return recOf(ns)
	}
	return nil
}

// GetNamePreorder is state_engine.get_name_preorder(name, sender_script,
// register_addr): the pending preorder of name by that sender for that
// recipient, or nil — also nil while the name is registered, when its
// namespace is not ready, or when the preorder is older than a lifetime.
func (s *S) GetNamePreorder(name, senderScriptHex, registerAddr string) Rec {
	s.t.Helper()
	if s.GetName(name) != nil {
		return nil
	}
	return s.GetNamePreorderIncludeFailed(name, senderScriptHex, registerAddr)
}

// GetNamePreorderIncludeFailed is state_engine.get_name_preorder(...,
// include_failed=True): as GetNamePreorder, also while the name is
// registered.
func (s *S) GetNamePreorderIncludeFailed(name, senderScriptHex, registerAddr string) Rec {
	s.t.Helper()
	_, nsID, err := wire.SplitName(name)
	if err != nil {
		return nil
	}
	ns := s.GetNamespace(nsID)
	if ns == nil {
		return nil
	}
	script, err := hex.DecodeString(senderScriptHex)
	if err != nil {
		s.t.Fatalf("scenario: sender script %q: %v", senderScriptHex, err)
	}
	h, err := wire.PreorderHash(name, script, AddrReencode(registerAddr))
	if err != nil {
		return nil
	}
	p, err := s.DB.PendingPreorder(s.ctx, h, false)
	if err != nil {
		s.t.Fatalf("scenario: preorder %s: %v", h, err)
	}
	if p == nil {
		return nil
	}
	last := s.GetCurrentBlock()
	if p.BlockNumber+ns.I("lifetime")*s.Net.EpochAt(last).LifetimeMultiplier <= last {
		return nil // too old
	}
	return recOf(p)
}

// GetNamespacePreorder is state_engine.get_namespace_preorder(hash).
func (s *S) GetNamespacePreorder(hash string) Rec {
	s.t.Helper()
	p, err := s.DB.PendingPreorder(s.ctx, mustHash160(hash), true)
	if err != nil {
		s.t.Fatalf("scenario: namespace preorder %s: %v", hash, err)
	}
	if p == nil {
		return nil
	}
	return recOf(p)
}

// NamespacePreorderHash is hash_name(id, sender_script, reveal_addr) (the
// original's get_namespace_preorder takes the hash).
func NamespacePreorderHash(id string, sender *W, revealAddr string) string {
	h, err := wire.PreorderHash(id, sender.Script, AddrReencode(revealAddr))
	if err != nil {
		panic(err)
	}
	return h.String()
}

// GetNameHistory is the name's history: every record at every block,
// oldest first (the preorder that led to a registration at its own
// block).
func (s *S) GetNameHistory(name string) map[int64][]Rec {
	s.t.Helper()
	hist, err := s.DB.NameHistory(s.ctx, name)
	if err != nil {
		s.t.Fatalf("scenario: history of %s: %v", name, err)
	}
	out := map[int64][]Rec{}
	for h, recs := range hist {
		for _, r := range recs {
			out[h] = append(out[h], recOfJSON(r))
		}
	}
	return out
}

// GetNameAt is state_engine.get_name_at(name, block): the states the name
// was in at block h — the records written in block h, newest first (its
// preorder too, at the preorder's block), or else its last record before
// h — and nil if the name did not exist yet or (unless includeExpired) its
// current record has it expired at h.
func (s *S) GetNameAt(name string, h int64, includeExpired ...bool) []Rec {
	s.t.Helper()
	if len(includeExpired) == 0 || !includeExpired[0] {
		cur := s.GetNameIncludeExpired(name)
		if cur == nil || !s.aliveAt(cur, h, false) {
			return nil
		}
	}
	hist := s.GetNameHistory(name)
	return statesAt(hist, h)
}

// aliveAt is the original's unexpired-name predicate
// (namedb_select_where_unexpired_names) for a name record at block h,
// joined with the namespace as it is now; onlyRegistered also asks that
// the name was registered by h.
func (s *S) aliveAt(rec Rec, h int64, onlyRegistered bool) bool {
	ns, ok := s.DB.Namespace(rec.S("namespace_id"))
	if !ok {
		return false
	}
	if onlyRegistered && rec.I("first_registered") > h {
		return false
	}
	if ns.Ready {
		ep := s.Net.EpochAt(h)
		span := int64(ns.Lifetime)*ep.LifetimeMultiplier + ep.GracePeriod
		return ns.ReadyBlock+span > h || rec.I("last_renewed")+span >= h
	}
	return ns.RevealBlock <= h && h < ns.RevealBlock+s.Net.NamespaceRevealExpire
}

// IsNameExpired is state_engine.is_name_expired(name, block): true unless
// the name exists at block h (registered by then and not expired).
func (s *S) IsNameExpired(name string, h int64) bool {
	s.t.Helper()
	rec := s.GetNameIncludeExpired(name)
	return rec == nil || !s.aliveAt(rec, h, true)
}

// GetNamespaceAt is state_engine.get_namespace_at(id, block): the
// namespace's records written in block h (its preorder, reveal, ready),
// newest first, or else its last before h; nil if it did not exist yet.
// They are read from the operations of each block.
func (s *S) GetNamespaceAt(id string, h int64) []Rec {
	s.t.Helper()
	hist := map[int64][]Rec{}
	preorders := map[string]bool{}
	for b := s.Net.FirstBlock; b <= s.GetCurrentBlock(); b++ {
		for _, op := range s.BlockOps(b) {
			if (op.S("op") == "&" || op.S("op") == "!") && op.S("namespace_id") == id {
				hist[b] = append(hist[b], op)
				preorders[op.S("preorder_hash")] = true
			}
		}
	}
	for b := s.Net.FirstBlock; b <= s.GetCurrentBlock(); b++ {
		for _, op := range s.BlockOps(b) {
			if op.S("op") == "*" && preorders[op.S("preorder_hash")] {
				hist[b] = append([]Rec{op}, hist[b]...)
			}
		}
	}
	return statesAt(hist, h)
}

// LastBlock is state_engine.lastblock: the last block processed.
func (s *S) LastBlock() int64 { return s.GetCurrentBlock() }

// NamesOwnedBy is the names an address owns now (the API's
// /v1/addresses/bitcoin/ADDR).
func (s *S) NamesOwnedBy(addr string) []string {
	s.t.Helper()
	names, err := s.DB.NamesOwnedBy(s.ctx, AddrReencode(addr))
	if err != nil {
		s.t.Fatalf("scenario: names of %s: %v", addr, err)
	}
	return names
}

// BlockOps is the accepted operations of block h, in block order.
func (s *S) BlockOps(h int64) []Rec {
	s.t.Helper()
	ops, err := s.DB.BlockOps(s.ctx, h)
	if err != nil {
		s.t.Fatalf("scenario: operations of %d: %v", h, err)
	}
	var out []Rec
	for _, o := range ops {
		out = append(out, recOfJSON(o))
	}
	return out
}

// TxStatus is the status of a transaction the scenario sent: "accepted",
// "rejected" (with the reason), or "" when namedb never saw it as an
// operation (the original's "ignored").
func (s *S) TxStatus(sent *Sent) (status, reason string) {
	s.t.Helper()
	st, err := s.DB.Tx(s.ctx, sent.TxID)
	if err != nil {
		s.t.Fatalf("scenario: transaction %s: %v", sent.TxID, err)
	}
	if st == nil {
		return "", ""
	}
	return st.Status, st.Code + ": " + st.Reason
}

// Accepted fails the test unless every given operation was accepted.
func (s *S) Accepted(sent ...*Sent) {
	s.t.Helper()
	for _, x := range sent {
		if st, why := s.TxStatus(x); st != "accepted" {
			s.t.Errorf("operation %s: %q (%s), want accepted", x.TxID, st, why)
		}
	}
}

// Rejected fails the test unless every given operation was refused (by
// the rules, or as no operation at all).
func (s *S) Rejected(sent ...*Sent) {
	s.t.Helper()
	for _, x := range sent {
		if st, _ := s.TxStatus(x); st == "accepted" {
			s.t.Errorf("operation %s was accepted, want refused", x.TxID)
		}
	}
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

// jsonInt is an integer as a Rec holds numbers.
func jsonInt(v int64) json.Number { return json.Number(strconv.FormatInt(v, 10)) }

// statesAt is the original's namedb_get_record_states_at over a history
// by block: the records of block h, newest first, or else the last record
// before h; nil if there is none.
func statesAt(hist map[int64][]Rec, h int64) []Rec {
	if recs := hist[h]; len(recs) > 0 {
		out := make([]Rec, len(recs))
		for i, r := range recs {
			out[len(recs)-1-i] = r
		}
		return out
	}
	best := int64(-1)
	for k := range hist {
		if k < h && k > best {
			best = k
		}
	}
	if best < 0 {
		return nil
	}
	recs := hist[best]
	return recs[len(recs)-1:]
}
