package location

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// bufSize is the buffer in front of a file or an upload pipe: snapshot
// encoders write records of a few hundred bytes, and a syscall or a pipe
// hand-off per record would cost more than the encoding.
const bufSize = 256 << 10

// fileWriter writes to a temporary file beside the target and renames it
// into place on Close.
type fileWriter struct {
	ctx  context.Context
	path string

	mu   sync.Mutex
	f    *os.File // nil once closed or removed
	buf  *bufio.Writer
	err  error // sticky: the first failure, or the abort
	done bool  // Close succeeded
}

func createFile(ctx context.Context, loc Location) (Writer, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("location: create %s: %w", loc, err)
	}
	dir, base := filepath.Split(loc.Path)
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("location: create %s: making the folder: %w", loc, err)
	}
	// A leading dot and a random ending: List and shell globs for *.zmsnap
	// never see a file in progress.
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("location: create %s: %w", loc, err)
	}
	return &fileWriter{ctx: ctx, path: loc.Path, f: f, buf: bufio.NewWriterSize(f, bufSize)}, nil
}

func (w *fileWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return 0, w.err
	}
	if w.done {
		return 0, fmt.Errorf("location: write %s: %w", w.path, os.ErrClosed)
	}
	if err := w.ctx.Err(); err != nil {
		w.fail(fmt.Errorf("location: write %s: %w", w.path, err))
		return 0, w.err
	}
	n, err := w.buf.Write(p)
	if err != nil {
		w.fail(fmt.Errorf("location: write %s: %w", w.path, err))
		return n, w.err
	}
	return n, nil
}

func (w *fileWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	if w.done {
		return nil
	}
	if err := w.commit(); err != nil {
		w.fail(fmt.Errorf("location: close %s: %w", w.path, err))
		return w.err
	}
	w.done = true
	return nil
}

// commit flushes, syncs and renames; the folder is synced too so that the
// rename survives a crash.
func (w *fileWriter) commit() error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	if err := w.buf.Flush(); err != nil {
		return err
	}
	if err := w.f.Chmod(0o644); err != nil { // CreateTemp makes 0600
		return err
	}
	if err := w.f.Sync(); err != nil {
		return err
	}
	tmp := w.f.Name()
	if err := w.f.Close(); err != nil {
		return err
	}
	w.f = nil
	if err := os.Rename(tmp, w.path); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	if d, err := os.Open(filepath.Dir(w.path)); err == nil {
		_ = d.Sync() // best effort: some filesystems refuse to sync a folder
		d.Close()
	}
	return nil
}

func (w *fileWriter) Abort(err error) {
	if err == nil {
		err = ErrAborted
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done || w.err != nil {
		return
	}
	w.fail(fmt.Errorf("location: %s: %w", w.path, err))
}

// fail records err and removes the temporary file; w.mu is held.
func (w *fileWriter) fail(err error) {
	if w.err == nil {
		w.err = err
	}
	if w.f != nil {
		tmp := w.f.Name()
		w.f.Close()
		_ = os.Remove(tmp)
		w.f = nil
	}
}

func openFile(ctx context.Context, loc Location) (io.ReadCloser, int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, -1, fmt.Errorf("location: open %s: %w", loc, err)
	}
	f, err := os.Open(loc.Path)
	if err != nil {
		return nil, -1, fmt.Errorf("location: %w", err) // a *PathError names the op and the path
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, -1, fmt.Errorf("location: %w", err)
	}
	switch {
	case fi.IsDir():
		f.Close()
		return nil, -1, fmt.Errorf("location: open %s: is a folder, not a snapshot", loc)
	case fi.Mode().IsRegular():
		return f, fi.Size(), nil
	}
	return f, -1, nil // a pipe or a device: no size
}

func listFile(ctx context.Context, dir Location) ([]Location, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("location: list %s: %w", dir, err)
	}
	ents, err := os.ReadDir(dir.Path)
	if err != nil {
		return nil, fmt.Errorf("location: list: %w", err)
	}
	var out []Location
	for _, e := range ents { // ReadDir sorts by name
		if !strings.HasSuffix(e.Name(), Ext) || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if e.IsDir() {
			continue
		}
		if e.Type()&fs.ModeSymlink != 0 { // follow links, keep those to files
			fi, err := os.Stat(filepath.Join(dir.Path, e.Name()))
			if err != nil || fi.IsDir() {
				continue
			}
		}
		out = append(out, dir.Join(e.Name()))
	}
	return out, nil
}

var _ Writer = (*fileWriter)(nil)
