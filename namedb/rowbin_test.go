package namedb

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/cockroachdb/pebble/v2"

	"github.com/zonemirror/zonemirror/internal/testdiff"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// Every record, whatever its fields, decodes from its binary form as it
// was, and so shows the same JSON.
func TestBinaryRowsRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 20_000 {
		s := &storedName{NameRecord: randName(r)}
		if i%3 == 0 {
			s.TxID = fmt.Sprintf("%064x", r.Uint64()) // stored as 32 bytes
		}
		if i%2 == 0 {
			h := wire.Hash128{byte(i), 1}
			s.UpdateConsensusHash = &h
		}
		sameName(t, s)
		p := randPreorder(r)
		if i%3 == 0 {
			p.TxID = fmt.Sprintf("%064x", r.Uint64())
		}
		samePreorder(t, p)
	}
	for _, recs := range realHistory(t) {
		for _, js := range recs {
			if bytes.Contains(js, []byte(`"name":`)) {
				rec := &NameRecord{}
				mustUnmarshal(t, js, rec)
				sameName(t, &storedName{NameRecord: rec})
			} else {
				p := &PreorderRecord{}
				mustUnmarshal(t, js, p)
				samePreorder(t, p)
			}
		}
	}
}

func sameName(t testing.TB, s *storedName) {
	t.Helper()
	b := appendNameBin(nil, s)
	back, err := decodeNameBin(b)
	if err != nil {
		t.Fatalf("%+v: %v", s.NameRecord, err)
	}
	if !sameFields(back, s) {
		t.Fatalf("decoded\n%+v\nwant\n%+v", back.NameRecord, s.NameRecord)
	}
	want, _ := marshalName(s.NameRecord)
	if got, _ := marshalName(back.NameRecord); !bytes.Equal(got, want) {
		t.Fatalf("JSON %s, want %s", got, want)
	}
}

func samePreorder(t testing.TB, p *PreorderRecord) {
	t.Helper()
	back, err := decodePreorderBin(appendPreorderBin(nil, p))
	if err != nil {
		t.Fatalf("%+v: %v", p, err)
	}
	back.Namespace = p.Namespace // the key's, not the record's
	if !sameFields(back, p) {
		t.Fatalf("decoded\n%+v\nwant\n%+v", back, p)
	}
}

// sameFields reports whether two records are equal field by field, a NaN
// fee being equal to itself (bit for bit).
func sameFields[R any](a, b *R) bool {
	x, y := *a, *b
	for _, r := range []*R{&x, &y} {
		switch v := any(r).(type) {
		case *storedName:
			rec := *v.NameRecord
			rec.OpFee.Float = float64(math.Float64bits(rec.OpFee.Float))
			v.NameRecord = &rec
		case *PreorderRecord:
			v.OpFee.Float = float64(math.Float64bits(v.OpFee.Float))
		}
	}
	return reflect.DeepEqual(x, y)
}

// FuzzBinaryRows: a binary row decodes or is refused, never panics, and
// what decodes encodes back to a row that decodes the same.
func FuzzBinaryRows(f *testing.F) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 4 {
		f.Add(appendNameBin(nil, &storedName{NameRecord: randName(r)}))
		f.Add(appendPreorderBin(nil, randPreorder(r)))
	}
	f.Add([]byte{binRowVersion, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		if s, err := decodeNameBin(b); err == nil {
			again, err := decodeNameBin(appendNameBin(nil, s))
			if err != nil || !sameFields(again, s) {
				t.Fatalf("name %x decodes to %+v, which re-encodes to %+v (%v)", b, s.NameRecord, again, err)
			}
		}
		if p, err := decodePreorderBin(b); err == nil {
			again, err := decodePreorderBin(appendPreorderBin(nil, p))
			if err != nil || !sameFields(again, p) {
				t.Fatalf("preorder %x decodes to %+v, which re-encodes to %+v (%v)", b, p, again, err)
			}
		}
		decodeNameRecord([]byte("n"), b)
		decodePreorder([]byte("P"), b)
	})
}

// A binary row is about a third of the JSON it replaces.
func TestBinaryRowsAreSmall(t *testing.T) {
	for _, recs := range realHistory(t) {
		for _, js := range recs {
			if !bytes.Contains(js, []byte(`"name":`)) {
				continue
			}
			rec := &NameRecord{}
			mustUnmarshal(t, js, rec)
			if b := appendNameBin(nil, &storedName{NameRecord: rec}); len(b)*2 > len(js) {
				t.Errorf("%s: %d bytes binary, %d JSON", rec.Name, len(b), len(js))
			}
		}
	}
}

