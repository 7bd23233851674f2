package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/snapshot"
)

// The admin socket: DATA/NETWORK/admin.sock, a Unix socket only the
// mirror's user may open (0600), for what is not for the public API. It
// serves GET /snapshot[?records=1]: a snapshot of the running mirror at
// its tip (snapshot.Export of a consistent view), whose manifest, or
// error, follows in the trailer.

// AdminSocket is the admin socket of the mirror of cfg on network n.
func AdminSocket(cfg *Config, n *netparams.Network) string {
	return filepath.Join(cfg.Data, n.Name, "admin.sock")
}

const (
	trailerManifest = "Zonemirror-Manifest"
	trailerError    = "Zonemirror-Error"
)

// serveAdmin listens on path until ctx ends.
func serveAdmin(ctx context.Context, path string, db *namedb.DB, records snapshot.Records, version string, logger *slog.Logger) (func(), error) {
	if c, err := net.Dial("unix", path); err == nil {
		c.Close()
		return nil, fmt.Errorf("admin socket %s: another mirror serves it", path)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	l, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		l.Close()
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /snapshot", func(w http.ResponseWriter, r *http.Request) {
		v := db.View()
		defer v.Close()
		opts := snapshot.ExportOptions{Generator: version}
		if r.URL.Query().Get("records") == "1" {
			opts.Records = records
		}
		w.Header().Set("Trailer", trailerManifest+", "+trailerError)
		w.Header().Set("Content-Type", "application/octet-stream")
		start := time.Now()
		m, err := snapshot.Export(r.Context(), db, v, w, opts)
		if err != nil {
			logger.Error("snapshot export failed", "err", err)
			w.Header().Set(trailerError, err.Error())
			return
		}
		mj, _ := json.Marshal(m)
		w.Header().Set(trailerManifest, string(mj))
		logger.Info("snapshot exported", "height", m.LastHeight, "operations", m.Operations, "records", m.RecordCount, "took", time.Since(start).Round(time.Millisecond))
	})
	srv := &http.Server{Handler: mux, BaseContext: func(net.Listener) context.Context { return ctx }, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(l) //nolint:errcheck // ends with Close below
	return func() {
		srv.Close()
		os.Remove(path)
	}, nil
}

// ErrNotRunning is returned by ExportRunning when no mirror listens on the
// socket.
var ErrNotRunning = errors.New("no mirror running")

// ExportRunning asks the running mirror at socket for a snapshot (with the
// held zone files if records) and writes it to w.
func ExportRunning(ctx context.Context, socket string, records bool, w io.Writer) (*snapshot.Manifest, error) {
	c := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", socket)
	}}}
	url := "http://mirror/snapshot"
	if records {
		url += "?records=1"
	}
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			return nil, fmt.Errorf("%w at %s: %v", ErrNotRunning, socket, err)
		}
		return nil, fmt.Errorf("snapshot from the running mirror: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return nil, fmt.Errorf("snapshot from the running mirror: %s: %s", resp.Status, b)
	}
	if _, err := io.Copy(w, resp.Body); err != nil {
		return nil, fmt.Errorf("snapshot from the running mirror: %w", err)
	}
	if e := resp.Trailer.Get(trailerError); e != "" {
		return nil, fmt.Errorf("snapshot from the running mirror: %s", e)
	}
	var m snapshot.Manifest
	if err := json.Unmarshal([]byte(resp.Trailer.Get(trailerManifest)), &m); err != nil {
		return nil, fmt.Errorf("snapshot from the running mirror: no manifest (cut short?): %v", err)
	}
	return &m, nil
}
