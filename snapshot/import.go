package snapshot

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/klauspost/compress/zstd"

	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// Trust is a consensus hash the operator trusts at a height (from another
// mirror, a block explorer, a friend).
type Trust struct {
	Height        int64
	ConsensusHash wire.Hash128
}

func (t Trust) String() string { return fmt.Sprintf("%d:%s", t.Height, t.ConsensusHash) }

// ParseTrust reads HEIGHT:CONSENSUS_HASH.
func ParseTrust(s string) (Trust, error) {
	hs, chs, ok := strings.Cut(s, ":")
	if !ok {
		return Trust{}, fmt.Errorf("trust %q: want HEIGHT:CONSENSUS_HASH", s)
	}
	h, err := strconv.ParseInt(hs, 10, 64)
	if err != nil || h < 0 {
		return Trust{}, fmt.Errorf("trust %q: height %q is not a block height", s, hs)
	}
	ch, err := wire.ParseHash128(chs)
	if err != nil {
		return Trust{}, fmt.Errorf("trust %q: %w", s, err)
	}
	return Trust{Height: h, ConsensusHash: ch}, nil
}

// RecordSink stores the zone files of a snapshot's records part.
type RecordSink interface {
	Put(ctx context.Context, hash wire.Hash160, data []byte) error
}

// ImportOptions are Import's.
type ImportOptions struct {
	// Network is the mirror's; a snapshot of another is refused.
	Network *netparams.Network
	// Path is the live name database's folder. The import is built in
	// Path.import and swapped in only once it is verified.
	Path string
	// Trust are the consensus hashes the replay must reach. TrustFrom,
	// when set, gives one more: the trusted hash at the snapshot's last
	// block (another mirror's answer). At least one is needed.
	Trust     []Trust
	TrustFrom func(ctx context.Context, height int64) (wire.Hash128, error)
	// Records receives the zone files of the records part that the
	// replayed whitelist holds; nil reads and checks them but keeps none.
	Records RecordSink
	// Progress, when set, is called every few thousand blocks.
	Progress func(Progress)
	// UndoDepth is how many of the last blocks keep undo logs; 0 is
	// DefaultUndoDepth.
	UndoDepth int64
}

// Result is what an import did.
type Result struct {
	Manifest *Manifest
	// Trusted are the consensus hashes checked.
	Trusted []Trust
	// Records were stored; RecordsRefused were not whitelisted.
	Records, RecordsRefused int64
	Elapsed                 time.Duration
}

// importRecordCache bounds the decoded records the replay keeps.
const importRecordCache = 16 << 20

// DefaultUndoDepth is how many of a snapshot's last blocks keep undo logs
// once imported: the deepest reorganization the mirror can follow from
// there (two weeks of blocks; mainnet's deepest was 24 blocks, in 2013).
const DefaultUndoDepth = 2016

// ErrMismatch is wrapped by the error of a snapshot whose replay does not
// reach a trusted consensus hash, or whose operations do not give the
// consensus hashes it claims.
var ErrMismatch = errors.New("snapshot does not verify")

// ErrInUse is returned when the live database is open in a running mirror.
var ErrInUse = errors.New("name database in use")

