package main

import (
	"context"
	"fmt"
	"os"

	"github.com/zonemirror/zonemirror/mirror/daemon"
)

func init() {
	register(&command{
		name:    "serve",
		summary: "run the mirror: chain sync, storage tiers, HTTP API and DNS",
		run:     runServe,
	})
}

func runServe(ctx context.Context, env *cmdEnv, args []string) error {
	fs := newFlagSet(env, "serve", "serve [--config FILE] [flags]")
	file := fs.String("config", "", "YAML config (configs/ has examples); flags below override its keys")
	network := fs.String("network", "", "network: mainnet, regtest or simnet (network:)")
	data := fs.String("data", "", "data folder (data:)")
	node := fs.String("node", "", "the Bitcoin node's RPC host:port (node.host:)")
	httpListen := fs.String("http", "", "HTTP API address (http.listen:)")
	dnsListen := fs.String("dns", "", `DNS address, or "off" (dns.listen:)`)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var raw []byte
	if *file != "" {
		b, err := os.ReadFile(*file)
		if err != nil {
			return fmt.Errorf("config: %w", err)
		}
		raw = b
	}
	cfg, err := daemon.Parse(raw)
	if err != nil {
		return err
	}
	for _, o := range []struct {
		flag string
		key  *string
	}{{*network, &cfg.Network}, {*data, &cfg.Data}, {*node, &cfg.Node.Host}, {*httpListen, &cfg.HTTP.Listen}, {*dnsListen, &cfg.DNS.Listen}} {
		if o.flag != "" {
			*o.key = o.flag
		}
	}
	if err := cfg.Defaults(); err != nil {
		return err
	}
	return daemon.Run(ctx, cfg, daemon.Options{Version: "zonemirror " + version, Builtins: builtinDrivers})
}
