package scenario

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/btcsuite/btcd/address/v2/base58"
	"github.com/btcsuite/btcd/chainhash/v2"

	"github.com/zonemirror/zonemirror/chainsync"
	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/bzones"
	"github.com/zonemirror/zonemirror/namedb/subdomain"
)

// Subdomains, as the subdomain scenarios (name_pre_regup_subdomain*) see
// them.
//
// The original indexed the subdomain records of every zone file Atlas
// held: a zone file pushed with blockstack_put_zonefile was queued and
// processed in the next block's db_save, and one that was already held
// when its hash was announced again was processed in the block that
// announced it. The harness does the same with namedb: after each block
// (NextBlock) it hands namedb.ProcessZoneFile the zone file of every
// whitelist entry namedb has not processed yet whose text it holds
// (PutZonefile). zonemirror decides a subdomain's history in zone-file
// order (subdomain.Accept) whatever order the zone files arrive in.
//
// The queries are the original's client calls (blockstack/lib/client.py
// through blockstackd.py's RPCs) answered from namedb: get_name_record
// (GetSubdomain), its include_history=True form (GetSubdomainHistory),
// get_name_DID and get_DID_record (GetSubdomainDID, GetDIDRecord), the
// REST API's lists (AllSubdomains, SubdomainsCount, SubdomainsOwnedBy,
// SubdomainOpsAtTxid) and testlib.check_subdomain_db (CheckSubdomainDB).

// ZoneFile is the scenarios' zf_template, "$ORIGIN {}\n$TTL 3600\n{}":
// a zone file of origin with body after the $TTL line.
func ZoneFile(origin, body string) string { return "$ORIGIN " + origin + "\n$TTL 3600\n" + body }

// MakeSubdomainTXT is subdomains.make_subdomain_txt(fqn, domain, owner,
// seq, zonefile, privkey): the TXT line (no trailing newline) that gives
// the subdomain fqn the owner owner, sequence number seq and zone file
// subZonefile, carried by the zone file of the name domain (an
// independent record when fqn is not a subdomain of domain), signed by
// signer (a p2pkh wallet).
func MakeSubdomainTXT(fqn, domain, owner string, seq int64, subZonefile string, signer *W) string {
	if _, _, ok := subdomain.SplitFQN(fqn); !ok {
		panic(fmt.Sprintf("scenario: %q is not a fully qualified subdomain name", fqn))
	}
	r := &subdomain.Record{FQN: fqn, Domain: domain, Owner: owner, Seq: seq, ZoneFile: []byte(subZonefile),
		Independent: !strings.HasSuffix(fqn, "."+domain)}
	sig, err := subdomain.SignSingle(signer.subdomainKey(), r.Plaintext())
	if err != nil {
		panic(fmt.Sprintf("scenario: sign the record of %s: %v", fqn, err))
	}
	r.Sig, r.HasSig = sig, true
	return r.TXT()
}

// SubdomainIndexing turns the harness's subdomain indexing off or back
// on, as a scenario that deletes blockstack_opts['subdomaindb_path'] and
// puts it back (name_pre_regup_subdomain_createdb) did: while it is off
// no zone file is handed to namedb (so no subdomain exists that was not
// there before); the first block after it is back on hands over every
// zone file held since.
func (s *S) SubdomainIndexing(on bool) { s.subdomainsOff = !on }

// indexSubdomains hands namedb the zone file of every whitelist entry it
// has not processed for subdomains whose text the harness holds, in chain
// order.
func (s *S) indexSubdomains() {
	s.t.Helper()
	if s.subdomainsOff {
		return
	}
	for after := int64(0); ; {
		es, err := s.DB.SubdomainsPending(s.ctx, after, 256)
		if err != nil {
			s.t.Fatalf("scenario: pending subdomain zone files: %v", err)
		}
		if len(es) == 0 {
			return
		}
		for _, e := range es {
			after = e.Index
			if z, ok := s.zonefiles[e.Hash]; ok {
				if _, err := s.DB.ProcessZoneFile(s.ctx, e.Index, []byte(z)); err != nil {
					s.t.Fatalf("scenario: subdomains of zone file %d (%s at %d): %v", e.Index, e.Name, e.Height, err)
				}
			}
		}
	}
}

