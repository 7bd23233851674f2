package testbtcd

import (
	"context"
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/btcsuite/btcd/address/v2"
	"github.com/btcsuite/btcd/chaincfg/v2"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

func hash160(b []byte) []byte { h := wire.SumHash160(b); return h[:] }

func miningAddr(t *testing.T, p *chaincfg.Params) string {
	seed := sha256.Sum256([]byte("testbtcd miner"))
	a, err := address.NewAddressPubKeyHash(hash160(seed[:]), p)
	if err != nil {
		t.Fatal(err)
	}
	return a.EncodeAddress()
}

// A regtest node mines with generate and starts over when restarted; a
// simnet node keeps its chain.
func TestNodes(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		net    string
		params *chaincfg.Params
		keeps  bool
	}{{"regtest", &chaincfg.RegressionNetParams, false}, {"simnet", &chaincfg.SimNetParams, true}} {
		t.Run(tc.net, func(t *testing.T) {
			n := Start(t, Options{Net: tc.net, MiningAddr: miningAddr(t, tc.params)})
			c, err := n.Client()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Generate(5); err != nil {
				t.Fatal(err)
			}
			if h, err := c.GetBlockCount(); err != nil || h != 5 {
				t.Fatalf("height %d, %v", h, err)
			}
			c.Shutdown()
			if err := n.Restart(ctx); err != nil {
				t.Fatal(err)
			}
			c, err = n.Client()
			if err != nil {
				t.Fatal(err)
			}
			defer c.Shutdown()
			h, err := c.GetBlockCount()
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]int64{true: 5, false: 0}[tc.keeps]; h != want {
				t.Errorf("after restart: height %d, want %d", h, want)
			}
		})
	}
}

// A node that cannot start says why.
func TestLaunchErrors(t *testing.T) {
	if _, err := Launch(context.Background(), Options{Net: "mainnet", Dir: t.TempDir()}); err == nil {
		t.Error("mainnet accepted")
	}
	if _, err := Launch(context.Background(), Options{}); err == nil {
		t.Error("no folder accepted")
	}
	// btcd refuses a regtest address on simnet: the error carries its words.
	_, err := Launch(context.Background(), Options{Net: "simnet", Dir: t.TempDir(), MiningAddr: "mwBdWdignNwNd2sbT8i8XUmGTPkMtJsisZ"})
	if err == nil || !strings.Contains(err.Error(), "mining address") {
		t.Errorf("bad mining address: %v", err)
	}
}
