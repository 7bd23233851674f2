package namedb

import (
	"fmt"
	"testing"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// The decoders of stored values never panic, whatever the bytes (a
// damaged store is reported as errCorrupt), and what the encoders write
// decodes back.
func FuzzStoredValues(f *testing.F) {
	s := &storedName{NameRecord: &NameRecord{Name: "a.id", NamespaceID: "id", Sender: Hex{0x76, 0xa9}, FirstRegistered: 5, LastRenewed: 7, Revoked: true}}
	v, _ := encodeName(s, 3)
	f.Add(v)
	f.Add(blockRow{hash: [32]byte{1}, ch: wire.Hash128{2}, ops: 3, verified: true}.encode())
	f.Add(encodeWhitelist(WhitelistEntry{Index: 1, Hash: wire.Hash160{3}, Name: "a.id", TxID: "ab", Height: 9}, 2))
	w := &blockWriter{seen: map[string]bool{}}
	w.log([]byte("nkey"), true, []byte("old"))
	w.log([]byte("okey"), false, nil)
	f.Add(w.undo)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		k := []byte("w\x00\x00\x00\x00\x00\x00\x00\x01")
		if e, js, ok := splitName(b); ok {
			if e == nil || len(js) > len(b) {
				t.Fatal("splitName: inconsistent")
			}
		}
		decodeName(k, b)
		decodeBlock(k, b)
		decodeWhitelist(k, b)
		if entries, err := decodeUndo(k, b); err == nil {
			// what decodes re-encodes to a log of the same entries
			re := &blockWriter{seen: map[string]bool{}}
			for _, e := range entries {
				re.undo = appendUndo(re.undo, e)
			}
			again, err := decodeUndo(k, re.undo)
			if err != nil || fmt.Sprint(again) != fmt.Sprint(entries) {
				t.Fatalf("undo log %x: %v re-encodes to %v (%v)", b, entries, again, err)
			}
		}
		readStr(b)
	})
}

// appendUndo encodes one undo entry as blockWriter.log does.
func appendUndo(dst []byte, e undoEntry) []byte {
	w := &blockWriter{seen: map[string]bool{}, undo: dst}
	w.log(e.key, e.present, e.old)
	return w.undo
}

func TestStoredValuesRoundTrip(t *testing.T) {
	h := wire.Hash128{9}
	s := &storedName{NameRecord: &NameRecord{Name: "b.id", NamespaceID: "id", Sender: Hex{1, 2, 3}, NameHash128: wire.NameHash128("b.id"),
		FirstRegistered: 10, LastRenewed: 20}, UpdateConsensusHash: &h}
	v, err := encodeName(s, 42)
	if err != nil {
		t.Fatal(err)
	}
	e, _, ok := splitName(v)
	if !ok || e.changed != 42 || e.namespaceID != "id" || e.owner != "\x01\x02\x03" || e.firstRegistered != 10 || e.lastRenewed != 20 || e.revoked || e.hash128 != wire.NameHash128("b.id") {
		t.Fatalf("header %+v %v", e, ok)
	}
	back, err := decodeName([]byte("nb.id"), v)
	if err != nil || back.Name != "b.id" || back.UpdateConsensusHash == nil || *back.UpdateConsensusHash != h {
		t.Fatalf("decoded %+v %v", back, err)
	}
	wl := WhitelistEntry{Index: 7, Hash: wire.Hash160{4}, Name: "b.id", TxID: "cafe", Height: 3}
	got, err := decodeWhitelist(whitelistKey(7), encodeWhitelist(wl, 1))
	if err != nil || got != wl {
		t.Errorf("whitelist %+v %v", got, err)
	}
	br := blockRow{hash: [32]byte{5}, ch: wire.Hash128{6}, ops: 4, verified: false}
	if gb, err := decodeBlock(blockKey(1), br.encode()); err != nil || gb != br {
		t.Errorf("block %+v %v", gb, err)
	}
}
