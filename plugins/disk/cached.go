package disk

import (
	"errors"
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/zonemirror/zonemirror/plugins"
)

// maxCachedRead is the largest record TryGetInto reads: a larger one goes
// to a worker, so the fast Get reader never copies much at a time.
const maxCachedRead = 64 << 10

// resolveCached is openat2's RESOLVE_CACHED (Linux 5.12): the open fails
// with EAGAIN unless every part of the path is in the lookup cache.
// golang.org/x/sys does not name it yet.
const resolveCached = 0x20

var (
	// errWouldWait is a cached read that would have to wait for the
	// device.
	errWouldWait = errors.New("the record is not in memory")
	// errNoCachedReads is a system or filesystem that cannot read
	// without waiting (an older kernel, or tmpfs, which has no
	// RWF_NOWAIT reads).
	errNoCachedReads = errors.New("reads that do not wait are not supported here")
)

// TryGetInto is GetInto when it can be answered without waiting for the
// disk: every folder of the record's path in the kernel's lookup cache
// (openat2 with RESOLVE_CACHED) and the whole record in the page cache
// (preadv2 with RWF_NOWAIT). ok is false when the Get would wait, for a
// record over 64 KiB, for a miss (the lookup cache cannot prove a file
// absent) and for any error: GetInto answers those. Where the system has
// no such reads, the first call says so in the log and every call after
// it declines.
//
// The fast Get path (plugins/fastget) calls it on its reader: a Get from the page cache
// is answered there without a handoff to a worker.
func (d *Disk) TryGetInto(key plugins.Key, buf []byte) ([]byte, bool, error) {
	if d.noCachedReads.Load() {
		return nil, false, nil
	}
	_, p := d.path(key)
	b, err := readFile(p, buf, true)
	if err == nil {
		return b, true, nil
	}
	if errors.Is(err, errNoCachedReads) && !d.noCachedReads.Swap(true) {
		d.logger.Info("every Get waits for a worker: this system cannot read without waiting", "dir", d.root, "err", err)
	}
	return nil, false, nil
}

// openRecord opens path for reading; with cached, only from the lookup
// cache.
func openRecord(path string, cached bool) (int, error) {
	if !cached {
		return syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	}
	return unix.Openat2(unix.AT_FDCWD, path, &unix.OpenHow{Flags: unix.O_RDONLY | unix.O_CLOEXEC, Resolve: resolveCached})
}

// readAt reads from fd at off; with cached, only from the page cache.
func readAt(fd int, b []byte, off int, cached bool) (int, error) {
	if !cached {
		return syscall.Pread(fd, b, int64(off))
	}
	return unix.Preadv2(fd, [][]byte{b}, int64(off), unix.RWF_NOWAIT)
}

// cachedError names the errors of a cached open or read: EAGAIN would
// wait; ENOSYS (no openat2), EINVAL (no RESOLVE_CACHED) and EOPNOTSUPP (no
// RWF_NOWAIT) mean such reads do not work here.
func cachedError(err error, cached bool) error {
	if !cached {
		return err
	}
	switch {
	case errors.Is(err, syscall.EAGAIN):
		return fmt.Errorf("%w: %w", errWouldWait, err)
	case errors.Is(err, syscall.ENOSYS), errors.Is(err, syscall.EINVAL), errors.Is(err, syscall.EOPNOTSUPP):
		return fmt.Errorf("%w: %w", errNoCachedReads, err)
	}
	return err
}
