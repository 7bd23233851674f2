package devnet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/zonemirror/zonemirror/internal/procstart"
)

// exported is the metric families a mirror's /metrics holds, by their
// TYPE lines (a histogram's samples are NAME_bucket, _sum, _count).
func exported(t *testing.T, base string) map[string]string {
	t.Helper()
	_, body := httpGet(t, base+"/metrics")
	out := map[string]string{}
	for _, line := range strings.Split(string(body), "\n") {
		if f := strings.Fields(line); len(f) == 4 && f[0] == "#" && f[1] == "TYPE" {
			out[f[2]] = f[3]
		}
	}
	return out
}

// referenced is every zonemirror metric the alert rules and the dashboard
// query, by file.
func referenced(t *testing.T) map[string][]string {
	t.Helper()
	re := regexp.MustCompile(`zonemirror_[a-z0-9_]+`)
	out := map[string][]string{}
	for _, f := range []string{"../../configs/prometheus/alerts.yml", "../../configs/grafana/zonemirror.json"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var exprs []string
		if strings.HasSuffix(f, ".json") {
			var d struct {
				Panels []struct {
					Targets []struct {
						Expr string `json:"expr"`
					} `json:"targets"`
				} `json:"panels"`
				Templating struct {
					List []struct {
						Query any `json:"query"`
					} `json:"list"`
				} `json:"templating"`
			}
			if err := json.Unmarshal(b, &d); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			for _, p := range d.Panels {
				for _, tg := range p.Targets {
					exprs = append(exprs, tg.Expr)
				}
			}
			for _, v := range d.Templating.List {
				exprs = append(exprs, fmt.Sprint(v.Query))
			}
		} else {
			exprs = []string{string(b)}
		}
		for _, e := range exprs {
			out[f] = append(out[f], re.FindAllString(e, -1)...)
		}
		if len(out[f]) < 5 {
			t.Fatalf("%s queries only %v", f, out[f])
		}
	}
	return out
}

// freeAddr is an address on 127.0.0.1 that was free a moment ago.
func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// driverProcess is the pid of this process's child that serves the
// storage driver of kind.
func driverProcess(t *testing.T, kind string) int {
	t.Helper()
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	me := os.Getpid()
	for _, d := range dirs {
		stat, err := os.ReadFile(d + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so from the last ')'
		f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(f) < 2 || f[1] != strconv.Itoa(me) {
			continue
		}
		cmdline, _ := os.ReadFile(d + "/cmdline")
		// a driver process is this binary with the driver's kind last
		// (hosttest.Options), `zonemirror driver KIND` in a mirror
		args := strings.Split(strings.TrimRight(string(cmdline), "\x00"), "\x00")
		if len(args) >= 2 && args[len(args)-1] == kind {
			pid, _ := strconv.Atoi(filepath.Base(d))
			return pid
		}
	}
	t.Fatalf("no %s driver process among the children of %d", kind, me)
	return 0
}

// The monitoring shipped in configs/ works against a running devnet:
// every metric the alert rules and the Grafana dashboard query is one the
// mirror exports; a real Prometheus (Debian's) scrapes the mirror with
// the alert rules, and when the DHT tier's driver process is killed the
// driver-restart alert fires.
func TestDevnetPrometheus(t *testing.T) {
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		t.Fatalf("prometheus is not installed (apt-get install --no-install-recommends prometheus; .ci/run does): %v", err)
	}
	d := start(t, t.TempDir(), 5)
	defer d.stop(t)
	base := "http://" + d.info.HTTP
	// an HTTP and a DNS lookup, so that their histograms have samples
	if code, _ := httpGet(t, base+"/v1/names/"+d.info.Names[0]+"/zonefile"); code != 200 {
		t.Fatalf("zone file of %s: %d", d.info.Names[0], code)
	}
	m := new(dns.Msg)
	m.SetQuestion(d.info.Names[0]+".", dns.TypeA)
	if _, err := dns.Exchange(m, d.info.DNS); err != nil {
		t.Fatal(err)
	}
	have := exported(t, base)
	for file, names := range referenced(t) {
		for _, n := range names {
			stem := n
			for _, suffix := range []string{"_bucket", "_sum", "_count"} {
				if s, ok := strings.CutSuffix(n, suffix); ok && (have[s] == "histogram" || have[s] == "summary") {
					stem = s
				}
			}
			if have[stem] == "" {
				var all []string
				for k := range have {
					all = append(all, k)
				}
				sort.Strings(all)
				t.Errorf("%s queries %s, which the mirror does not export (it exports %s)", file, n, strings.Join(all, " "))
			}
		}
	}

	// a real Prometheus, scraping every second, evaluating the rules
	dir := t.TempDir()
	rules, _ := filepath.Abs("../../configs/prometheus/alerts.yml")
	cfg := fmt.Sprintf(`global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: [%q]
scrape_configs:
  - job_name: zonemirror
    static_configs: [{targets: [%q]}]
`, rules, d.info.HTTP)
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	var logs bytes.Buffer
	cmd := exec.Command(bin, "--config.file="+filepath.Join(dir, "prometheus.yml"), "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--log.level=warn")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := procstart.Do(cmd.Start); err != nil {
		t.Fatal(err)
	}
	defer procstart.Terminate(cmd, 5*time.Second)
	prom := "http://" + addr
	query := func(q string) []json.RawMessage {
		resp, err := http.Get(prom + "/api/v1/query?query=" + q)
		if err != nil {
			return nil
		}
		defer resp.Body.Close()
		var r struct {
			Data struct {
				Result []json.RawMessage `json:"result"`
			} `json:"data"`
		}
		json.NewDecoder(resp.Body).Decode(&r)
		return r.Data.Result
	}
	waitUntil(t, "Prometheus scraping the mirror", 60*time.Second, &logs, func() bool {
		return len(query(`zonemirror_driver_restarts_total{driver="dht"}`)) == 1 && len(query(`up{job="zonemirror"}==1`)) == 1
	})
	firing := func() bool {
		resp, err := http.Get(prom + "/api/v1/alerts")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var r struct {
			Data struct {
				Alerts []struct {
					Labels map[string]string `json:"labels"`
					State  string            `json:"state"`
				} `json:"alerts"`
			} `json:"data"`
		}
		json.NewDecoder(resp.Body).Decode(&r)
		for _, a := range r.Data.Alerts {
			if a.Labels["alertname"] == "ZonemirrorDriverRestarting" && a.Labels["driver"] == "dht" && a.State == "firing" {
				return true
			}
		}
		return false
	}
	time.Sleep(3 * time.Second) // a few scrapes of the healthy driver
	if firing() {
		t.Fatal("the driver-restart alert fires before any restart")
	}
	pid := driverProcess(t, "dht")
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	waitUntil(t, "the ZonemirrorDriverRestarting alert firing", 90*time.Second, &logs, firing)
	t.Logf("the alert fired %s after the driver was killed", time.Since(killed).Round(100*time.Millisecond))
}

func waitUntil(t *testing.T, what string, limit time.Duration, logs *bytes.Buffer, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(limit); !ok(); time.Sleep(250 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; Prometheus says:\n%s", what, logs.String())
		}
	}
}
