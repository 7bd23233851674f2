package disk

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/zonemirror/zonemirror/plugins"
)

// Version is the driver's version, reported by Stat.
const Version = "1"

// layoutVersion is written to the marker file; a folder of another layout
// is refused rather than misread.
const layoutVersion = 1

const (
	markerName = "zonemirror-disk.json"
	recordsDir = "records"
	tmpDir     = "tmp"
	listBatch  = 1000
)

// Config is the disk driver's config (the `config:` keys of its tier).
type Config struct {
	// Dir is the folder that holds the records. Required. It is created if
	// missing.
	Dir string `json:"dir"`
	// Fsync makes every Put durable before it returns (file and folder
	// fsync). The default is true; false trades crash durability of the
	// newest records for speed (they are never half-visible either way).
	Fsync *bool `json:"fsync,omitempty"`
	// ReadOnly serves the folder without writing to it: Put and Delete fail
	// with ErrReadOnly. The default is false.
	ReadOnly bool `json:"read_only,omitempty"`
}

// Disk is the disk driver: one file per record in a two-level fan-out
// tree, written to a temporary file, fsynced and renamed into place.
type Disk struct {
	root     string // Config.Dir, cleaned
	records  string
	tmp      string
	fsync    bool
	readOnly bool
	logger   *slog.Logger

	dirs sync.Map // fan-out folders known to exist: "ab/cd" -> struct{}
	// noCachedReads is set when the system cannot read without waiting
	// (TryGetInto then declines every Get).
	noCachedReads atomic.Bool
}

var _ plugins.Driver = (*Disk)(nil)

// Open is the driver's plugins.OpenFunc.
func Open(_ context.Context, s plugins.Setup) (plugins.Driver, error) {
	var c Config
	if err := plugins.DecodeConfig(s.Config, &c); err != nil {
		return nil, fmt.Errorf("disk driver %q: %w", s.Name, err)
	}
	d, err := New(c, s.Logger)
	if err != nil {
		return nil, fmt.Errorf("disk driver %q: %w", s.Name, err)
	}
	return d, nil
}

// New opens the disk driver on c.Dir. It removes temporary files a killed
// process left behind.
func New(c Config, logger *slog.Logger) (*Disk, error) {
	if c.Dir == "" {
		return nil, fmt.Errorf("%w: key \"dir\" is required", plugins.ErrBadConfig)
	}
	if logger == nil {
		logger = slog.Default()
	}
	root := filepath.Clean(c.Dir)
	d := &Disk{
		root:     root,
		records:  filepath.Join(root, recordsDir),
		tmp:      filepath.Join(root, tmpDir),
		fsync:    c.Fsync == nil || *c.Fsync,
		readOnly: c.ReadOnly,
		logger:   logger,
	}
	if err := d.checkMarker(); err != nil {
		return nil, err
	}
	if d.readOnly {
		return d, nil
	}
	for _, p := range []string{d.records, d.tmp} {
		if err := os.MkdirAll(p, 0o755); err != nil {
			return nil, fmt.Errorf("create %s: %w", p, classify(err))
		}
	}
	// A temporary file is a Put that never finished: it was never visible
	// under a record's name, so it can go.
	ents, err := os.ReadDir(d.tmp)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", d.tmp, classify(err))
	}
	for _, e := range ents {
		if err := os.Remove(filepath.Join(d.tmp, e.Name())); err != nil {
			return nil, fmt.Errorf("remove leftover %s: %w", e.Name(), classify(err))
		}
	}
	if len(ents) > 0 {
		logger.Info("removed unfinished writes of an earlier process", "count", len(ents))
	}
	return d, nil
}

type marker struct {
	Driver string `json:"driver"`
	Layout int    `json:"layout"`
}

// checkMarker reads the marker file, or writes it into a new folder.
func (d *Disk) checkMarker() error {
	p := filepath.Join(d.root, markerName)
	b, err := os.ReadFile(p)
	if err == nil {
		var m marker
		if err := json.Unmarshal(b, &m); err != nil || m.Driver != "disk" {
			return fmt.Errorf("%s is not a disk driver marker", p)
		}
		if m.Layout != layoutVersion {
			return fmt.Errorf("%s: layout %d, this driver reads layout %d", p, m.Layout, layoutVersion)
		}
		return nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("read %s: %w", p, classify(err))
	}
	if d.readOnly {
		if _, err := os.Stat(d.root); err != nil {
			return fmt.Errorf("dir: %w", classify(err))
		}
		return nil // an empty (or foreign) folder served read-only: nothing to mark
	}
	if err := os.MkdirAll(d.root, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", d.root, classify(err))
	}
	b, _ = json.Marshal(marker{Driver: "disk", Layout: layoutVersion})
	if err := d.writeAtomic(p, filepath.Join(d.root, "."+markerName+".tmp"), b); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	return nil
}

