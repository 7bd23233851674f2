package namedb

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

func openTemp(t testing.TB, n *netparams.Network) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "names")
	db, err := Open(context.Background(), path, n)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

func blockHash(h int64) [32]byte { return [32]byte{byte(h), byte(h >> 8), 0xb1} }

// The first two empty blocks of a chain have the §8.3 consensus hashes:
// 2a9148d8… (no prev) and 1c54465d… (prev = 2a9148d8…).
func TestConsensusChainVectors(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t, netparams.Devnet())
	want := []string{"2a9148d8b13939723d2aca16c75c6d68", "1c54465d3486f07be2c7a81af0ef44ad"}
	for i, w := range want {
		res, err := db.ApplyBlock(ctx, Block{Height: int64(i + 1), Hash: blockHash(int64(i + 1))})
		if err != nil {
			t.Fatal(err)
		}
		if res.ConsensusHash.String() != w {
			t.Errorf("CH(%d) = %s, want %s", i+1, res.ConsensusHash, w)
		}
	}
	if h, ok, err := db.HeightOfConsensusHash(ctx, mustCH(t, want[1])); err != nil || !ok || h != 2 {
		t.Errorf("height of %s: %d %v %v", want[1], h, ok, err)
	}
	if _, ok, _ := db.HeightOfConsensusHash(ctx, wire.Hash128{1}); ok {
		t.Error("unknown consensus hash found")
	}
}

