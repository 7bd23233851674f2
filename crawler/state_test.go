package crawler

import (
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

func TestStateRoundTripAndErrors(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sub", "crawler.json")
	if st, err := loadState(p); err != nil || st.Position != 0 {
		t.Fatalf("missing file: %+v, %v", st, err)
	}
	h := wire.SumHash160([]byte("x"))
	if err := saveState(p, 42, h); err != nil {
		t.Fatal(err)
	}
	st, err := loadState(p)
	if err != nil || st.Position != 42 || st.hash != h {
		t.Fatalf("round trip: %+v, %v", st, err)
	}
	for in, want := range map[string]string{
		`{`:                           "unexpected end",
		`{"version":2,"position":1}`:  "version 2",
		`{"version":1,"position":-1}`: "negative position",
		`{"version":1,"position":3,"position_hash":"zz"}`:   "not 40 hex",
		`{"version":1,"position":3,"position_hash":"abcd"}`: "not 40 hex",
	} {
		if _, err := decodeState([]byte(in), "f"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", in, err, want)
		}
	}
}

// FuzzDecodeState: any state file is refused with an error or read into
// a position ≥ 0 with a 20-byte hash that encodes back to the file's.
func FuzzDecodeState(f *testing.F) {
	f.Add([]byte(`{"version":1,"position":42,"position_hash":"` + strings.Repeat("ab", 20) + `"}`))
	f.Add([]byte(`{"version":1,"position":0,"position_hash":""}`))
	f.Add([]byte(`{"version":1}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := decodeState(b, "fuzz")
		if err != nil {
			return
		}
		if st.Position < 0 {
			t.Fatalf("negative position %d", st.Position)
		}
		if st.Position > 0 && !strings.EqualFold(hex.EncodeToString(st.hash[:]), st.PositionHash) {
			t.Fatalf("hash %x from %q", st.hash, st.PositionHash)
		}
	})
}
