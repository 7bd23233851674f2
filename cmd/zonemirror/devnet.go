package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/zonemirror/zonemirror/internal/devnet"
)

func init() {
	register(&command{
		name:    "devnet",
		summary: "run the whole system on this machine: btcd, names, the mirror (register, update, transfer act on it)",
		run:     runDevnet,
	})
}

func defaultDevnetDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "zonemirror", "devnet")
	}
	return "zonemirror-devnet"
}

func runDevnet(ctx context.Context, env *cmdEnv, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "register", "update", "transfer":
			return runDevnetChange(ctx, env, args[0], args[1:])
		}
	}
	fs := newFlagSet(env, "devnet", "devnet [flags] | devnet register|update|transfer NAME [flags]")
	data := fs.String("data", defaultDevnetDir(), "the devnet's folder (kept across starts)")
	fresh := fs.Bool("fresh", false, "start over: remove the folder first")
	names := fs.Int("names", 100, "real names to register at set-up")
	peers := fs.Int("peers", 8, "DHT peers in the swarm")
	httpAddr := fs.String("http", "127.0.0.1:6270", "the mirror's HTTP API (the original's port)")
	dnsAddr := fs.String("dns", "127.0.0.1:5353", "the mirror's DNS")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	return devnet.Run(ctx, devnet.Options{Data: *data, Fresh: *fresh, Names: *names, Peers: *peers, HTTP: *httpAddr, DNS: *dnsAddr,
		Out: env.stdout, Builtins: builtinDrivers, Version: "zonemirror " + version})
}

func runDevnetChange(ctx context.Context, env *cmdEnv, op string, args []string) error {
	fs := newFlagSet(env, "devnet "+op, "devnet "+op+" NAME [flags]")
	data := fs.String("data", defaultDevnetDir(), "the running devnet's folder")
	zonefile := fs.String("zonefile", "", "register, update: the zone file")
	to := fs.String("to", "", "transfer: the new owner's address")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return errUsage
	}
	name := pos[0]
	var zf []byte
	if op != "transfer" {
		if *zonefile == "" {
			return errors.New("give the zone file with --zonefile FILE")
		}
		if zf, err = os.ReadFile(*zonefile); err != nil {
			return err
		}
	} else if *to == "" {
		return errors.New("give the new owner with --to ADDRESS")
	}
	c, err := devnet.Dial(*data, env.stdout)
	if err != nil {
		return err
	}
	defer c.Close()
	switch op {
	case "register":
		err = c.Register(ctx, name, zf)
	case "update":
		err = c.Update(ctx, name, zf)
	case "transfer":
		err = c.Transfer(ctx, name, *to)
	}
	if err == nil {
		fmt.Fprintf(env.stdout, "done: curl -s %s/v1/names/%s\n", c.HTTP(), name)
	}
	return err
}
