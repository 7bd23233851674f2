package txbuild

import (
	"testing"

	"github.com/btcsuite/btcd/btcutil/v2"
	"github.com/btcsuite/btcd/chaincfg/v2"
)

func wifOf(t *testing.T, k *Key) string {
	w, err := btcutil.NewWIF(k.Priv, &chaincfg.RegressionNetParams, true)
	if err != nil {
		t.Fatal(err)
	}
	return w.String()
}
