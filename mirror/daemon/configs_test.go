package daemon

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/dht"
	"github.com/zonemirror/zonemirror/plugins/disk"
	"github.com/zonemirror/zonemirror/plugins/s3"
)

// Every example config in configs/ loads, and each tier's config: keys are
// its driver's.
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
		c, err := Load(b)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		hcs, err := c.hostConfigs()
		if err != nil {
			t.Fatal(err)
		}
		for i, hc := range hcs {
			dst := map[string]any{"disk": &disk.Config{}, "s3": &s3.Config{}, "dht": &dht.Config{}}[hc.Driver]
			if dst == nil {
				t.Errorf("%s: drivers[%d]: driver %q", f, i, hc.Driver)
				continue
			}
			if err := plugins.DecodeConfig(hc.Config, dst); err != nil {
				t.Errorf("%s: drivers[%d].config: %v", f, i, err)
			}
		}
	}
}