// subdomainJSON is the original's Subdomain.to_json (subdomains.py
// 235-256): the record's owner as written, the name whose zone file
// carried it, its block, sequence number, the announcing txid, the hash
// and base64 of its zone file, its name, and the carrying zone file's
// _resolver URI if it had one.
func subdomainJSON(r *namedb.SubdomainRecord) Rec {
	m := map[string]any{
		"address": r.Owner, "domain": r.Domain, "block_number": r.Height, "sequence": r.Seq, "txid": r.TxID,
		"value_hash": r.ZoneFileHash.String(), "zonefile": base64.StdEncoding.EncodeToString(r.ZoneFile), "name": r.FQN,
	}
	if r.Resolver != "" {
		m["resolver"] = r.Resolver
	}
	return recOf(m)
}

// GetSubdomain is client.get_name_record(fqn) for a subdomain
// (blockstackd.py's get_name_record → get_subdomain_record): its current
// record (subdomainJSON) with "pending" (see SubdomainPending) and, when
// it has one, "did"; {"error": "Failed to load subdomain"} when it does
// not exist, {"error": "Invalid name or subdomain"} for a name that is not
// a subdomain's.
func (s *S) GetSubdomain(fqn string) Rec {
	s.t.Helper()
	if _, _, ok := subdomain.SplitFQN(fqn); !ok {
		return Rec{"error": "Invalid name or subdomain"}
	}
	r, err := s.DB.Subdomain(s.ctx, fqn)
	if err != nil {
		s.t.Fatalf("scenario: subdomain %s: %v", fqn, err)
	}
	if r == nil {
		return Rec{"error": "Failed to load subdomain"}
	}
	out := subdomainJSON(r)
	out["pending"] = s.SubdomainPending(fqn)
	if did := s.GetSubdomainDID(fqn); did != "" {
		out["did"] = did
	}
	return out
}

// GetSubdomainHistory is the "history" of client.get_name_record(fqn,
// include_history=True) for a subdomain (blockstackd.py's
// get_name_blockchain_record → get_subdomain_history(json=True)): the
// records that hold, by block, each as subdomainJSON, in zone-file order.
// The original's JSON keyed it by the block as a string; the scenarios
// sort those keys, which for three-digit blocks is numeric order.
func (s *S) GetSubdomainHistory(fqn string) map[int64][]Rec {
	s.t.Helper()
	hist, err := s.DB.SubdomainHistory(s.ctx, fqn)
	if err != nil {
		s.t.Fatalf("scenario: history of %s: %v", fqn, err)
	}
	out := map[int64][]Rec{}
	for _, r := range hist {
		if r.Refused == "" {
			out[r.Height] = append(out[r.Height], subdomainJSON(r))
		}
	}
	return out
}

// SubdomainRows is every record namedb stored for fqn, holding or not, in
// zone-file order (the original's subdomain_records rows of fqn).
func (s *S) SubdomainRows(fqn string) []*namedb.SubdomainRecord {
	s.t.Helper()
	hist, err := s.DB.SubdomainHistory(s.ctx, fqn)
	if err != nil {
		s.t.Fatalf("scenario: history of %s: %v", fqn, err)
	}
	return hist
}

// SubdomainPending is the "pending" of a subdomain's record, computed as
// the original's subdomain_check_pending (subdomains.py:1481-1510) did:
// the name the subdomain lives under (its stem, not the name that carried
// the record) has a zone file announced on chain that the node does not
// hold (Atlas's present=0) and that the name's latest zone file carrying
// subdomain records does not list in its _missing TXT record — the
// original counted Atlas inventory indexes, which are namedb's whitelist
// indexes. zonemirror's node does not answer it: the harness computes it
// from the whitelist, the records namedb found in each processed zone
// file, and the zone files it holds (what the original's Atlas held).
func (s *S) SubdomainPending(fqn string) bool {
	s.t.Helper()
	_, domain, ok := subdomain.SplitFQN(fqn)
	if !ok {
		return false
	}
	s.subCaches()
	if p, ok := s.pendingCache[domain]; ok {
		return p
	}
	var entries []namedb.WhitelistEntry
	for after := int64(0); ; {
		es, err := s.DB.WhitelistAfter(s.ctx, after, 512)
		if err != nil {
			s.t.Fatalf("scenario: whitelist: %v", err)
		}
		if len(es) == 0 {
			break
		}
		for _, e := range es {
			after = e.Index
			if e.Name == domain {
				entries = append(entries, e)
			}
		}
	}
	known := map[int64]bool{}
	for i := len(entries) - 1; i >= 0; i-- {
		recs, err := s.DB.SubdomainsAtTx(s.ctx, entries[i].TxID)
		if err != nil {
			s.t.Fatalf("scenario: subdomains of %s: %v", entries[i].TxID, err)
		}
		if len(recs) > 0 {
			for _, m := range missingVector(s.zonefiles[entries[i].Hash]) {
				known[m] = true
			}
			break
		}
	}
	pending := false
	for _, e := range entries {
		if _, held := s.zonefiles[e.Hash]; !held && !known[e.Index] {
			pending = true
		}
	}
	s.pendingCache[domain] = pending
	return pending
}