func mustCH(t testing.TB, s string) wire.Hash128 {
	h, err := wire.ParseHash128(s)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// A reopened database resumes at its tip with the same consensus hashes; a
// database of another network is refused.
func TestReopen(t *testing.T) {
	ctx := context.Background()
	n := netparams.Devnet()
	db, path := openTemp(t, n)
	var chs []wire.Hash128
	for h := int64(1); h <= 50; h++ {
		res, err := db.ApplyBlock(ctx, Block{Height: h, Hash: blockHash(h)})
		if err != nil {
			t.Fatal(err)
		}
		chs = append(chs, res.ConsensusHash)
	}
	db.Close()
	db2, err := Open(ctx, path, n)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if tip, hash := db2.Tip(); tip != 50 || hash != blockHash(50) {
		t.Fatalf("tip %d %x", tip, hash)
	}
	for i, want := range chs {
		if got, ok := db2.ConsensusHashAt(int64(i + 1)); !ok || got != want {
			t.Fatalf("CH(%d) after reopen: %s, want %s", i+1, got, want)
		}
	}
	if _, err := db2.ApplyBlock(ctx, Block{Height: 52, Hash: blockHash(52)}); err == nil {
		t.Error("a block out of order was committed")
	}
	db2.Close()
	m := netparams.Mainnet()
	if db3, err := Open(ctx, path, m); err == nil {
		db3.Close()
		t.Fatal("a devnet database opened as mainnet")
	} else if !strings.Contains(err.Error(), "network") {
		t.Errorf("error does not say why: %v", err)
	}
}

// Rewind restores exactly the state after a height; re-applying the same
// blocks gives the same consensus hashes, a different branch different ones.
func TestRewind(t *testing.T) {
	ctx := context.Background()
	c := newChain(t, testNet())
	db := c.db
	alice := newActor(c.net.Wire, "alice")
	apply := func(from, to int64, salt string) []wire.Hash128 {
		var out []wire.Hash128
		for h := from; h <= to; h++ {
			c.nsPreorder(alice, fmt.Sprintf("%s%d", salt, h), alice, namespaceFee)
			out = append(out, c.mine().ConsensusHash)
		}
		return out
	}
	first := apply(1, 40, "a")
	if err := db.Rewind(ctx, 30); err != nil {
		t.Fatal(err)
	}
	if tip, hash := db.Tip(); tip != 30 || hash != blockHash(30) {
		t.Fatalf("tip after rewind %d %x", tip, hash)
	}
	if _, ok := db.ConsensusHashAt(31); ok {
		t.Error("CH(31) survives the rewind")
	}
	again := apply(31, 40, "a")
	for i := range again {
		if again[i] != first[30+i] {
			t.Fatalf("re-applied CH(%d) differs", 31+i)
		}
	}
	if err := db.Rewind(ctx, 30); err != nil {
		t.Fatal(err)
	}
	other := apply(31, 40, "b") // a different branch
	if other[0] == first[30] {
		t.Error("a different block gave the same consensus hash")
	}
	if err := db.Rewind(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if tip, _ := db.Tip(); tip != 0 {
		t.Errorf("empty tip %d", tip)
	}
	if err := db.Rewind(ctx, -1); err == nil {
		t.Error("rewind before the first block accepted")
	}
}

// The §8.5 window: the 24 blocks before, and the genesis hash for the blocks
// up to first_block+23.
func TestRecentConsensusHash(t *testing.T) {
	ctx := context.Background()
	n := netparams.Devnet()
	db, _ := openTemp(t, n)
	for h := int64(1); h <= 60; h++ {
		if _, err := db.ApplyBlock(ctx, Block{Height: h, Hash: blockHash(h)}); err != nil {
			t.Fatal(err)
		}
	}
	if !db.IsRecentConsensusHash(n.GenesisConsensusHash, 24) || db.IsRecentConsensusHash(n.GenesisConsensusHash, 25) {
		t.Error("genesis window")
	}
	ch10, _ := db.ConsensusHashAt(10)
	for b, want := range map[int64]bool{10: false, 11: true, 34: true, 35: false} {
		if got := db.IsRecentConsensusHash(ch10, b); got != want {
			t.Errorf("CH(10) in block %d: %v, want %v", b, got, want)
		}
	}
	if h, ok, _ := db.BlockHash(ctx, 10); !ok || h != blockHash(10) {
		t.Errorf("block hash 10: %x %v", h, ok)
	}
}

// BenchmarkApplyEmptyBlock: the cost of one block without operations, the
// common case on mainnet (target ≤ 0.5 ms).
func BenchmarkApplyEmptyBlock(b *testing.B) {
	ctx := context.Background()
	db, _ := openTemp(b, netparams.Devnet())
	h := int64(1)
	for b.Loop() {
		if _, err := db.ApplyBlock(ctx, Block{Height: h, Hash: blockHash(h)}); err != nil {
			b.Fatal(err)
		}
		h++
	}
}

// A database of an older format (format 6 held state by rules that parted
// from the original's) is refused with a message that names the fix; with
// WithResync it is deleted and synced again from empty. A newer format is
// refused too.
func TestOpenOldFormat(t *testing.T) {
	ctx := context.Background()
	n := netparams.Devnet()
	for _, have := range []int{6, sameOnMainnet, schemaVersion + 1} {
		db, path := openTemp(t, n)
		for h := int64(1); h <= 5; h++ {
			if _, err := db.ApplyBlock(ctx, Block{Height: h, Hash: blockHash(h)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.kv.Set(metaKey(metaSchema), []byte(fmt.Sprint(have)), nil); err != nil {
			t.Fatal(err)
		}
		db.Close()
		_, err := Open(ctx, path, n)
		var fe *FormatError
		if !errors.As(err, &fe) || fe.Have != have || fe.Want != schemaVersion || !errors.Is(err, ErrFormat) {
			t.Fatalf("format %d: Open = %v, want a *FormatError", have, err)
		}
		for _, say := range []string{path, fmt.Sprintf("format %d", have), "zonemirror sync --resync", "serve --resync"} {
			if !strings.Contains(err.Error(), say) {
				t.Errorf("format %d: the refusal %q does not say %q", have, err, say)
			}
		}
		db2, err := Open(ctx, path, n, WithResync())
		if err != nil {
			t.Fatalf("format %d with WithResync: %v", have, err)
		}
		if tip, _ := db2.Tip(); tip != n.FirstBlock-1 {
			t.Errorf("format %d: resynced database starts at %d", have, tip)
		}
		db2.Close()
		// now of this format: opens without WithResync, and WithResync
		// keeps it
		db3, err := Open(ctx, path, n, WithResync())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db3.ApplyBlock(ctx, Block{Height: 1, Hash: blockHash(1)}); err != nil {
			t.Fatal(err)
		}
		db3.Close()
		db4, err := Open(ctx, path, n, WithResync())
		if err != nil {
			t.Fatal(err)
		}
		if tip, _ := db4.Tip(); tip != 1 {
			t.Errorf("WithResync deleted a database of this format (tip %d)", tip)
		}
		db4.Close()
	}
}

// A mainnet database of format 7 holds what format 8 holds (format 8
// changed only the address versions of other networks): it opens as it
// is, and is marked format 8.
func TestOpenFormatSameOnMainnet(t *testing.T) {
	ctx := context.Background()
	n := netparams.Mainnet()
	db, path := openTemp(t, n)
	h := n.FirstBlock
	if _, err := db.ApplyBlock(ctx, Block{Height: h, Hash: blockHash(h)}); err != nil {
		t.Fatal(err)
	}
	if err := db.kv.Set(metaKey(metaSchema), []byte(fmt.Sprint(sameOnMainnet)), nil); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err := Open(ctx, path, n)
	if err != nil {
		t.Fatalf("a mainnet database of format %d: %v", sameOnMainnet, err)
	}
	defer db.Close()
	if tip, _ := db.Tip(); tip != h {
		t.Errorf("tip %d, want %d", tip, h)
	}
	if v, _, _ := db.get(metaKey(metaSchema)); string(v) != fmt.Sprint(schemaVersion) {
		t.Errorf("format %s after opening, want %d", v, schemaVersion)
	}
}

// A database of format 8 holds what format 9 holds but subdomains, which
// it has none of yet: it opens as it is on any network, and is marked
// format 9 (its subdomains are then built from the zone files held).
func TestOpenFormatWithoutSubdomains(t *testing.T) {
	ctx := context.Background()
	n := netparams.Devnet()
	db, path := openTemp(t, n)
	if _, err := db.ApplyBlock(ctx, Block{Height: 1, Hash: blockHash(1)}); err != nil {
		t.Fatal(err)
	}
	if err := db.kv.Set(metaKey(metaSchema), []byte(fmt.Sprint(sameWithoutSubdomains)), nil); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err := Open(ctx, path, n)
	if err != nil {
		t.Fatalf("a database of format %d: %v", sameWithoutSubdomains, err)
	}
	defer db.Close()
	if v, _, _ := db.get(metaKey(metaSchema)); string(v) != fmt.Sprint(schemaVersion) {
		t.Errorf("format %s after opening, want %d", v, schemaVersion)
	}
	if p, err := db.SubdomainsPending(ctx, 0, 10); err != nil || len(p) != 0 {
		t.Errorf("pending %v, %v", p, err)
	}
}
