package testwhitelist

import (
	"context"
	"testing"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

func TestAnnounceAndRewind(t *testing.T) {
	ctx := context.Background()
	c := Open(t, t.TempDir())
	var hs [][20]byte
	for i := 0; i < PerBlock+7; i++ {
		hs = append(hs, wire.SumHash160([]byte{byte(i), byte(i >> 8)}))
	}
	base := c.Tip()
	c.Announce(t, hs)
	if n, _ := c.DB.WhitelistCount(ctx); n != int64(len(hs)) {
		t.Fatalf("whitelist count %d, want %d", n, len(hs))
	}
	es, err := c.DB.WhitelistAfter(ctx, 0, len(hs)+1)
	if err != nil || len(es) != len(hs) {
		t.Fatalf("WhitelistAfter: %d, %v", len(es), err)
	}
	for i, e := range es {
		if e.Hash != wire.Hash160(hs[i]) || e.Index != int64(i+1) {
			t.Fatalf("entry %d: %+v", i, e)
		}
	}
	c.Rewind(t, base+1) // keeps the first block of imports
	if n, _ := c.DB.WhitelistCount(ctx); n != PerBlock {
		t.Fatalf("after rewind: %d entries, want %d", n, PerBlock)
	}
	if ok, _ := c.DB.IsWhitelisted(ctx, hs[PerBlock]); ok {
		t.Fatal("a rewound hash is still whitelisted")
	}
}