// subCaches empties the caches of answers about subdomains if the
// subdomain state, the tip or the zone files held changed since they were
// filled.
func (s *S) subCaches() {
	key := [3]int64{int64(s.DB.SubdomainGen()), s.GetCurrentBlock(), int64(len(s.zonefiles))}
	if s.cacheKey != key || s.pendingCache == nil {
		s.pendingCache, s.didCache, s.cacheKey = map[string]bool{}, map[string]string{}, key
	}
}

// missingVector is the zone file's _missing TXT record (one string of
// integers separated by commas) as the original's
// is_subdomain_missing_zonefiles_record read it; nil if it has none.
func missingVector(zonefile string) []int64 {
	u, err := bzones.ParseUser([]byte(zonefile))
	if err != nil {
		return nil
	}
	for _, t := range u.TXT {
		if t.Name != "_missing" || t.Multi || len(t.Strings) != 1 {
			continue
		}
		var out []int64
		for _, f := range strings.Split(t.Strings[0], ",") {
			n, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
			if err != nil {
				out = nil
				break
			}
			out = append(out, n)
		}
		if out != nil {
			return out
		}
	}
	return nil
}

// The version bytes of a subdomain DID's address under the original's
// test runner (BLOCKSTACK_TESTNET: config.py's
// SUBDOMAIN_ADDRESS_VERSION_BYTE 127 and SUBDOMAIN_ADDRESS_MULTISIG_VERSION_BYTE
// 142).
const (
	didP2PKH    = 127
	didMultisig = 142
)

// GetSubdomainDID is client.get_name_DID(fqn) for a subdomain
// (get_subdomain_DID_info): did:stack:v0:<creator>-<index>, the creator's
// address with the subdomain version byte (p2pkh if it is a p2pkh address
// of the network, else multisig) and the number of subdomains that
// creator created before; "" if the subdomain has no DID.
func (s *S) GetSubdomainDID(fqn string) string {
	s.t.Helper()
	s.subCaches()
	if did, ok := s.didCache[fqn]; ok {
		return did
	}
	did := s.subdomainDID(fqn)
	s.didCache[fqn] = did
	return did
}

func (s *S) subdomainDID(fqn string) string {
	creator, index, ok, err := s.DB.SubdomainDID(s.ctx, fqn)
	if err != nil {
		s.t.Fatalf("scenario: DID of %s: %v", fqn, err)
	}
	if !ok {
		return ""
	}
	payload, v, err := base58.CheckDecode(creator)
	if err != nil {
		return ""
	}
	dv := byte(didMultisig)
	if v == s.Net.Wire.PubKeyHashAddrID {
		dv = didP2PKH
	}
	return fmt.Sprintf("did:stack:v0:%s-%d", base58.CheckEncode(payload, dv), index)
}

var didRE = regexp.MustCompile(`^did:stack:v0:([123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz]{25,35})-([0-9]+)$`)

