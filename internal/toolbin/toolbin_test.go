package toolbin

import (
	"os/exec"
	"strings"
	"testing"
)

// The pinned btcd builds and is the version tools/go.mod names.
func TestPathBuildsPinnedBtcd(t *testing.T) {
	p, err := Path("btcd")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(p, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("%s --version: %v\n%s", p, err, out)
	}
	if !strings.Contains(string(out), "0.26.2") {
		t.Errorf("btcd --version = %q, want 0.26.2", out)
	}
	if again, _ := Path("btcd"); again != p {
		t.Errorf("second lookup %q, first %q", again, p)
	}
}

func TestPathUnknownTool(t *testing.T) {
	if _, err := Path("no-such-tool"); err == nil || !strings.Contains(err.Error(), "no-such-tool") {
		t.Errorf("unknown tool: %v", err)
	}
}

func TestRepoRootOutside(t *testing.T) {
	t.Chdir(t.TempDir())
	if _, err := RepoRoot(); err == nil {
		t.Error("found a repository in an empty temp folder")
	}
}
