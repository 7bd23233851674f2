package status

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

// The history keeps an hour and no more; rates come from the samples'
// counters; the page and the JSON carry the same report.
func TestPageHistoryAndRates(t *testing.T) {
	n := uint64(0)
	p := New(func(context.Context) Report {
		n += 300 // 300 requests between two samples
		return Report{Network: "test", Sync: Sync{Height: int64(n)}, Lookups: Lookups{HTTPRequests: n, DNSQueries: 2 * n}}
	})
	for range points + 50 {
		p.sample(context.Background())
	}
	r := p.Report(context.Background())
	for _, s := range Series {
		if len(r.History[s]) != points {
			t.Errorf("%s: %d points kept, want %d", s, len(r.History[s]), points)
		}
	}
	if r.Lookups.HTTPPerSec <= 0 || r.Lookups.DNSPerSec <= r.Lookups.HTTPPerSec {
		t.Errorf("rates %v %v", r.Lookups.HTTPPerSec, r.Lookups.DNSPerSec)
	}
	rec := httptest.NewRecorder()
	p.ServeHTTP(rec, httptest.NewRequest("GET", "/status?format=json", nil))
	var back Report
	if err := json.Unmarshal(rec.Body.Bytes(), &back); err != nil || back.Network != "test" || len(back.History["height"]) != points {
		t.Fatalf("JSON: %v %+v", err, back.Sync)
	}
	rec = httptest.NewRecorder()
	p.ServeHTTP(rec, httptest.NewRequest("GET", "/status", nil))
	page := rec.Body.String()
	if !strings.Contains(page, `id="sync-height">`) || strings.Count(page, "<polyline") != 6 || strings.Contains(page, "<script") {
		t.Errorf("the page: %d sparklines, %q", strings.Count(page, "<polyline"), page[:200])
	}
}

// A sparkline has a point per value, scaled into its box.
func TestSparkline(t *testing.T) {
	s := string(sparkline([]float64{1, 5, 3}))
	if !strings.Contains(s, `points="1.0,27.0 80.0,1.0 159.0,14.0"`) {
		t.Errorf("sparkline %s", s)
	}
	if strings.Contains(string(sparkline([]float64{7})), "polyline") {
		t.Error("a sparkline of one value")
	}
	var b bytes.Buffer
	if err := render(&b, Report{}); err != nil {
		t.Fatal(err)
	}
}
