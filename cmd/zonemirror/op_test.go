package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), &cmdEnv{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb}, args)
	return code, out.String(), errb.String()
}

const psPreorder = "69643f26bf7874706ac761afdd403ed6b3b9578fb01a347b696b6f4060b792d41912068944d73b"

// The README's op decode example prints the real preorder of patrickstanley.id.
func TestOpDecodeQuickStart(t *testing.T) {
	code, out, errs := runCLI(t, "", "op", "decode", psPreorder)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	want := map[string]any{"opcode": "NAME_PREORDER", "op": "?", "preorder_hash": "26bf7874706ac761afdd403ed6b3b9578fb01a34", "consensus_hash": "7b696b6f4060b792d41912068944d73b"}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	if len(m) != len(want) {
		t.Errorf("fields %v", m)
	}
	// decode | encode is the identity.
	code, enc, errs := runCLI(t, out, "op", "encode")
	if code != 0 || strings.TrimSpace(enc) != psPreorder {
		t.Fatalf("encode: exit %d %q %s", code, enc, errs)
	}
	code, enc, _ = runCLI(t, out, "op", "encode", "--script")
	if code != 0 || strings.TrimSpace(enc) != "6a27"+psPreorder {
		t.Fatalf("encode --script: %q", enc)
	}
}

func TestOpDecodeTx(t *testing.T) {
	b, err := os.ReadFile("../../namedb/wire/testdata/raw-tx.json")
	if err != nil {
		t.Fatal(err)
	}
	var vs []struct{ Hex string }
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "", "op", "decode-tx", "--network", "testnet", vs[2].Hex)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	if m["opcode"] != "NAMESPACE_PREORDER" || m["address"] != "2NCL5euNJV9wNcKWQkTtEv7BxUdSTbaf7W1" || m["sender_pubkey"] != nil || m["op_fee"] != float64(40000000) {
		t.Errorf("decode-tx: %v", m)
	}
	if _, ok := m["tx_fee"]; ok {
		t.Errorf("tx_fee without prevouts: %v", m["tx_fee"])
	}
	code, enc, _ := runCLI(t, out, "op", "encode")
	if code != 0 || !strings.Contains(vs[2].Hex, strings.TrimSpace(enc)) {
		t.Errorf("encode of decode-tx output %q not in the tx", enc)
	}
	// With the spent output given, the fee is known.
	code, out, errs = runCLI(t, "", "op", "decode-tx", "--network", "testnet", "--prevout", "a914d1558340e7651a8a1d5801a8335eae5ca2e87ba187:5000000000", vs[2].Hex)
	if code != 0 || !strings.Contains(out, `"tx_fee"`) {
		t.Errorf("with prevout: exit %d %s %s", code, out, errs)
	}
}

func TestOpErrors(t *testing.T) {
	cases := []struct {
		args    []string
		stdin   string
		code    int
		errPart string
	}{
		{[]string{"op", "decode", "69642b00"}, "", 1, "ErrBodyLength"},
		{[]string{"op", "decode", "zz"}, "", 1, "not hex"},
		{[]string{"op", "decode", "--epoch", "9", psPreorder}, "", 1, "--epoch"},
		{[]string{"op", "decode"}, "", 1, "exactly one"},
		{[]string{"op", "decode", "--nope"}, "", 2, "flag provided but not defined"},
		{[]string{"op", "decode-tx", "00"}, "", 1, "not a Bitcoin transaction"},
		{[]string{"op", "decode-tx", "--network", "mars", "00"}, "", 1, "--network"},
		{[]string{"op", "encode"}, `{"opcode":"NAME_UPDATE"}`, 1, "missing"},
		{[]string{"op", "frobnicate"}, "", 2, "unknown subcommand"},
		{[]string{"nosuchcommand"}, "", 2, "unknown command"},
	}
	for _, c := range cases {
		code, _, errs := runCLI(t, c.stdin, c.args...)
		if code != c.code || !strings.Contains(errs, c.errPart) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, code, errs, c.code, c.errPart)
		}
	}
	if code, out, _ := runCLI(t, "", "op", "decode", "--help"); code != 0 || out != "" {
		t.Errorf("--help: exit %d", code)
	}
	if code, out, _ := runCLI(t, "", "--help"); code != 0 || !strings.Contains(out, "op ") {
		t.Errorf("top-level --help: exit %d %q", code, out)
	}
}
