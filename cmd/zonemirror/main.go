// Command zonemirror is the one binary of zonemirror: a public mirror of the
// Blockstack naming system. Each subcommand lives in its own file and
// registers itself in commands; main only dispatches.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// version is set by the build (-ldflags "-X main.version=...").
var version = "dev"

// command is one subcommand: `zonemirror NAME ...`.
type command struct {
	name    string
	summary string
	// run gets the arguments after the subcommand name. It returns an error
	// to print on stderr (exit 1), or errUsage for a usage error (exit 2).
	run func(ctx context.Context, env *cmdEnv, args []string) error
}

// cmdEnv is what a subcommand may touch, so tests can run commands in-process.
type cmdEnv struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// environ is the environment (os.Environ's form); nil is none.
	environ []string
}

// errUsage marks an error the flag package has already explained.
var errUsage = errors.New("usage")

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, &cmdEnv{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, environ: os.Environ()}, os.Args[1:])
	stop()
	os.Exit(code)
}

func run(ctx context.Context, env *cmdEnv, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(env.stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.stderr, "zonemirror: unknown command %q\n\n", args[0])
		usage(env.stderr)
		return 2
	}
	if err := c.run(ctx, env, args[1:]); err != nil {
		if errors.Is(err, errUsage) || errors.Is(err, flag.ErrHelp) {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
		fmt.Fprintf(env.stderr, "zonemirror %s: %v\n", c.name, err)
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "zonemirror %s: a public mirror of the Blockstack naming system\n\nUsage: zonemirror COMMAND [flags] [args]\n\nCommands:\n", version)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintf(w, "\nRun 'zonemirror COMMAND --help' for a command's flags.\n")
}

// newFlagSet returns a flag set that writes its usage to env.stderr and
// returns errors instead of exiting.
func newFlagSet(env *cmdEnv, name, usageLine string) *flag.FlagSet {
	fs := flag.NewFlagSet("zonemirror "+name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: zonemirror %s\n\nFlags:\n", usageLine)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, mapping a parse failure to errUsage.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

func init() {
	register(&command{
		name:    "version",
		summary: "print the version",
		run: func(_ context.Context, env *cmdEnv, args []string) error {
			fs := newFlagSet(env, "version", "version")
			if err := parseFlags(fs, args); err != nil {
				return err
			}
			fmt.Fprintln(env.stdout, "zonemirror", version)
			return nil
		},
	})
}