// Import reads a snapshot from r, replays it into a new database beside
// opts.Path, verifies it, and swaps it in for the live database. On any
// error the live database is untouched.
func Import(ctx context.Context, r io.Reader, opts ImportOptions) (res *Result, err error) {
	start := time.Now()
	n := opts.Network
	fr, err := newFrameReader(r)
	if err != nil {
		return nil, err
	}
	hdr, err := readHeader(fr, n)
	if err != nil {
		return nil, err
	}
	trust := append([]Trust(nil), opts.Trust...)
	if opts.TrustFrom != nil {
		ch, err := opts.TrustFrom(ctx, hdr.LastHeight)
		if err != nil {
			return nil, fmt.Errorf("trusted consensus hash of block %d: %w", hdr.LastHeight, err)
		}
		trust = append(trust, Trust{Height: hdr.LastHeight, ConsensusHash: ch})
	}
	if len(trust) == 0 {
		return nil, errors.New("no trusted consensus hash: a snapshot is checked against at least one (--trust HEIGHT:CH, or --trust-from another mirror)")
	}
	trusted := map[int64]wire.Hash128{}
	for _, t := range trust {
		if t.Height < hdr.FirstHeight || t.Height > hdr.LastHeight {
			return nil, fmt.Errorf("trusted block %d is not in the snapshot (blocks %d to %d)", t.Height, hdr.FirstHeight, hdr.LastHeight)
		}
		if prev, ok := trusted[t.Height]; ok && prev != t.ConsensusHash {
			return nil, fmt.Errorf("two trusted consensus hashes for block %d: %s and %s", t.Height, prev, t.ConsensusHash)
		}
		trusted[t.Height] = t.ConsensusHash
	}
	if err := InUse(opts.Path); err != nil {
		return nil, err
	}

	aside := opts.Path + ".import"
	if err := os.RemoveAll(aside); err != nil {
		return nil, fmt.Errorf("remove a leftover import: %w", err)
	}
	// undo logs for the last UndoDepth blocks only: a rewind deeper than
	// that after the import needs a sync from the chain
	depth := opts.UndoDepth
	if depth <= 0 {
		depth = DefaultUndoDepth
	}
	// the record cache serves a mirror's readers; the replay has none
	db, err := namedb.Open(ctx, aside, n, namedb.WithBulk(hdr.LastHeight-depth+1), namedb.WithRecordCache(importRecordCache))
	if err != nil {
		return nil, err
	}
	defer func() {
		if db != nil {
			db.Close()
		}
		if err != nil {
			os.RemoveAll(aside)
		}
	}()
	res = &Result{Trusted: trust}
	m := &Manifest{Header: *hdr}

	// the blocks, replayed
	bp := newPartReader(fr, kindBlocks)
	if err := replay(ctx, db, bp, hdr, trusted, m, opts.Progress); err != nil {
		return nil, err
	}
	// the records, checked against the replayed whitelist
	var rp *partReader
	if hdr.Records {
		rp = newPartReader(fr, kindRecords)
		if err := readRecords(ctx, db, rp, opts.Records, res, m); err != nil {
			return nil, err
		}
	}
	// the manifest, last
	kind, data, at, err := fr.next()
	switch {
	case err == io.EOF:
		return nil, fmt.Errorf("%w: truncated at byte %d: no manifest", ErrCorrupt, at)
	case err != nil:
		return nil, err
	case kind != kindManifest:
		return nil, fmt.Errorf("%w: a frame of kind %q at byte %d where the manifest belongs", ErrCorrupt, kind, at)
	}
	var want Manifest
	if err := json.Unmarshal(data, &want); err != nil {
		return nil, fmt.Errorf("%w: manifest at byte %d: %v", ErrCorrupt, at, err)
	}
	if _, _, at, err := fr.next(); err != io.EOF {
		return nil, fmt.Errorf("%w: bytes after the manifest, at byte %d", ErrCorrupt, at)
	}
	m.Parts = append(m.Parts, Part{Name: "blocks", Bytes: bp.bytes, SHA256: bp.sha256()})
	if rp != nil {
		m.Parts = append(m.Parts, Part{Name: "records", Bytes: rp.bytes, SHA256: rp.sha256()})
	}
	if err := checkManifest(&want, m); err != nil {
		return nil, err
	}
	res.Manifest = &want
	if wl, err := db.WhitelistCount(ctx); err != nil || wl != hdr.Whitelist {
		return nil, fmt.Errorf("%w: the replay gives %d whitelist entries, the snapshot says %d (%v)", ErrMismatch, wl, hdr.Whitelist, err)
	}

	if err := db.Close(); err != nil {
		return nil, fmt.Errorf("write the imported database: %w", err)
	}
	db = nil
	if err := swap(opts.Path, aside); err != nil {
		return nil, err
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// readHeader reads and checks the header.
func readHeader(fr *frameReader, n *netparams.Network) (*Header, error) {
	kind, data, at, err := fr.next()
	if err == io.EOF {
		return nil, fmt.Errorf("%w: truncated at byte %d: no header", ErrCorrupt, at)
	}
	if err != nil {
		return nil, err
	}
	if kind != kindHeader {
		return nil, fmt.Errorf("%w: the first frame is of kind %q, not the header", ErrCorrupt, kind)
	}
	var h Header
	if err := json.Unmarshal(data, &h); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrCorrupt, err)
	}
	switch {
	case h.Format != Format:
		return nil, fmt.Errorf("a snapshot of format %d, this zonemirror reads format %d", h.Format, Format)
	case h.Network != n.Name:
		return nil, fmt.Errorf("a snapshot of network %q, this mirror is %q", h.Network, n.Name)
	case h.FirstHeight != n.FirstBlock:
		return nil, fmt.Errorf("%w: the snapshot starts at block %d, network %s at %d", ErrCorrupt, h.FirstHeight, n.Name, n.FirstBlock)
	case h.LastHeight < h.FirstHeight:
		return nil, fmt.Errorf("%w: the snapshot ends at block %d, before its first, %d", ErrCorrupt, h.LastHeight, h.FirstHeight)
	}
	return &h, nil
}

// maxInput bounds one block's operations in a snapshot.
const maxInput = 16 << 20

