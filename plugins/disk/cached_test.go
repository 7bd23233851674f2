package disk

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"os"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/zonemirror/zonemirror/plugins"
)

// putRandom stores a random value of size bytes and returns its key.
func putRandom(t *testing.T, d *Disk, size int) (plugins.Key, []byte) {
	t.Helper()
	v := make([]byte, size)
	_, _ = rand.Read(v)
	k := plugins.SumKey(v)
	if err := d.Put(context.Background(), k, v); err != nil {
		t.Fatal(err)
	}
	return k, v
}

// TryGetInto answers a record in the page cache, into the caller's
// buffer, and declines what would wait for the disk (a record evicted
// from the page cache), a miss and a record over 64 KiB; GetInto answers
// each of those.
func TestTryGetInto(t *testing.T) {
	d := newTestDisk(t, t.TempDir())
	k, v := putRandom(t, d, 4<<10)
	buf := make([]byte, 0, 8<<10)
	got, ok, err := d.TryGetInto(k, buf)
	if d.noCachedReads.Load() {
		t.Fatalf("the filesystem of %s has no reads that do not wait (openat2 RESOLVE_CACHED, preadv2 RWF_NOWAIT): "+
			"run the tests with TMPDIR on ext4, xfs or btrfs", d.root)
	}
	if !ok || err != nil || !bytes.Equal(got, v) {
		t.Fatalf("a cached record: ok %v, %d bytes, %v", ok, len(got), err)
	}
	if &got[0] != &buf[:1][0] {
		t.Error("the value was not read into the buffer")
	}

	// Evicted from the page cache: the read would wait. A declined read
	// starts reading the page in (readahead), and a page being read in
	// cannot be evicted, so a failed try waits for that before the next.
	_, p := d.path(k)
	evicted := false
	for try := 0; try < 50 && !evicted; try++ {
		if try > 0 {
			time.Sleep(20 * time.Millisecond)
		}
		evict(t, p)
		_, ok, _ := d.TryGetInto(k, nil)
		evicted = !ok
	}
	if !evicted {
		t.Error("a record evicted from the page cache was answered, not declined")
	}
	if got, err := d.GetInto(context.Background(), k, nil); err != nil || !bytes.Equal(got, v) {
		t.Fatalf("GetInto of the evicted record: %d bytes, %v", len(got), err)
	}

	if _, ok, _ := d.TryGetInto(plugins.Key{1}, nil); ok {
		t.Error("a miss was answered, not declined")
	}
	big, bigV := putRandom(t, d, maxCachedRead+1)
	if _, ok, _ := d.TryGetInto(big, nil); ok {
		t.Error("a record over 64 KiB was answered, not declined")
	}
	if got, err := d.GetInto(context.Background(), big, nil); err != nil || !bytes.Equal(got, bigV) {
		t.Fatalf("GetInto of the large record: %d bytes, %v", len(got), err)
	}
	if d.noCachedReads.Load() {
		t.Error("a decline turned cached reads off")
	}
}

// Where reads cannot avoid waiting (tmpfs has no RWF_NOWAIT), TryGetInto
// declines every Get and GetInto serves them.
func TestTryGetIntoUnsupported(t *testing.T) {
	dir, ok := mountTmpfs(t, "1m")
	if !ok {
		// Without root no tmpfs can be mounted; check what its refusal
		// is taken for instead.
		for _, errno := range []syscall.Errno{syscall.EOPNOTSUPP, syscall.ENOSYS, syscall.EINVAL} {
			if err := cachedError(errno, true); !errors.Is(err, errNoCachedReads) {
				t.Errorf("%v taken as %v", errno, err)
			}
		}
		if err := cachedError(syscall.EAGAIN, true); !errors.Is(err, errWouldWait) {
			t.Errorf("EAGAIN taken as %v", err)
		}
		return
	}
	d := newTestDisk(t, dir)
	k, v := putRandom(t, d, 100)
	for range 2 {
		if _, ok, _ := d.TryGetInto(k, nil); ok {
			t.Fatal("a Get on tmpfs was answered by TryGetInto")
		}
	}
	if !d.noCachedReads.Load() {
		t.Error("cached reads were not turned off on tmpfs")
	}
	if got, err := d.GetInto(context.Background(), k, nil); err != nil || !bytes.Equal(got, v) {
		t.Fatalf("GetInto on tmpfs: %d bytes, %v", len(got), err)
	}
}

// evict drops path's pages from the page cache.
func evict(t *testing.T, path string) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil { // only clean pages are dropped
		t.Fatal(err)
	}
	if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
		t.Fatal(err)
	}
}
