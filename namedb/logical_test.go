package namedb

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zonemirror/zonemirror/internal/testdiff"
)

// logicalDump is the database as the public API shows it: every block's
// consensus hash and operations, every name's record, standing and
// history, the whitelist, the rejections by code and the status of every
// transaction. Two databases with the same dump answer every query alike,
// whatever their storage.
func logicalDump(t testing.TB, db *DB) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	tip, hash := db.Tip()
	fmt.Fprintf(&b, "tip %d %x\n", tip, hash)
	var txids []string
	for h := db.net.FirstBlock; h <= tip; h++ {
		ch, _ := db.ConsensusHashAt(h)
		bh, _, err := db.BlockHash(ctx, h)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "block %d %s %x\n", h, ch, bh)
		ops, err := db.BlockOps(ctx, h)
		if err != nil {
			t.Fatal(err)
		}
		for _, op := range ops {
			fmt.Fprintf(&b, "  op %s\n", canonicalJSON(t, op))
			var r struct{ TxID string }
			json.Unmarshal(op, &r)
			txids = append(txids, r.TxID)
		}
	}
	names, err := db.AllNames(ctx, 0, 1<<30, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		info, err := db.Name(ctx, n)
		if err != nil || info == nil {
			t.Fatalf("%s: %v %v", n, info, err)
		}
		rec, _ := json.Marshal(info.Record)
		fmt.Fprintf(&b, "name %s %s %d %d %v %s\n", n, info.Status, info.ExpireBlock, info.RenewalDeadline, info.GracePeriod, rec)
		hist, err := db.NameHistory(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		var heights []int64
		for h := range hist {
			heights = append(heights, h)
		}
		slices.Sort(heights)
		for _, h := range heights {
			for _, r := range hist[h] {
				fmt.Fprintf(&b, "  hist %d %s\n", h, canonicalJSON(t, r))
			}
		}
	}
	for _, ns := range db.Namespaces() {
		n, _ := db.Namespace(ns)
		rec, _ := json.Marshal(n)
		fmt.Fprintf(&b, "namespace %s\n", rec)
	}
	wl, err := db.WhitelistAfter(ctx, 0, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range wl {
		fmt.Fprintf(&b, "wl %d %s %s %s %d\n", e.Index, e.Hash, e.Name, e.TxID, e.Height)
	}
	counts, err := db.RejectionCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for c := range counts {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		fmt.Fprintf(&b, "rejected %s %d\n", c, counts[c])
	}
	for _, id := range txids {
		st, err := db.Tx(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "tx %s %+v\n", id, *st)
	}
	for _, n := range []string{"", "rnd", "imp"} {
		c, _ := db.NameCount(ctx, n)
		fmt.Fprintf(&b, "count %q %d\n", n, c)
	}
	return b.String()
}

// canonicalJSON re-encodes a JSON object with sorted keys.
func canonicalJSON(t testing.TB, raw []byte) string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

var updateGolden = flag.Bool("update", false, "rewrite testdata/random-chain.golden")

// The random chain of TestRandomRewind answers every query exactly as
// recorded in testdata/random-chain.golden — the answers the first
// storage engine (SQLite) gave, reproduced by pebble. A change of any
// rule, record field or query shows here; rewrite the file with -update
// only for a change that is meant.
func TestRandomChainGolden(t *testing.T) {
	c := newChain(t, randomNet())
	newGenerator(c).driveTo(c, randomBlocks)
	got := logicalDump(t, c.db)
	path := filepath.Join("testdata", "random-chain.golden")
	if *updateGolden {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Fatalf("the random chain's answers changed:\n%s", testdiff.Lines(got, string(want)))
	}
}
