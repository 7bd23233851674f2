package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/dht"
	"github.com/zonemirror/zonemirror/plugins/host"
	"github.com/zonemirror/zonemirror/plugins/tiered"
)

func init() {
	register(&command{
		name:    "publish",
		summary: "put a whitelisted zone file into the tiers and the DHT",
		run:     runPublish,
	})
}

// runPublish checks that FILE's hash is whitelisted in the name database,
// stores FILE in the tiers of --tiers (if any), then publishes it from a
// DHT node started from --dht and reports how many peers hold it.
func runPublish(ctx context.Context, env *cmdEnv, args []string) error {
	fs := newFlagSet(env, "publish", "publish --dht CONFIG [--tiers FILE] [--data DIR] [--network NAME] ZONEFILE")
	data := fs.String("data", defaultDataDir(), "data folder (the name database is DATA/NETWORK/names)")
	network := fs.String("network", "mainnet", "network: mainnet, regtest or simnet")
	dhtConfig := fs.String("dht", "", "the DHT node's config: a JSON object (the dht driver's keys, plugins/dht/README.md), or @FILE")
	tiersFile := fs.String("tiers", "", "a JSON list of other tiers to store the file in (host.DriverConfig: name, driver or path, config)")
	timeout := fs.Duration("timeout", 2*time.Minute, "give up after this long")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *dhtConfig == "" {
		fs.Usage()
		return errUsage
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	value, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	key := plugins.SumKey(value)
	if err := checkWhitelisted(ctx, filepath.Join(*data, *network, "names"), *network, key, len(value)); err != nil {
		return err
	}
	var dc dht.Config
	raw, err := readJSONArg(*dhtConfig)
	if err != nil {
		return fmt.Errorf("--dht: %w", err)
	}
	if err := plugins.DecodeConfig(raw, &dc); err != nil {
		return fmt.Errorf("--dht: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(env.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	if *tiersFile != "" {
		n, err := storeInTiers(ctx, *tiersFile, logger, key, value)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "stored %s in %d tiers\n", key, n)
	}

	node, err := dht.New(ctx, dc, logger)
	if err != nil {
		return fmt.Errorf("start the DHT node: %w", err)
	}
	defer node.Close()
	if _, err := node.Allow(ctx, func(yield func(plugins.Key) bool) { yield(key) }); err != nil {
		return err
	}
	r, err := node.Publish(ctx, key, value)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "published %s (%d bytes): held by %d of the %d closest peers\n", key, len(value), r.Holders, r.Closest)
	if r.Holders == 0 {
		return fmt.Errorf("no peer holds %s (refused: %v); the node in %s keeps it and republishes it when it runs again", key, r.Refused, dc.Dir)
	}
	if r.UnderReplicated() {
		fmt.Fprintf(env.stdout, "warning: under-replicated; refused by peers: %v (peers whose name database has not seen the announcing block yet take it later)\n", r.Refused)
	}
	return nil
}

// checkWhitelisted refuses a zone file whose hash no name operation on
// chain announced, or that is larger than the network allows.
func checkWhitelisted(ctx context.Context, dir, network string, key plugins.Key, size int) error {
	n, err := netparams.Named(network)
	if err != nil {
		return err
	}
	if size > n.MaxZonefileBytes {
		return fmt.Errorf("the zone file is %d bytes; the limit is %d", size, n.MaxZonefileBytes)
	}
	if _, err := os.Stat(dir); err != nil {
		return fmt.Errorf("no name database at %s (run zonemirror sync --data … --network %s first): %w", dir, network, err)
	}
	db, err := namedb.Open(ctx, dir, n)
	if err != nil {
		return fmt.Errorf("open the name database (is zonemirror sync or serve running on it?): %w", err)
	}
	defer db.Close()
	ok, err := db.IsWhitelisted(ctx, wire.Hash160(key))
	if err != nil {
		return err
	}
	if !ok {
		h, _ := db.Tip()
		return fmt.Errorf("refused: zone file %s is not whitelisted: no name operation up to block %d of %s announced this hash "+
			"(send a register or update carrying it, e.g. zonemirror tx update --zonefile FILE, and wait for its block); "+
			"every honest DHT node would refuse it too", key, h, network)
	}
	return nil
}

// storeInTiers starts the tiers of file (drivers through the host) and
// puts the record into every writable one.
func storeInTiers(ctx context.Context, file string, logger *slog.Logger, key plugins.Key, value []byte) (int, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return 0, fmt.Errorf("--tiers: %w", err)
	}
	var cfgs []host.DriverConfig
	if err := json.Unmarshal(raw, &cfgs); err != nil {
		return 0, fmt.Errorf("--tiers %s: %w", file, err)
	}
	h, err := host.New(host.Options{Builtins: builtinDrivers, Logger: logger})
	if err != nil {
		return 0, err
	}
	defer h.Close()
	if err := host.Validate(cfgs, h.Builtins()); err != nil {
		return 0, fmt.Errorf("--tiers %s: %w", file, err)
	}
	var tiers []tiered.Tier
	for _, c := range cfgs {
		if c.Driver == "dht" {
			return 0, fmt.Errorf("--tiers %s: %s is a dht tier; the DHT node is --dht", file, c.Name)
		}
		d, err := h.Start(ctx, c)
		if err != nil {
			return 0, err
		}
		tiers = append(tiers, tiered.Tier{Name: c.Name, Driver: d, Timeout: 30 * time.Second})
	}
	s, err := tiered.New(tiers, tiered.Options{Logger: logger})
	if err != nil {
		return 0, err
	}
	defer s.Close()
	n, err := s.Put(ctx, key, value)
	if err != nil {
		return n, err
	}
	return n, nil
}

// readJSONArg returns a flag's JSON: the text itself, or @FILE's content.
func readJSONArg(v string) ([]byte, error) {
	if name, ok := strings.CutPrefix(v, "@"); ok {
		return os.ReadFile(name)
	}
	if !strings.HasPrefix(strings.TrimSpace(v), "{") {
		return nil, errors.New("want a JSON object or @FILE")
	}
	return []byte(v), nil
}
