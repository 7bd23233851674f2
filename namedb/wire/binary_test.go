package wire

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	btcwire "github.com/btcsuite/btcd/wire/v2"
)

// roundTrip writes top in binary and reads it back; it must come back
// equal, with nothing left over.
func roundTrip(t *testing.T, top *TxOp, p Params) {
	t.Helper()
	b, err := AppendTxOp([]byte{7}, top, p.Magic)
	if err != nil {
		t.Fatalf("AppendTxOp: %v", err)
	}
	back, rest, err := ReadTxOp(b[1:], p, AnyEpoch)
	if err != nil {
		t.Fatalf("ReadTxOp of %x: %v", b[1:], err)
	}
	if len(rest) != 0 {
		t.Fatalf("%d bytes left over", len(rest))
	}
	if !reflect.DeepEqual(back, top) {
		t.Fatalf("read back %+v\nwant %+v", back, top)
	}
}

// Every operation of the raw-transaction vectors and of the synthetic
// transactions comes back from its binary form as DecodeTx read it.
func TestTxOpBinary(t *testing.T) {
	raw, err := readRawTxHex()
	if err != nil {
		t.Fatal(err)
	}
	var txs []*btcwire.MsgTx
	for _, h := range raw {
		txs = append(txs, parseTx(t, h))
	}
	txs = append(txs,
		mkTx(t, "69643a"+hx("muneeb.id"), out(ownerScript, 5500), out(changeScript, 1), out(BurnScript(), 25000)),
		mkTx(t, "69643a"+hx("muneeb.id"), out(ownerScript, 5500), out(changeScript, 1), out(BurnScript(), 25000), out(changeScript, 9)),
		mkTx(t, "69643b"+hx("muneeb.id"), out(ownerScript, 5500), out(p2pkhScript(Hash160{1}), 5500)),
		mkTx(t, "696426"+reveal("0001", "44", "id"), out(ownerScript, 5500), out(changeScript, 1)),
	)
	n := 0
	for _, tx := range txs {
		for _, p := range []Params{MainnetParams, TestnetParams} {
			top, err := DecodeTx(tx, nil, p, AnyEpoch)
			if err != nil {
				continue
			}
			top.Fee = 1234
			roundTrip(t, top, p)
			n++
		}
	}
	if n < 8 {
		t.Fatalf("only %d operations decoded", n)
	}
}

// Bytes that are not a TxOp DecodeTx could give are refused, naming why.
func TestTxOpBinaryRefuses(t *testing.T) {
	tx := mkTx(t, "69643b"+hx("muneeb.id"), out(ownerScript, 5500), out(p2pkhScript(Hash160{1}), 5500))
	top, err := DecodeTx(tx, nil, MainnetParams, AnyEpoch)
	if err != nil {
		t.Fatal(err)
	}
	top.Fee = 0
	good, err := AppendTxOp(nil, top, MainnetParams.Magic)
	if err != nil {
		t.Fatal(err)
	}
	other := *top
	other.Recipient = nil // a transfer without its recipient
	noRecipient, err := AppendTxOp(nil, &other, MainnetParams.Magic)
	if err != nil {
		t.Fatal(err)
	}
	other = *top
	other.SenderPubkey = bytes.Repeat([]byte{2}, 33) // not the sender's key
	wrongKey, _ := AppendTxOp(nil, &other, MainnetParams.Magic)
	other = *top
	other.Sender = []byte{0x51} // OP_TRUE: not p2pkh or p2sh
	oddSender, _ := AppendTxOp(nil, &other, MainnetParams.Magic)
	for name, b := range map[string][]byte{
		"truncated":       good[:len(good)-3],
		"empty":           {},
		"no recipient":    noRecipient,
		"foreign key":     wrongKey,
		"odd sender":      oddSender,
		"huge output num": append(append([]byte(nil), good[:32]...), 0xff, 0xff, 0xff, 0xff, 0x0f),
	} {
		if _, _, err := ReadTxOp(b, MainnetParams, AnyEpoch); !errors.Is(err, ErrBinary) {
			t.Errorf("%s: %v, want ErrBinary", name, err)
		}
	}
	if _, err := AppendTxOp(nil, &TxOp{Op: top.Op, Fee: -2}, MainnetParams.Magic); !errors.Is(err, ErrBinary) {
		t.Errorf("a fee below -1 (not known): %v", err)
	}
	top.Fee = -1
	roundTrip(t, top, MainnetParams)
}

// FuzzTxOpBinary: any bytes either fail with ErrBinary or read as a TxOp
// that writes and reads back to itself; any transaction DecodeTx reads
// comes back from its binary form.
func FuzzTxOpBinary(f *testing.F) {
	raw, err := readRawTxHex()
	if err != nil {
		f.Fatal(err)
	}
	for _, h := range raw {
		tx := &btcwire.MsgTx{}
		if err := tx.Deserialize(bytes.NewReader(unhex(f, h))); err != nil {
			f.Fatal(err)
		}
		if top, err := DecodeTx(tx, nil, TestnetParams, AnyEpoch); err == nil {
			top.Fee = 5
			b, err := AppendTxOp(nil, top, TestnetParams.Magic)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b, false)
		}
		f.Add(unhex(f, h), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, isTx bool) {
		if isTx {
			tx := &btcwire.MsgTx{}
			if err := tx.Deserialize(bytes.NewReader(data)); err != nil {
				return
			}
			for _, p := range []Params{MainnetParams, TestnetParams} {
				top, err := DecodeTx(tx, nil, p, AnyEpoch)
				if err != nil || len(tx.TxOut) > MaxBinaryOutputs {
					continue
				}
				top.Fee = 0
				if _, err := AppendTxOp(nil, top, p.Magic); errors.Is(err, ErrBinary) {
					continue // an amount no chain has
				}
				roundTrip(t, top, p)
			}
			return
		}
		for _, p := range []Params{MainnetParams, TestnetParams} {
			top, _, err := ReadTxOp(data, p, AnyEpoch)
			if err != nil {
				if !errors.Is(err, ErrBinary) {
					t.Fatalf("error without ErrBinary: %v", err)
				}
				continue
			}
			roundTrip(t, top, p)
		}
	})
}
