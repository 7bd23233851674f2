package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/zonemirror/zonemirror/mirror/daemon"
)

func init() {
	register(&command{
		name:    "serve",
		summary: "run the mirror: chain sync, storage tiers, crawler, HTTP API and DNS",
		run:     runServe,
	})
}

// serveAliases are short flags for the keys set most often.
var serveAliases = []struct{ flag, key, usage string }{
	{"network", "network", "network: mainnet, regtest or simnet"},
	{"data", "data", "data folder"},
	{"node", "node.host", "the Bitcoin node's RPC host:port"},
	{"http", "http.listen", "HTTP API address"},
	{"dns", "dns.listen", `DNS address, or "off"`},
}

// configFlags are the flags of a command that reads a mirror's config:
// --config FILE, then every key as a flag.
type configFlags struct {
	file     *string
	keyFlags map[string]string // flag name -> key path
}

// addConfigFlags registers --config and the key flags on fs.
func addConfigFlags(fs *flag.FlagSet) *configFlags {
	cf := &configFlags{file: fs.String("config", "", "YAML config (configs/ has examples)"), keyFlags: map[string]string{}}
	for _, a := range serveAliases {
		usage := a.usage + " (env " + daemon.Key{Path: a.key}.Env() + ")"
		if a.flag != a.key {
			usage = a.usage + " (same as --" + a.key + ")"
		}
		fs.String(a.flag, "", usage)
		cf.keyFlags[a.flag] = a.key
	}
	for _, k := range daemon.Keys() {
		if _, taken := cf.keyFlags[k.Path]; taken {
			continue // the alias is the key's own name (network, data)
		}
		fs.String(k.Path, "", fmt.Sprintf("%s: %s (env %s)", k.Path, k.Type, k.Env()))
		cf.keyFlags[k.Path] = k.Path
	}
	return cf
}

// load reads the config file, then the environment
// (ZONEMIRROR_NODE_HOST=…), then the flags (--node.host=…), each
// overriding the one before, and fills in the defaults.
func (cf *configFlags) load(env *cmdEnv, fs *flag.FlagSet) (*daemon.Config, error) {
	var raw []byte
	if *cf.file != "" {
		b, err := os.ReadFile(*cf.file)
		if err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		raw = b
	}
	cfg, err := daemon.Parse(raw)
	if err != nil {
		return nil, err
	}
	if err := cfg.SetFromEnv(env.environ); err != nil {
		return nil, err
	}
	var setErr error
	fs.Visit(func(f *flag.Flag) {
		if key, ok := cf.keyFlags[f.Name]; ok && setErr == nil {
			if err := cfg.Set(key, f.Value.String()); err != nil {
				setErr = fmt.Errorf("--%s: %w", f.Name, err)
			}
		}
	})
	if setErr != nil {
		return nil, setErr
	}
	if err := cfg.Defaults(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// runServe runs the mirror of the config (configFlags.load).
func runServe(ctx context.Context, env *cmdEnv, args []string) error {
	fs := newFlagSet(env, "serve", "serve [--config FILE] [--KEY VALUE]...\n\n"+
		"Every config key is a flag (--node.host 127.0.0.1:8332) and an environment\n"+
		"variable (ZONEMIRROR_NODE_HOST); values are YAML (--drivers '[{name: d, driver: disk}]').\n"+
		"The file is read first, then the environment, then the flags.")
	cf := addConfigFlags(fs)
	resync := fs.Bool("resync", false, "delete a name database written by another zonemirror format and sync it again from the chain")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.stderr, "zonemirror serve: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	cfg, err := cf.load(env, fs)
	if err != nil {
		return err
	}
	return daemon.Run(ctx, cfg, daemon.Options{Version: "zonemirror " + version, Builtins: builtinDrivers, Resync: *resync})
}
