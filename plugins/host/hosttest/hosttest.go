package hosttest

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"runtime/pprof"
	"syscall"
	"testing"
	"time"

	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/conformance"
	"github.com/zonemirror/zonemirror/plugins/host"
)

// serveEnv marks a re-executed test binary as a driver process.
const serveEnv = "ZONEMIRROR_HOSTTEST_SERVE"

// Main serves a driver when the test binary was started as one (the kind is
// the last argument), and otherwise runs the tests.
func Main(m *testing.M, builtins map[string]plugins.OpenFunc) {
	ServeIfDriver(builtins)
	os.Exit(m.Run())
}

// ServeIfDriver serves a driver and exits when the test binary was started
// as one; otherwise it returns. For a TestMain with work after m.Run.
func ServeIfDriver(builtins map[string]plugins.OpenFunc) {
	if os.Getenv(serveEnv) != "1" {
		return
	}
	kind := os.Args[len(os.Args)-1]
	open, ok := builtins[kind]
	if !ok {
		fmt.Fprintf(os.Stderr, "hosttest: no driver %q in this test binary\n", kind)
		os.Exit(2)
	}
	// ZONEMIRROR_DRIVER_CPUPROFILE=FILE profiles a driver process of a
	// test or benchmark (the file gets the pid appended).
	if f := os.Getenv("ZONEMIRROR_DRIVER_CPUPROFILE"); f != "" {
		if out, err := os.Create(fmt.Sprintf("%s.%d", f, os.Getpid())); err == nil {
			_ = pprof.StartCPUProfile(out)
			defer func() { pprof.StopCPUProfile(); out.Close(); os.Exit(0) }()
		}
	}
	plugins.Serve(open)
	if os.Getenv("ZONEMIRROR_DRIVER_CPUPROFILE") == "" {
		os.Exit(0)
	}
}

// Logger is where hosts made by New log: stderr at warn level, or at the
// level in ZONEMIRROR_TEST_LOG (debug, info, warn, error). It does not use
// t.Log: drivers may log after a test has ended.
func Logger() *slog.Logger {
	level := slog.LevelWarn
	if v := os.Getenv("ZONEMIRROR_TEST_LOG"); v != "" {
		_ = level.UnmarshalText([]byte(v))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// Options returns host options that serve builtins from this test binary.
func Options(builtins map[string]plugins.OpenFunc) host.Options {
	return host.Options{
		Self: []string{os.Args[0]},
		// A race-enabled binary sleeps 1 s at exit by default (to let
		// reports flush); drivers stopped by tests need not.
		Env:      []string{serveEnv + "=1", "GORACE=atexit_sleep_ms=0"},
		Builtins: builtins,
		Logger:   Logger(),
		// Quick restarts keep the tests short.
		MinBackoff: 20 * time.Millisecond,
		MaxBackoff: 500 * time.Millisecond,
	}
}

// New returns a host made with Options(builtins), as changed by edit (may
// be nil), closed when t ends.
func New(t testing.TB, builtins map[string]plugins.OpenFunc, edit func(*host.Options)) *host.Host {
	t.Helper()
	o := Options(builtins)
	if edit != nil {
		edit(&o)
	}
	h, err := host.New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

// Start starts the driver of c on h and closes it when t ends.
func Start(t testing.TB, h *host.Host, c host.DriverConfig) plugins.Driver {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d, err := h.Start(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// Kill9 kills the driver process of p with SIGKILL and waits until the
// host has relaunched it and it answers Stat, failing t after timeout. It
// returns how long the driver was unavailable.
func Kill9(t testing.TB, p *host.Process, timeout time.Duration) time.Duration {
	t.Helper()
	pid := p.PID()
	if pid == 0 {
		t.Fatalf("driver %s has no process to kill", p.Name())
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill -9 %d: %v", pid, err)
	}
	start := time.Now()
	for time.Since(start) < timeout {
		if n := p.PID(); n != 0 && n != pid {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			_, err := p.Stat(ctx)
			cancel()
			if err == nil {
				return time.Since(start)
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("driver %s not serving again %s after kill -9 of pid %d", p.Name(), timeout, pid)
	return 0
}

// Harness adapts a host to the conformance suite: each Open starts a new
// driver process from config(t) (a fresh storage each time), and Restart
// kill -9s the process and waits for the host's relaunch.
func Harness(h *host.Host, config func(t *testing.T) host.DriverConfig) conformance.Harness {
	return conformance.Harness{
		Open: func(t *testing.T) plugins.Driver {
			return Start(t, h, config(t))
		},
		Restart: func(t *testing.T, d plugins.Driver) plugins.Driver {
			p, ok := d.(*host.Process)
			if !ok {
				t.Fatalf("not a driver process: %T", d)
			}
			Kill9(t, p, 15*time.Second)
			return d
		},
	}
}

// JSON marshals v for DriverConfig.Config, panicking on error (test data).
func JSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
