package subindex_test

import (
	"context"
	"crypto/sha256"
	"testing"
	"time"

	"github.com/btcsuite/btcd/btcec/v2"

	"github.com/zonemirror/zonemirror/internal/testdir"
	"github.com/zonemirror/zonemirror/namedb/namedbtest"
	"github.com/zonemirror/zonemirror/namedb/subdomain"
	"github.com/zonemirror/zonemirror/namedb/wire"
	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/disk"
	"github.com/zonemirror/zonemirror/plugins/host/hosttest"
	"github.com/zonemirror/zonemirror/subindex"
)

func record(label, domain, owner string, seq int64, zonefile string, signer *subdomain.Key) string {
	r := &subdomain.Record{FQN: label + "." + domain, Domain: domain, Owner: owner, Seq: seq, ZoneFile: []byte(zonefile)}
	if signer != nil {
		r.Sig, _ = subdomain.SignSingle(*signer, r.Plaintext())
		r.HasSig = true
	}
	return r.TXT()
}

// waitFor polls st until ok says the Indexer got there; it fails after a
// minute (the Indexer's work here takes milliseconds).
func waitFor(t *testing.T, ix *subindex.Indexer, what string, ok func(subindex.Status) bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !ok(ix.Status()) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: status %+v", what, ix.Status())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// The Indexer processes the held zone files of the whitelist, waits for
// the one that is not held, processes it when it arrives (and the state
// then is as if it had been there from the start), and after a restart
// finds nothing left to do.
func TestIndexerFollowsTheWhitelist(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := namedbtest.New(t, nil)
	c.Launch("id", 100000)
	reg := c.Key("registrar")
	c.Register(reg, nil, "reg.id")
	k := subdomain.Key{Private: privOf(t, "alice"), Compressed: true}
	alice := c.Net.Wire.Address(p2pkh(k.PublicKey()))
	zf := []string{
		"$ORIGIN reg.id\n$TTL 3600\n" + record("alice", "reg.id", alice, 0, "alice 0", nil) + "\n" + record("bob", "reg.id", alice, 0, "bob 0", nil) + "\n",
		"$ORIGIN reg.id\n$TTL 3600\n" + record("alice", "reg.id", alice, 1, "alice 1", &k) + "\n",
		"$ORIGIN reg.id\n$TTL 3600\n" + record("carol", "reg.id", alice, 0, "carol 0", nil) + "\n",
	}
	for _, z := range zf {
		c.Update(reg, "reg.id", []byte(z))
		c.Mine()
	}
	store, err := disk.New(disk.Config{Dir: testdir.Mem(t)}, hosttest.Logger())
	if err != nil {
		t.Fatal(err)
	}
	put := func(z string) {
		key := plugins.SumKey([]byte(z))
		if _, err := store.Allow(ctx, func(yield func(plugins.Key) bool) { yield(key) }); err != nil {
			t.Fatal(err)
		}
		if err := store.Put(ctx, key, []byte(z)); err != nil {
			t.Fatal(err)
		}
	}
	put(zf[0])
	put(zf[2]) // the update is missing

	ix := subindex.New(c.DB, store, hosttest.Logger())
	done := make(chan error, 1)
	go func() { done <- ix.Run(ctx) }()
	waitFor(t, ix, "two held zone files processed, one waiting", func(s subindex.Status) bool { return s.Processed == 2 && s.Waiting == 1 })
	if r, _ := c.DB.Subdomain(ctx, "alice.reg.id"); r == nil || r.Seq != 0 {
		t.Fatalf("alice before the update arrived: %+v", r)
	}
	if r, _ := c.DB.Subdomain(ctx, "carol.reg.id"); r == nil {
		t.Fatal("carol not created")
	}
	put(zf[1])
	ix.Arrived(ctx, wire.SumHash160([]byte(zf[1])), []byte(zf[1]))
	waitFor(t, ix, "the late zone file processed", func(s subindex.Status) bool { return s.Processed == 3 && s.Waiting == 0 })
	if r, _ := c.DB.Subdomain(ctx, "alice.reg.id"); r == nil || r.Seq != 1 || string(r.ZoneFile) != "alice 1" {
		t.Fatalf("alice after the update arrived: %+v", r)
	}
	// a new block with a zone file already held (the same hash again)
	c.Update(reg, "reg.id", []byte(zf[2]))
	c.Mine()
	waitFor(t, ix, "the re-announced zone file processed", func(s subindex.Status) bool { return s.Processed == 4 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := c.DB.SubdomainCount(); n != 3 {
		t.Errorf("%d subdomains, want 3", n)
	}

	// a restart: everything is processed, nothing is waiting
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	ix2 := subindex.New(c.DB, store, hosttest.Logger())
	go func() { done <- ix2.Run(ctx2) }()
	waitFor(t, ix2, "the restart's first pass", func(s subindex.Status) bool { return s.Passes >= 1 })
	if p, err := c.DB.SubdomainsPending(ctx2, 0, 10); err != nil || len(p) != 0 {
		t.Errorf("pending after the restart: %v, %v", p, err)
	}
	cancel2()
	<-done
	if s := ix2.Status(); s.Processed != 0 || s.Waiting != 0 || s.Failed != 0 {
		t.Errorf("the restart did work: %+v", s)
	}
}

func privOf(t *testing.T, seed string) *btcec.PrivateKey {
	s := sha256.Sum256([]byte("subindex test " + seed))
	k, _ := btcec.PrivKeyFromBytes(s[:])
	return k
}

func p2pkh(pub []byte) []byte {
	h := wire.SumHash160(pub)
	return append(append([]byte{0x76, 0xa9, 0x14}, h[:]...), 0x88, 0xac)
}