// path returns the file of key: records/ab/cd/abcd…(40 hex). Only the hex
// spelling of a Key ever reaches the filesystem.
func (d *Disk) path(key plugins.Key) (dir, file string) {
	var h [2 * len(key)]byte
	hex.Encode(h[:], key[:])
	// d.records is clean, so this is filepath.Join's answer, in one
	// allocation (it is on every Get's path).
	var b strings.Builder
	b.Grow(len(d.records) + 7 + len(h))
	b.WriteString(d.records)
	b.WriteByte(filepath.Separator)
	b.Write(h[0:2])
	b.WriteByte(filepath.Separator)
	b.Write(h[2:4])
	n := b.Len()
	b.WriteByte(filepath.Separator)
	b.Write(h[:])
	file = b.String()
	return file[:n], file
}

// Get implements plugins.Driver.
func (d *Disk) Get(ctx context.Context, key plugins.Key) ([]byte, error) {
	return d.GetInto(ctx, key, nil)
}

// GetInto is Get reading into buf when the value fits in its capacity
// (the fast Get path reuses its buffers this way).
func (d *Disk) GetInto(_ context.Context, key plugins.Key, buf []byte) ([]byte, error) {
	_, p := d.path(key)
	b, err := readFile(p, buf, false)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("disk get %s: %w", key, plugins.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("disk get %s: %w", key, classify(err))
	}
	return b, nil
}

// Has implements plugins.Driver.
func (d *Disk) Has(_ context.Context, key plugins.Key) (bool, error) {
	_, p := d.path(key)
	_, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("disk has %s: %w", key, classify(err))
	}
	return true, nil
}

// Put implements plugins.Driver. It always writes (rename replaces the old
// file), so a Put repairs a record that rotted on disk.
func (d *Disk) Put(_ context.Context, key plugins.Key, value []byte) error {
	if err := plugins.CheckValue(key, value); err != nil {
		return fmt.Errorf("disk put: %w", err)
	}
	if d.readOnly {
		return fmt.Errorf("disk put %s: %w (read_only is set)", key, plugins.ErrReadOnly)
	}
	dir, p := d.path(key)
	if err := d.ensureDir(dir); err != nil {
		return fmt.Errorf("disk put %s: %w", key, err)
	}
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	tmp := filepath.Join(d.tmp, key.String()+"."+hex.EncodeToString(rnd[:]))
	if err := d.writeAtomic(p, tmp, value); err != nil {
		return fmt.Errorf("disk put %s: %w", key, err)
	}
	return nil
}

// writeAtomic writes b to tmp, fsyncs it, renames it to p and fsyncs p's
// folder: after a crash p holds either nothing or all of b.
func (d *Disk) writeAtomic(p, tmp string, b []byte) error {
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return classify(err)
	}
	_, err = f.Write(b)
	if err == nil && d.fsync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, p)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return classify(err)
	}
	if d.fsync {
		if err := syncDir(filepath.Dir(p)); err != nil {
			return classify(err)
		}
	}
	return nil
}

// ensureDir creates a fan-out folder (and its parent) once, fsyncing the
// folders above so the new entries survive a crash.
func (d *Disk) ensureDir(dir string) error {
	if _, ok := d.dirs.Load(dir); ok {
		return nil
	}
	parent := filepath.Dir(dir)
	for _, p := range []string{parent, dir} {
		err := os.Mkdir(p, 0o755)
		if err != nil && !errors.Is(err, fs.ErrExist) {
			return classify(err)
		}
		if err == nil && d.fsync {
			if err := syncDir(filepath.Dir(p)); err != nil {
				return classify(err)
			}
		}
	}
	d.dirs.Store(dir, struct{}{})
	return nil
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Delete implements plugins.Driver.
func (d *Disk) Delete(_ context.Context, key plugins.Key) error {
	if d.readOnly {
		return fmt.Errorf("disk delete %s: %w (read_only is set)", key, plugins.ErrReadOnly)
	}
	_, p := d.path(key)
	err := os.Remove(p)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("disk delete %s: %w", key, classify(err))
	}
	return nil
}