// A database of format 10 (names, history and preorders in JSON, every
// operation's row with its own JSON) is marked format 11 in place and
// answers, and goes on, exactly as one written in format 11 from the
// start: the rules read its JSON records, and its API answers are the same
// bytes.
func TestJSONRowsOfFormat10(t *testing.T) {
	ref := newChain(t, randomNet())
	gRef := newGenerator(ref)
	old := newChain(t, randomNet())
	gOld := newGenerator(old)
	half := int64(randomBlocks / 2)
	gRef.driveTo(ref, half)
	gOld.driveTo(old, half)

	rows := toJSONRows(t, old.db)
	if rows.names < 5 || rows.history < 10 || rows.ops < 10 {
		t.Fatalf("only %+v rows rewritten in JSON", rows)
	}
	old.db.Close()
	db, err := Open(context.Background(), old.dir, old.net)
	if err != nil {
		t.Fatalf("a database of format %d: %v", sameWithJSONRows, err)
	}
	old.db = db
	t.Cleanup(func() { db.Close() })
	if v, _, _ := db.get(metaKey(metaSchema)); string(v) != fmt.Sprint(schemaVersion) {
		t.Fatalf("format %s after opening, want %d", v, schemaVersion)
	}
	if got, want := answers(t, old.db), answers(t, ref.db); got != want {
		t.Fatalf("the JSON rows answer differently:\n%s", testdiff.Lines(got, want))
	}
	gRef.driveTo(ref, randomBlocks)
	gOld.driveTo(old, randomBlocks)
	if got, want := answers(t, old.db), answers(t, ref.db); got != want {
		t.Fatalf("after more blocks on the JSON rows:\n%s", testdiff.Lines(got, want))
	}
	t.Logf("%+v rows of format 10 read", rows)
}

// answers is logicalDump with the bytes of every operation and history
// record as the API gives them, and every stored preorder.
func answers(t testing.TB, db *DB) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	b.WriteString(logicalDump(t, db))
	tip, _ := db.Tip()
	for h := db.net.FirstBlock; h <= tip; h++ {
		ops, err := db.BlockOps(ctx, h)
		if err != nil {
			t.Fatal(err)
		}
		for _, op := range ops {
			fmt.Fprintf(&b, "op %d %s\n", h, op)
		}
	}
	names, err := db.AllNames(ctx, 0, 1<<30, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		hist, err := db.NameHistory(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		for h := db.net.FirstBlock; h <= tip; h++ {
			for _, r := range hist[h] {
				fmt.Fprintf(&b, "hist %s %d %s\n", n, h, r)
			}
		}
		did, ok, err := db.NameDID(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "did %s %s %v\n", n, did, ok)
	}
	for _, ns := range []bool{false, true} {
		ps, err := db.StoredPreorders(ctx, ns)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			js, _ := marshalPreorder(p)
			fmt.Fprintf(&b, "preorder %s\n", js)
		}
	}
	return b.String()
}

type jsonRows struct{ names, history, preorders, ops int }

// toJSONRows rewrites db's rows as format 10 wrote them and marks it
// format 10.
func toJSONRows(t testing.TB, db *DB) jsonRows {
	t.Helper()
	var n jsonRows
	batch := db.kv.NewBatch()
	defer batch.Close()
	set := func(k, v []byte) {
		if err := batch.Set(k, v, nil); err != nil {
			t.Fatal(err)
		}
	}
	scan := func(p byte, f func(k, v []byte)) {
		err := db.scan([]byte{p}, nil, func(k, v []byte) (bool, error) {
			f(append([]byte(nil), k...), append([]byte(nil), v...))
			return true, nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	scan(pName, func(k, v []byte) {
		_, rec, _ := splitName(v)
		s, err := decodeNameBin(rec)
		if err != nil {
			t.Fatalf("name %q: %v", k, err)
		}
		set(k, append(v[:len(v)-len(rec):len(v)-len(rec)], storedNameJSON(t, s)...))
		n.names++
	})
	scan(pHistory, func(k, v []byte) {
		if v[0] == 1 {
			s, err := decodeNameBin(v[1:])
			if err != nil {
				t.Fatalf("history %q: %v", k, err)
			}
			set(k, append([]byte{1}, storedNameJSON(t, s)...))
		} else {
			p, err := decodePreorderBin(v[1:])
			if err != nil {
				t.Fatalf("history %q: %v", k, err)
			}
			js, _ := marshalPreorder(p)
			set(k, append([]byte{0}, js...))
		}
		n.history++
	})
	scan(pPending, func(k, v []byte) {
		p, err := decodePreorderBin(v)
		if err != nil {
			t.Fatalf("preorder %q: %v", k, err)
		}
		js, _ := marshalPreorder(p)
		set(k, js)
		n.preorders++
	})
	scan(pOp, func(k, v []byte) {
		_, rest, _ := readStr(v)
		_, rest, _ = readStr(rest)
		if len(rest) == 0 || rest[0] != opRowHistory {
			return
		}
		hk := append(historyPrefix(string(rest[1:])), k[1:]...)
		hv, ok, err := db.get(hk)
		if err != nil || !ok {
			t.Fatalf("operation %q: history row %q: %v %v", k, hk, ok, err)
		}
		js, err := historyJSON(hk, hv)
		if err != nil {
			t.Fatal(err)
		}
		set(k, append(v[:len(v)-len(rest):len(v)-len(rest)], js...))
		n.ops++
	})
	set(metaKey(metaSchema), []byte(fmt.Sprint(sameWithJSONRows)))
	if err := batch.Commit(pebble.Sync); err != nil {
		t.Fatal(err)
	}
	return n
}

// storedNameJSON is a stored name's JSON as format 10 wrote it: the
// record's, with zonemirror's own field last.
func storedNameJSON(t testing.TB, s *storedName) []byte {
	js, err := marshalName(s.NameRecord)
	if err != nil {
		t.Fatal(err)
	}
	if s.UpdateConsensusHash == nil {
		return js
	}
	return fmt.Appendf(js[:len(js)-1:len(js)-1], `,"zm_update_consensus_hash":"%s"}`, s.UpdateConsensusHash)
}

func mustUnmarshal(t testing.TB, js []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(js, v); err != nil {
		t.Fatal(err)
	}
}
