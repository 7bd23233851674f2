package disk

import (
	"context"
	"fmt"
	"testing"

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

// In-process: a restart closes the driver and opens a new one on the folder.
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
			dir := t.TempDir()
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
// and relaunch per Restart.
func TestConformanceProcess(t *testing.T) {
	h := hosttest.New(t, map[string]plugins.OpenFunc{"disk": Open}, nil)
	n := 0
	conformance.Run(t, hosttest.Harness(h, func(t *testing.T) host.DriverConfig {
		n++
		return host.DriverConfig{
			Name:   fmt.Sprintf("disk-%d", n),
			Driver: "disk",
			Config: hosttest.JSON(map[string]any{"dir": t.TempDir(), "fsync": false}),
		}
	}))
}
