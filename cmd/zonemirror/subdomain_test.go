package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcutil/v2"
	"github.com/btcsuite/btcd/chaincfg/v2"

	"github.com/zonemirror/zonemirror/namedb/subdomain"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// The records the command prints, put into a registrar's zone files, are
// read back and hold: a creation, then a transfer signed with the key
// file of the owner; a record signed by another key does not.
func TestSubdomainCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	key := func(seed byte, compressed bool) (wif, addr string) {
		k, _ := btcec.PrivKeyFromBytes([]byte(strings.Repeat(string(rune('a'+seed)), 32)))
		w, _ := btcutil.NewWIF(k, &chaincfg.MainNetParams, compressed)
		pub := k.PubKey().SerializeUncompressed()
		if compressed {
			pub = k.PubKey().SerializeCompressed()
		}
		return w.String(), wire.MainnetParams.Address(append(append([]byte{0x76, 0xa9, 0x14}, hash160(pub)...), 0x88, 0xac))
	}
	aliceWIF, alice := key(1, false) // an uncompressed key, as many of the original's wallets
	_, bob := key(2, true)
	malloryWIF, _ := key(3, true)
	zf := write("alice.txt", "$ORIGIN alice.id.blockstack\n$TTL 3600\n_http._tcp IN URI 10 1 \"https://alice.example/profile.json\"\n")
	aliceKey, malloryKey := write("alice.wif", aliceWIF+"\n"), write("mallory.wif", malloryWIF+"\n")

	code, create, errs := runCLI(t, "", "subdomain", "--name", "alice.id.blockstack", "--owner", alice, "--seq", "0", "--zonefile", zf)
	if code != 0 || !strings.HasPrefix(create, "alice TXT \"owner="+alice+"\" \"seqn=0\" \"parts=1\" \"zf0=") {
		t.Fatalf("create: exit %d %q %s", code, create, errs)
	}
	code, transfer, errs := runCLI(t, "", "subdomain", "--name", "alice.id.blockstack", "--owner", bob, "--seq", "1", "--zonefile", zf, "--key-file", aliceKey)
	if code != 0 || !strings.Contains(errs, "signed by "+alice) || !strings.Contains(transfer, "\"sig=") {
		t.Fatalf("transfer: exit %d %q %s", code, transfer, errs)
	}
	_, forged, _ := runCLI(t, "", "subdomain", "--name", "alice.id.blockstack", "--owner", bob, "--seq", "2", "--zonefile", zf, "--key-file", malloryKey)

	var hist []subdomain.Entry
	for i, line := range []string{create, transfer, forged} {
		recs, refused, err := subdomain.Decode("id.blockstack", []byte("$ORIGIN id.blockstack\n$TTL 3600\n"+line))
		if err != nil || len(recs) != 1 || len(refused) != 0 {
			t.Fatalf("record %d read back: %v %v %v", i, recs, refused, err)
		}
		hist = append(hist, subdomain.Entry{Record: recs[0], Index: int64(i + 1)})
	}
	why := subdomain.Accept(wire.MainnetParams, hist)
	if why[0] != "" || why[1] != "" || why[2] != subdomain.RefusedSignature {
		t.Fatalf("verdicts %q", why)
	}
	if hist[1].Owner != bob {
		t.Fatalf("owner after the transfer: %s", hist[1].Owner)
	}

	for _, c := range []struct {
		args []string
		say  string
	}{
		{[]string{"--name", "alice.id.blockstack", "--owner", bob, "--seq", "1", "--zonefile", zf}, "must be signed by its owner as of seqn 0"},
		{[]string{"--name", "alice.id.blockstack", "--domain", "other.id", "--owner", bob, "--seq", "0", "--zonefile", zf}, "creates nothing"},
		{[]string{"--name", "Alice.id.blockstack", "--owner", bob, "--zonefile", zf}, "not a subdomain name"},
		{[]string{"--name", "alice.id.blockstack", "--owner", "nope", "--zonefile", zf}, "--owner"},
		{[]string{"--name", "alice.id.blockstack", "--owner", bob, "--zonefile", filepath.Join(dir, "absent")}, "zone file"},
	} {
		code, _, errs := runCLI(t, "", append([]string{"subdomain"}, c.args...)...)
		if code != 1 || !strings.Contains(errs, c.say) {
			t.Errorf("%v: exit %d %q, want it to say %q", c.args, code, errs, c.say)
		}
	}
}
