package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/dht"
	"github.com/zonemirror/zonemirror/plugins/disk"
	"github.com/zonemirror/zonemirror/plugins/s3"
)

// builtinDrivers are the storage drivers built into this binary, by kind:
// the host serves them by running `zonemirror driver KIND`, or opens them
// in-process for tiers configured with in_process.
var builtinDrivers = map[string]plugins.OpenFunc{
	"dht":  dht.Open,
	"disk": disk.Open,
	"s3":   s3.Open,
}

func init() {
	register(&command{
		name:    "driver",
		summary: "serve a built-in storage driver to the host (started by zonemirror itself)",
		run:     runDriver,
	})
}

func driverKinds() string {
	k := make([]string, 0, len(builtinDrivers))
	for name := range builtinDrivers {
		k = append(k, name)
	}
	sort.Strings(k)
	return strings.Join(k, "|")
}

// runDriver serves one built-in driver over go-plugin until the host stops
// it. The host passes the config with the Configure call, not by flags.
func runDriver(_ context.Context, env *cmdEnv, args []string) error {
	fs := newFlagSet(env, "driver", "driver "+driverKinds())
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	open, ok := builtinDrivers[fs.Arg(0)]
	if !ok {
		return fmt.Errorf("no built-in driver %q (built in: %s)", fs.Arg(0), driverKinds())
	}
	if os.Getenv(plugins.Handshake.MagicCookieKey) != plugins.Handshake.MagicCookieValue {
		return fmt.Errorf("the %s driver is started by zonemirror's host for a tier of its config, not by hand", fs.Arg(0))
	}
	plugins.Serve(open)
	return nil
}
