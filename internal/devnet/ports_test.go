package devnet

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A second devnet whose ports are taken says which, before it starts
// anything.
func TestTakenPortsAreNamed(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	free := func(network string) string {
		if network == "udp" {
			c, err := net.ListenPacket("udp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			return c.LocalAddr().String()
		}
		c, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.Addr().String()
	}
	for _, tc := range []struct{ http, dns, want string }{
		{l.Addr().String(), free("udp"), "the HTTP address " + l.Addr().String() + " is taken"},
		{free("tcp"), pc.LocalAddr().String(), "the DNS address " + pc.LocalAddr().String() + " is taken"},
	} {
		data := t.TempDir()
		err := Run(context.Background(), Options{Data: data, HTTP: tc.http, DNS: tc.dns, Out: io.Discard})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("devnet on %s / %s: %v, want an error containing %q", tc.http, tc.dns, err, tc.want)
		}
	}
}

// A second devnet on a folder a live devnet uses refuses, naming it.
func TestSecondDevnetOnOneFolderRefuses(t *testing.T) {
	data := t.TempDir()
	b, _ := json.Marshal(running{PID: os.Getpid(), HTTP: "127.0.0.1:6270"})
	if err := os.WriteFile(filepath.Join(data, "running.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	err := Run(context.Background(), Options{Data: data, HTTP: "127.0.0.1:0", DNS: "127.0.0.1:0", Out: io.Discard})
	want := "a devnet is already running in " + data
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("second devnet: %v, want an error containing %q", err, want)
	}
}

// A folder made by another zonemirror format is not resumed: the devnet
// says so and how to start over, before it starts anything.
func TestOldFolderRefuses(t *testing.T) {
	for _, state := range []string{`{"wallet":"x","rpc_user":"devnet","rpc_pass":"p"}`, `{"format":2,"wallet":"x"}`, `{"format":99,"wallet":"x"}`} {
		data := t.TempDir()
		if err := os.WriteFile(filepath.Join(data, "state.json"), []byte(state), 0o600); err != nil {
			t.Fatal(err)
		}
		err := Run(context.Background(), Options{Data: data, HTTP: "127.0.0.1:0", DNS: "127.0.0.1:0", Out: io.Discard})
		for _, want := range []string{data, "zonemirror devnet --fresh", "folder format"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("state %s: %v, want an error containing %q", state, err, want)
			}
		}
	}
}
