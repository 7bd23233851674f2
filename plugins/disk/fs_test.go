package disk

import (
	"context"
	"crypto/rand"
	"errors"
	"os"
	"syscall"
	"testing"

	"github.com/zonemirror/zonemirror/plugins"
)

// mountTmpfs mounts a tmpfs of size bytes on a temp folder, unmounted when
// t ends. It needs root (CAP_SYS_ADMIN); ok is false where the mount is
// refused.
func mountTmpfs(t *testing.T, size string) (dir string, ok bool) {
	dir = t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		t.Logf("cannot mount a tmpfs here (%v)", err)
		return dir, false
	}
	t.Cleanup(func() { _ = syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir, true
}

// A full disk is ErrFull, with the system's reason, and leaves nothing
// half-written behind.
func TestFullDisk(t *testing.T) {
	dir, ok := mountTmpfs(t, "256k")
	if !ok {
		// Without root the real check cannot run; check the mapping of the
		// system error instead, which is what a full disk produces.
		err := classify(&os.PathError{Op: "write", Path: "/x", Err: syscall.ENOSPC})
		if !errors.Is(err, plugins.ErrFull) || !errors.Is(err, syscall.ENOSPC) {
			t.Fatalf("ENOSPC classified as %v", err)
		}
		return
	}
	d, err := New(Config{Dir: dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var full error
	for i := 0; i < 100 && full == nil; i++ {
		v := make([]byte, 40<<10)
		_, _ = rand.Read(v)
		full = d.Put(ctx, plugins.SumKey(v), v)
	}
	if !errors.Is(full, plugins.ErrFull) {
		t.Fatalf("Put on a full disk: %v, want ErrFull", full)
	}
	t.Logf("full disk: %v", full)
	if left, _ := os.ReadDir(d.tmp); len(left) != 0 {
		t.Errorf("%d temporary files left after a failed Put", len(left))
	}
	if st, _ := d.Stat(ctx); st.FreeBytes > 40<<10 {
		t.Errorf("Stat free bytes %d on a full disk", st.FreeBytes)
	}
}

// A filesystem remounted read-only is ErrReadOnly for Put and Delete, and
// Stat turns unhealthy; reads go on.
func TestReadOnlyFilesystem(t *testing.T) {
	ctx := context.Background()
	v := []byte("written before the remount")
	k := plugins.SumKey(v)
	dir, ok := mountTmpfs(t, "1m")
	if !ok {
		if os.Geteuid() == 0 {
			t.Fatal("running as root, yet the tmpfs mount was refused: cannot check a read-only filesystem")
		}
		// Not root: a folder without write permission refuses writes too.
		dir = t.TempDir()
	}
	d, err := New(Config{Dir: dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Put(ctx, k, v); err != nil {
		t.Fatal(err)
	}
	if ok {
		if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
			t.Fatalf("remount read-only: %v", err)
		}
	} else {
		for _, p := range []string{d.tmp, d.records} {
			if err := os.Chmod(p, 0o500); err != nil {
				t.Fatal(err)
			}
		}
		t.Cleanup(func() { os.Chmod(d.tmp, 0o755); os.Chmod(d.records, 0o755) })
	}
	w := []byte("after")
	if err := d.Put(ctx, plugins.SumKey(w), w); !errors.Is(err, plugins.ErrReadOnly) {
		t.Errorf("Put on a read-only filesystem: %v, want ErrReadOnly", err)
	} else {
		t.Logf("read-only: %v", err)
	}
	if ok {
		if err := d.Delete(ctx, k); !errors.Is(err, plugins.ErrReadOnly) {
			t.Errorf("Delete on a read-only filesystem: %v, want ErrReadOnly", err)
		}
		if st, _ := d.Stat(ctx); st.Healthy {
			t.Error("Stat healthy on a read-only filesystem")
		}
	}
	if got, err := d.Get(ctx, k); err != nil || string(got) != string(v) {
		t.Errorf("Get on a read-only filesystem: %q, %v", got, err)
	}
	// A driver opened on it afterwards serves reads and refuses writes the
	// same way.
	if ok {
		d2, err := New(Config{Dir: dir}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := d2.Put(ctx, plugins.SumKey(w), w); !errors.Is(err, plugins.ErrReadOnly) {
			t.Errorf("Put from a driver opened on the read-only filesystem: %v", err)
		}
	}
}