// ParseDID is util.parse_DID: the address (in the network's form), index
// and name type ("subdomain" for the subdomain version bytes, else
// "name") of a DID; ok is false for a malformed one.
func (s *S) ParseDID(did string) (addr string, index int, nameType string, ok bool) {
	m := didRE.FindStringSubmatch(did)
	if m == nil {
		return "", 0, "", false
	}
	index, err := strconv.Atoi(m[2])
	if err != nil {
		return "", 0, "", false
	}
	payload, v, err := base58.CheckDecode(m[1])
	if err != nil {
		return "", 0, "", false
	}
	switch v {
	case didP2PKH:
		return base58.CheckEncode(payload, s.Net.Wire.PubKeyHashAddrID), index, "subdomain", true
	case didMultisig:
		return base58.CheckEncode(payload, s.Net.Wire.ScriptHashAddrID), index, "subdomain", true
	}
	a, err := s.Net.Wire.Reencode(m[1])
	if err != nil {
		return "", 0, "", false
	}
	return a, index, "name", true
}

// GetDIDRecord is client.get_DID_record(did) for a subdomain DID
// (get_DID_subdomain): the current record (subdomainJSON with "pending")
// of the subdomain whose creation is the index-th by the DID's address;
// {"error": …} when there is none. Name DIDs are not answered here.
func (s *S) GetDIDRecord(did string) Rec {
	s.t.Helper()
	addr, index, kind, ok := s.ParseDID(did)
	if !ok {
		return Rec{"error": "Invalid DID"}
	}
	if kind != "subdomain" {
		return Rec{"error": "not a subdomain DID (the harness answers subdomain DIDs only)"}
	}
	fqn, err := s.DB.SubdomainOfDID(s.ctx, addr, index)
	if err != nil {
		s.t.Fatalf("scenario: DID %s: %v", did, err)
	}
	var r *namedb.SubdomainRecord
	if fqn != "" {
		if r, err = s.DB.Subdomain(s.ctx, fqn); err != nil {
			s.t.Fatalf("scenario: subdomain %s: %v", fqn, err)
		}
	}
	if r == nil {
		return Rec{"error": "Failed to load subdomain from " + did}
	}
	out := subdomainJSON(r)
	out["pending"] = s.SubdomainPending(fqn)
	return out
}

// SubdomainOpsAtTxid is GET /v1/subdomains/<txid>
// (get_subdomain_ops_at_txid): the records the zone file of operation
// txid carried, holding or not, by zonefile_offset, as the original's
// rows (accepted 1 or 0; zonemirror keeps no "missing" vector, "").
func (s *S) SubdomainOpsAtTxid(txid string) []Rec {
	s.t.Helper()
	recs, err := s.DB.SubdomainsAtTx(s.ctx, txid)
	if err != nil {
		s.t.Fatalf("scenario: subdomains at %s: %v", txid, err)
	}
	var out []Rec // in zone-file order
	for _, r := range recs {
		out = append(out, recOf(r.Row()))
	}
	return out
}

// AllSubdomains is GET /v1/subdomains?page=… (get_all_subdomains): up to
// count names a subdomain record was found for, from the offset-th.
func (s *S) AllSubdomains(offset, count int) []string {
	s.t.Helper()
	names, err := s.DB.AllSubdomains(s.ctx, offset, count)
	if err != nil {
		s.t.Fatalf("scenario: subdomains: %v", err)
	}
	return names
}

// SubdomainsCount is GET /v1/blockchains/bitcoin/subdomains_count's
// names_count: how many subdomains have a record that holds.
func (s *S) SubdomainsCount() int64 { return s.DB.SubdomainCount() }

// SubdomainsOwnedBy is the subdomains GET /v1/addresses/bitcoin/<addr>
// lists (get_subdomains_owned_by_address): those addr owns now.
func (s *S) SubdomainsOwnedBy(addr string) []string {
	s.t.Helper()
	names, err := s.DB.SubdomainsOwnedBy(s.ctx, addr)
	if err != nil {
		s.t.Fatalf("scenario: subdomains of %s: %v", addr, err)
	}
	return names
}

// DomainResolver is the "resolver" of client.get_name_record(name) for an
// on-chain name (get_subdomain_resolver): the _resolver URI of the zone
// file that carried the name's holding subdomain record with the highest
// sequence number; "" for none. GET /v1/names/<unknown subdomain> sends
// the client there (301) when it is set.
func (s *S) DomainResolver(name string) string {
	s.t.Helper()
	r, err := s.DB.DomainResolver(s.ctx, name)
	if err != nil {
		s.t.Fatalf("scenario: resolver of %s: %v", name, err)
	}
	return r
}

