package snapshot

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// Format is the version of a snapshot's contents (the header's and the
// parts' layout, and the binary operations of namedb format 10).
const Format = 1

// Header says what a snapshot holds; it opens the file, so an import
// knows the network and the last block before it reads the blocks.
type Header struct {
	Format  int    `json:"format"`
	Network string `json:"network"`
	// FirstHeight and LastHeight are the first and last blocks; the
	// consensus hash and block hash are LastHeight's.
	FirstHeight   int64  `json:"first_height"`
	LastHeight    int64  `json:"last_height"`
	LastBlockHash string `json:"last_block_hash"`
	ConsensusHash string `json:"consensus_hash"`
	// Whitelist is the count of whitelist entries at LastHeight.
	Whitelist int64 `json:"whitelist"`
	// Records: the snapshot has a records part.
	Records   bool      `json:"records"`
	Created   time.Time `json:"created"`
	Generator string    `json:"generator,omitempty"`
}

// Manifest closes a snapshot: the header's fields, what was written and
// each part's size and sha256.
type Manifest struct {
	Header
	Blocks     int64 `json:"blocks"`
	Operations int64 `json:"operations"`
	// RecordCount zone files are in the records part; RecordsMissing
	// whitelisted ones were not held by the exporter.
	RecordCount    int64  `json:"record_count"`
	RecordsMissing int64  `json:"records_missing"`
	Parts          []Part `json:"parts"`
}

// Part is one part's size (compressed as stored, and raw) and the sha256
// of its stored bytes.
type Part struct {
	Name     string `json:"name"`
	Bytes    int64  `json:"bytes"`
	RawBytes int64  `json:"raw_bytes"`
	SHA256   string `json:"sha256"`
}

// Records gives the zone files a snapshot carries. Get returns an error
// that errors.Is ErrNoRecord for one it does not hold.
type Records interface {
	Get(ctx context.Context, hash wire.Hash160) ([]byte, error)
}

// ErrNoRecord is what Records.Get wraps for a zone file not held.
var ErrNoRecord = errors.New("record not held")

// ExportOptions are Export's.
type ExportOptions struct {
	// Records, when set, adds the records part: every whitelisted zone
	// file it holds, once each.
	Records Records
	// Generator names the program in the header ("zonemirror 1.2").
	Generator string
	// Progress, when set, is called every few thousand blocks and at the
	// end.
	Progress func(Progress)
}

// Progress is how far an export or import is.
type Progress struct {
	Height, LastHeight int64
	Operations         int64
	Records            int64
	Bytes              int64
}

// countingWriter counts the raw bytes of a part.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Export writes a snapshot of db as v sees it to w.
func Export(ctx context.Context, db *namedb.DB, v *namedb.View, w io.Writer, opts ExportOptions) (*Manifest, error) {
	n := db.Network()
	if v.Tip < n.FirstBlock {
		return nil, fmt.Errorf("export: the database has no blocks yet")
	}
	ch, ok := db.ConsensusHashAt(v.Tip)
	last, _, err := db.BlockHash(ctx, v.Tip)
	if !ok || err != nil {
		return nil, fmt.Errorf("export: block %d: no consensus hash or block hash (%v)", v.Tip, err)
	}
	m := &Manifest{Header: Header{Format: Format, Network: n.Name, FirstHeight: n.FirstBlock, LastHeight: v.Tip,
		LastBlockHash: hex.EncodeToString(last[:]), ConsensusHash: ch.String(), Whitelist: v.Whitelisted,
		Records: opts.Records != nil, Created: time.Now().UTC().Truncate(time.Second), Generator: opts.Generator}}
	fw, err := newFrameWriter(w)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	hdr, _ := json.Marshal(m.Header)
	if err := fw.frame(kindHeader, hdr); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	progress := func(h int64) {
		if opts.Progress != nil {
			opts.Progress(Progress{Height: h, LastHeight: v.Tip, Operations: m.Operations, Records: m.RecordCount, Bytes: fw.n})
		}
	}

	// the blocks
	part, err := writePart(fw, kindBlocks, "blocks", func(out io.Writer) error {
		var buf []byte
		return v.Blocks(ctx, n.FirstBlock, false, func(b *namedb.ViewBlock) error {
			buf = binary.AppendUvarint(buf[:0], uint64(b.Height))
			buf = append(buf, b.Hash[:]...)
			buf = append(buf, b.ConsensusHash[:]...)
			var err error
			if buf, err = writeField(out, buf, b.Input); err != nil {
				return err
			}
			m.Blocks++
			if len(b.Input) > 0 {
				k, _ := binary.Uvarint(b.Input)
				m.Operations += int64(k)
			}
			if b.Height%5000 == 0 {
				progress(b.Height)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("export: blocks: %w", err)
	}
	m.Parts = append(m.Parts, part)

	// the records, once each
	if opts.Records != nil {
		part, err := writePart(fw, kindRecords, "records", func(out io.Writer) error {
			seen := map[wire.Hash160]bool{} // only hashes announced more than once
			var buf []byte
			return v.WhitelistEntries(ctx, func(e namedb.WhitelistEntry) error {
				if db.WhitelistedTimes(e.Hash) > 1 {
					if seen[e.Hash] {
						return nil
					}
					seen[e.Hash] = true
				}
				data, err := opts.Records.Get(ctx, e.Hash)
				if errors.Is(err, ErrNoRecord) {
					m.RecordsMissing++
					return nil
				}
				if err != nil {
					return fmt.Errorf("zone file %s (entry %d): %w", e.Hash, e.Index, err)
				}
				if wire.SumHash160(data) != e.Hash {
					return fmt.Errorf("zone file %s (entry %d): the store gave bytes of another hash", e.Hash, e.Index)
				}
				if buf, err = writeField(out, buf[:0], data); err != nil {
					return err
				}
				m.RecordCount++
				if m.RecordCount%10000 == 0 {
					progress(v.Tip)
				}
				return nil
			})
		})
		if err != nil {
			return nil, fmt.Errorf("export: records: %w", err)
		}
		m.Parts = append(m.Parts, part)
	}
	mj, _ := json.Marshal(m)
	if err := fw.frame(kindManifest, mj); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if err := fw.flush(); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	progress(v.Tip)
	return m, nil
}

// writeField writes head, then data with its length before it (a uvarint):
// a block's operations, a zone file. It returns head's memory for reuse.
func writeField(w io.Writer, head, data []byte) ([]byte, error) {
	head = binary.AppendUvarint(head, uint64(len(data)))
	if _, err := w.Write(head); err != nil {
		return head, err
	}
	_, err := w.Write(data)
	return head, err
}

// writePart writes one part: what fill writes, compressed.
func writePart(fw *frameWriter, kind byte, name string, fill func(io.Writer) error) (Part, error) {
	pw := newPartWriter(fw, kind)
	zw, err := zstd.NewWriter(pw, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1))
	if err != nil {
		return Part{}, err
	}
	raw := &countingWriter{w: zw}
	if err := fill(raw); err != nil {
		zw.Close()
		return Part{}, err
	}
	if err := zw.Close(); err != nil {
		return Part{}, err
	}
	size, sum, err := pw.done()
	if err != nil {
		return Part{}, err
	}
	return Part{Name: name, Bytes: size, RawBytes: raw.n, SHA256: sum}, nil
}
