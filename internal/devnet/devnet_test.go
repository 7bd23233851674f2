package devnet

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/zonemirror/zonemirror/internal/realdata"
	"github.com/zonemirror/zonemirror/mirror/zonefile"
	"github.com/zonemirror/zonemirror/namedb/wire"
	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/dht"
	"github.com/zonemirror/zonemirror/plugins/disk"
	"github.com/zonemirror/zonemirror/plugins/host/hosttest"
)

var builtins = map[string]plugins.OpenFunc{"disk": disk.Open, "dht": dht.Open}

func TestMain(m *testing.M) {
	hosttest.ServeIfDriver(builtins) // first: driver processes inherit childEnv
	if dir := os.Getenv(childEnv); dir != "" {
		runChild(dir)
	}
	os.Exit(m.Run())
}

type devnet struct {
	info   Info
	cancel context.CancelFunc
	done   chan error
}

func start(t *testing.T, data string, names int) *devnet {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	up := make(chan Info, 1)
	done := make(chan error, 1)
	ho := hosttest.Options(builtins)
	var out bytes.Buffer
	go func() {
		done <- Run(ctx, Options{Data: data, Names: names, HTTP: "127.0.0.1:0", DNS: "127.0.0.1:0", Out: &out,
			Builtins: builtins, Self: ho.Self, DriverEnv: ho.Env, Up: func(i Info) { up <- i }})
	}()
	// While it sets up, /readyz answers 200 only with every name there: a
	// script waiting on it sees the devnet up.
	early := make(chan string, 1)
	watching, stopWatch := context.WithCancel(ctx)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		watchReadiness(watching, data, names, early)
	}()
	defer func() { stopWatch(); <-watched }()
	select {
	case i := <-up:
		stopWatch()
		<-watched
		select {
		case msg := <-early:
			cancel()
			<-done
			t.Fatal(msg)
		default:
		}
		return &devnet{info: i, cancel: cancel, done: done}
	case err := <-done:
		cancel()
		t.Fatalf("devnet: %v\n%s", err, out.String())
	case <-time.After(5 * time.Minute):
		cancel()
		t.Fatalf("devnet not up in 5 minutes\n%s", out.String())
	}
	return nil
}

// watchReadiness polls the devnet's /readyz (from running.json, written
// before the names are seeded) until ctx ends, and reports a 200 answered
// while fewer than names names exist.
func watchReadiness(ctx context.Context, data string, names int, early chan<- string) {
	var base string
	for ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
		if base == "" {
			var r running
			b, err := os.ReadFile(filepath.Join(data, "running.json"))
			if err != nil || json.Unmarshal(b, &r) != nil || r.HTTP == "" {
				continue
			}
			base = "http://" + r.HTTP
		}
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			continue
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			continue
		}
		var list []string
		resp, err = http.Get(base + "/v1/names?page=0")
		if err != nil {
			continue
		}
		err = json.NewDecoder(resp.Body).Decode(&list)
		resp.Body.Close()
		if err == nil && len(list) < names {
			early <- fmt.Sprintf("/readyz answered 200 with %d of the %d names registered", len(list), names)
			return
		}
	}
}

func (d *devnet) stop(t *testing.T) {
	d.cancel()
	if err := <-d.done; err != nil {
		t.Errorf("devnet: %v", err)
	}
}

// dhtHits is the DHT tier's lookup hits, from /metrics.
func dhtHits(t *testing.T, d *devnet) float64 {
	t.Helper()
	_, body := httpGet(t, "http://"+d.info.HTTP+"/metrics")
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, `zonemirror_tier_lookups_total{result="hit",tier="dht"} `); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	t.Fatalf("no DHT hits metric in\n%s", body)
	return 0
}

