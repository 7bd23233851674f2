package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/btcsuite/btcd/btcutil/v2"
	"github.com/btcsuite/btcd/chaincfg/v2"

	"github.com/zonemirror/zonemirror/chainsync/txbuild"
	"github.com/zonemirror/zonemirror/internal/testbtcd"
	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// zonemirror tx creates a namespace and a name on a real btcd (the
// one-command register waits for its preorder's block), zonemirror sync
// applies them, and --dry-run prints a transaction the decoder reads.
func TestTxAndSyncCommands(t *testing.T) {
	ctx := context.Background()
	n, _ := netparams.Named("regtest")
	key := txbuild.KeyFromSeed("cli test key", n.Wire)
	w, err := btcutil.NewWIF(key.Priv, &chaincfg.RegressionNetParams, true)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "wallet")
	os.WriteFile(keyFile, []byte(w.String()+"\n"), 0o600)
	node := testbtcd.Start(t, testbtcd.Options{MiningAddr: key.Address, AddrIndex: true})
	rpc, err := node.Client()
	if err != nil {
		t.Fatal(err)
	}
	defer rpc.Shutdown()
	if _, err := rpc.Generate(101); err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	nodeArgs := []string{"--network", "regtest", "--node", node.RPCAddr, "--rpcuser", node.User, "--rpcpass", node.Pass}
	sync := func() {
		t.Helper()
		code, out, errs := runCLI(t, "", append(append([]string{"sync"}, nodeArgs...), "--data", data, "--until-caught-up", "--progress", "log")...)
		if code != 0 {
			t.Fatalf("sync: exit %d: %s %s", code, out, errs)
		}
	}
	tx := func(args ...string) string {
		t.Helper()
		full := append(append(append([]string{"tx", args[0]}, nodeArgs...), "--key-file", keyFile, "--data", data), args[1:]...)
		code, out, errs := runCLI(t, "", full...)
		if code != 0 {
			t.Fatalf("tx %v: exit %d: %s", args, code, errs)
		}
		return strings.TrimSpace(out)
	}
	mine := func() {
		t.Helper()
		if _, err := rpc.Generate(1); err != nil {
			t.Fatal(err)
		}
		sync()
	}
	sync()
	// A payment below the price is refused before anything is sent.
	code, _, errs := runCLI(t, "", append(append(append([]string{"tx", "namespace-preorder"}, nodeArgs...), "--key-file", keyFile, "--data", data), "--fee", "50000000", "cli")...)
	if code != 1 || !strings.Contains(errs, "below the price of cli") {
		t.Errorf("a 3-letter namespace for 0.5 BTC: exit %d, %q", code, errs)
	}
	tx("namespace-preorder", "clins", "--fee", "50000000")
	mine()
	tx("namespace-reveal", "clins", "--lifetime", "1000")
	mine()
	tx("namespace-ready", "clins")
	mine()

	// The one-command register: preorder, wait for a block, register.
	done := make(chan string, 1)
	go func() {
		code, out, errs := runCLI(t, "", append(append(append([]string{"tx", "register"}, nodeArgs...), "--key-file", keyFile, "--data", data), "--preorder", "--fee", "10000000", "--zonefile-hash", wire.SumHash160([]byte("zone")).String(), "me.clins")...)
		if code != 0 {
			out = "exit: " + errs
		}
		done <- out
	}()
	time.Sleep(2 * time.Second) // the preorder is in the mempool
	var registered string
	for registered == "" {
		if _, err := rpc.Generate(1); err != nil {
			t.Fatal(err)
		}
		select {
		case registered = <-done:
		case <-time.After(2 * time.Second):
		}
	}
	if strings.HasPrefix(registered, "exit") || len(strings.Fields(registered)) != 2 {
		t.Fatalf("register --preorder printed %q", registered)
	}
	mine()

	db, err := namedb.Open(ctx, filepath.Join(data, "regtest", "names"), n)
	if err != nil {
		t.Fatal(err)
	}
	info, err := db.Name(ctx, "me.clins")
	db.Close()
	if err != nil || info == nil || info.Record.Address != key.Address || *info.Record.ValueHash != wire.SumHash160([]byte("zone")) {
		t.Fatalf("me.clins after sync: %+v %v", info, err)
	}

	// --dry-run prints the transaction, decoded, and sends nothing.
	out := tx("update", "me.clins", "--zonefile-hash", wire.SumHash160([]byte("zone 2")).String(), "--dry-run")
	var dry struct {
		Decoded struct {
			ValueHash string `json:"value_hash"`
			Opcode    string `json:"opcode"`
		} `json:"decoded"`
		Raw string `json:"raw"`
	}
	if err := json.Unmarshal([]byte(out), &dry); err != nil {
		t.Fatalf("dry run printed %q: %v", out, err)
	}
	if dry.Raw == "" || dry.Decoded.Opcode != "NAME_UPDATE" || dry.Decoded.ValueHash != wire.SumHash160([]byte("zone 2")).String() {
		t.Errorf("dry run: %s", out)
	}
	mempool, _ := rpc.GetRawMempool()
	if len(mempool) != 0 {
		t.Errorf("dry run sent %d transactions", len(mempool))
	}
}

// Bad invocations say what is wrong.
func TestTxCommandErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"tx", "frobnicate", "x"}, "unknown operation"},
		{[]string{"tx", "revoke", "--network", "regtest", "x.id"}, "no key"},
		{[]string{"tx", "update", "--network", "regtest", "--wif", "bad", "x.id"}, "WIF"},
		{[]string{"sync", "--network", "testnet3"}, "unknown network"},
	} {
		code, _, errs := runCLI(t, "", tc.args...)
		if code == 0 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, %q; want an error with %q", tc.args, code, errs, tc.want)
		}
	}
}
