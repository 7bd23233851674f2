package realdata

import (
	"strings"
	"testing"
)

// All 1,631 zone files are there and hash to their lines; the first three
// are those shared/data/README.md names.
func TestZonefiles(t *testing.T) {
	zf, err := Zonefiles()
	if err != nil {
		t.Fatal(err)
	}
	if len(zf) != 1631 {
		t.Fatalf("%d zone files", len(zf))
	}
	for i, want := range []string{"c5f5b4197c94d4561f6332160f624d728b0da8bf", "8961c32ad98df87af12b186c3d0be6ca22105936", "8ae7173b9a2f96521ba077bbcbe9b56b1cf2449f"} {
		if zf[i].Hash.String() != want {
			t.Errorf("zone file %d: %s, want %s", i, zf[i].Hash, want)
		}
	}
	names := map[string]bool{}
	for _, z := range zf {
		if names[z.Name] {
			t.Errorf("%s twice", z.Name)
		}
		names[z.Name] = true
	}
	if zf[0].Name != "0.id" || !strings.HasSuffix(zf[len(zf)-1].Name, ".id") {
		t.Errorf("first %s, last %s", zf[0].Name, zf[len(zf)-1].Name)
	}
}
