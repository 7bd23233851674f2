package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/zonemirror/zonemirror/chainsync"
	"github.com/zonemirror/zonemirror/namedb"
)

func init() {
	register(&command{
		name:    "sync",
		summary: "sync the name database from a Bitcoin node",
		run:     runSync,
	})
}

func defaultDataDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "zonemirror")
	}
	return "zonemirror-data"
}

func runSync(ctx context.Context, env *cmdEnv, args []string) error {
	fs := newFlagSet(env, "sync", "sync [flags]")
	var nf nodeFlags
	nf.register(fs)
	data := fs.String("data", defaultDataDir(), "data folder (the name database is DATA/NETWORK/names)")
	confirmations := fs.Int("confirmations", -1, "confirmations a block needs (-1: the network's, mainnet 6)")
	window := fs.Int("window", 64, "block requests in flight")
	untilCaughtUp := fs.Bool("until-caught-up", false, "exit once the node's tip (minus the confirmations) is applied")
	progress := fs.String("progress", "auto", "auto (a bar on a terminal, log lines otherwise), bar, log or none")
	resync := fs.Bool("resync", false, "delete a name database written by another zonemirror format and sync it again from the chain")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	n, err := nf.net()
	if err != nil {
		return err
	}
	dir := filepath.Join(*data, n.Name, "names")
	var opts []namedb.Option
	if *resync {
		opts = append(opts, namedb.WithResync())
	}
	db, err := namedb.Open(ctx, dir, n, opts...)
	if err != nil {
		return err
	}
	defer db.Close()
	cfg := chainsync.Config{Node: nf.config(), Window: *window}
	if *confirmations >= 0 {
		cfg.Confirmations, cfg.UseConfirmations = *confirmations, true
	}
	s := chainsync.New(cfg, db)
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.Run(sctx) }()

	show := *progress
	if show == "auto" {
		show = "log"
		if f, ok := env.stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			show = "bar"
		}
	}
	report := newSyncReporter(env.stdout, show)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			report.final(s.Status())
			if err == nil || errors.Is(err, context.Canceled) {
				return nil
			}
			return err
		case <-tick.C:
			st := s.Status()
			report.update(st)
			if *untilCaughtUp && st.State == chainsync.StateCaughtUp && st.Height >= st.Target {
				cancel()
			}
		}
	}
}

// syncReporter shows a Status as a live bar or as periodic log lines.
type syncReporter struct {
	mode    string
	bar     *progressbar.ProgressBar
	w       io.Writer
	lastLog time.Time
}

func newSyncReporter(w io.Writer, mode string) *syncReporter {
	return &syncReporter{mode: mode, w: w}
}

func (r *syncReporter) update(st chainsync.Status) {
	switch r.mode {
	case "bar":
		if st.Target <= 0 {
			return
		}
		if r.bar == nil || r.bar.GetMax64() != st.Target {
			r.bar = progressbar.NewOptions64(st.Target, progressbar.OptionSetWriter(r.w),
				progressbar.OptionSetWidth(30), progressbar.OptionShowCount(), progressbar.OptionThrottle(200*time.Millisecond),
				progressbar.OptionClearOnFinish())
		}
		r.bar.Describe(describe(st))
		_ = r.bar.Set64(st.Height)
	case "log":
		if time.Since(r.lastLog) < 10*time.Second {
			return
		}
		r.lastLog = time.Now()
		logStatus(st)
	}
}

func (r *syncReporter) final(st chainsync.Status) {
	if r.bar != nil {
		_ = r.bar.Finish()
	}
	if r.mode != "none" {
		logStatus(st)
	}
}

func describe(st chainsync.Status) string {
	s := fmt.Sprintf("%s %d/%d %.0f blk/s %d ops", st.State, st.Height, st.Target, st.BlocksPerSec, st.Operations)
	if st.ETA > 0 {
		s += " ETA " + st.ETA.Round(time.Second).String()
	}
	if st.LastError != "" {
		s += " (" + st.LastError + ")"
	}
	return s
}

func logStatus(st chainsync.Status) {
	attrs := []any{"state", st.State, "height", st.Height, "target", st.Target, "node", st.NodeHeight,
		"blocks_per_s", fmt.Sprintf("%.1f", st.BlocksPerSec), "operations", st.Operations, "eta", st.ETA.Round(time.Second)}
	if len(st.Refused) > 0 {
		attrs = append(attrs, "refused", st.Refused)
	}
	if st.Reorgs > 0 {
		attrs = append(attrs, "reorgs", st.Reorgs)
	}
	if st.LastError != "" {
		attrs = append(attrs, "last_error", st.LastError)
	}
	slog.Info("sync", attrs...)
}
