package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/zonemirror/zonemirror/internal/testdht"
	"github.com/zonemirror/zonemirror/namedb/wire"
	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/dht"
	"github.com/zonemirror/zonemirror/plugins/disk"
)

// A mirror with a disk tier and a DHT tier crawls a name's zone file from
// the DHT into the disk once the name is registered; until then /readyz
// says what is missing, and a hash nobody published stays missing with
// the crawler's reason, in the API's answer and the metrics.
func TestServeCrawlsFromDHT(t *testing.T) {
	swarm := testdht.Start(t, 5, nil)
	c := newChain(t)
	boot, _ := json.Marshal(swarm.Bootstrap())
	recordsDir := t.TempDir()
	c.serve(fmt.Sprintf(`
data: %s
http: {listen: "127.0.0.1:0"}
dns: {listen: "off"}
crawl: {max_backoff: 500ms}
drivers:
  - {name: local, driver: disk, in_process: true, config: {dir: %q}}
  - {name: dht, driver: dht, in_process: true, timeout: 10s, config: {dir: %q, listen: ["/ip4/127.0.0.1/tcp/0"], bootstrap: %s, get_timeout: 3s}}
`, t.TempDir(), recordsDir, t.TempDir(), boot), map[string]plugins.OpenFunc{"disk": disk.Open, "dht": dht.Open})
	waitFor(t, "readiness", func() bool { return getJSON(t, c.base+"/readyz", nil) == 200 })

	held := []byte("$ORIGIN held.crawl\n$TTL 3600\n_http._tcp IN URI 10 1 \"https://example.com/held\"\n")
	lost := []byte("$ORIGIN lost.crawl\n$TTL 3600\n_http._tcp IN URI 10 1 \"https://example.com/lost\"\n")
	hk := plugins.Key(wire.SumHash160(held))
	swarm.Allow(t, []plugins.Key{hk})
	if _, err := swarm.Nodes[1].Publish(context.Background(), hk, held); err != nil {
		t.Fatal(err)
	}
	c.namespace("crawl")
	c.register("held.crawl", held)
	c.register("lost.crawl", lost)

	var z map[string]string
	waitFor(t, "the crawled zone file", func() bool {
		return getJSON(t, c.base+"/v1/names/held.crawl/zonefile", &z) == 200 && z["zonefile"] == string(held)
	})
	onDisk, err := disk.New(disk.Config{Dir: recordsDir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer onDisk.Close()
	waitFor(t, "the record on the disk tier", func() bool { ok, _ := onDisk.Has(context.Background(), hk); return ok })

	var why map[string]string
	waitFor(t, "the reason for the lost record", func() bool {
		return getJSON(t, c.base+"/v1/names/lost.crawl/zonefile", &why) == 404 && why["reason"] == "not found in the DHT"
	})
	var ready map[string]any
	if code := getJSON(t, c.base+"/readyz", &ready); code != 503 || !strings.Contains(fmt.Sprint(ready), "1 missing") {
		t.Errorf("readyz with a record missing: %d %v", code, ready)
	}
	metrics := c.metrics()
	for _, want := range []string{"zonemirror_records_held 1", `zonemirror_records_missing{state="not_found"} 1`,
		"zonemirror_crawl_fetched_records_total 1", `zonemirror_crawl_failures_total{cause="not_found"}`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// A zone file posted to the API reaches the DHT, even before anything
// streamed the new hash to the DHT node (no crawler here): the mirror tells
// the drivers the hash it found whitelisted on chain before it stores it.
func TestPostReachesTheDHT(t *testing.T) {
	swarm := testdht.Start(t, 3, nil)
	c := newChain(t)
	boot, _ := json.Marshal(swarm.Bootstrap())
	c.serve(fmt.Sprintf(`
data: %s
http: {listen: "127.0.0.1:0"}
dns: {listen: "off"}
crawl: {source: "off"}
drivers:
  - {name: local, driver: disk, in_process: true, config: {dir: %q}}
  - {name: dht, driver: dht, in_process: true, timeout: 10s, config: {dir: %q, listen: ["/ip4/127.0.0.1/tcp/0"], bootstrap: %s}}
`, t.TempDir(), t.TempDir(), t.TempDir(), boot), map[string]plugins.OpenFunc{"disk": disk.Open, "dht": dht.Open})
	waitFor(t, "readiness", func() bool { return getJSON(t, c.base+"/readyz", nil) == 200 })
	zf := []byte("$ORIGIN posted.crawl\n$TTL 3600\n@ IN A 192.0.2.1\n")
	k := plugins.Key(wire.SumHash160(zf))
	c.namespace("crawl")
	c.register("posted.crawl", zf)
	body, _ := json.Marshal(map[string]string{"zonefile": string(zf)})
	resp, err := http.Post(c.base+"/v1/zonefile", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		var ns, name map[string]any
		getJSON(t, c.base+"/v1/namespaces/crawl", &ns)
		getJSON(t, c.base+"/v1/names/posted.crawl", &name)
		t.Fatalf("post: %d %s\nnamespace %v\nname %v", resp.StatusCode, msg, ns, name)
	}
	swarm.Allow(t, []plugins.Key{k})
	got, err := swarm.Nodes[2].Get(context.Background(), k)
	if err != nil || !bytes.Equal(got, zf) {
		t.Errorf("a swarm node's lookup: %q %v", got, err)
	}
}
