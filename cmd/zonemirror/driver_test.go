package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/host"
	"github.com/zonemirror/zonemirror/plugins/host/hosttest"
)

// asZonemirror makes a re-executed test binary behave as the zonemirror
// binary: `TESTBIN driver disk` is `zonemirror driver disk`.
const asZonemirror = "ZONEMIRROR_TEST_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asZonemirror) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// The host runs `zonemirror driver disk` — the real subcommand of this
// binary — as a driver process.
func TestDriverCommandServesDisk(t *testing.T) {
	h, err := host.New(host.Options{
		Self:     []string{os.Args[0], "driver"},
		Env:      []string{asZonemirror + "=1"},
		Builtins: builtinDrivers,
		Logger:   hosttest.Logger(),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d, err := h.Start(ctx, host.DriverConfig{Name: "disk", Driver: "disk", Config: hosttest.JSON(map[string]any{"dir": t.TempDir()})})
	if err != nil {
		t.Fatal(err)
	}
	v := []byte("$ORIGIN example.id\n")
	k := plugins.SumKey(v)
	if err := d.Put(ctx, k, v); err != nil {
		t.Fatal(err)
	}
	if got, err := d.Get(ctx, k); err != nil || !bytes.Equal(got, v) {
		t.Fatalf("Get: %q, %v", got, err)
	}
	if st, err := d.Stat(ctx); err != nil || st.Driver != "disk" || !st.Healthy {
		t.Fatalf("Stat: %+v, %v", st, err)
	}
}

func TestDriverCommandByHand(t *testing.T) {
	code, _, errs := runCLI(t, "", "driver", "disk")
	if code != 1 || !strings.Contains(errs, "not by hand") {
		t.Errorf("by hand: exit %d, %q", code, errs)
	}
	code, _, errs = runCLI(t, "", "driver", "tape")
	if code != 1 || !strings.Contains(errs, `no built-in driver "tape" (built in: dht|disk|s3)`) {
		t.Errorf("unknown kind: exit %d, %q", code, errs)
	}
	if code, _, _ = runCLI(t, "", "driver"); code != 2 {
		t.Errorf("no kind: exit %d, want 2", code)
	}
}
