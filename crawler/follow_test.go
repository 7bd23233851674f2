package crawler_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/zonemirror/zonemirror/crawler"
	"github.com/zonemirror/zonemirror/internal/testdht"
	"github.com/zonemirror/zonemirror/internal/testdir"
	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/host"
	"github.com/zonemirror/zonemirror/plugins/host/hosttest"
)

// The crawler keeps hashes nobody has as missing ("not found in the
// DHT") and retries them; a rewind of the name database drops them and
// moves the position back; a restarted crawler resumes at its position
// (fetching only what is new); a rewind refilled with other entries before
// the crawler looked sends it back to the start.
func TestMissingRewindRestart(t *testing.T) {
	s := testdht.Start(t, 6, nil)
	have, haveVals := synthetic(30, "have")
	absent, _ := synthetic(10, "absent")
	later, laterVals := synthetic(10, "later")
	other, otherVals := synthetic(5, "other")
	s.Allow(t, append(append(append([]plugins.Key(nil), have...), later...), other...))
	publish(t, s.Nodes[1:2], have, haveVals)
	publish(t, s.Nodes[2:3], later, laterVals)
	publish(t, s.Nodes[3:4], other, otherVals)

	dir := testdir.Mem(t)
	m := newMirror(t, s, mirrorOpts{dir: dir})
	m.chain.Announce(t, hashes(have))
	base := m.chain.Tip()
	m.chain.Announce(t, hashes(absent))
	m.run(t)
	m.waitFor(t, time.Minute, "30 held, 10 not found and retried", func(st crawler.Status) bool {
		retried := 0
		for _, mi := range m.c.MissingList(0) {
			if mi.State == crawler.StateNotFound && mi.Attempts >= 2 {
				retried++
			}
		}
		return st.Held == 30 && st.Missing == 10 && retried == 10
	})
	if st := m.c.Status(); st.MissingByState[crawler.StateNotFound] != 10 || len(st.MissingByState) != 1 || st.Failures[crawler.CauseNotFound] < 20 {
		t.Errorf("missing by state: %v, failures %v", st.MissingByState, st.Failures)
	}
	mi, ok := m.c.Missing(absent[3])
	if !ok || mi.Index != 34 || !strings.HasPrefix(mi.Name, "n34.") || !strings.Contains(mi.LastError, "not found") {
		t.Errorf("missing info: %+v, %v", mi, ok)
	}

	m.chain.Rewind(t, base)
	st := m.waitFor(t, 30*time.Second, "rewind seen", func(st crawler.Status) bool { return st.Rewinds == 1 && st.Missing == 0 })
	if st.Checked != 30 || st.Held != 30 || st.Whitelisted != 30 || len(st.MissingByState) != 0 {
		t.Errorf("after the rewind: %s", st)
	}
	m.close(t)
	b, err := os.ReadFile(m.state)
	if err != nil {
		t.Fatal(err)
	}
	var saved struct {
		Position     int64  `json:"position"`
		PositionHash string `json:"position_hash"`
	}
	if err := json.Unmarshal(b, &saved); err != nil || saved.Position != 30 || saved.PositionHash != have[29].String() {
		t.Fatalf("state file %s: %+v, %v", b, saved, err)
	}

	// Restart: a new crawler on the same state file and tiers.
	m2 := newMirror(t, s, mirrorOpts{dir: dir})
	if st := m2.c.Status(); st.Checked != 30 {
		t.Fatalf("restarted crawler's position: %s", st)
	}
	m2.chain.Announce(t, hashes(later))
	m2.run(t)
	st = m2.waitFor(t, time.Minute, "the new entries held", func(st crawler.Status) bool { return st.Held == 40 && st.FullPasses >= 1 })
	if st.Fetched != 10 || st.Missing != 0 {
		t.Errorf("restarted crawler fetched %d (want only the 10 new ones): %s", st.Fetched, st)
	}

	// Rewind below the position and refill past it with other hashes
	// while the crawler is stopped: it must notice and start over.
	m2.stop(t)
	m2.chain.Rewind(t, base)
	m2.chain.Announce(t, hashes(absent[:5]))
	m2.chain.Announce(t, hashes(other))
	m2.close(t)
	m3 := newMirror(t, s, mirrorOpts{dir: dir})
	m3.run(t)
	st = m3.waitFor(t, time.Minute, "the refilled whitelist", func(st crawler.Status) bool {
		return st.Rewinds == 1 && st.Checked == 40 && st.Held == 35 && st.Missing == 5
	})
	for _, k := range other {
		if ok, _ := m3.disk.Has(context.Background(), k); !ok {
			t.Errorf("record %s of the new branch not fetched", k)
		}
	}
}

// A DHT driver process killed with -9 mid-crawl is relaunched by the host
// and the crawl completes; a driver that is gone for good leaves new
// hashes missing as "the DHT could not be asked", with the error.
func TestDriverProcessDiesMidCrawl(t *testing.T) {
	s := testdht.Start(t, 6, nil)
	keys, vals := synthetic(300, "kill")
	late, lateVals := synthetic(1, "late")
	s.Allow(t, append(append([]plugins.Key(nil), keys...), late...))
	publish(t, s.Nodes[1:3], keys, vals)
	publish(t, s.Nodes[1:2], late, lateVals)
	m := newMirror(t, s, mirrorOpts{process: true, crawl: func(c *crawler.Config) { c.Workers = 2 }})
	m.chain.Announce(t, hashes(keys))
	m.run(t)
	m.waitFor(t, time.Minute, "a first part held", func(st crawler.Status) bool { return st.Held >= 30 })
	hosttest.Kill9(t, m.dht.(*host.Process), 30*time.Second)
	st := m.waitFor(t, 2*time.Minute, "all held after the relaunch", func(st crawler.Status) bool { return st.Held == int64(len(keys)) })
	t.Logf("after kill -9 of the driver: %s", st)

	m.dht.Close()
	m.chain.Announce(t, hashes(late))
	m.waitFor(t, time.Minute, "the late hash reported unavailable", func(st crawler.Status) bool {
		mi, ok := m.c.Missing(late[0])
		return ok && mi.State == crawler.StateUnavailable && strings.Contains(mi.LastError, plugins.ErrUnavailable.Error())
	})
}