// List implements plugins.Driver: it walks the fan-out tree in order,
// skipping whole folders that sort before opt.After.
func (d *Disk) List(ctx context.Context, opt plugins.ListOptions, fn func([]plugins.Key) error) error {
	after := ""
	if opt.After != nil {
		after = opt.After.String()
	}
	batch := make([]plugins.Key, 0, listBatch)
	n := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := fn(batch)
		batch = batch[:0]
		return err
	}
	var errStop = errors.New("stop")
	walk := func() error {
		l1, err := readDirNames(d.records)
		if err != nil {
			return err
		}
		for _, a := range l1 {
			if len(a) != 2 || (after != "" && a < after[:2]) {
				continue
			}
			l2, err := readDirNames(filepath.Join(d.records, a))
			if err != nil {
				return err
			}
			for _, b := range l2 {
				if len(b) != 2 || (after != "" && a+b < after[:4]) {
					continue
				}
				if err := ctx.Err(); err != nil {
					return err
				}
				names, err := readDirNames(filepath.Join(d.records, a, b))
				if err != nil {
					return err
				}
				for _, name := range names {
					if name <= after {
						continue
					}
					k, err := plugins.ParseKey(name)
					if err != nil || name[:4] != a+b {
						continue // not a record of ours
					}
					batch = append(batch, k)
					n++
					if len(batch) == listBatch {
						if err := flush(); err != nil {
							return err
						}
					}
					if opt.Limit > 0 && n >= opt.Limit {
						return errStop
					}
				}
			}
		}
		return nil
	}
	if err := walk(); err != nil && err != errStop {
		return fmt.Errorf("disk list: %w", err)
	}
	return flush()
}

// readDirNames returns the sorted names in dir; a missing dir is empty.
func readDirNames(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir) // sorted by name
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, classify(err)
	}
	names := make([]string, len(ents))
	for i, e := range ents {
		names[i] = e.Name()
	}
	return names, nil
}

// Allow implements plugins.Driver. The disk is written only by the host,
// which verifies every record, so whitelist additions are not needed.
func (d *Disk) Allow(_ context.Context, keys iter.Seq[plugins.Key]) (int, error) {
	return plugins.CountKeys(keys), nil
}

// Stat implements plugins.Driver. Counting records would mean walking
// millions of files, so Records and Bytes are -1.
func (d *Disk) Stat(_ context.Context) (plugins.Status, error) {
	st := plugins.Status{
		Info:    plugins.Info{Driver: "disk", Version: Version, ReadOnly: d.readOnly},
		Healthy: true, Records: -1, Bytes: -1, FreeBytes: -1,
	}
	var s syscall.Statfs_t
	if err := syscall.Statfs(d.root, &s); err != nil {
		st.Healthy, st.Message = false, fmt.Sprintf("statfs %s: %v", d.root, err)
		return st, nil
	}
	st.FreeBytes = int64(s.Bavail) * int64(s.Bsize)
	if s.Flags&stRdonly != 0 && !d.readOnly {
		st.Healthy, st.Message = false, d.root+" is on a read-only file system"
	}
	return st, nil
}

// stRdonly is ST_RDONLY of statfs(2) flags.
const stRdonly = 0x1

// Close implements plugins.Driver.
func (d *Disk) Close() error { return nil }

// classify wraps filesystem errors in the driver error kinds: no space is
// ErrFull, a read-only filesystem or a permission refusal is ErrReadOnly.
func classify(err error) error {
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return fmt.Errorf("%w: %w", plugins.ErrFull, err)
	case errors.Is(err, syscall.EROFS), errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return fmt.Errorf("%w: %w", plugins.ErrReadOnly, err)
	}
	return err
}

// readFile reads a whole record in four system calls (open, fstat, read,
// close) where os.ReadFile makes six and sets up an *os.File: a Get is
// mostly this. A record file is never changed in place (Put renames a new
// one over it), so the open file keeps the size fstat gave.
//
// With cached, it reads only what it can without waiting for the device
// (see TryGetInto) and fails with errWouldWait otherwise.
func readFile(path string, buf []byte, cached bool) ([]byte, error) {
	fd, err := openRecord(path, cached)
	for err == syscall.EINTR {
		fd, err = openRecord(path, cached)
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: cachedError(err, cached)}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	if st.Size > plugins.MaxValueSize {
		return nil, fmt.Errorf("%s: %w: %d bytes", path, plugins.ErrTooLarge, st.Size)
	}
	if cached && st.Size > maxCachedRead {
		return nil, errWouldWait
	}
	b := buf[:0]
	if int64(cap(b)) < st.Size {
		b = make([]byte, st.Size)
	}
	b = b[:st.Size]
	for n := 0; n < len(b); {
		m, err := readAt(fd, b[n:], n, cached)
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			return nil, &fs.PathError{Op: "read", Path: path, Err: cachedError(err, cached)}
		case m == 0:
			return b[:n], nil
		}
		n += m
	}
	return b, nil
}
