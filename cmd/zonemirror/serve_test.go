package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// serve takes every key from the file, the environment and flags, in that
// order, and a bad value is refused naming where it came from.
func TestServeConfigSources(t *testing.T) {
	file := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(file, []byte("network: regtest\nsync: {window: 8}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	serve := func(environ []string, args ...string) string {
		var out, errb bytes.Buffer
		code := run(context.Background(), &cmdEnv{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, environ: environ}, append([]string{"serve"}, args...))
		if code == 0 {
			t.Fatalf("serve %v exited 0", args)
		}
		return errb.String()
	}
	// The file's window is good; the environment's is bad; a flag fixes it
	// and the network from the flag is then the one refused.
	if errs := serve([]string{"ZONEMIRROR_SYNC_WINDOW=wide"}, "--config", file); !strings.Contains(errs, "ZONEMIRROR_SYNC_WINDOW") {
		t.Errorf("bad environment value: %s", errs)
	}
	if errs := serve([]string{"ZONEMIRROR_SYNC_WINDOW=wide"}, "--config", file, "--sync.window", "9000"); !strings.Contains(errs, "ZONEMIRROR_SYNC_WINDOW") {
		t.Errorf("the environment is read before the flags are applied: %s", errs)
	}
	if errs := serve(nil, "--config", file, "--sync.window", "9000"); !strings.Contains(errs, "sync.window: 9000") {
		t.Errorf("flag over file: %s", errs)
	}
	if errs := serve([]string{"ZONEMIRROR_NETWORK=testnet3"}, "--config", file); !strings.Contains(errs, `unknown network "testnet3"`) {
		t.Errorf("environment over file: %s", errs)
	}
	if errs := serve(nil, "--config", file, "--drivers", "[{name: a, flavour: x}]"); !strings.Contains(errs, "--drivers") || !strings.Contains(errs, "flavour") {
		t.Errorf("a bad list: %s", errs)
	}
	if errs := serve(nil, "--crawl.source", "nowhere"); !strings.Contains(errs, `crawl.source: no tier is named "nowhere"`) {
		t.Errorf("crawl.source: %s", errs)
	}
}