// decodedBlock is a block of the blocks part, read and decoded.
type decodedBlock struct {
	height int64
	hash   [32]byte
	ch     wire.Hash128
	ops    []namedb.BlockOp
}

// replay applies the blocks part to db. The blocks are read and decoded
// in a goroutine of their own, ahead of the one applying them (the two
// halves of the work, on two cores).
func replay(ctx context.Context, db *namedb.DB, part *partReader, hdr *Header, trusted map[int64]wire.Hash128, m *Manifest, progress func(Progress)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	blocks := make(chan decodedBlock, 512)
	readErr := make(chan error, 1)
	go func() {
		defer close(blocks)
		readErr <- readBlocks(ctx, db.Network(), part, hdr, blocks)
	}()
	applied := hdr.FirstHeight - 1
	for b := range blocks {
		res, err := db.ApplyBlock(ctx, namedb.Block{Height: b.height, Hash: b.hash, Ops: b.ops})
		if err != nil {
			return fmt.Errorf("replay block %d: %w", b.height, err)
		}
		if res.ConsensusHash != b.ch {
			return fmt.Errorf("%w: block %d: the snapshot's operations give consensus hash %s, the snapshot says %s (it was altered, or made by a zonemirror whose rules differ from this one's)", ErrMismatch, b.height, res.ConsensusHash, b.ch)
		}
		if t, ok := trusted[b.height]; ok && t != b.ch {
			return fmt.Errorf("%w: block %d: the snapshot's consensus hash is %s, the trusted one is %s", ErrMismatch, b.height, b.ch, t)
		}
		applied = b.height
		m.Blocks++
		m.Operations += int64(len(b.ops))
		if progress != nil && b.height%5000 == 0 {
			progress(Progress{Height: b.height, LastHeight: hdr.LastHeight, Operations: m.Operations, Bytes: part.bytes})
		}
	}
	if err := <-readErr; err != nil {
		return err
	}
	if applied != hdr.LastHeight {
		return fmt.Errorf("%w: the blocks end at %d, the header says %d (truncated?)", ErrCorrupt, applied, hdr.LastHeight)
	}
	if last, _, err := db.BlockHash(ctx, hdr.LastHeight); err != nil || hex.EncodeToString(last[:]) != hdr.LastBlockHash {
		return fmt.Errorf("%w: block %d's hash is %x, the header says %s", ErrMismatch, hdr.LastHeight, last, hdr.LastBlockHash)
	}
	if ch, _ := db.ConsensusHashAt(hdr.LastHeight); ch.String() != hdr.ConsensusHash {
		return fmt.Errorf("%w: block %d: consensus hash %s, the header says %s", ErrMismatch, hdr.LastHeight, ch, hdr.ConsensusHash)
	}
	if progress != nil {
		progress(Progress{Height: hdr.LastHeight, LastHeight: hdr.LastHeight, Operations: m.Operations, Bytes: part.bytes})
	}
	return nil
}

// readBlocks reads and decodes the blocks part into out, in order, until
// its end or an error (or ctx ends).
func readBlocks(ctx context.Context, n *netparams.Network, part *partReader, hdr *Header, out chan<- decodedBlock) error {
	br, done, err := partStream(part)
	if err != nil {
		return err
	}
	defer done()
	where := func(h int64, err error) error {
		return fmt.Errorf("%w: blocks part, block %d (frame at byte %d): %v", ErrCorrupt, h, part.lastOff, err)
	}
	want := hdr.FirstHeight
	var input []byte
	for {
		h, err := binary.ReadUvarint(br)
		if err == io.EOF {
			break
		}
		if err != nil {
			return where(want, err)
		}
		if int64(h) != want {
			if int64(h) > want {
				return fmt.Errorf("%w: block %d is missing: block %d follows block %d", ErrCorrupt, want, h, want-1)
			}
			return fmt.Errorf("%w: block %d follows block %d", ErrCorrupt, h, want-1)
		}
		if want > hdr.LastHeight {
			return fmt.Errorf("%w: block %d is past the last, %d, the header names", ErrCorrupt, want, hdr.LastHeight)
		}
		b := decodedBlock{height: want}
		if _, err := io.ReadFull(br, b.hash[:]); err != nil {
			return where(want, err)
		}
		if _, err := io.ReadFull(br, b.ch[:]); err != nil {
			return where(want, err)
		}
		if input, err = readField(br, input, maxInput); err != nil {
			return where(want, fmt.Errorf("operations: %w", err))
		}
		if len(input) > 0 {
			var rest []byte
			b.ops, rest, err = namedb.ReadBlockOps(input, n.Wire, n.EpochAt(want).Rules)
			if err == nil && len(rest) > 0 {
				err = fmt.Errorf("%d bytes after the operations", len(rest))
			}
			if err != nil {
				return where(want, err)
			}
		}
		select {
		case out <- b:
		case <-ctx.Done():
			return ctx.Err()
		}
		want++
	}
	return part.drain()
}

