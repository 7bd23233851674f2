package snapshot

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zonemirror/zonemirror/internal/testdiff"

	"github.com/klauspost/compress/zstd"

	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/namedbtest"
	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// zonefiles is a record store in memory.
type zonefiles map[wire.Hash160][]byte

func (z zonefiles) Get(_ context.Context, h wire.Hash160) ([]byte, error) {
	if b, ok := z[h]; ok {
		return b, nil
	}
	return nil, fmt.Errorf("%s: %w", h, ErrNoRecord)
}

func (z zonefiles) Put(_ context.Context, h wire.Hash160, b []byte) error {
	z[h] = b
	return nil
}

// source is a devnet chain with every kind of name operation, and the
// zone files of all but one of its names.
func source(t testing.TB) (*namedbtest.Chain, zonefiles) {
	c := namedbtest.New(t, netparams.Devnet())
	c.Launch("id", 1000)
	alice, bob := c.Key("alice"), c.Key("bob")
	held := zonefiles{}
	zfs := map[string][]byte{}
	var names []string
	for i := range 12 {
		name := fmt.Sprintf("name%02d.id", i)
		names = append(names, name)
		zf := []byte(fmt.Sprintf("$ORIGIN %s\n$TTL 3600\n_http._tcp IN URI 10 1 \"https://example.com/%d\"\n", name, i))
		zfs[name] = zf
		if i != 5 {
			held[wire.SumHash160(zf)] = zf
		}
	}
	c.Register(alice, zfs, names...)
	c.MineEmpty(3)
	upd := []byte("$ORIGIN name01.id\n$TTL 3600\n_http._tcp IN URI 10 1 \"https://example.com/updated\"\n")
	held[wire.SumHash160(upd)] = upd
	c.Update(alice, "name01.id", upd)
	c.Transfer(alice, "name02.id", bob, true)
	c.Mine()
	c.Revoke(alice, "name03.id")
	c.Update(alice, "name04.id", zfs["name00.id"]) // a hash announced twice
	c.Mine()
	c.MineEmpty(4)
	return c, held
}

