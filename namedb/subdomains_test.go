package namedb

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/btcsuite/btcd/btcec/v2"

	"github.com/zonemirror/zonemirror/internal/realdata"
	"github.com/zonemirror/zonemirror/namedb/subdomain"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// subChain is a chain with registrar names whose zone files the test
// hands to ProcessZoneFile.
type subChain struct {
	*chain
	zonefiles map[wire.Hash160][]byte
}

func newSubChain(t *testing.T) *subChain {
	c := &subChain{chain: newChain(t, testNet()), zonefiles: map[wire.Hash160][]byte{}}
	return c
}

// announce queues an update of name (owned by owner) to zonefile.
func (c *subChain) announce(owner *actor, name string, zonefile string) {
	h := wire.SumHash160([]byte(zonefile))
	c.zonefiles[h] = []byte(zonefile)
	c.update(owner, name, h)
}

// entries returns the whitelist entries after index after.
func (c *subChain) entries(after int64) []WhitelistEntry {
	c.t.Helper()
	es, err := c.db.WhitelistAfter(context.Background(), after, 1<<20)
	if err != nil {
		c.t.Fatal(err)
	}
	return es
}

// process hands the zone file of entry index to the database.
func (c *subChain) process(index int64) *ZoneFileResult {
	c.t.Helper()
	es := c.entries(index - 1)
	if len(es) == 0 || es[0].Index != index {
		c.t.Fatalf("no entry %d", index)
	}
	res, err := c.db.ProcessZoneFile(context.Background(), index, c.zonefiles[es[0].Hash])
	if err != nil {
		c.t.Fatalf("process entry %d: %v", index, err)
	}
	return res
}