// readRecords reads the records part, storing those the replayed whitelist
// holds.
func readRecords(ctx context.Context, db *namedb.DB, part *partReader, sink RecordSink, res *Result, m *Manifest) error {
	br, done, err := partStream(part)
	if err != nil {
		return err
	}
	defer done()
	var data []byte
	for {
		if data, err = readField(br, data, uint64(db.Network().MaxZonefileBytes)); err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%w: records part, record %d (frame at byte %d): %v", ErrCorrupt, m.RecordCount+1, part.lastOff, err)
		}
		m.RecordCount++
		h := wire.SumHash160(data)
		if ok, _ := db.IsWhitelisted(ctx, h); !ok {
			res.RecordsRefused++
			continue
		}
		if sink != nil {
			if err := sink.Put(ctx, h, append([]byte(nil), data...)); err != nil {
				return fmt.Errorf("store zone file %s: %w", h, err)
			}
			res.Records++
		}
	}
	return part.drain()
}

// partStream is a part's bytes, decompressed and buffered; done releases
// the decoder.
func partStream(part *partReader) (*bufio.Reader, func(), error) {
	zr, err := zstd.NewReader(part, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(64<<20))
	if err != nil {
		return nil, nil, err
	}
	return bufio.NewReaderSize(zr, 1<<20), zr.Close, nil
}

// readField reads what writeField wrote after its head: a uvarint length
// of at most max and that many bytes, into buf's memory when it is large
// enough. io.EOF at a clean end, before the length.
func readField(br *bufio.Reader, buf []byte, max uint64) ([]byte, error) {
	n, err := binary.ReadUvarint(br)
	if err != nil {
		return buf, err
	}
	if n > max {
		return buf, fmt.Errorf("%d bytes, at most %d", n, max)
	}
	if uint64(cap(buf)) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(br, buf); err != nil {
		return buf, fmt.Errorf("%d bytes: %w", n, err)
	}
	return buf, nil
}

// checkManifest compares the manifest with what was read.
func checkManifest(want, got *Manifest) error {
	if want.Header != got.Header {
		return fmt.Errorf("%w: the manifest's header differs from the snapshot's", ErrCorrupt)
	}
	if want.Blocks != got.Blocks || want.Operations != got.Operations || want.RecordCount != got.RecordCount {
		return fmt.Errorf("%w: the manifest counts %d blocks, %d operations, %d records; the snapshot holds %d, %d, %d",
			ErrCorrupt, want.Blocks, want.Operations, want.RecordCount, got.Blocks, got.Operations, got.RecordCount)
	}
	if len(want.Parts) != len(got.Parts) {
		return fmt.Errorf("%w: the manifest lists %d parts, the snapshot has %d", ErrCorrupt, len(want.Parts), len(got.Parts))
	}
	for i, p := range got.Parts {
		w := want.Parts[i]
		if w.Name != p.Name || w.Bytes != p.Bytes || w.SHA256 != p.SHA256 {
			return fmt.Errorf("%w: part %s: the manifest says %d bytes of sha256 %s, the snapshot has %d bytes of sha256 %s", ErrCorrupt, w.Name, w.Bytes, w.SHA256, p.Bytes, p.SHA256)
		}
	}
	return nil
}

// InUse reports (ErrInUse) a database that a running mirror holds open.
func InUse(path string) error {
	lock := filepath.Join(path, "LOCK")
	if _, err := os.Stat(lock); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	l, err := vfs.Default.Lock(lock)
	if err != nil {
		return fmt.Errorf("%w: %s is open in a running zonemirror (stop it first): %v", ErrInUse, path, err)
	}
	return l.Close()
}

// swap puts the database at aside in path's place. Until the second rename
// the old one is at path.old (restored from there if the process stops).
func swap(path, aside string) error {
	old := path + ".old"
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("swap in the imported database: %w", err)
	}
	if err := InUse(path); err != nil {
		return err
	}
	hadOld := true
	if err := os.Rename(path, old); errors.Is(err, fs.ErrNotExist) {
		hadOld = false
	} else if err != nil {
		return fmt.Errorf("swap in the imported database: %w", err)
	}
	if err := os.Rename(aside, path); err != nil {
		if hadOld {
			os.Rename(old, path) //nolint:errcheck // put it back; the error below is the one to report
		}
		return fmt.Errorf("swap in the imported database: %w", err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync() //nolint:errcheck // best effort: the renames are done
		d.Close()
	}
	if hadOld {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("remove the replaced database %s: %w", old, err)
		}
	}
	return nil
}
