package status

import (
	"fmt"
	"html/template"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// refresh is how often the page reloads itself.
const refresh = 10

// sparkline draws values as an inline SVG polyline, w×h pixels.
func sparkline(values []float64) template.HTML {
	const w, h = 160, 28
	if len(values) < 2 {
		return template.HTML(fmt.Sprintf(`<svg class="spark" width="%d" height="%d" role="img" aria-label="not enough samples yet"></svg>`, w, h))
	}
	lo, hi := values[0], values[0]
	for _, v := range values {
		lo, hi = min(lo, v), max(hi, v)
	}
	var pts strings.Builder
	for i, v := range values {
		x := float64(i) * (w - 2) / float64(len(values)-1)
		y := float64(h-2) / 2
		if hi > lo {
			y = (h - 2) - (v-lo)*(h-2)/(hi-lo)
		}
		fmt.Fprintf(&pts, "%.1f,%.1f ", x+1, y+1)
	}
	return template.HTML(fmt.Sprintf(`<svg class="spark" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="last hour: %s to %s"><polyline fill="none" stroke="currentColor" stroke-width="1.5" points="%s"/></svg>`,
		w, h, w, h, num(lo), num(hi), strings.TrimSpace(pts.String())))
}

// num writes a figure as the page shows it (and the test reads it back).
func num(v float64) string {
	if v == float64(int64(v)) {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

func pct(v float64) string { return strconv.FormatFloat(100*v, 'f', 1, 64) + "%" }

func ago(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return time.Since(t).Round(time.Second).String() + " ago"
}

var page = template.Must(template.New("status").Funcs(template.FuncMap{
	"spark": sparkline, "num": num, "pct": pct, "ago": ago,
	"keys":  func(m map[string]int64) []string { return slices.Sorted(maps.Keys(m)) },
	"ukeys": func(m map[string]uint64) []string { return slices.Sorted(maps.Keys(m)) },
	"short": func(s string) string {
		if len(s) > 12 {
			return s[:12] + "…"
		}
		return s
	},
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="{{.Refresh}}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>zonemirror {{.R.Network}}: {{if .R.Ready}}ready{{else}}not ready{{end}}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1d2330;background:#fafbfc}
h1{font-size:1.3em;margin:0 0 .2em} h2{font-size:1.05em;margin:1.4em 0 .4em;border-bottom:1px solid #d8dde6;padding-bottom:.2em}
table{border-collapse:collapse} td,th{padding:.2em .9em .2em 0;text-align:left;vertical-align:middle} th{font-weight:600;color:#4a5468}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#17803d;font-weight:600} .bad{color:#b42318;font-weight:600} .muted{color:#6b7486} .spark{color:#3457d5}
code{font-size:.92em}
</style></head><body>
<h1>zonemirror — {{.R.Network}}</h1>
<p class="muted">{{with .R.Version}}{{.}} · {{end}}{{.R.Time.Format "2006-01-02 15:04:05 MST"}} · refreshes every {{.Refresh}} s ·
<a href="?format=json">JSON</a> · <a href="/metrics">metrics</a></p>
<p id="ready" class="{{if .R.Ready}}ok{{else}}bad{{end}}">{{if .R.Ready}}ready{{else}}not ready: {{.R.NotReady}}{{end}}</p>

<h2>Sync</h2>
<table>
<tr><th>height</th><td class="n" id="sync-height">{{.R.Sync.Height}}</td><td>{{spark (index .R.History "height")}}</td></tr>
<tr><th>node tip</th><td class="n" id="sync-node-height">{{.R.Sync.NodeHeight}}</td><td></td></tr>
<tr><th>lag (blocks)</th><td class="n" id="sync-lag">{{.R.Sync.Lag}}</td><td>{{spark (index .R.History "lag")}}</td></tr>
<tr><th>state</th><td id="sync-state">{{.R.Sync.State}}</td><td class="muted">{{.R.Sync.LastError}}</td></tr>
<tr><th>blocks/s</th><td class="n" id="sync-rate">{{num .R.Sync.BlocksPerSec}}</td><td></td></tr>
<tr><th>reorgs</th><td class="n" id="sync-reorgs">{{.R.Sync.Reorgs}}</td><td class="muted">last {{.R.Sync.LastReorg}} deep</td></tr>
<tr><th>consensus hash</th><td id="consensus-hash"><code>{{.R.ConsensusHash}}</code></td><td></td></tr>
<tr><th>names</th><td class="n" id="names">{{.R.Names}}</td><td></td></tr>
<tr><th>subdomains</th><td class="n" id="subdomains">{{.R.Subdomains}}</td><td></td></tr>
</table>

<h2>Records</h2>
<table>
<tr><th>whitelisted</th><td class="n" id="records-whitelisted">{{.R.Records.Whitelisted}}</td><td></td></tr>
<tr><th>held</th><td class="n" id="records-held">{{.R.Records.Held}}</td><td></td></tr>
<tr><th>missing</th><td class="n" id="records-missing">{{.R.Records.Missing}}</td><td>{{spark (index .R.History "missing")}}</td></tr>
{{range $k := keys .R.Records.MissingByCause}}<tr><th class="muted">&nbsp;&nbsp;{{$k}}</th><td class="n" id="missing-{{$k}}">{{index $.R.Records.MissingByCause $k}}</td><td></td></tr>
{{end}}{{range $k := ukeys .R.Records.Failures}}<tr><th class="muted">fetch failures: {{$k}}</th><td class="n" id="failures-{{$k}}">{{index $.R.Records.Failures $k}}</td><td></td></tr>
{{end}}</table>
{{with .R.Records.Oldest}}<p>Missing longest: <code id="oldest-missing">{{.Hash}}</code> ({{.Name}}), {{.State}} since {{ago .Since}}{{with .LastError}}: {{.}}{{end}}</p>{{end}}
{{if .R.Records.Recent}}<table id="recent-failures"><tr><th>zone file</th><th>name</th><th>state</th><th>tries</th><th>last try</th><th>reason</th></tr>
{{range .R.Records.Recent}}<tr><td><code>{{short .Hash}}</code></td><td>{{.Name}}</td><td>{{.State}}</td><td class="n">{{.Attempts}}</td><td>{{ago .LastTry}}</td><td class="muted">{{.LastError}}</td></tr>
{{end}}</table>{{end}}

<h2>Storage tiers</h2>
<table><tr><th>tier</th><th>driver</th><th>health</th><th>restarts</th><th>Get p50</th><th>Get p99</th><th>Put p50</th><th>Put p99</th><th>hit ratio</th><th>lookups</th><th>puts</th></tr>
{{range .R.Tiers}}<tr><td>{{.Name}}</td><td>{{.Driver}}</td><td id="tier-{{.Name}}-health" class="{{if eq .Health "ok"}}ok{{else}}bad{{end}}">{{.Health}}</td>
<td class="n" id="tier-{{.Name}}-restarts">{{.Restarts}}</td><td class="n">{{num .GetP50Ms}} ms</td><td class="n">{{num .GetP99Ms}} ms</td><td class="n">{{num .PutP50Ms}} ms</td><td class="n">{{num .PutP99Ms}} ms</td>
<td class="n">{{pct .HitRatio}}</td><td class="n" id="tier-{{.Name}}-lookups">{{.Lookups}}</td><td class="n" id="tier-{{.Name}}-puts">{{.Puts}}</td></tr>
{{end}}</table>

<h2>Lookups</h2>
<table>
<tr><th>HTTP/s</th><td class="n" id="http-rate">{{num .R.Lookups.HTTPPerSec}}</td><td>{{spark (index .R.History "http_per_sec")}}</td></tr>
<tr><th>DNS/s</th><td class="n" id="dns-rate">{{num .R.Lookups.DNSPerSec}}</td><td>{{spark (index .R.History "dns_per_sec")}}</td></tr>
<tr><th>HTTP requests</th><td class="n" id="http-requests">{{.R.Lookups.HTTPRequests}}</td><td></td></tr>
<tr><th>DNS queries</th><td class="n" id="dns-queries">{{.R.Lookups.DNSQueries}}</td><td></td></tr>
<tr><th>zone-file cache hit ratio</th><td class="n" id="cache-hit-ratio">{{pct .R.Lookups.CacheHitRatio}}</td><td></td></tr>
<tr><th>DNS rate limited</th><td class="n" id="rrl">dropped <span id="rrl-dropped">{{.R.Lookups.RRLDropped}}</span>, truncated <span id="rrl-slipped">{{.R.Lookups.RRLSlipped}}</span></td><td>{{spark (index .R.History "rrl_per_sec")}}</td></tr>
</table>
<p class="muted">Sparklines: the last hour, a point every {{.R.HistoryInterval}}.</p>
</body></html>
`))

func render(w io.Writer, r Report) error {
	return page.Execute(w, struct {
		R       Report
		Refresh int
	}{r, refresh})
}