// dump is every subdomain row of the store, for comparing two databases.
func dumpSubdomains(t testing.TB, db *DB) string {
	t.Helper()
	var b strings.Builder
	for _, p := range []byte{pSubRecord, pSubState, pSubOwner, pSubZone, pSubDone, pSubTx, pSubRefused} {
		err := db.scan([]byte{p}, nil, func(k, v []byte) (bool, error) {
			fmt.Fprintf(&b, "%q → %q\n", k, v)
			return true, nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	fmt.Fprintf(&b, "count %d\n", db.SubdomainCount())
	return b.String()
}

func subKey(seed string) subdomain.Key {
	s := sha256.Sum256([]byte("subdomain key " + seed))
	k, _ := btcec.PrivKeyFromBytes(s[:])
	return subdomain.Key{Private: k, Compressed: true}
}

func subAddr(p wire.Params, k subdomain.Key) string {
	return p.Address(p2pkhScript(wire.SumHash160(k.PublicKey())))
}

// txt is a subdomain record line, signed by signer if not nil.
func txt(t testing.TB, label, domain, owner string, seq int64, zonefile string, signer *subdomain.Key) string {
	r := &subdomain.Record{FQN: label, Domain: domain, Owner: owner, Seq: seq, ZoneFile: []byte(zonefile)}
	if strings.Count(label, ".") == 2 {
		r.Independent = !strings.HasSuffix(label, "."+domain)
	} else {
		r.FQN = label + "." + domain
	}
	if signer != nil {
		sig, err := subdomain.SignSingle(*signer, r.Plaintext())
		if err != nil {
			t.Fatal(err)
		}
		r.Sig, r.HasSig = sig, true
	}
	return r.TXT()
}

func zoneOf(name string, lines ...string) string {
	return "$ORIGIN " + name + "\n$TTL 3600\n" + strings.Join(lines, "\n") + "\n"
}

// The 27 real zone files that carry subdomain records each parse, and,
// registered as names' zone files, each of their 172 creations is served
// with the owner and zone file its record holds.
func TestSubdomainsOfRealZoneFiles(t *testing.T) {
	all, err := realdata.Zonefiles()
	if err != nil {
		t.Fatal(err)
	}
	type want struct{ owner, zonefile string }
	expect := map[string]want{}
	var carriers []realdata.Zonefile
	line := regexp.MustCompile(`(?m)^(\S+)\s+(?:IN\s+)?TXT\s+(.*)$`)
	quoted := regexp.MustCompile(`"([^"]*)"`)
	perOrigin := map[string]int{}
	for _, z := range all {
		if !bytes.Contains(z.Data, []byte("owner=")) {
			continue
		}
		carriers = append(carriers, z)
		for _, m := range line.FindAllStringSubmatch(string(z.Data), -1) {
			kv := map[string]string{}
			for _, q := range quoted.FindAllStringSubmatch(m[2], -1) {
				k, v, _ := strings.Cut(q[1], "=")
				kv[k] = v
			}
			if kv["seqn"] != "0" || kv["parts"] != "1" {
				t.Fatalf("%s: %s is not a one-part creation; the test reads only those", z.Name, m[0])
			}
			zf, err := base64.StdEncoding.DecodeString(kv["zf0"])
			if err != nil {
				t.Fatalf("%s: %v", z.Name, err)
			}
			expect[strings.ToLower(m[1])+"."+z.Name] = want{kv["owner"], string(zf)}
			perOrigin[z.Name]++
		}
	}
	if len(carriers) != 27 || len(expect) != 172 || perOrigin["id.blockstack"] != 120 {
		t.Fatalf("%d zone files with %d creations (%d in id.blockstack), want 27 with 172 (120)", len(carriers), len(expect), perOrigin["id.blockstack"])
	}
	c := newSubChain(t)
	creator, launcher := newActor(c.net.Wire, "creator"), newActor(c.net.Wire, "launcher")
	launched := map[string]bool{}
	for _, z := range carriers {
		_, ns, _ := strings.Cut(z.Name, ".")
		if !launched[ns] {
			c.launch(creator, launcher, ns, 100000)
			launched[ns] = true
		}
		owner := newActor(c.net.Wire, "registrar of "+z.Name) // an owner has at most 25 names
		c.preorder(owner, z.Name, owner, 100*100_000_000)
		c.mustAccept(c.mine(), 1)
		c.zonefiles[z.Hash] = z.Data
		c.register(owner, z.Name, owner, &z.Hash)
		c.mustAccept(c.mine(), 1)
	}
	for _, e := range c.entries(0) {
		res := c.process(e.Index)
		if res.ZoneError != "" || len(res.Refused) != 0 {
			t.Errorf("%s: %+v", e.Name, res)
		}
	}
	if n := c.db.SubdomainCount(); n != 172 {
		t.Errorf("%d subdomains, want 172", n)
	}
	ctx := context.Background()
	for fqn, w := range expect {
		r, err := c.db.Subdomain(ctx, fqn)
		if err != nil || r == nil {
			t.Errorf("%s: %v, %v", fqn, r, err)
			continue
		}
		if r.Owner != w.owner || string(r.ZoneFile) != w.zonefile || r.Seq != 0 {
			t.Errorf("%s: owner %s seq %d zone file %q; want %s, %q", fqn, r.Owner, r.Seq, r.ZoneFile, w.owner, w.zonefile)
		}
	}
	subs, err := c.db.SubdomainsOf(ctx, "id.blockstack", 0, 1000)
	if err != nil || len(subs) != 120 {
		t.Errorf("subdomains of id.blockstack: %d, %v", len(subs), err)
	}
	some := expect["aldrichh.id.blockstack"].owner
	if owned, err := c.db.SubdomainsOwnedBy(ctx, some); err != nil || !slices.Contains(owned, "aldrichh.id.blockstack") {
		t.Errorf("owned by %s: %v, %v", some, owned, err)
	}
	if r, _ := c.db.Subdomain(ctx, "aldrichh.id.blockstack"); r.Resolver != "https://registrar.blockstack.org" {
		t.Errorf("resolver %q", r.Resolver)
	}
}

// Updates and transfers signed by the current owner hold; a wrong
// signature, a replayed or skipped seqn, an independent record that
// creates or transfers are refused and counted.
func TestSubdomainUpdatesAndTransfers(t *testing.T) {
	c := newSubChain(t)
	p := c.net.Wire
	creator, launcher, reg, other := newActor(p, "creator"), newActor(p, "launcher"), newActor(p, "registrar"), newActor(p, "other registrar")
	c.launch(creator, launcher, "id", 100000)
	c.claim(reg, "reg.id")
	c.claim(other, "other.id")
	a, b := subKey("a"), subKey("b")
	A, B := subAddr(p, a), subAddr(p, b)
	steps := []struct {
		name, domain string
		lines        []string
		refused      map[string]int
	}{
		{"creation", "reg.id", []string{txt(t, "alice", "reg.id", A, 0, "zf alice 0", nil)}, nil},
		{"update", "reg.id", []string{txt(t, "alice", "reg.id", A, 1, "zf alice 1", &a)}, nil},
		{"transfer", "reg.id", []string{txt(t, "alice", "reg.id", B, 2, "zf alice 2", &a)}, nil},
		{"old owner signs after the transfer", "reg.id", []string{txt(t, "alice", "reg.id", A, 3, "stolen", &a)}, map[string]int{subdomain.RefusedSignature: 1}},
		{"replay", "reg.id", []string{txt(t, "alice", "reg.id", B, 2, "zf alice 2", &a)}, map[string]int{subdomain.RefusedSequence: 1}},
		{"skipped seqn", "reg.id", []string{txt(t, "alice", "reg.id", B, 4, "skip", &b)}, map[string]int{subdomain.RefusedSequence: 1}},
		{"unsigned update", "reg.id", []string{txt(t, "alice", "reg.id", B, 3, "unsigned", nil)}, map[string]int{subdomain.RefusedSignature: 1}},
		{"independent creation", "other.id", []string{txt(t, "bob.reg.id", "other.id", A, 0, "indep", nil)}, map[string]int{subdomain.RefusedIndependent: 1}},
		{"independent transfer", "other.id", []string{txt(t, "alice.reg.id", "other.id", A, 3, "indep transfer", &b)}, map[string]int{subdomain.RefusedIndependent: 1}},
		{"independent update", "other.id", []string{txt(t, "alice.reg.id", "other.id", B, 3, "zf alice 3", &b)}, nil},
	}
	owners := map[string]*actor{"reg.id": reg, "other.id": other}
	for _, s := range steps {
		c.announce(owners[s.domain], s.domain, zoneOf(s.domain, s.lines...))
		c.mustAccept(c.mine(), 1)
		es := c.entries(0)
		res := c.process(es[len(es)-1].Index)
		if res.Records != 1 || fmt.Sprint(res.Refused) != fmt.Sprint(orEmpty(s.refused)) {
			t.Errorf("%s: %+v, want 1 record, refused %v", s.name, res, s.refused)
		}
	}
	ctx := context.Background()
	r, err := c.db.Subdomain(ctx, "alice.reg.id")
	if err != nil || r == nil || r.Owner != B || r.Seq != 3 || string(r.ZoneFile) != "zf alice 3" || r.Domain != "other.id" {
		t.Fatalf("alice.reg.id: %+v, %v", r, err)
	}
	if r, _ := c.db.Subdomain(ctx, "bob.reg.id"); r != nil {
		t.Fatalf("bob.reg.id exists: %+v", r)
	}
	if owned, _ := c.db.SubdomainsOwnedBy(ctx, A); len(owned) != 0 {
		t.Errorf("A still owns %v", owned)
	}
	if owned, _ := c.db.SubdomainsOwnedBy(ctx, B); !slices.Equal(owned, []string{"alice.reg.id"}) {
		t.Errorf("B owns %v", owned)
	}
	hist, _ := c.db.SubdomainHistory(ctx, "alice.reg.id")
	var held []int64
	for _, h := range hist {
		if h.Refused == "" {
			held = append(held, h.Seq)
		}
	}
	if len(hist) != 9 || !slices.Equal(held, []int64{0, 1, 2, 3}) {
		t.Errorf("history: %d records, seqs held %v", len(hist), held)
	}
	refusals := c.db.SubdomainRefusals()
	if refusals[subdomain.RefusedSignature] != 2 || refusals[subdomain.RefusedSequence] != 2 || refusals[subdomain.RefusedIndependent] != 2 {
		t.Errorf("refusals %v", refusals)
	}
	// processing an entry again changes nothing
	before := dumpSubdomains(t, c.db)
	if res := c.process(c.entries(0)[0].Index); !res.Done {
		t.Errorf("second processing: %+v", res)
	}
	if after := dumpSubdomains(t, c.db); after != before {
		t.Error("second processing changed the store")
	}
	// wrong bytes are refused
	es := c.entries(0)
	if _, err := c.db.ProcessZoneFile(ctx, es[len(es)-1].Index, []byte("not it")); err == nil {
		t.Error("bytes of another hash processed")
	}
}

func orEmpty(m map[string]int) map[string]int {
	if m == nil {
		return map[string]int{}
	}
	return m
}

// A zone file that arrives late — announced at h1, held only after h2's
// was processed — leaves the state a run with both held from the start
// has.
func TestLateZoneFile(t *testing.T) {
	run := func(order []int) string {
		c := newSubChain(t)
		p := c.net.Wire
		creator, launcher, reg := newActor(p, "creator"), newActor(p, "launcher"), newActor(p, "registrar")
		c.launch(creator, launcher, "id", 100000)
		c.claim(reg, "reg.id")
		a, b := subKey("a"), subKey("b")
		A, B := subAddr(p, a), subAddr(p, b)
		c.announce(reg, "reg.id", zoneOf("reg.id", txt(t, "alice", "reg.id", A, 0, "alice 0", nil), txt(t, "carol", "reg.id", A, 0, "carol 0", nil)))
		c.mustAccept(c.mine(), 1)
		c.announce(reg, "reg.id", zoneOf("reg.id", txt(t, "alice", "reg.id", B, 1, "alice 1", &a), txt(t, "dave", "reg.id", B, 0, "dave 0", nil)))
		c.mustAccept(c.mine(), 1)
		c.announce(reg, "reg.id", zoneOf("reg.id", txt(t, "alice", "reg.id", B, 2, "alice 2", &b)))
		c.mustAccept(c.mine(), 1)
		es := c.entries(0)
		if order == nil { // all at once, from as many goroutines
			var wg sync.WaitGroup
			for _, e := range es {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := c.db.ProcessZoneFile(context.Background(), e.Index, c.zonefiles[e.Hash]); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
		}
		for _, i := range order {
			c.process(es[i].Index)
		}
		r, _ := c.db.Subdomain(context.Background(), "alice.reg.id")
		if r == nil || r.Seq != 2 {
			t.Errorf("order %v: alice is %+v, want seqn 2", order, r)
		}
		return dumpSubdomains(t, c.db)
	}
	onTime := run([]int{0, 1, 2})
	for _, order := range [][]int{{1, 2, 0}, {2, 1, 0}, {0, 2, 1}, {2, 0, 1}, nil} {
		if got := run(order); got != onTime {
			t.Errorf("order %v:\n%s\nwant\n%s", order, got, onTime)
		}
	}
}

// A rewind across a subdomain batch takes its records away, and the same
// blocks applied again give the state of a run without the rewind.
func TestSubdomainRewind(t *testing.T) {
	build := func(rewind bool) string {
		c := newSubChain(t)
		p := c.net.Wire
		creator, launcher, reg := newActor(p, "creator"), newActor(p, "launcher"), newActor(p, "registrar")
		c.launch(creator, launcher, "id", 100000)
		c.claim(reg, "reg.id")
		a := subKey("a")
		A := subAddr(p, a)
		c.announce(reg, "reg.id", zoneOf("reg.id", txt(t, "alice", "reg.id", A, 0, "alice 0", nil)))
		c.mustAccept(c.mine(), 1)
		c.process(c.entries(0)[0].Index)
		h := c.tip()
		batch := zoneOf("reg.id", txt(t, "alice", "reg.id", A, 1, "alice 1", &a), txt(t, "bob", "reg.id", A, 0, "bob 0", nil))
		c.announce(reg, "reg.id", batch)
		c.mustAccept(c.mine(), 1)
		es := c.entries(0)
		c.process(es[len(es)-1].Index)
		if rewind {
			if err := c.db.Rewind(context.Background(), h); err != nil {
				t.Fatal(err)
			}
			if r, _ := c.db.Subdomain(context.Background(), "bob.reg.id"); r != nil {
				t.Fatalf("bob survived the rewind: %+v", r)
			}
			if r, _ := c.db.Subdomain(context.Background(), "alice.reg.id"); r == nil || r.Seq != 0 {
				t.Fatalf("alice after the rewind: %+v", r)
			}
			if n := c.db.SubdomainCount(); n != 1 {
				t.Fatalf("%d subdomains after the rewind", n)
			}
			c.announce(reg, "reg.id", batch)
			c.mustAccept(c.mine(), 1)
			es := c.entries(0)
			c.process(es[len(es)-1].Index)
		}
		return dumpSubdomains(t, c.db)
	}
	if a, b := build(false), build(true); a != b {
		t.Errorf("after a rewind and the same blocks again:\n%s\nwant\n%s", b, a)
	}
}

// A stored record reads back as it was written; any bytes decode to a
// record or an error, never a panic, and a record that decodes encodes
// back to the same bytes.
func FuzzSubRow(f *testing.F) {
	r := &subRow{Domain: "reg.id", Owner: "1Owner", Seq: 7, ZoneFile: []byte("$ORIGIN a.reg.id\n"), Sig: "c2ln", HasSig: true,
		Offset: 3, Resolver: "https://r.example", Height: 700, TxID: strings.Repeat("ab", 32), ParentHash: strings.Repeat("cd", 20), Refused: subdomain.RefusedSignature}
	f.Add(r.encode())
	f.Add((&subRow{Independent: true}).encode())
	f.Add([]byte{1, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeSubRow(b)
		if err != nil {
			return
		}
		if again := r.encode(); !bytes.Equal(again, b) {
			// only the flags' unused bits may differ
			if len(again) != len(b) || again[1] != b[1]&3 || !bytes.Equal(again[2:], b[2:]) {
				t.Fatalf("%x decodes to %+v, which encodes to %x", b, r, again)
			}
		}
	})
}