// export writes a snapshot of c's database.
func export(t testing.TB, db *namedb.DB, records Records) ([]byte, *Manifest) {
	t.Helper()
	v := db.View()
	defer v.Close()
	var buf bytes.Buffer
	m, err := Export(context.Background(), db, v, &buf, ExportOptions{Records: records, Generator: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), m
}

// trustTip trusts db's consensus hash at its tip.
func trustTip(db *namedb.DB) []Trust {
	h, _ := db.Tip()
	ch, _ := db.ConsensusHashAt(h)
	return []Trust{{Height: h, ConsensusHash: ch}}
}

func importInto(t testing.TB, snap []byte, path string, trust []Trust, sink RecordSink) (*Result, error) {
	t.Helper()
	return Import(context.Background(), bytes.NewReader(snap), ImportOptions{Network: netparams.Devnet(), Path: path, Trust: trust, Records: sink})
}

// answers is what a mirror serves from a database: every block's
// consensus hash, every name's record and history, the namespaces and
// the whitelist.
func answers(t testing.TB, db *namedb.DB) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	tip, _ := db.Tip()
	for h := db.Network().FirstBlock; h <= tip; h++ {
		ch, _ := db.ConsensusHashAt(h)
		bh, _, _ := db.BlockHash(ctx, h)
		ops, _ := db.BlockOps(ctx, h)
		fmt.Fprintf(&b, "block %d %s %x %d\n", h, ch, bh, len(ops))
		for _, op := range ops {
			fmt.Fprintf(&b, "  %s\n", op)
		}
	}
	names, err := db.AllNames(ctx, 0, 1000, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		info, err := db.Name(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		hist, _ := db.NameHistory(ctx, n)
		ji, _ := json.Marshal(info)
		jh, _ := json.Marshal(hist)
		fmt.Fprintf(&b, "name %s %s %s\n", n, ji, jh)
	}
	for _, ns := range db.Namespaces() {
		x, _ := db.Namespace(ns)
		j, _ := json.Marshal(x)
		fmt.Fprintf(&b, "namespace %s %s\n", ns, j)
	}
	wl, _ := db.WhitelistAfter(ctx, 0, 100000)
	for _, e := range wl {
		fmt.Fprintf(&b, "whitelist %+v\n", e)
	}
	rc, _ := db.RejectionCounts(ctx)
	fmt.Fprintf(&b, "rejections %v\n", rc)
	return b.String()
}

func openDevnet(t testing.TB, path string) *namedb.DB {
	t.Helper()
	db, err := namedb.Open(context.Background(), path, netparams.Devnet())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// A snapshot imported into a new mirror gives every answer of the
// source's: blocks, consensus hashes, names, histories, namespaces,
// whitelist; its records part carries every held zone file once.
func TestRoundTrip(t *testing.T) {
	c, held := source(t)
	snap, m := export(t, c.DB, held)
	if m.Blocks != int64(c.Tip()-c.Net.FirstBlock+1) || m.Operations < 30 || m.RecordCount != int64(len(held)) || m.RecordsMissing != 1 {
		t.Fatalf("manifest: %+v (held %d)", m, len(held))
	}
	path := filepath.Join(t.TempDir(), "names")
	sink := zonefiles{}
	res, err := importInto(t, snap, path, trustTip(c.DB), sink)
	if err != nil {
		t.Fatal(err)
	}
	if res.Records != int64(len(held)) || res.RecordsRefused != 0 || len(sink) != len(held) {
		t.Fatalf("records: %d stored, %d refused, sink %d; want %d", res.Records, res.RecordsRefused, len(sink), len(held))
	}
	for h, zf := range held {
		if !bytes.Equal(sink[h], zf) {
			t.Fatalf("zone file %s differs", h)
		}
	}
	db := openDevnet(t, path)
	if got, want := answers(t, db), answers(t, c.DB); got != want {
		t.Fatalf("the import answers differently:\n%s", testdiff.Lines(got, want))
	}
	if _, err := os.Stat(path + ".import"); !os.IsNotExist(err) {
		t.Errorf("the import's working folder is left: %v", err)
	}
	t.Logf("%d blocks, %d operations, %d records: %d bytes (%.0f B/operation)", m.Blocks, m.Operations, m.RecordCount, len(snap), float64(len(snap))/float64(m.Operations))
}

// rawSnapshot is a snapshot taken apart, for tests that alter one.
type rawSnapshot struct {
	header   Header
	blocks   []rawBlock
	records  [][]byte
	manifest Manifest
	// tamper, when set, changes the manifest build writes
	tamper func(*Manifest)
}

type rawBlock struct {
	height int64
	hash   [32]byte
	ch     wire.Hash128
	input  []byte
}

func takeApart(t testing.TB, snap []byte) *rawSnapshot {
	t.Helper()
	fr, err := newFrameReader(bytes.NewReader(snap))
	if err != nil {
		t.Fatal(err)
	}
	rs := &rawSnapshot{}
	_, hdr, _, _ := fr.next()
	if err := json.Unmarshal(hdr, &rs.header); err != nil {
		t.Fatal(err)
	}
	raw := func(kind byte) []byte {
		zr, err := zstd.NewReader(newPartReader(fr, kind))
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	b := raw(kindBlocks)
	for len(b) > 0 {
		var rb rawBlock
		h, k := binary.Uvarint(b)
		rb.height, b = int64(h), b[k:]
		copy(rb.hash[:], b)
		copy(rb.ch[:], b[32:])
		b = b[48:]
		n, k := binary.Uvarint(b)
		rb.input, b = b[k:k+int(n)], b[k+int(n):]
		rs.blocks = append(rs.blocks, rb)
	}
	if rs.header.Records {
		r := raw(kindRecords)
		for len(r) > 0 {
			n, k := binary.Uvarint(r)
			rs.records = append(rs.records, r[k:k+int(n)])
			r = r[k+int(n):]
		}
	}
	_, man, _, _ := fr.next()
	if err := json.Unmarshal(man, &rs.manifest); err != nil {
		t.Fatal(err)
	}
	return rs
}

// build writes rs back as a well-formed snapshot (new sizes and sums).
func (rs *rawSnapshot) build(t testing.TB) []byte {
	t.Helper()
	var out bytes.Buffer
	fw, _ := newFrameWriter(&out)
	hj, _ := json.Marshal(rs.header)
	fw.frame(kindHeader, hj)
	m := Manifest{Header: rs.header, RecordCount: int64(len(rs.records)), RecordsMissing: rs.manifest.RecordsMissing}
	part, err := writePart(fw, kindBlocks, "blocks", func(w io.Writer) error {
		for _, b := range rs.blocks {
			var buf []byte
			buf = binary.AppendUvarint(buf, uint64(b.height))
			buf = append(buf, b.hash[:]...)
			buf = append(buf, b.ch[:]...)
			buf = binary.AppendUvarint(buf, uint64(len(b.input)))
			w.Write(append(buf, b.input...))
			m.Blocks++
			if len(b.input) > 0 {
				k, _ := binary.Uvarint(b.input)
				m.Operations += int64(k)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	m.Parts = append(m.Parts, part)
	if rs.header.Records {
		part, err := writePart(fw, kindRecords, "records", func(w io.Writer) error {
			for _, r := range rs.records {
				w.Write(append(binary.AppendUvarint(nil, uint64(len(r))), r...))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		m.Parts = append(m.Parts, part)
	}
	if rs.tamper != nil {
		rs.tamper(&m)
	}
	mj, _ := json.Marshal(m)
	fw.frame(kindManifest, mj)
	fw.flush()
	return out.Bytes()
}

// Bad snapshots are refused, each with a message naming what and where,
// and the live database stays as it was.
func TestBadSnapshots(t *testing.T) {
	c, held := source(t)
	snap, _ := export(t, c.DB, held)
	trust := trustTip(c.DB)
	path := filepath.Join(t.TempDir(), "names")
	if _, err := importInto(t, snap, path, trust, nil); err != nil {
		t.Fatal(err)
	}
	live := answersAt(t, path)

	rs := takeApart(t, snap)
	// the block of the transfer, and the transfer in it
	var xfer, xferOp int
	for i, b := range rs.blocks {
		if len(b.input) == 0 {
			continue
		}
		ops, _, err := namedb.ReadBlockOps(b.input, c.Net.Wire, c.Net.EpochAt(b.height).Rules)
		if err != nil {
			t.Fatal(err)
		}
		for j, op := range ops {
			if _, ok := op.Tx.Op.(*wire.NameTransfer); ok {
				xfer, xferOp = i, j
			}
		}
	}
	if xfer == 0 {
		t.Fatal("no transfer in the source chain")
	}
	otherOwner := func(rs *rawSnapshot) {
		b := &rs.blocks[xfer]
		ops, _, _ := namedb.ReadBlockOps(b.input, c.Net.Wire, c.Net.EpochAt(b.height).Rules)
		mallory := c.Key("mallory")
		ops[xferOp].Tx.Recipient = &wire.Output{Index: 1, Script: mallory.Script, Address: mallory.Address, Value: 5500}
		in, err := namedb.AppendBlockOps(nil, ops, c.Net.Wire.Magic)
		if err != nil {
			t.Fatal(err)
		}
		b.input = in
	}
	xferHeight := rs.blocks[xfer].height

	alter := func(f func(*rawSnapshot)) []byte {
		rs := takeApart(t, snap)
		f(rs)
		return rs.build(t)
	}
	// a forger who also recomputes the consensus hashes the snapshot
	// claims: replayed on a scratch database
	forged := alter(func(rs *rawSnapshot) {
		otherOwner(rs)
		scratch := openDevnet(t, filepath.Join(t.TempDir(), "scratch"))
		for i, b := range rs.blocks {
			var ops []namedb.BlockOp
			if len(b.input) > 0 {
				ops, _, _ = namedb.ReadBlockOps(b.input, c.Net.Wire, c.Net.EpochAt(b.height).Rules)
			}
			res, err := scratch.ApplyBlock(context.Background(), namedb.Block{Height: b.height, Hash: b.hash, Ops: ops})
			if err != nil {
				t.Fatal(err)
			}
			rs.blocks[i].ch = res.ConsensusHash
		}
		rs.header.ConsensusHash = rs.blocks[len(rs.blocks)-1].ch.String()
	})
	corrupted := append([]byte(nil), snap...)
	corrupted[len(corrupted)/2] ^= 0x40
	badSum := alter(func(rs *rawSnapshot) {
		rs.tamper = func(m *Manifest) { m.Parts[0].SHA256 = strings.Repeat("0", 64) }
	})
	// where the manifest starts
	fr, _ := newFrameReader(bytes.NewReader(snap))
	manifestAt := int64(0)
	for {
		kind, _, at, err := fr.next()
		if err != nil {
			t.Fatal(err)
		}
		if kind == kindManifest {
			manifestAt = at
			break
		}
	}
	wrongCH := trust[0].ConsensusHash
	wrongCH[0] ^= 1

	for _, tc := range []struct {
		name  string
		snap  []byte
		trust []Trust
		net   *netparams.Network
		want  error
		says  string
	}{
		{name: "truncated in the blocks", snap: snap[:len(snap)/3], want: ErrCorrupt, says: "truncated at byte"},
		{name: "truncated before the manifest", snap: snap[:manifestAt], want: ErrCorrupt, says: "no manifest"},
		{name: "not a snapshot", snap: []byte("PK\x03\x04 a zip file"), want: ErrCorrupt, says: "not a snapshot"},
		{name: "a byte changed", snap: corrupted, want: ErrCorrupt, says: "byte"},
		{name: "manifest sha256", snap: badSum, want: ErrCorrupt, says: "part blocks: the manifest says"},
		{name: "another owner", snap: alter(otherOwner), want: ErrMismatch, says: fmt.Sprintf("block %d: the snapshot's operations give consensus hash", xferHeight)},
		{name: "another owner, hashes recomputed", snap: forged, want: ErrMismatch, says: fmt.Sprintf("block %d: the snapshot's consensus hash is", trust[0].Height)},
		{name: "a block left out", snap: alter(func(rs *rawSnapshot) {
			rs.blocks = append(rs.blocks[:xfer:xfer], rs.blocks[xfer+1:]...)
		}), want: ErrCorrupt, says: fmt.Sprintf("block %d is missing", xferHeight)},
		{name: "wrong trusted hash", snap: snap, trust: []Trust{{Height: trust[0].Height, ConsensusHash: wrongCH}}, want: ErrMismatch,
			says: fmt.Sprintf("block %d: the snapshot's consensus hash is %s, the trusted one is %s", trust[0].Height, trust[0].ConsensusHash, wrongCH)},
		{name: "trusted block past the end", snap: snap, trust: []Trust{{Height: trust[0].Height + 1, ConsensusHash: wrongCH}}, says: "is not in the snapshot"},
		{name: "no trust", snap: snap, trust: []Trust{}, says: "no trusted consensus hash"},
		{name: "wrong network", snap: snap, net: netparams.Mainnet(), says: `a snapshot of network "devnet", this mirror is "mainnet"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := trust
			if tc.trust != nil {
				tr = tc.trust
			}
			n := netparams.Devnet()
			if tc.net != nil {
				n = tc.net
			}
			sink := zonefiles{}
			_, err := Import(context.Background(), bytes.NewReader(tc.snap), ImportOptions{Network: n, Path: path, Trust: tr, Records: sink})
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("err = %v\nwant %v saying %q", err, tc.want, tc.says)
			}
			t.Log(err)
			if got := answersAt(t, path); got != live {
				t.Fatalf("the live database changed:\n%s", testdiff.Lines(got, live))
			}
			if _, err := os.Stat(path + ".import"); !os.IsNotExist(err) {
				t.Errorf("the import's working folder is left: %v", err)
			}
		})
	}
}

// answersAt are the answers of the database at path, opened for them.
func answersAt(t testing.TB, path string) string {
	t.Helper()
	db, err := namedb.Open(context.Background(), path, netparams.Devnet())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return answers(t, db)
}

// A database open in a running mirror is not replaced.
func TestImportRefusesALiveDatabase(t *testing.T) {
	c, _ := source(t)
	snap, _ := export(t, c.DB, nil)
	path := filepath.Join(t.TempDir(), "names")
	db := openDevnet(t, path)
	_, err := importInto(t, snap, path, trustTip(c.DB), nil)
	if !errors.Is(err, ErrInUse) {
		t.Fatalf("import over an open database: %v", err)
	}
	if tip, _ := db.Tip(); tip != c.Net.FirstBlock-1 {
		t.Fatalf("the open database moved to %d", tip)
	}
}

// FuzzImport feeds altered snapshots to Import: no panic, bounded work;
// either an error and no database, or a database that reaches the trusted
// consensus hash.
func FuzzImport(f *testing.F) {
	c, held := source(f)
	snap, _ := export(f, c.DB, held)
	trust := trustTip(c.DB)
	f.Add(snap)
	f.Add(snap[:len(snap)/2])
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "names")
		_, err := Import(context.Background(), bytes.NewReader(data), ImportOptions{Network: netparams.Devnet(), Path: path, Trust: trust})
		if err != nil {
			if _, serr := os.Stat(path); !os.IsNotExist(serr) {
				t.Fatalf("a refused import (%v) left a database", err)
			}
			return
		}
		db, err := namedb.Open(context.Background(), path, netparams.Devnet())
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if ch, _ := db.ConsensusHashAt(trust[0].Height); ch != trust[0].ConsensusHash {
			t.Fatalf("an accepted import has consensus hash %s at %d, trusted %s", ch, trust[0].Height, trust[0].ConsensusHash)
		}
	})
}

// An imported database keeps undo logs for its last blocks only: a
// rewind within them works, a deeper one is refused with ErrTooDeep.
func TestImportedUndoDepth(t *testing.T) {
	c, _ := source(t)
	snap, _ := export(t, c.DB, nil)
	path := filepath.Join(t.TempDir(), "names")
	if _, err := Import(context.Background(), bytes.NewReader(snap), ImportOptions{Network: netparams.Devnet(), Path: path, Trust: trustTip(c.DB), UndoDepth: 5}); err != nil {
		t.Fatal(err)
	}
	db := openDevnet(t, path)
	tip, _ := db.Tip()
	if err := db.Rewind(context.Background(), tip-5); err != nil {
		t.Fatalf("a rewind of 5 blocks: %v", err)
	}
	err := db.Rewind(context.Background(), tip-6)
	if !errors.Is(err, namedb.ErrTooDeep) {
		t.Fatalf("a rewind of 6 blocks: %v", err)
	}
	t.Log(err)
}
