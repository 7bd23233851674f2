package host

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
)

// DriverConfig is one tier's driver in the host's config.
type DriverConfig struct {
	// Name is the tier's name: unique, lowercase letters, digits, '-' and
	// '_', at most 63 characters. It labels the driver's logs and metrics.
	// Required.
	Name string `json:"name" yaml:"name"`
	// Driver is the kind of a built-in driver ("disk", "s3"), served by
	// re-executing our own binary as `zonemirror driver KIND`. Exactly one
	// of Driver and Path is set.
	Driver string `json:"driver,omitempty" yaml:"driver,omitempty"`
	// Path is the executable of an external driver. Exactly one of Driver
	// and Path is set.
	Path string `json:"path,omitempty" yaml:"path,omitempty"`
	// Args are extra arguments for an external driver. The default is none.
	Args []string `json:"args,omitempty" yaml:"args,omitempty"`
	// SHA256 is the expected SHA-256 of the file at Path, as 64 hex
	// characters; checked before every launch. The default (empty) checks
	// nothing.
	SHA256 string `json:"sha256,omitempty" yaml:"sha256,omitempty"`
	// InProcess runs a built-in driver inside the host: no process
	// boundary (no isolation, no restart), for the last bit of speed. The
	// default is false: out of process.
	InProcess bool `json:"in_process,omitempty" yaml:"in_process,omitempty"`
	// MaxProcs, when above 0, is how many cores the driver process's Go
	// runtime runs code on at once: it is set as GOMAXPROCS in the driver's
	// environment, over any the host has. The default (0) sets nothing:
	// Go's default of every core, or the host's own GOMAXPROCS. On a small
	// machine 1 speeds up Gets and slows down Puts (plugins/README.md has
	// the figures).
	MaxProcs int `json:"max_procs,omitempty" yaml:"max_procs,omitempty"`
	// Config is handed to the driver unchanged (its own keys, see the
	// driver's README). The default is an empty object.
	Config json.RawMessage `json:"config,omitempty" yaml:"-"`
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// Validate checks every driver config once, with errors that name the bad
// key as drivers[i].key. builtins are the kinds of built-in driver.
func Validate(cfgs []DriverConfig, builtins map[string]bool) error {
	seen := map[string]int{}
	for i, c := range cfgs {
		at := func(key string) string { return fmt.Sprintf("drivers[%d].%s", i, key) }
		if !nameRE.MatchString(c.Name) {
			return fmt.Errorf("%s: %q is not a tier name (lowercase letters, digits, '-', '_'; 1-63 characters)", at("name"), c.Name)
		}
		if j, dup := seen[c.Name]; dup {
			return fmt.Errorf("%s: %q is also the name of drivers[%d]", at("name"), c.Name, j)
		}
		seen[c.Name] = i
		switch {
		case c.Driver == "" && c.Path == "":
			return fmt.Errorf("%s: one of driver (a built-in kind) or path (an external driver) is required", at("driver"))
		case c.Driver != "" && c.Path != "":
			return fmt.Errorf("%s: driver %q and path %q are exclusive", at("path"), c.Driver, c.Path)
		case c.Driver != "" && !builtins[c.Driver]:
			return fmt.Errorf("%s: %q is not a built-in driver (built in: %s)", at("driver"), c.Driver, kinds(builtins))
		case c.Driver == "" && c.InProcess:
			return fmt.Errorf("%s: only built-in drivers run in-process", at("in_process"))
		case c.MaxProcs < 0:
			return fmt.Errorf("%s: %d is not a number of cores (0 for Go's default)", at("max_procs"), c.MaxProcs)
		case c.InProcess && c.MaxProcs != 0:
			return fmt.Errorf("%s: an in-process driver runs on the host's cores", at("max_procs"))
		case c.Driver != "" && (c.SHA256 != "" || len(c.Args) > 0):
			return fmt.Errorf("%s: sha256 and args are for external drivers (path)", at("sha256"))
		}
		if c.Path != "" {
			fi, err := os.Stat(c.Path)
			if err != nil {
				return fmt.Errorf("%s: %w", at("path"), err)
			}
			if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
				return fmt.Errorf("%s: %s is not an executable file", at("path"), c.Path)
			}
		}
		if c.SHA256 != "" {
			if b, err := hex.DecodeString(c.SHA256); err != nil || len(b) != 32 {
				return fmt.Errorf("%s: want 64 hex characters, got %q", at("sha256"), c.SHA256)
			}
		}
		if len(c.Config) > 0 {
			var obj map[string]json.RawMessage
			if err := json.Unmarshal(c.Config, &obj); err != nil {
				return fmt.Errorf("%s: not a JSON object: %v", at("config"), err)
			}
		}
	}
	return nil
}

func kinds(m map[string]bool) string {
	s := ""
	for _, k := range sortedKeys(m) {
		if s != "" {
			s += ", "
		}
		s += k
	}
	return s
}
