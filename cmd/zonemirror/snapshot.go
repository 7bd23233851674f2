package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/zonemirror/zonemirror/mirror/daemon"
	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
	"github.com/zonemirror/zonemirror/snapshot"
	"github.com/zonemirror/zonemirror/snapshot/location"
)

func init() {
	register(&command{
		name:    "snapshot",
		summary: "export the name database as a verified snapshot, or import one (file or s3://)",
		run:     runSnapshot,
	})
}

const snapshotUsage = `snapshot export --out FILE|s3://BUCKET/KEY|s3://BUCKET/PREFIX/ [--records] [config flags]
       snapshot import --from FILE|s3://BUCKET/KEY|s3://BUCKET/PREFIX/ (--trust HEIGHT:CH... | --trust-from URL) [--records] [config flags]

export writes the mirror's blocks and the operations applied in them (and
with --records every zone file its tiers hold) at its tip: of a running
mirror through its admin socket (DATA/NETWORK/admin.sock), of a stopped one
from its database. A location ending in / gets a name of its own
(NETWORK-HEIGHT-TIME.zmsnap).

import replays a snapshot through the name rules into a new database beside
the mirror's (stopped) one, recomputing every consensus hash; it is swapped
in only if the hashes at the trusted heights are the trusted ones. From a
folder or prefix it takes the newest snapshot there. With --records the
zone files are checked against the replayed whitelist and stored in the
mirror's tiers.

The mirror's config is read as serve reads it (--config FILE, the
environment, --KEY VALUE); an s3:// location in the bucket of one of its s3
tiers is reached with that tier's endpoint and credentials, unless --s3-*
say otherwise (else the AWS environment).`

func runSnapshot(ctx context.Context, env *cmdEnv, args []string) error {
	if len(args) == 0 || (args[0] != "export" && args[0] != "import") {
		fmt.Fprintf(env.stderr, "usage: zonemirror %s\n", snapshotUsage)
		return errUsage
	}
	verb := args[0]
	fs := newFlagSet(env, "snapshot "+verb, snapshotUsage)
	cf := addConfigFlags(fs)
	loc := fs.String(map[string]string{"export": "out", "import": "from"}[verb], "", "the snapshot: a file, s3://bucket/key, or a folder or prefix ending in /")
	records := fs.Bool("records", false, "export: add every held zone file; import: store the snapshot's zone files in the tiers")
	var trusts trustFlags
	trustFrom := fs.String("trust-from", "", "import: trust another mirror's consensus hash at the snapshot's last block (its base URL)")
	if verb == "import" {
		fs.Var(&trusts, "trust", "import: HEIGHT:CONSENSUS_HASH the replay must reach (repeatable)")
	}
	var so location.S3Options
	fs.StringVar(&so.Endpoint, "s3-endpoint", "", "S3 endpoint URL (e.g. http://127.0.0.1:9000 for MinIO)")
	fs.StringVar(&so.Region, "s3-region", "", "S3 region")
	s3Path := fs.Bool("s3-path-style", false, "S3 path-style addressing (MinIO)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 || *loc == "" {
		fmt.Fprintf(env.stderr, "usage: zonemirror %s\n", snapshotUsage)
		return errUsage
	}
	cfg, err := cf.load(env, fs)
	if err != nil {
		return err
	}
	n, err := netparams.Named(cfg.Network)
	if err != nil {
		return err
	}
	target, dir, err := parseLocation(*loc)
	if err != nil {
		return err
	}
	if target.IsS3() {
		so = s3OptionsFor(cfg, target.Bucket, so, *s3Path, fs)
	}
	if verb == "export" {
		if dir {
			target = target.Join(fmt.Sprintf("%s-%s%s", n.Name, time.Now().UTC().Format("20060102T150405Z"), location.Ext))
		}
		return exportSnapshot(ctx, env, cfg, n, target, so, *records)
	}
	if dir {
		all, err := location.List(ctx, target, so)
		if err != nil {
			return err
		}
		if len(all) == 0 {
			return fmt.Errorf("no snapshot (*%s) in %s", location.Ext, target)
		}
		target = all[len(all)-1]
		fmt.Fprintf(env.stderr, "the newest snapshot there: %s\n", target)
	}
	return importSnapshot(ctx, env, cfg, n, target, so, *records, trusts, *trustFrom)
}

// parseLocation reads a snapshot's location; dir: a folder or prefix.
func parseLocation(s string) (location.Location, bool, error) {
	if strings.HasSuffix(s, "/") {
		l, err := location.ParseDir(s)
		return l, true, err
	}
	l, err := location.Parse(s)
	return l, false, err
}

// s3OptionsFor fills in the options the flags left out from the config's
// s3 tier of bucket, if there is one.
func s3OptionsFor(cfg *daemon.Config, bucket string, so location.S3Options, pathStyle bool, fs *flag.FlagSet) location.S3Options {
	so.PathStyle = pathStyle
	for _, d := range cfg.Drivers {
		if d.Driver != "s3" || d.Config["bucket"] != bucket {
			continue
		}
		str := func(k string) string { s, _ := d.Config[k].(string); return s }
		if so.Endpoint == "" {
			so.Endpoint = str("endpoint")
		}
		if so.Region == "" {
			so.Region = str("region")
		}
		if ps, ok := d.Config["path_style"].(bool); ok && !isSet(fs, "s3-path-style") {
			so.PathStyle = ps
		}
		so.AccessKeyID, so.SecretAccessKey, so.SessionToken, so.Profile = str("access_key_id"), str("secret_access_key"), str("session_token"), str("profile")
	}
	return so
}

