package scenario

import (
	"math"

	btcwire "github.com/btcsuite/btcd/wire/v2"

	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// What the original's client (blockstack-cli in test mode) and node API
// answered, from namedb: the parts of whois, get_blockchain_record, the
// price queries and balances that scenarios assert.

// Whois is testlib.blockstack_cli_whois(name): the node's /v1/names/NAME
// (the name's last record, expired or not, with expire_block and
// renewal_deadline at the last block, -1 when the name does not expire or
// its namespace is not ready) and, as the CLI's test mode adds them,
// owner_address, owner_script, last_transaction_height and
// block_renewed_at. {"error": "Name not found"} for a name never created
// and once renewal_deadline has passed (the node answers 404 then, which
// the client reports as not found).
func (s *S) Whois(name string) Rec {
	s.t.Helper()
	rec := s.GetNameBlockchainRecord(name)
	if rec == nil {
		return Rec{"error": "Name not found"}
	}
	if d := rec.I("renewal_deadline"); d > 0 && d <= s.GetCurrentBlock() {
		return Rec{"error": "Name not found"}
	}
	out := Rec{
		"status": "registered", "address": rec["address"], "owner_address": rec["address"],
		"owner_script": rec["sender"], "zonefile_hash": rec["value_hash"], "last_txid": rec["txid"],
		"expire_block": rec["expire_block"], "renewal_deadline": rec["renewal_deadline"],
	}
	if rec.B("revoked") {
		out["status"] = "revoked"
	}
	hist := s.GetNameHistory(name)
	last := int64(-1)
	for h := range hist {
		last = max(last, h)
	}
	out["last_transaction_height"] = jsonInt(last)
	recs := hist[last]
	if r := recs[len(recs)-1]; !r.Null("last_renewed") {
		out["block_renewed_at"] = r["last_renewed"]
	}
	return out
}

// GetNameBlockchainRecord is testlib.get_name_blockchain_record(name): the
// node's full record of the name (expired or not) with expire_block,
// renewal_deadline (-1 when the name does not expire or its namespace is
// not ready) and expired; nil for a name never created.
func (s *S) GetNameBlockchainRecord(name string) Rec {
	s.t.Helper()
	info := s.nameInfo(name)
	if info == nil {
		return nil
	}
	rec := recOf(info.Record)
	expire, deadline := int64(-1), int64(-1)
	if ns, ok := s.DB.Namespace(info.Record.NamespaceID); ok && ns.Ready && ns.Lifetime != namedb.InfiniteLifetime {
		expire, deadline = info.ExpireBlock, info.RenewalDeadline
	}
	rec["expire_block"], rec["renewal_deadline"] = jsonInt(expire), jsonInt(deadline)
	rec["expired"] = expire > 0 && expire <= s.GetCurrentBlock()
	return rec
}

// GetNamespaceBlockchainRecord is
// testlib.blockstack_cli_get_namespace_blockchain_record(id): the
// namespace, ready or revealed; nil if there is none.
func (s *S) GetNamespaceBlockchainRecord(id string) Rec {
	if r := s.GetNamespace(id); r != nil {
		return r
	}
	return s.GetNamespaceReveal(id)
}

// NameCost is testlib.blockstack_get_name_cost(name): the node's price of
// the name at its last block, rounded up (satoshis).
func (s *S) NameCost(name string) int64 {
	s.t.Helper()
	label, nsID, err := wire.SplitName(name)
	if err != nil {
		s.t.Fatalf("scenario: price of %s: %v", name, err)
	}
	ns, ok := s.DB.Namespace(nsID)
	if !ok {
		s.t.Fatalf("scenario: price of %s: no namespace %s", name, nsID)
	}
	f := &netparams.PriceFunction{Coeff: ns.Coeff, Base: ns.Base, NonalphaDiscount: ns.NonalphaDiscount, NoVowelDiscount: ns.NoVowelDiscount, Version: ns.Version}
	for i := range f.Buckets {
		if i < len(ns.Buckets) {
			f.Buckets[i] = uint8(ns.Buckets[i])
		}
	}
	p := netparams.NamePrice(s.Net, s.Net.EpochAt(s.GetCurrentBlock()), f, label)
	if p.IsInt {
		return p.Int
	}
	return int64(math.Ceil(p.Float))
}

// NamespaceCost is the node's price of a namespace id at its last block.
func (s *S) NamespaceCost(id string) int64 {
	s.t.Helper()
	p, ok := netparams.NamespacePrice(s.Net.EpochAt(s.GetCurrentBlock()), id)
	if !ok {
		s.t.Fatalf("scenario: namespace %q has no price", id)
	}
	return p
}

// Balance is testlib.get_balance(addr): the value of the address's
// unspent outputs, counting every transaction the harness has made
// (mined or queued).
func (s *S) Balance(addr string) int64 {
	script := string(scriptOf(AddrReencode(addr)))
	var n int64
	for _, o := range s.ledger {
		if string(o.PkScript) == script {
			n += o.Value
		}
	}
	return n
}

// PutZonefile is testlib.blockstack_put_zonefile(text): the node stores a
// zone file only if its hash is on the whitelist (announced on chain). It
// reports whether it was stored.
func (s *S) PutZonefile(text string) bool {
	s.t.Helper()
	h := wire.SumHash160([]byte(text))
	ok, err := s.DB.IsWhitelisted(s.ctx, h)
	if err != nil {
		s.t.Fatalf("scenario: whitelist: %v", err)
	}
	if ok {
		s.zonefiles[h] = text
	}
	return ok
}

// GetZonefile is testlib.blockstack_get_zonefile(hash, parse=False): a zone
// file stored with PutZonefile, or the zone file of a subdomain record
// (the original's Atlas stored those too, subdomains.py:1449-1452); ok is
// false if there is none.
func (s *S) GetZonefile(hash string) (string, bool) {
	s.t.Helper()
	h := mustHash160(hash)
	if z, ok := s.zonefiles[h]; ok {
		return z, true
	}
	z, ok, err := s.DB.SubdomainZonefile(s.ctx, h)
	if err != nil {
		s.t.Fatalf("scenario: zone file %s: %v", hash, err)
	}
	return string(z), ok
}

// IsWhitelisted reports whether a zone-file hash was announced on chain.
func (s *S) IsWhitelisted(hash string) bool {
	s.t.Helper()
	ok, err := s.DB.IsWhitelisted(s.ctx, mustHash160(hash))
	if err != nil {
		s.t.Fatalf("scenario: whitelist: %v", err)
	}
	return ok
}

// GetNumBlockstackOpsAt is state_engine.get_num_blockstack_ops_at(h): the
// accepted operations of block h.
func (s *S) GetNumBlockstackOpsAt(h int64) int { return len(s.BlockOps(h)) }

// GetNameDID is the name's DID (did:stack:v0:ADDRESS-INDEX), "" if none.
func (s *S) GetNameDID(name string) string {
	s.t.Helper()
	did, ok, err := s.DB.NameDID(s.ctx, name)
	if err != nil {
		s.t.Fatalf("scenario: DID of %s: %v", name, err)
	}
	if !ok {
		return ""
	}
	return did
}

// ledgerAdd keeps the ledger of every unspent output the harness made.
func (s *S) ledgerAdd(tx *btcwire.MsgTx) {
	for _, in := range tx.TxIn {
		delete(s.ledger, in.PreviousOutPoint)
	}
	id := tx.TxHash()
	for i, o := range tx.TxOut {
		s.ledger[*btcwire.NewOutPoint(&id, uint32(i))] = o
	}
}

// GetAllPreorderedNamespaceHashes is
// state_engine.get_all_preordered_namespace_hashes(): the stored namespace
// preorders made in the last block (the original's query asks for
// block_number ≥ lastblock and < lastblock + NAMESPACE_PREORDER_EXPIRE).
func (s *S) GetAllPreorderedNamespaceHashes() []string {
	s.t.Helper()
	recs, err := s.DB.StoredPreorders(s.ctx, true)
	if err != nil {
		s.t.Fatalf("scenario: %v", err)
	}
	last := s.GetCurrentBlock()
	var out []string
	for _, r := range recs {
		if r.BlockNumber >= last && r.BlockNumber < last+blocksPerDay {
			out = append(out, r.PreorderHash.String())
		}
	}
	return out
}