func httpGet(t *testing.T, url string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// resolves checks that name answers over HTTP with exactly zf and
// over DNS with its first record.
func resolves(t *testing.T, d *devnet, name string, zf []byte) {
	t.Helper()
	code, body := httpGet(t, "http://"+d.info.HTTP+"/v1/names/"+name+"/zonefile?raw=1")
	if code != 200 || !bytes.Equal(body, zf) {
		t.Errorf("%s over HTTP: %d %q", name, code, body)
		return
	}
	rrs := zonefile.Parse(name, zf, 3600)
	if len(rrs) == 0 {
		return // a zone file without DNS records (it is still served over HTTP)
	}
	want := rrs[0]
	q := new(dns.Msg)
	q.SetQuestion(want.Header().Name, want.Header().Rrtype)
	r, err := dns.Exchange(q, d.info.DNS)
	if err != nil || r.Rcode != dns.RcodeSuccess {
		t.Errorf("%s over DNS: %v %v", name, r, err)
		return
	}
	for _, rr := range r.Answer {
		if dns.IsDuplicate(rr, want) {
			return
		}
	}
	t.Errorf("%s over DNS: %v, want %v", name, r.Answer, want)
}

// The devnet comes up with its names, their zone files crawled from the
// DHT peers; every one resolves over HTTP and DNS to its exact zone file;
// an update through a transaction shows in both; a record deleted from the
// disk tier comes back from the DHT on the next lookup; a second start
// resumes.
func TestDevnet(t *testing.T) {
	data := t.TempDir()
	d := start(t, data, 30)
	if len(d.info.Names) != 30 {
		t.Fatalf("%d names seeded", len(d.info.Names))
	}
	if code, body := httpGet(t, "http://"+d.info.HTTP+"/readyz"); code != 200 {
		t.Errorf("readyz %d %s", code, body)
	}
	real, err := realdata.Zonefiles()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string][]byte{}
	for _, z := range real {
		byName[z.Name] = z.Data
	}
	// the registrar's subdomains answer over HTTP and DNS
	if len(d.info.Subdomains) != len(Subdomains) {
		t.Fatalf("subdomains %v", d.info.Subdomains)
	}
	for i, fqn := range d.info.Subdomains {
		var rec map[string]any
		if code := getJSON(t, "http://"+d.info.HTTP+"/v1/names/"+fqn, &rec); code != 200 || rec["status"] != "registered_subdomain" || rec["address"] != SubdomainKey(Subdomains[i]).Address {
			t.Errorf("%s: %d %v", fqn, code, rec)
		}
		m := new(dns.Msg)
		m.SetQuestion(fqn+".", dns.TypeA)
		r, err := dns.Exchange(m, d.info.DNS)
		if err != nil || len(r.Answer) != 1 || r.Answer[0].(*dns.A).A.String() != "127.0.0.1" {
			t.Errorf("%s A: %v %v", fqn, r, err)
		}
	}
	if _, body := httpGet(t, "http://"+d.info.HTTP+"/metrics"); !strings.Contains(string(body), fmt.Sprintf("\nzonemirror_subdomains %d\n", len(Subdomains))) {
		t.Errorf("metrics do not count %d subdomains", len(Subdomains))
	}
	held := d.info.Names[len(d.info.Names)-1] // not looked up yet: not in the mirror's memory
	for _, n := range d.info.Names[:len(d.info.Names)-1] {
		resolves(t, d, n, byName[n])
	}

	// The disk tier loses a record; the next lookup finds it in the DHT
	// and writes it back to the disk.
	onDisk, err := disk.New(disk.Config{Dir: d.info.Records}, nil)
	if err != nil {
		t.Fatal(err)
	}
	key := plugins.Key(wire.SumHash160(byName[held]))
	if ok, _ := onDisk.Has(context.Background(), key); !ok {
		t.Fatalf("%s: its zone file is not on the disk tier after the crawl", held)
	}
	if err := onDisk.Delete(context.Background(), key); err != nil {
		t.Fatal(err)
	}
	before := dhtHits(t, d)
	resolves(t, d, held, byName[held])
	if after := dhtHits(t, d); after != before+1 {
		t.Errorf("DHT tier hits %v -> %v, want one more", before, after)
	}
	deadline := time.Now().Add(10 * time.Second)
	for ok := false; !ok; ok, _ = onDisk.Has(context.Background(), key) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not written back to the disk tier", held)
		}
		time.Sleep(50 * time.Millisecond)
	}
	onDisk.Close()

	// An update from another process's point of view (Client).
	c, err := Dial(data, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	name := d.info.Names[3]
	next := []byte("$ORIGIN " + name + "\n$TTL 60\n@ IN A 10.9.8.7\n")
	sent := time.Now()
	if err := c.Update(context.Background(), name, next); err != nil {
		t.Fatal(err)
	}
	t.Logf("update visible %s after it was sent", time.Since(sent).Round(time.Millisecond))
	resolves(t, d, name, next)
	c.Close()
	// the tip must not move while the answers are compared
	testSnapshotRoundTrip(t, d, data)
	d.stop(t)

	// A second start resumes: same chain, no seeding again.
	d = start(t, data, 30)
	defer d.stop(t)
	resolves(t, d, name, next)
	resolves(t, d, d.info.Names[0], byName[d.info.Names[0]])
	if _, err := Dial(t.TempDir(), io.Discard); err == nil || !strings.Contains(err.Error(), "no devnet is running") {
		t.Errorf("dial an empty folder: %v", err)
	}
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	code, body := httpGet(t, url)
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("%s: %q: %v", url, body, err)
	}
	return code
}
