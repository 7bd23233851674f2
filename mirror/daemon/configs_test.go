package daemon

import (
	"os"
	"path/filepath"
	"testing"
)

// Every example config in configs/ loads.
func TestExampleConfigs(t *testing.T) {
	files, err := filepath.Glob("../../configs/*.yaml")
	if err != nil || len(files) < 3 {
		t.Fatalf("example configs: %v %v", files, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Load(b); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}
