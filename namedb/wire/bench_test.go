package wire

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	btcwire "github.com/btcsuite/btcd/wire/v2"
)

func readTestdata(name string) ([]byte, error) { return os.ReadFile(filepath.Join("testdata", name)) }

// BenchmarkDecode reports payloads decoded per second (1e9/ns-per-op) and
// allocations per decode, per operation.
func BenchmarkDecode(b *testing.B) {
	for _, c := range []struct{ name, payload string }{
		{"preorder", "69643f" + h20 + h16},
		{"registration", "69643a" + hx("patrickstanley.id")},
		{"registration-value", "69643a" + nulPad("patrickstanley.id", 37) + h20},
		{"update", "69642b" + h16 + h20},
		{"transfer", "69643e3e" + h16 + h16},
		{"reveal", "696426" + reveal("0001", "44", "id")},
	} {
		p := unhex(b, c.payload)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Decode(p, MainnetMagic, Epoch3); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecodeTx: a whole real transaction (the blockstack.js preorder),
// parsed by btcd and read by DecodeTx with its spent output given.
func BenchmarkDecodeTx(b *testing.B) {
	raw, err := readRawTxHex()
	if err != nil {
		b.Fatal(err)
	}
	txBytes := unhex(b, raw[4])
	tx := &btcwire.MsgTx{}
	if err := tx.Deserialize(bytes.NewReader(txBytes)); err != nil {
		b.Fatal(err)
	}
	prev := []Prevout{{Script: p2pkhScript(SumHash160(unhex(b, "0236b07942707a86ab666bb300b58d295d988ce9c3a338a0e08380dd98732fd4fa"))), Value: 20000}}
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := DecodeTx(tx, prev, MainnetParams, Epoch3); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("deserialize+decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			t := &btcwire.MsgTx{}
			if err := t.Deserialize(bytes.NewReader(txBytes)); err != nil {
				b.Fatal(err)
			}
			if _, err := DecodeTx(t, prev, MainnetParams, Epoch3); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkPreorderHash(b *testing.B) {
	script := unhex(b, "76a91408d0dd44c1f0a3a4f0957ae95901929d7d66d55788ac")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PreorderHash("patrickstanley.id", script, "17CbHgTgBG3kLedXNneEKBkCTgW2fyrnUD"); err != nil {
			b.Fatal(err)
		}
	}
}
