package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/conformance"
	"github.com/zonemirror/zonemirror/plugins/host"
	"github.com/zonemirror/zonemirror/plugins/host/hosttest"
)

// mirror is a test HTTP mirror in the layout the driver reads.
type mirror struct {
	mu      sync.Mutex
	records map[string][]byte
}

func (m *mirror) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	defer m.mu.Unlock()
	name := strings.TrimPrefix(r.URL.Path, "/")
	if name == "" { // the key list
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		after := r.URL.Query().Get("after")
		keys := make([]string, 0, len(m.records))
		for k := range m.records {
			if k > after {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys[:min(limit, len(keys))] {
			fmt.Fprintln(w, k)
		}
		return
	}
	v, ok := m.records[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Write(v)
}

// build compiles this driver into a temp folder, as a third party would.
func build(t *testing.T) (path, sum string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "httpmirror")
	cmd := exec.Command("go", "build", "-o", path, ".")
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build of the example driver: %v\n%s", err, out)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return path, hex.EncodeToString(s[:])
}

// The example driver, built as an external binary and run by the host
// (path + checksum), passes the conformance suite.
func TestConformanceExternal(t *testing.T) {
	path, sum := build(t)
	h := hosttest.New(t, nil, nil)
	mirrors := map[plugins.Driver]*mirror{}
	n := 0
	hs := hosttest.Harness(h, nil)
	hs.ListKeys = 10000
	hs.Open = func(t *testing.T) plugins.Driver {
		m := &mirror{records: map[string][]byte{}}
		srv := httptest.NewServer(m) // 127.0.0.1, a random port
		t.Cleanup(srv.Close)
		n++
		d := hosttest.Start(t, h, host.DriverConfig{
			Name: fmt.Sprintf("mirror-%d", n), Path: path, SHA256: sum,
			Config: hosttest.JSON(map[string]any{"url": srv.URL + "/"}),
		})
		mirrors[d] = m
		return d
	}
	hs.Seed = func(t *testing.T, d plugins.Driver, k plugins.Key, v []byte) {
		m := mirrors[d]
		m.mu.Lock()
		m.records[k.String()] = v
		m.mu.Unlock()
	}
	conformance.Run(t, hs)
}

func TestConfig(t *testing.T) {
	for cfg, want := range map[string]string{
		`{}`:                                `key "url"`,
		`{"url":"ftp://x"}`:                 `key "url"`,
		`{"url":"http://x","timeout":"0s"}`: `key "timeout"`,
		`{"url":"http://x","urls":1}`:       `unknown key "urls"`,
	} {
		_, err := Open(context.Background(), plugins.Setup{Config: []byte(cfg)})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error with %s", cfg, err, want)
		}
	}
}