// allSubdomainNames is every name a subdomain record was found for.
func allSubdomainNames(ctx context.Context, db *namedb.DB) ([]string, error) {
	var out []string
	for {
		names, err := db.AllSubdomains(ctx, len(out), 1000)
		if err != nil {
			return nil, err
		}
		out = append(out, names...)
		if len(names) < 1000 {
			return out, nil
		}
	}
}

// CheckSubdomainDB is testlib.check_subdomain_db (testlib.py:2487-2583):
//
//  1. The subdomain state rebuilt from scratch — a new namedb synced from
//     the same chain, handed every held zone file in chain order (the
//     original's SubdomainIndex.reindex) — has the same records, holding
//     or not, with the same fields, as the one built block by block, and
//     the same subdomain count.
//  2. For every subdomain whose creation (sequence 0) holds:
//     GetSubdomain has no error; its DID (GetSubdomainDID) parses as a
//     subdomain's, with the creator's address; GetDIDRecord of it has no
//     error, and each of its fields equals GetSubdomain's.
//  3. For every record of such a subdomain, SubdomainOpsAtTxid(its txid)
//     lists records of that txid, the i-th at zonefile_offset ≥ i, all
//     with the record's accepted flag and one parent_zonefile_hash.
//
// It fails the test on the first difference.
func (s *S) CheckSubdomainDB() {
	s.t.Helper()
	re := s.rebuildSubdomains()
	defer re.Close()

	live, err := allSubdomainNames(s.ctx, s.DB)
	if err != nil {
		s.t.Fatalf("check_subdomain_db: %v", err)
	}
	again, err := allSubdomainNames(s.ctx, re)
	if err != nil {
		s.t.Fatalf("check_subdomain_db: rebuilt: %v", err)
	}
	if !reflect.DeepEqual(live, again) {
		s.t.Fatalf("check_subdomain_db: the subdomains %v, rebuilt from scratch %v", live, again)
	}
	if a, b := s.DB.SubdomainCount(), re.SubdomainCount(); a != b {
		s.t.Fatalf("check_subdomain_db: %d subdomains, rebuilt from scratch %d", a, b)
	}
	type created struct {
		fqn, creator string
		index        int64
		offset       int
	}
	var creations []created
	for _, fqn := range live {
		a := s.SubdomainRows(fqn)
		b, err := re.SubdomainHistory(s.ctx, fqn)
		if err != nil {
			s.t.Fatalf("check_subdomain_db: rebuilt history of %s: %v", fqn, err)
		}
		if !reflect.DeepEqual(a, b) {
			s.t.Fatalf("check_subdomain_db: the records of %s differ from those rebuilt from scratch:\n%s", fqn, rowsDiff(a, b))
		}
		for _, r := range a {
			if r.Seq == 0 && r.Refused == "" {
				creations = append(creations, created{fqn, r.Owner, r.Index, r.Offset})
			}
		}
	}
	sort.SliceStable(creations, func(i, j int) bool {
		if creations[i].index != creations[j].index {
			return creations[i].index < creations[j].index
		}
		return creations[i].offset < creations[j].offset
	})

	for _, c := range creations {
		rec := s.GetSubdomain(c.fqn)
		if rec["error"] != nil {
			s.t.Fatalf("check_subdomain_db: get_name_record(%s): %v", c.fqn, rec)
		}
		did := s.GetSubdomainDID(c.fqn)
		addr, _, kind, ok := s.ParseDID(did)
		if !ok || kind != "subdomain" {
			s.t.Fatalf("check_subdomain_db: DID of %s: %q (%s), want a subdomain DID", c.fqn, did, kind)
		}
		if AddrReencode(addr) != AddrReencode(c.creator) {
			s.t.Fatalf("check_subdomain_db: DID of %s: %s, address %s, want the creator %s", c.fqn, did, addr, c.creator)
		}
		byDID := s.GetDIDRecord(did)
		if byDID["error"] != nil {
			s.t.Fatalf("check_subdomain_db: get_DID_record(%s) of %s: %v", did, c.fqn, byDID)
		}
		for k, v := range byDID {
			if w, ok := rec[k]; !ok || !reflect.DeepEqual(v, w) {
				s.t.Fatalf("check_subdomain_db: at (%s, %s): %s resolves to %v, not %v", c.fqn, c.creator, did, byDID, rec)
			}
		}
	}

	// the operations at a txid do not change during the check: each txid
	// is asked once (a big zone file's 100 records share one)
	opsAt := map[string][]Rec{}
	for _, c := range creations {
		for _, r := range s.SubdomainRows(c.fqn) {
			accepted := int64(0)
			if r.Refused == "" {
				accepted = 1
			}
			ops, ok := opsAt[r.TxID]
			if !ok {
				ops = s.SubdomainOpsAtTxid(r.TxID)
				opsAt[r.TxID] = ops
			}
			if len(ops) == 0 {
				s.t.Fatalf("check_subdomain_db: no subdomain operations at %s (a record of %s)", r.TxID, c.fqn)
			}
			parent := ""
			for i, op := range ops {
				if op.S("txid") != r.TxID || op.I("zonefile_offset") < int64(i) || op.I("accepted") != accepted {
					s.t.Fatalf("check_subdomain_db: operation %d at %s: %v (a record of %s, accepted %d)", i, r.TxID, op, c.fqn, accepted)
				}
				if parent == "" {
					parent = op.S("parent_zonefile_hash")
				}
				if op.S("parent_zonefile_hash") != parent {
					s.t.Fatalf("check_subdomain_db: operation %d at %s: %v, parent zone file %s", i, r.TxID, op, parent)
				}
			}
		}
	}
}

