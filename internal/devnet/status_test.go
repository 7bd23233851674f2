package devnet

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zonemirror/zonemirror/chainsync/txbuild"
	"github.com/zonemirror/zonemirror/mirror/status"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// chromium renders url in headless Chromium and returns the DOM, saving
// a screenshot to png when it is set.
func chromium(t *testing.T, url, png string) string {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("chromium is not installed (apt-get install --no-install-recommends chromium; .ci/run does): %v", err)
	}
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
		"--user-data-dir=" + t.TempDir(), "--window-size=1100,1500"}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	run := func(extra ...string) []byte {
		cmd := exec.CommandContext(ctx, bin, append(append(args, extra...), url)...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		var out, errs bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errs
		if err := cmd.Run(); err != nil {
			t.Fatalf("chromium %v: %v\n%s", extra, err, errs.String())
		}
		return out.Bytes()
	}
	if png != "" {
		run("--screenshot=" + png)
		b, err := os.ReadFile(png)
		if err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) || len(b) < 10_000 {
			t.Fatalf("screenshot %s: %d bytes, %v", png, len(b), err)
		}
	}
	return string(run("--dump-dom"))
}

// figure is the text of the element of id in a rendered page.
func figure(t *testing.T, dom, id string) string {
	t.Helper()
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `"[^>]*>(?:<code>)?([^<]*)`).FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("the page has no figure %q", id)
	}
	return strings.TrimSpace(m[1])
}

// metricValue is the value of one sample of /metrics (labels as written),
// or the sum of a family's samples when labels is "*".
func metricValue(t *testing.T, base, name, labels string) float64 {
	t.Helper()
	_, body := httpGet(t, base+"/metrics")
	sum, found := 0.0, false
	for _, line := range strings.Split(string(body), "\n") {
		f := strings.Fields(line)
		if len(f) != 2 {
			continue
		}
		n, l, _ := strings.Cut(f[0], "{")
		if n != name || (labels != "*" && "{"+l != labels && !(labels == "" && l == "")) {
			continue
		}
		v, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			t.Fatal(err)
		}
		sum, found = sum+v, true
	}
	if !found {
		t.Fatalf("no sample %s%s in /metrics", name, labels)
	}
	return sum
}

// The status page of a running devnet, rendered by headless Chromium:
// its figures equal /status?format=json's and /metrics'; a screenshot is
// saved; a zone file announced but nowhere to fetch, and a killed driver,
// show on the page within one refresh.
func TestDevnetStatusPage(t *testing.T) {
	data := t.TempDir()
	d := start(t, data, 5)
	defer d.stop(t)
	base := "http://" + d.info.HTTP

	png := filepath.Join(t.TempDir(), "status.png")
	if p := os.Getenv("ZONEMIRROR_STATUS_SCREENSHOT"); p != "" {
		png = p // the README's
	}
	dom := chromium(t, base+"/status", png)
	var rep status.Report
	if code := getJSON(t, base+"/status?format=json", &rep); code != 200 {
		t.Fatalf("/status?format=json: %d", code)
	}
	for _, c := range []struct {
		id     string
		json   any
		metric string
		labels string
	}{
		{"sync-height", rep.Sync.Height, "zonemirror_sync_height_blocks", ""},
		{"sync-node-height", rep.Sync.NodeHeight, "zonemirror_sync_node_height_blocks", ""},
		{"sync-lag", rep.Sync.Lag, "zonemirror_sync_lag_blocks", ""},
		{"subdomains", rep.Subdomains, "zonemirror_subdomains", ""},
		{"records-whitelisted", rep.Records.Whitelisted, "zonemirror_records_whitelisted", ""},
		{"records-held", rep.Records.Held, "zonemirror_records_held", ""},
		{"records-missing", rep.Records.Missing, "zonemirror_records_missing", "*"},
		{"tier-dht-restarts", rep.Tiers[1].Restarts, "zonemirror_driver_restarts_total", `{driver="dht"}`},
		{"tier-disk-puts", rep.Tiers[0].Puts, "zonemirror_tier_puts_total", `{tier="disk"}`},
		{"rrl-dropped", rep.Lookups.RRLDropped, "zonemirror_dns_rrl_responses_total", `{action="dropped"}`},
	} {
		page, js := figure(t, dom, c.id), fmt.Sprint(c.json)
		metric := strconv.FormatFloat(metricValue(t, base, c.metric, c.labels), 'f', -1, 64)
		if page != js || js != metric {
			t.Errorf("%s: the page says %s, the JSON %s, /metrics %s", c.id, page, js, metric)
		}
	}
	var count struct {
		Names int64 `json:"names_count"`
	}
	getJSON(t, base+"/v1/blockchains/bitcoin/name_count", &count)
	if got := figure(t, dom, "names"); got != fmt.Sprint(count.Names) || fmt.Sprint(rep.Names) != got || rep.Names < int64(len(d.info.Names)) {
		t.Errorf("names: the page says %s, the JSON %d, the API's name_count %d; %d seeded", got, rep.Names, count.Names, len(d.info.Names))
	}
	if got := figure(t, dom, "consensus-hash"); got != rep.ConsensusHash || len(got) != 32 {
		t.Errorf("consensus hash: the page says %q, the JSON %q", got, rep.ConsensusHash)
	}
	if !rep.Ready || figure(t, dom, "ready") != "ready" || rep.Tiers[1].Health != "ok" || figure(t, dom, "tier-dht-health") != "ok" {
		t.Fatalf("a healthy devnet: ready %v, dht %q", rep.Ready, rep.Tiers[1].Health)
	}
	if !strings.Contains(dom, "<svg class=\"spark\"") || strings.Contains(dom, "<script") || strings.Contains(dom, "http-equiv=\"refresh\" content=\"10\"") == false {
		t.Error("the page lacks its sparklines or its refresh, or has a script")
	}

	// a zone file announced on chain that nobody publishes, and the DHT
	// driver's process killed
	c, err := Dial(data, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	name := d.info.Names[1]
	owner, err := c.owner(name)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := c.api.consensusHash()
	if err != nil {
		t.Fatal(err)
	}
	unpublished := []byte("$ORIGIN " + name + "\n$TTL 60\n@ IN A 10.6.6.6\n")
	hash := wire.SumHash160(unpublished)
	if err := c.send(context.Background(), owner, txbuild.Update(name, ch, hash)); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(driverProcess(t, "dht"), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	changed := time.Now()
	for {
		// one refresh: what the page shows 10 s after the change
		dom = chromium(t, base+"/status", "")
		if figure(t, dom, "records-missing") != "0" && strings.Contains(dom, hash.String()[:12]) && figure(t, dom, "tier-dht-restarts") != "0" {
			break
		}
		if time.Since(changed) > 10*time.Second {
			t.Fatalf("10 s after: missing %s, restarts %s, the hash listed %v", figure(t, dom, "records-missing"),
				figure(t, dom, "tier-dht-restarts"), strings.Contains(dom, hash.String()[:12]))
		}
	}
	t.Logf("the missing zone file and the driver's restart show %s after", time.Since(changed).Round(100*time.Millisecond))
}
