// Package toolbin finds the external programs zonemirror's tests and
// devnet run — btcd, btcctl, MinIO — at the versions pinned in the tools
// module (tools/go.mod), building them into Go's cache on first use with
// `go tool -modfile=tools/go.mod -n NAME`. They never enter the main
// module's dependency graph.
package toolbin

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// module is the first line of zonemirror's go.mod.
const module = "module github.com/zonemirror/zonemirror\n"

var (
	mu    sync.Mutex
	paths = map[string]string{}
)

// Path returns the path of the pinned program name (the last element of
// its tool directive: "btcd", "btcctl", "minio"), building it on first use:
// seconds when Go's build cache has it, minutes cold. The error says how to
// reproduce a failed build.
func Path(name string) (string, error) {
	mu.Lock()
	defer mu.Unlock()
	if p, ok := paths[name]; ok {
		return p, nil
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	cmd := exec.Command("go", "tool", "-modfile="+filepath.Join(root, "tools", "go.mod"), "-n", name)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("build the pinned %s (go tool -modfile=tools/go.mod -n %s): %v\n%s", name, name, err, stderr.Bytes())
	}
	p := strings.TrimSpace(string(out))
	paths[name] = p
	return p, nil
}

// RepoRoot finds the folder of zonemirror's go.mod at or above the working
// directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find the zonemirror repository: %w", err)
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.HasPrefix(b, []byte(module)) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("find the zonemirror repository: no zonemirror go.mod at or above the working directory (run from inside the repository)")
		}
		dir = parent
	}
}
