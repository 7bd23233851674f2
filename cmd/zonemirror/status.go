package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/zonemirror/zonemirror/mirror/status"
)

func init() {
	register(&command{
		name:    "status",
		summary: "a running mirror's status in the terminal (its /status page's figures)",
		run:     runStatus,
	})
}

func runStatus(ctx context.Context, env *cmdEnv, args []string) error {
	fs := newFlagSet(env, "status", "status [--url URL] [--json]")
	url := fs.String("url", "http://127.0.0.1:6270", "the mirror's HTTP API (http.listen)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", strings.TrimSuffix(*url, "/")+"/status?format=json", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("the mirror at %s: %w", *url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return fmt.Errorf("the mirror at %s: %w", *url, err)
	}
	if resp.StatusCode != 200 {
		return fmt.Errorf("the mirror at %s: %s: %s", *url, resp.Status, strings.TrimSpace(string(body)))
	}
	if *asJSON {
		_, err := env.stdout.Write(body)
		return err
	}
	var r status.Report
	if err := json.Unmarshal(body, &r); err != nil {
		return fmt.Errorf("the mirror at %s: not a status report: %w", *url, err)
	}
	printStatus(env.stdout, &r)
	return nil
}

// printStatus writes the report for a terminal.
func printStatus(out io.Writer, r *status.Report) {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	ready := "ready"
	if !r.Ready {
		ready = "NOT READY: " + r.NotReady
	}
	fmt.Fprintf(w, "zonemirror %s (%s) at %s: %s\n\n", r.Network, r.Version, r.Time.Format(time.RFC3339), ready)
	fmt.Fprintf(w, "sync\theight %d\tnode %d\tlag %d\t%s, %.1f blocks/s\n", r.Sync.Height, r.Sync.NodeHeight, r.Sync.Lag, r.Sync.State, r.Sync.BlocksPerSec)
	if r.Sync.LastError != "" {
		fmt.Fprintf(w, "\tlast error: %s\n", r.Sync.LastError)
	}
	fmt.Fprintf(w, "\treorgs %d (last %d deep)\tconsensus hash %s\n", r.Sync.Reorgs, r.Sync.LastReorg, r.ConsensusHash)
	fmt.Fprintf(w, "names\t%d\tsubdomains %d\n", r.Names, r.Subdomains)
	fmt.Fprintf(w, "records\twhitelisted %d\theld %d\tmissing %d\n", r.Records.Whitelisted, r.Records.Held, r.Records.Missing)
	for _, k := range slices.Sorted(maps.Keys(r.Records.MissingByCause)) {
		if n := r.Records.MissingByCause[k]; n > 0 {
			fmt.Fprintf(w, "\t  %s\t%d\n", k, n)
		}
	}
	if o := r.Records.Oldest; o != nil {
		fmt.Fprintf(w, "\toldest missing: %s (%s), %s since %s\n", o.Hash, o.Name, o.State, o.Since.Format(time.RFC3339))
	}
	for _, m := range r.Records.Recent {
		fmt.Fprintf(w, "\tfailed: %s (%s) %s, %d tries: %s\n", m.Hash, m.Name, m.State, m.Attempts, m.LastError)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "tier\tdriver\thealth\trestarts\tGet p50\tGet p99\tPut p50\tPut p99\thit ratio\tlookups\tputs")
	for _, t := range r.Tiers {
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%.2f ms\t%.2f ms\t%.2f ms\t%.2f ms\t%.1f%%\t%d\t%d\n", t.Name, t.Driver, t.Health, t.Restarts,
			t.GetP50Ms, t.GetP99Ms, t.PutP50Ms, t.PutP99Ms, 100*t.HitRatio, t.Lookups, t.Puts)
	}
	fmt.Fprintln(w)
	l := r.Lookups
	fmt.Fprintf(w, "lookups\tHTTP %.1f/s (%d)\tDNS %.1f/s (%d)\tcache hits %.1f%%\tDNS rate limited: %d dropped, %d truncated\n",
		l.HTTPPerSec, l.HTTPRequests, l.DNSPerSec, l.DNSQueries, 100*l.CacheHitRatio, l.RRLDropped, l.RRLSlipped)
	w.Flush()
}
