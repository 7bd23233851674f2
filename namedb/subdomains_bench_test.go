package namedb

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// The subdomain benchmarks of the subdomains issue: records processed per
// second (ProcessZoneFile, from the zone file's bytes to the committed
// state), unsigned creations (target ≥ 50,000/s) and signed transfers
// (target ≥ 5,000/s) separately. Each zone file carries 100 records, as a
// registrar's batch of the size id.blockstack announced (~120 in 40 KB).

const benchBatch = 100

// subBench is a registrar name whose updates announce zone files of
// subdomain records, prepared before the timer runs.
type subBench struct {
	c   *subChain
	reg *actor
}

func newSubBench(b *testing.B) *subBench {
	c := &subChain{chain: newChain(b, testNet()), zonefiles: map[wire.Hash160][]byte{}}
	p := c.net.Wire
	creator, launcher, reg := newActor(p, "creator"), newActor(p, "launcher"), newActor(p, "registrar")
	c.launch(creator, launcher, "id", 100000)
	c.claim(reg, "reg.id")
	return &subBench{c: c, reg: reg}
}

// announce puts zone files (each announced by an update of reg.id, up to
// 50 a block) on chain and returns their whitelist entries.
func (s *subBench) announce(b *testing.B, zonefiles []string) []WhitelistEntry {
	after := int64(0)
	if es := s.c.entries(0); len(es) > 0 {
		after = es[len(es)-1].Index
	}
	for i, zf := range zonefiles {
		s.c.announce(s.reg, "reg.id", zf)
		if (i+1)%50 == 0 || i == len(zonefiles)-1 {
			s.c.mine()
		}
	}
	es := s.c.entries(after)
	if len(es) != len(zonefiles) {
		b.Fatalf("%d entries for %d zone files", len(es), len(zonefiles))
	}
	return es
}

// process hands the zone files to the database from GOMAXPROCS
// goroutines, as subindex does.
func (s *subBench) process(b *testing.B, es []WhitelistEntry) {
	ctx := context.Background()
	next := make(chan WhitelistEntry)
	errs := make(chan error, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range next {
				res, err := s.c.db.ProcessZoneFile(ctx, e.Index, s.c.zonefiles[e.Hash])
				if err == nil && (res.Records != benchBatch || len(res.Refused) != 0) {
					err = fmt.Errorf("entry %d: %+v", e.Index, res)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for _, e := range es {
		next <- e
	}
	close(next)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
}

func subZonefile(fqn string) string {
	return "$ORIGIN " + fqn + "\n$TTL 3600\n_http._tcp IN URI 10 1 \"https://gaia.blockstack.org/hub/1Cz4tRwMKoZLS4Tf4hU7hawzu3HpPaRMtU/profile.json\"\n"
}

// creations returns n zone files of benchBatch creations each, labels
// from first.
func creations(b *testing.B, p wire.Params, n, first int) []string {
	owner := subAddr(p, subKey("bench owner"))
	out := make([]string, n)
	for i := range out {
		lines := make([]string, benchBatch)
		for j := range lines {
			label := fmt.Sprintf("u%07d", first+i*benchBatch+j)
			lines[j] = txt(b, label, "reg.id", owner, 0, subZonefile(label+".reg.id"), nil)
		}
		out[i] = zoneOf("reg.id", lines...)
	}
	return out
}

func BenchmarkSubdomainCreations(b *testing.B) {
	s := newSubBench(b)
	zfs := creations(b, s.c.net.Wire, b.N, 0)
	idx := s.announce(b, zfs)
	b.ResetTimer()
	start := time.Now()
	s.process(b, idx)
	b.ReportMetric(float64(b.N*benchBatch)/time.Since(start).Seconds(), "records/s")
	b.ReportMetric(float64(len(zfs[0])), "zonefile-bytes")
}

func BenchmarkSubdomainSignedTransfers(b *testing.B) {
	s := newSubBench(b)
	p := s.c.net.Wire
	from, to := subKey("bench owner"), subAddr(p, subKey("bench new owner"))
	// the subdomains exist first (not timed), then each is transferred
	created := creations(b, p, b.N, 0)
	s.process(b, s.announce(b, created))
	transfers := make([]string, b.N)
	for i := range transfers {
		lines := make([]string, benchBatch)
		for j := range lines {
			label := fmt.Sprintf("u%07d", i*benchBatch+j)
			lines[j] = txt(b, label, "reg.id", to, 1, subZonefile(label+".reg.id"), &from)
		}
		transfers[i] = zoneOf("reg.id", lines...)
	}
	idx := s.announce(b, transfers)
	b.ResetTimer()
	start := time.Now()
	s.process(b, idx)
	b.ReportMetric(float64(b.N*benchBatch)/time.Since(start).Seconds(), "records/s")
	b.StopTimer()
	if r, _ := s.c.db.Subdomain(context.Background(), "u0000000.reg.id"); r == nil || r.Owner != to {
		b.Fatalf("not transferred: %+v", r)
	}
}
