package scenario_test

import (
	"strings"
	"testing"

	"github.com/zonemirror/zonemirror/internal/scenario"
	"github.com/zonemirror/zonemirror/namedb/subdomain"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// The network of a scenario is config.py's test configuration with the
// TEST ENV overrides; epochs that end before the first block are gone, an
// unknown variable is an error, a variable the original ignores changes
// nothing.
func TestEnvNetwork(t *testing.T) {
	n, err := scenario.Env{}.Network()
	if err != nil {
		t.Fatal(err)
	}
	if n.FirstBlock != 688 || n.NamespaceRevealExpire != 144 || n.ImportKeyringSize != 5 || n.Confirmations != 0 ||
		len(n.Epochs) != 5 || n.EpochAt(700).Rules != wire.Epoch1 || n.EpochAt(700).NamespacePrices[1] != 41*100_000_000 {
		t.Fatalf("defaults: %+v", n)
	}
	n, err = scenario.Env{
		"BLOCKSTACK_EPOCH_1_END_BLOCK": "682", "BLOCKSTACK_EPOCH_2_END_BLOCK": "690",
		"BLOCKSTACK_EPOCH_2_NAMESPACE_LIFETIME_MULTIPLIER": "1", "BLOCKSTACK_EPOCH_3_NAMESPACE_LIFETIME_GRACE_PERIOD": "5",
		"BLOCKSTACK_EPOCH_3_NAMESPACE_RECEIVE_FEES_PERIOD": "6", "BLOCKSTACK_NAMESPACE_REVEAL_EXPIRE": "3",
		"BLOCKSTACK_EPOCH_3_NAMESPACE_GRACE_PERIOD": "0", // a typo the original ignores
	}.Network()
	if err != nil {
		t.Fatal(err)
	}
	e2, e3 := n.EpochAt(690), n.EpochAt(691)
	if len(n.Epochs) != 4 || e2.Rules != wire.Epoch2 || e2.LifetimeMultiplier != 1 || e3.Rules != wire.Epoch3 ||
		e3.GracePeriod != 5 || e3.NamespaceReceiveFeesPeriod != 6 || e3.NamePriceMultiplier != 0.1 || n.NamespaceRevealExpire != 3 {
		t.Fatalf("overrides: %+v", n)
	}
	if _, err := (scenario.Env{"BLOCKSTACK_EPOCH_3_LIFETIME": "1"}).Network(); err == nil || !strings.Contains(err.Error(), "BLOCKSTACK_EPOCH_3_LIFETIME") {
		t.Errorf("an unknown variable: %v", err)
	}
}

// Wallets lock their coins as the original's did: p2pkh for one key (its
// address from the key compressed, whatever the WIF says, as keylib 0.1.1
// made it: rest_api_accounts asserts wallets[0]'s address), p2sh for
// multisig and segwit.
func TestWalletKinds(t *testing.T) {
	u := scenario.Wallet("5JesPiN68qt44Hc2nT8qmyZ1JDwHebfoh9KQ52Lazb1m1LaKNj9")
	if len(u.PubkeyHex) != 66 || u.Addr != "mr6nrMvvh44sR5MiX929mMXP5hqgaTr6fx" {
		t.Errorf("wallet %s, key %s: want mr6nrMvvh44sR5MiX929mMXP5hqgaTr6fx, compressed", u, u.PubkeyHex)
	}
	if u.PrivkeyHex() != "6e50431b955fe73f079469b24f06480aee44e4519282686433195b3c4b5336ef01" {
		t.Errorf("wallet %s: privkey %s, want the hex with 01", u, u.PrivkeyHex())
	}
	if c := u.Child(0); len(c.PubkeyHex) != 66 || c.Addr == u.Addr {
		t.Errorf("child %s", c)
	}
	for _, w := range []*scenario.W{
		scenario.MultisigWallet(2, "5JfHdMq9XnZ9mwW5H6LsfVCn9u6iGAj2FCVYtfhcHn72Tphvm5P", "5JaqLZaKD7cgkfsxSZBNiu6gaFxo1XAiTXw1mhtatipNNCtZBZG", "5KNsAkiHRDZb5Yyedxov2Fncr6CcNPV52yqJbzQ8M2W6dkg2qJp"),
		scenario.SegwitWallet("5JfHdMq9XnZ9mwW5H6LsfVCn9u6iGAj2FCVYtfhcHn72Tphvm5P"),
		scenario.MultisigSegwitWallet(2, "5JfHdMq9XnZ9mwW5H6LsfVCn9u6iGAj2FCVYtfhcHn72Tphvm5P", "5JaqLZaKD7cgkfsxSZBNiu6gaFxo1XAiTXw1mhtatipNNCtZBZG"),
	} {
		if w.Addr[0] != '2' || len(w.Script) != 23 {
			t.Errorf("%s: want a p2sh address", w)
		}
	}
	if a := scenario.AddrReencode("1BKufFedDrueBBFBXtiATB2PSdsBGZxf3N"); !strings.ContainsAny(a[:1], "mn") {
		t.Errorf("re-encoded %s", a)
	}
}

// MakeSubdomainTXT writes a record the original's parser reads back, with
// a signature of its owner's key that verifies: dependent (the label as
// its name) and independent (the full name).
func TestMakeSubdomainTXT(t *testing.T) {
	w := scenario.Wallet("5KEpiSRr1BrT8vRD7LKGCEmudokTh1iMHbiThMQpLdwBwhDJB1T")
	sub := scenario.ZoneFile("bar.foo1.test", `_https._tcp URI 10 1 "https://test.com/?index=1"`)
	for _, carrier := range []string{"foo1.test", "foo4.test"} {
		txt := scenario.MakeSubdomainTXT("bar.foo1.test", carrier, w.Addr, 3, sub, w)
		recs, refused, err := subdomain.Decode(carrier, []byte(scenario.ZoneFile(carrier, txt)))
		if err != nil || len(recs) != 1 || len(refused) != 0 {
			t.Fatalf("%s: %v, %v, %v", txt, recs, refused, err)
		}
		r := recs[0]
		if r.FQN != "bar.foo1.test" || r.Domain != carrier || r.Owner != w.Addr || r.Seq != 3 || string(r.ZoneFile) != sub || r.Independent != (carrier != "foo1.test") {
			t.Fatalf("%s: %+v", txt, r)
		}
		if !r.HasSig || !subdomain.Verify(wire.TestnetParams, w.Addr, r.Plaintext(), r.Sig) {
			t.Fatalf("%s: the signature does not verify", txt)
		}
		if name := strings.Fields(txt)[0]; name != map[bool]string{true: "bar.foo1.test", false: "bar"}[r.Independent] {
			t.Fatalf("%s: written as %s", txt, name)
		}
	}
}
