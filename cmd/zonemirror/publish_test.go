package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zonemirror/zonemirror/internal/testdht"
	"github.com/zonemirror/zonemirror/internal/testwhitelist"
	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/host"
	"github.com/zonemirror/zonemirror/plugins/host/hosttest"
)

// zonemirror publish stores a whitelisted zone file in the tiers (a disk
// driver process) and the DHT (held by every other node of a 6-node
// swarm), and refuses one whose hash was never announced.
func TestPublishCommand(t *testing.T) {
	t.Setenv(asZonemirror, "1") // the tiers' driver processes are this binary as zonemirror
	data := t.TempDir()
	zone := []byte("$ORIGIN publish.test\n$TTL 3600\n_http._tcp IN URI 10 1 \"https://example.org/p.json\"\n")
	key := plugins.SumKey(zone)
	chain := testwhitelist.Open(t, filepath.Join(data, "regtest"))
	chain.Announce(t, [][20]byte{key})
	chain.Close() // publish opens it

	s := testdht.Start(t, 6, nil)
	s.Allow(t, []plugins.Key{key})
	file := filepath.Join(t.TempDir(), "zone.txt")
	if err := os.WriteFile(file, zone, 0o644); err != nil {
		t.Fatal(err)
	}
	dhtCfg, _ := json.Marshal(s.NodeConfig(t.TempDir()))
	records := t.TempDir()
	tiers := filepath.Join(t.TempDir(), "tiers.json")
	tb, _ := json.Marshal([]host.DriverConfig{{Name: "local", Driver: "disk", Config: hosttest.JSON(map[string]any{"dir": records})}})
	if err := os.WriteFile(tiers, tb, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"publish", "--data", data, "--network", "regtest", "--dht", string(dhtCfg), "--tiers", tiers}
	code, out, errs := runCLI(t, "", append(args, file)...)
	if code != 0 || !strings.Contains(out, "stored "+key.String()+" in 1 tiers") ||
		!strings.Contains(out, "held by 6 of the 6 closest peers") {
		t.Fatalf("publish: exit %d\n%s\n%s", code, out, errs)
	}
	h := key.String()
	if b, err := os.ReadFile(filepath.Join(records, "records", h[:2], h[2:4], h)); err != nil || string(b) != string(zone) {
		t.Errorf("disk tier: %q, %v", b, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i, d := range s.Live() {
		if ok, _ := d.Has(ctx, key); !ok {
			t.Errorf("swarm node %d does not hold the published record", i)
		}
	}

	spam := filepath.Join(t.TempDir(), "spam.txt")
	if err := os.WriteFile(spam, []byte("$ORIGIN spam.test\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs = runCLI(t, "", append(args, spam)...)
	if code != 1 || !strings.Contains(errs, "is not whitelisted") || strings.Contains(out, "published") {
		t.Errorf("publish of a file never announced: exit %d\n%s\n%s", code, out, errs)
	}
}
