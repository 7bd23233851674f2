package disk

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zonemirror/zonemirror/internal/testdir"
	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/conformance"
	"github.com/zonemirror/zonemirror/plugins/host"
	"github.com/zonemirror/zonemirror/plugins/host/hosttest"
)

// newTestDisk opens a disk driver on a fresh temp folder. The suite runs
// without fsync: durability is what TestKill9 checks, with fsync on.
func newTestDisk(t *testing.T, dir string) *Disk {
	t.Helper()
	off := false
	d, err := New(Config{Dir: dir, Fsync: &off}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// In-process, on the real disk: a restart closes the driver and opens a
// new one on the folder.
func TestConformanceInProcess(t *testing.T) {
	dirs := map[plugins.Driver]string{}
	conformance.Run(t, conformance.Harness{
		Open: func(t *testing.T) plugins.Driver {
			dir := t.TempDir()
			d := newTestDisk(t, dir)
			dirs[d] = dir
			return d
		},
		Restart: func(t *testing.T, d plugins.Driver) plugins.Driver {
			d.Close()
			return newTestDisk(t, dirs[d])
		},
	})
}

func TestConformanceReadOnly(t *testing.T) {
	writers := map[plugins.Driver]*Disk{}
	open := func(t *testing.T, dir string) plugins.Driver {
		d, err := New(Config{Dir: dir, ReadOnly: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	conformance.Run(t, conformance.Harness{
		ListKeys: 2000,
		Open: func(t *testing.T) plugins.Driver {
			dir := testdir.Mem(t)
			w := newTestDisk(t, dir)
			d := open(t, dir)
			writers[d] = w
			return d
		},
		Restart: func(t *testing.T, d plugins.Driver) plugins.Driver {
			n := open(t, writers[d].root)
			writers[n] = writers[d]
			return n
		},
		Seed: func(t *testing.T, d plugins.Driver, k plugins.Key, v []byte) {
			if err := writers[d].Put(context.Background(), k, v); err != nil {
				t.Error(err)
			}
		},
	})
}

func TestMain(m *testing.M) {
	hosttest.Main(m, map[string]plugins.OpenFunc{"disk": Open})
}

// Through the plugin boundary: a real driver process per Open, a kill -9
// and relaunch per Restart; Gets over the fast socket.
func TestConformanceProcess(t *testing.T) { conformanceProcess(t, nil) }

// The same with every call over gRPC, as drivers that offer no fast
// socket (written in other languages) are called.
func TestConformanceProcessGRPCOnly(t *testing.T) {
	conformanceProcess(t, func(o *host.Options) { o.DisableFastGet = true })
}

func conformanceProcess(t *testing.T, opts func(*host.Options)) {
	h := hosttest.New(t, map[string]plugins.OpenFunc{"disk": Open}, opts)
	n := 0
	conformance.Run(t, hosttest.Harness(h, func(t *testing.T) host.DriverConfig {
		n++
		return host.DriverConfig{
			Name:   fmt.Sprintf("disk-%d", n),
			Driver: "disk",
			Config: hosttest.JSON(map[string]any{"dir": testdir.Mem(t), "fsync": false}),
		}
	}))
}

// kill -9 of the driver process in the middle of many concurrent Puts of
// large records: every file under a record's name is whole (hashes to its
// name), and the relaunched driver removes the unfinished temporary files.
func TestKill9DuringPutsLeavesNoTornRecord(t *testing.T) {
	h := hosttest.New(t, map[string]plugins.OpenFunc{"disk": Open}, nil)
	dir := t.TempDir()
	d := hosttest.Start(t, h, host.DriverConfig{Name: "crash", Driver: "disk", Config: hosttest.JSON(map[string]any{"dir": dir})})
	p := d.(*host.Process)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	var stored atomic.Int64
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				v := make([]byte, 256<<10+g*4096+i)
				_, _ = rand.Read(v)
				if d.Put(ctx, plugins.SumKey(v), v) == nil {
					stored.Add(1)
				}
			}
		}()
	}
	// Let some Puts land, then kill the process under the rest.
	for stored.Load() < 32 {
		time.Sleep(5 * time.Millisecond)
	}
	hosttest.Kill9(t, p, 15*time.Second)
	cancel()
	wg.Wait()
	d.Close() // waits for the relaunched process's in-flight Puts
	files, torn := 0, 0
	err := filepath.WalkDir(filepath.Join(dir, recordsDir), func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		files++
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if plugins.SumKey(b).String() != e.Name() {
			torn++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 || torn > 0 {
		t.Fatalf("%d record files, %d torn", files, torn)
	}
	// What the killed process left in tmp is gone once a driver opens the
	// folder again.
	newTestDisk(t, dir)
	left, err := os.ReadDir(filepath.Join(dir, tmpDir))
	if err != nil || len(left) != 0 {
		t.Fatalf("tmp after reopening: %d files, %v", len(left), err)
	}
	t.Logf("%d whole records, none torn, after kill -9 under 8 writers", files)
}

// A leftover temporary file (a Put that a crash interrupted) is removed at
// start and was never visible as a record.
func TestLeftoverTempFilesRemoved(t *testing.T) {
	dir := t.TempDir()
	d := newTestDisk(t, dir)
	v := []byte("whole")
	k := plugins.SumKey(v)
	if err := d.Put(context.Background(), k, v); err != nil {
		t.Fatal(err)
	}
	junk := filepath.Join(dir, tmpDir, k.String()+".deadbeef")
	if err := os.WriteFile(junk, []byte("half a rec"), 0o644); err != nil {
		t.Fatal(err)
	}
	d2 := newTestDisk(t, dir)
	if _, err := os.Stat(junk); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("leftover temp file still there: %v", err)
	}
	if got, err := d2.Get(context.Background(), k); err != nil || string(got) != "whole" {
		t.Errorf("record after restart: %q %v", got, err)
	}
}

// Only validated keys reach the filesystem: files that are not records of
// ours are never listed, and a foreign marker is refused.
func TestForeignFilesAndMarker(t *testing.T) {
	dir := t.TempDir()
	d := newTestDisk(t, dir)
	v := []byte("ours")
	k := plugins.SumKey(v)
	if err := d.Put(context.Background(), k, v); err != nil {
		t.Fatal(err)
	}
	h := k.String()
	sub := filepath.Join(dir, recordsDir, h[:2], h[2:4])
	for _, name := range []string{"notes.txt", strings.ToUpper(h), h + ".bak", "ffff" + h[4:]} {
		if err := os.WriteFile(filepath.Join(sub, name), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var got []plugins.Key
	if err := d.List(context.Background(), plugins.ListOptions{}, func(ks []plugins.Key) error { got = append(got, ks...); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != k {
		t.Errorf("List: %v, want only %s", got, h)
	}
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, markerName), []byte(`{"driver":"disk","layout":9}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{Dir: other}, nil); err == nil || !strings.Contains(err.Error(), "layout 9") {
		t.Errorf("a folder of another layout: %v", err)
	}
}

func TestConfigErrors(t *testing.T) {
	for cfg, want := range map[string]string{
		`{}`:                         `key "dir" is required`,
		`{"dir":"/x","sync":1}`:      `unknown key "sync"`,
		`{"dir":"/x","fsync":"yes"}`: `key "fsync"`,
	} {
		_, err := Open(context.Background(), plugins.Setup{Name: "d", Config: []byte(cfg)})
		if !errors.Is(err, plugins.ErrBadConfig) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want ErrBadConfig with %q", cfg, err, want)
		}
	}
}

// path spells a key's file as filepath.Join would, for any key, under a
// relative and an absolute root.
func TestPathIsJoin(t *testing.T) {
	for _, root := range []string{"/var/lib/zm", "data", "/"} {
		d := &Disk{records: filepath.Join(root, recordsDir)}
		for i := range 300 {
			var k plugins.Key
			for j := range k {
				k[j] = byte(i*31 + j*7)
			}
			h := k.String()
			wantDir := filepath.Join(d.records, h[0:2], h[2:4])
			dir, file := d.path(k)
			if dir != wantDir || file != filepath.Join(wantDir, h) {
				t.Fatalf("key %s under %s: %s, %s", h, root, dir, file)
			}
		}
	}
}
