package snapshot

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
)

// magic opens every snapshot; its last byte is the container's version.
const magic = "ZMSNAP\x00\x01"

// Frame kinds.
const (
	kindHeader   = 'h'
	kindBlocks   = 'b'
	kindRecords  = 'r'
	kindManifest = 'm'
)

// maxFrame bounds a frame's length; parts are cut into frames of
// partFrame bytes.
const (
	maxFrame  = 4 << 20
	partFrame = 1 << 20
)

// ErrCorrupt is wrapped by the errors of a snapshot that is not well
// formed (truncated, altered, or not a snapshot at all).
var ErrCorrupt = errors.New("snapshot is corrupt")

// frameWriter writes frames.
type frameWriter struct {
	w *bufio.Writer
	n int64
}

func newFrameWriter(w io.Writer) (*frameWriter, error) {
	fw := &frameWriter{w: bufio.NewWriterSize(w, 1<<20)}
	if _, err := fw.w.WriteString(magic); err != nil {
		return nil, err
	}
	fw.n = int64(len(magic))
	return fw, nil
}

func (fw *frameWriter) frame(kind byte, p []byte) error {
	var hdr [1 + binary.MaxVarintLen64]byte
	hdr[0] = kind
	n := 1 + binary.PutUvarint(hdr[1:], uint64(len(p)))
	if _, err := fw.w.Write(hdr[:n]); err != nil {
		return err
	}
	if _, err := fw.w.Write(p); err != nil {
		return err
	}
	fw.n += int64(n + len(p))
	return nil
}

func (fw *frameWriter) flush() error { return fw.w.Flush() }

// partWriter cuts the compressed bytes of a part into frames, summing
// them.
type partWriter struct {
	fw    *frameWriter
	kind  byte
	buf   []byte
	sum   hash.Hash
	bytes int64
}

func newPartWriter(fw *frameWriter, kind byte) *partWriter {
	return &partWriter{fw: fw, kind: kind, buf: make([]byte, 0, partFrame), sum: sha256.New()}
}

func (pw *partWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		k := min(len(p), partFrame-len(pw.buf))
		pw.buf = append(pw.buf, p[:k]...)
		p = p[k:]
		if len(pw.buf) == partFrame {
			if err := pw.emit(); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

func (pw *partWriter) emit() error {
	if len(pw.buf) == 0 {
		return nil
	}
	pw.sum.Write(pw.buf)
	pw.bytes += int64(len(pw.buf))
	err := pw.fw.frame(pw.kind, pw.buf)
	pw.buf = pw.buf[:0]
	return err
}

// done writes what is left and returns the part's size and sha256.
func (pw *partWriter) done() (int64, string, error) {
	if err := pw.emit(); err != nil {
		return 0, "", err
	}
	return pw.bytes, hex.EncodeToString(pw.sum.Sum(nil)), nil
}

// frameReader reads frames, keeping count of the offset for messages.
type frameReader struct {
	r   *bufio.Reader
	off int64
	// a frame read ahead (by a part reader that met the next kind)
	pending     bool
	pendingKind byte
	pendingData []byte
	pendingOff  int64
}

func newFrameReader(r io.Reader) (*frameReader, error) {
	fr := &frameReader{r: bufio.NewReaderSize(r, 1<<20)}
	var m [len(magic)]byte
	if _, err := io.ReadFull(fr.r, m[:]); err != nil {
		return nil, fmt.Errorf("%w: not a snapshot (%d bytes, no magic): %v", ErrCorrupt, len(m), err)
	}
	if string(m[:len(magic)-1]) != magic[:len(magic)-1] {
		return nil, fmt.Errorf("%w: not a snapshot (it starts %q)", ErrCorrupt, m[:])
	}
	if m[len(magic)-1] != magic[len(magic)-1] {
		return nil, fmt.Errorf("%w: a snapshot of container version %d, this zonemirror reads version %d", ErrCorrupt, m[len(magic)-1], magic[len(magic)-1])
	}
	fr.off = int64(len(magic))
	return fr, nil
}

// next returns the next frame and its offset; io.EOF at a clean end.
func (fr *frameReader) next() (byte, []byte, int64, error) {
	if fr.pending {
		fr.pending = false
		return fr.pendingKind, fr.pendingData, fr.pendingOff, nil
	}
	at := fr.off
	kind, err := fr.r.ReadByte()
	if err == io.EOF {
		return 0, nil, at, io.EOF
	}
	if err != nil {
		return 0, nil, at, fmt.Errorf("read at byte %d: %w", at, err)
	}
	n, err := binary.ReadUvarint(fr.r)
	if err != nil {
		return 0, nil, at, fmt.Errorf("%w: truncated at byte %d (a frame's length): %v", ErrCorrupt, at, err)
	}
	if n > maxFrame {
		return 0, nil, at, fmt.Errorf("%w: frame at byte %d claims %d bytes (at most %d)", ErrCorrupt, at, n, maxFrame)
	}
	p := make([]byte, n)
	if _, err := io.ReadFull(fr.r, p); err != nil {
		return 0, nil, at, fmt.Errorf("%w: truncated at byte %d (a frame of %d bytes): %v", ErrCorrupt, at, n, err)
	}
	fr.off = at + int64(1+uvarintLen(n)) + int64(n)
	return kind, p, at, nil
}

func (fr *frameReader) unread(kind byte, p []byte, at int64) {
	fr.pending, fr.pendingKind, fr.pendingData, fr.pendingOff = true, kind, p, at
}

func uvarintLen(v uint64) int {
	var b [binary.MaxVarintLen64]byte
	return binary.PutUvarint(b[:], v)
}

// partReader reads the frames of one kind as a stream, summing them; it
// ends (io.EOF) at the first frame of another kind, which stays for the
// frame reader.
type partReader struct {
	fr    *frameReader
	kind  byte
	cur   []byte
	sum   hash.Hash
	bytes int64
	ended bool
	// lastOff is the offset of the frame being read, for messages
	lastOff int64
}

func newPartReader(fr *frameReader, kind byte) *partReader {
	return &partReader{fr: fr, kind: kind, sum: sha256.New()}
}

func (pr *partReader) Read(p []byte) (int, error) {
	for len(pr.cur) == 0 {
		if pr.ended {
			return 0, io.EOF
		}
		kind, data, at, err := pr.fr.next()
		if err == io.EOF {
			pr.ended = true
			return 0, io.EOF
		}
		if err != nil {
			return 0, err
		}
		if kind != pr.kind {
			pr.fr.unread(kind, data, at)
			pr.ended = true
			return 0, io.EOF
		}
		pr.lastOff = at
		pr.sum.Write(data)
		pr.bytes += int64(len(data))
		pr.cur = data
	}
	n := copy(p, pr.cur)
	pr.cur = pr.cur[n:]
	return n, nil
}

// drain reads the part to its end (what a decoder left unread counts).
func (pr *partReader) drain() error {
	_, err := io.Copy(io.Discard, pr)
	return err
}

func (pr *partReader) sha256() string { return hex.EncodeToString(pr.sum.Sum(nil)) }