// rowsDiff shows two histories of one subdomain side by side.
func rowsDiff(a, b []*namedb.SubdomainRecord) string {
	var sb strings.Builder
	for i := 0; i < max(len(a), len(b)); i++ {
		fmt.Fprintf(&sb, "  %d:", i)
		if i < len(a) {
			fmt.Fprintf(&sb, " live %+v", *a[i])
		}
		if i < len(b) {
			fmt.Fprintf(&sb, "\n     rebuilt %+v", *b[i])
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}

// rebuildSubdomains is SubdomainIndex.reindex: a new name database synced
// from the scenario's chain to its tip, handed every whitelist entry's
// zone file the harness holds, in chain order. The caller closes it.
func (s *S) rebuildSubdomains() *namedb.DB {
	s.t.Helper()
	db, err := namedb.Open(s.ctx, filepath.Join(s.t.TempDir(), "reindex"), s.Net)
	if err != nil {
		s.t.Fatalf("check_subdomain_db: %v", err)
	}
	sync := chainsync.New(chainsync.Config{Node: chainsync.NodeConfig{Host: s.node.RPCAddr, User: s.node.User, Pass: s.node.Pass},
		PollEvery: 20 * time.Millisecond}, db)
	ctx, cancel := context.WithCancel(s.ctx)
	done := make(chan error, 1)
	go func() { done <- sync.Run(ctx) }()
	stop := func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			s.t.Errorf("check_subdomain_db: chain sync: %v", err)
		}
	}
	deadline := time.Now().Add(120 * time.Second)
	for {
		tip, hash := db.Tip()
		if tip == s.height {
			if chainhash.Hash(hash) != s.tipHash {
				stop()
				db.Close()
				s.t.Fatalf("check_subdomain_db: the rebuilt database applied another block %d", tip)
			}
			break
		}
		if time.Now().After(deadline) {
			stop()
			db.Close()
			s.t.Fatalf("check_subdomain_db: the rebuilt database is at block %d, btcd at %d", tip, s.height)
		}
		time.Sleep(5 * time.Millisecond)
	}
	stop()
	for after := int64(0); ; {
		es, err := db.WhitelistAfter(s.ctx, after, 512)
		if err != nil {
			db.Close()
			s.t.Fatalf("check_subdomain_db: whitelist: %v", err)
		}
		if len(es) == 0 {
			return db
		}
		for _, e := range es {
			after = e.Index
			if z, ok := s.zonefiles[e.Hash]; ok {
				if _, err := db.ProcessZoneFile(s.ctx, e.Index, []byte(z)); err != nil {
					db.Close()
					s.t.Fatalf("check_subdomain_db: zone file %d: %v", e.Index, err)
				}
			}
		}
	}
}
