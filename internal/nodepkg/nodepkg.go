// Package nodepkg installs the npm packages a test runs under Node (the
// original's client, blockstack.js), exactly as a package-lock.json pins
// them, into the user's cache folder on first use — as toolbin builds btcd
// into Go's cache. Nothing is installed into the repository.
package nodepkg

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
)

var mu sync.Mutex

// Install returns the folder that holds node_modules for the package.json
// and package-lock.json in src, running `npm ci` into
// <cache>/zonemirror/npm/<hash of both files> the first time (about a
// minute; npm's own cache makes later installs fast). Install scripts are
// not run (the packages fall back to their pure-JavaScript code). The
// folder appears whole or not at all, so concurrent tests and interrupted
// installs are safe.
func Install(src string) (string, error) {
	mu.Lock()
	defer mu.Unlock()
	for _, prog := range []string{"node", "npm"} {
		if _, err := exec.LookPath(prog); err != nil {
			return "", fmt.Errorf("%s is not installed (Node.js 18 or later runs the original's client in this test; on Debian: apt-get install nodejs npm): %w", prog, err)
		}
	}
	h := sha256.New()
	var files [2][]byte
	for i, name := range []string{"package.json", "package-lock.json"} {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			return "", fmt.Errorf("npm package: %w", err)
		}
		files[i] = b
		h.Write(b)
	}
	cache := os.Getenv("ZONEMIRROR_NPM_CACHE")
	if cache == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("npm package: no cache folder (set ZONEMIRROR_NPM_CACHE): %w", err)
		}
		cache = filepath.Join(dir, "zonemirror", "npm")
	}
	dest := filepath.Join(cache, hex.EncodeToString(h.Sum(nil))[:16])
	if _, err := os.Stat(filepath.Join(dest, "node_modules")); err == nil {
		return dest, nil
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", fmt.Errorf("npm package: %w", err)
	}
	tmp, err := os.MkdirTemp(cache, "installing-")
	if err != nil {
		return "", fmt.Errorf("npm package: %w", err)
	}
	defer os.RemoveAll(tmp)
	for i, name := range []string{"package.json", "package-lock.json"} {
		if err := os.WriteFile(filepath.Join(tmp, name), files[i], 0o644); err != nil {
			return "", fmt.Errorf("npm package: %w", err)
		}
	}
	cmd := exec.Command("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = tmp
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("npm ci in %s (the packages of %s): %v\n%s", tmp, src, err, out.Bytes())
	}
	if err := os.Rename(tmp, dest); err != nil {
		if _, serr := os.Stat(filepath.Join(dest, "node_modules")); serr == nil {
			return dest, nil // another process installed it first
		}
		return "", fmt.Errorf("npm package: %w", err)
	}
	return dest, nil
}