func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// exportSnapshot writes the mirror's snapshot to target: from the running
// mirror's admin socket, or from its database when it is stopped.
func exportSnapshot(ctx context.Context, env *cmdEnv, cfg *daemon.Config, n *netparams.Network, target location.Location, so location.S3Options, records bool) (err error) {
	w, err := location.Create(ctx, target, so)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			w.Abort(err)
		}
	}()
	start := time.Now()
	var m *snapshot.Manifest
	dbPath := filepath.Join(cfg.Data, n.Name, "names")
	if inUse := snapshot.InUse(dbPath); inUse != nil {
		fmt.Fprintf(env.stderr, "the mirror is running: exporting through %s\n", daemon.AdminSocket(cfg, n))
		if m, err = daemon.ExportRunning(ctx, daemon.AdminSocket(cfg, n), records, w); err != nil {
			return err
		}
	} else {
		db, err := namedb.Open(ctx, dbPath, n)
		if err != nil {
			return err
		}
		defer db.Close()
		opts := snapshot.ExportOptions{Generator: "zonemirror " + version, Progress: progressPrinter(env, "exported")}
		if records {
			rs, err := daemon.OpenRecords(ctx, cfg, daemon.Options{Builtins: builtinDrivers})
			if err != nil {
				return err
			}
			defer rs.Close()
			opts.Records = rs
		}
		v := db.View()
		defer v.Close()
		if m, err = snapshot.Export(ctx, db, v, w, opts); err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	size := int64(0)
	for _, p := range m.Parts {
		size += p.Bytes
	}
	fmt.Fprintf(env.stdout, "%s: %s blocks %d to %d, %d operations, %d zone files (%d not held), consensus hash %s at %d; %d bytes in %s\n",
		target, m.Network, m.FirstHeight, m.LastHeight, m.Operations, m.RecordCount, m.RecordsMissing, m.ConsensusHash, m.LastHeight, size, time.Since(start).Round(time.Millisecond))
	return nil
}

// importSnapshot imports the snapshot at target into the mirror's database.
func importSnapshot(ctx context.Context, env *cmdEnv, cfg *daemon.Config, n *netparams.Network, target location.Location, so location.S3Options, records bool, trust []snapshot.Trust, trustFrom string) error {
	r, _, err := location.Open(ctx, target, so)
	if err != nil {
		return err
	}
	defer r.Close()
	opts := snapshot.ImportOptions{Network: n, Path: filepath.Join(cfg.Data, n.Name, "names"), Trust: trust, Progress: progressPrinter(env, "imported")}
	if trustFrom != "" {
		opts.TrustFrom = func(ctx context.Context, h int64) (wire.Hash128, error) { return consensusHashFrom(ctx, trustFrom, h) }
	}
	if records {
		rs, err := daemon.OpenRecords(ctx, cfg, daemon.Options{Builtins: builtinDrivers})
		if err != nil {
			return err
		}
		defer rs.Close()
		opts.Records = rs
	}
	res, err := snapshot.Import(ctx, r, opts)
	if err != nil {
		return fmt.Errorf("import %s: %w (the mirror's database is unchanged)", target, err)
	}
	m := res.Manifest
	var checked []string
	for _, t := range res.Trusted {
		checked = append(checked, t.String())
	}
	fmt.Fprintf(env.stdout, "imported %s: blocks %d to %d, %d operations replayed, consensus hashes verified at %s; %d zone files stored, %d refused; in %s\n",
		target, m.FirstHeight, m.LastHeight, m.Operations, strings.Join(checked, ", "), res.Records, res.RecordsRefused, res.Elapsed.Round(time.Millisecond))
	return nil
}

// consensusHashFrom asks the mirror at base for its consensus hash at h.
func consensusHashFrom(ctx context.Context, base string, h int64) (wire.Hash128, error) {
	url := strings.TrimSuffix(base, "/") + fmt.Sprintf("/v1/blockchains/bitcoin/consensus/%d", h)
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return wire.Hash128{}, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return wire.Hash128{}, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != 200 {
		return wire.Hash128{}, fmt.Errorf("%s: %s: %s", url, resp.Status, strings.TrimSpace(string(body)))
	}
	var v struct {
		ConsensusHash string `json:"consensus_hash"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return wire.Hash128{}, fmt.Errorf("%s: %w", url, err)
	}
	ch, err := wire.ParseHash128(v.ConsensusHash)
	if err != nil {
		return wire.Hash128{}, fmt.Errorf("%s: %w", url, err)
	}
	return ch, nil
}

// progressPrinter prints a line now and then.
func progressPrinter(env *cmdEnv, what string) func(snapshot.Progress) {
	last := time.Time{}
	return func(p snapshot.Progress) {
		if time.Since(last) < 2*time.Second && p.Height != p.LastHeight {
			return
		}
		last = time.Now()
		fmt.Fprintf(env.stderr, "%s block %d of %d, %d operations, %d zone files, %d bytes\n", what, p.Height, p.LastHeight, p.Operations, p.Records, p.Bytes)
	}
}

// trustFlags are the --trust flags.
type trustFlags []snapshot.Trust

func (t *trustFlags) String() string { return fmt.Sprint(*t) }

func (t *trustFlags) Set(s string) error {
	tr, err := snapshot.ParseTrust(s)
	if err != nil {
		return err
	}
	*t = append(*t, tr)
	return nil
}
