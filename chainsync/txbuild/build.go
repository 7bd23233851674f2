package txbuild

import (
	"errors"
	"fmt"
	"sort"

	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/txscript/v2"
	btcwire "github.com/btcsuite/btcd/wire/v2"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// Coin is an unspent p2pkh output of the sender's key.
type Coin struct {
	OutPoint btcwire.OutPoint
	Value    int64
	Script   []byte
}

// Builder builds signed operation transactions for one network.
type Builder struct {
	// Params are the network's address versions and magic.
	Params wire.Params
	// FeeRate is the fee in satoshis per byte. The default (0) is 10.
	FeeRate int64
	// Dust is the value of recipient and value-hash outputs, and the
	// smallest change kept. The default (0) is 5500, as the original's
	// client.
	Dust int64
}

func (b *Builder) dust() int64 {
	if b.Dust > 0 {
		return b.Dust
	}
	return 5500
}

func (b *Builder) feeRate() int64 {
	if b.FeeRate > 0 {
		return b.FeeRate
	}
	return 10
}

// ErrFunds is wrapped when the coins do not cover outputs and fee.
var ErrFunds = errors.New("not enough funds")

// Sizes of a signed p2pkh input (compressed key, worst-case signature),
// an output with a 25-byte script, and the transaction's fixed part.
const (
	inputBytes    = 32 + 4 + 1 + 107 + 4
	overheadBytes = 4 + 1 + 1 + 4
)

func outputBytes(o *btcwire.TxOut) int64 { return 8 + 1 + int64(len(o.PkScript)) }

// Build makes and signs the transaction of r, spending coins of key.
// Every coin must be an output of key's script.
func (b *Builder) Build(key *Key, coins []Coin, r Request) (*btcwire.MsgTx, error) {
	payload, err := wire.Encode(r.Op, b.Params.Magic)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRequest, err)
	}
	nulldata, err := txscript.NullDataScript(payload)
	if err != nil {
		return nil, fmt.Errorf("%w: payload: %v", ErrRequest, err)
	}
	l, err := b.layoutOf(r)
	if err != nil {
		return nil, err
	}
	l.outs = append([]*btcwire.TxOut{btcwire.NewTxOut(0, nulldata)}, l.outs...)
	return b.assemble(key, coins, l)
}

// Pay makes and signs a plain payment of key's coins to outputs (address →
// satoshis, in the order given), with change back to key: how test and
// devnet keys are funded.
func (b *Builder) Pay(key *Key, coins []Coin, to []Payment) (*btcwire.MsgTx, error) {
	l := layout{change: changeLast}
	for _, p := range to {
		o, err := b.out(p.Address, p.Value, "payee")
		if err != nil {
			return nil, err
		}
		l.outs = append(l.outs, o)
	}
	return b.assemble(key, coins, l)
}

// Outputs makes and signs a transaction of key's coins with exactly the
// given outputs first and change after them: for transactions no
// operation describes (tests of how the indexer treats malformed ones).
func (b *Builder) Outputs(key *Key, coins []Coin, outs []*btcwire.TxOut) (*btcwire.MsgTx, error) {
	return b.assemble(key, coins, layout{outs: outs, change: changeLast})
}

// Payment is one output of Pay.
type Payment struct {
	Address string
	Value   int64
}

// assemble picks coins for l's outputs and fee, places the change and
// signs.
func (b *Builder) assemble(key *Key, coins []Coin, l layout) (*btcwire.MsgTx, error) {
	outs := l.outs
	var spend, size int64 = 0, overheadBytes + outputBytes(btcwire.NewTxOut(0, key.Script))
	for _, o := range outs {
		spend += o.Value
		size += outputBytes(o)
	}
	// Largest coins first: fewest inputs, smallest fee.
	sorted := append([]Coin(nil), coins...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Value > sorted[j].Value })
	var picked []Coin
	var in int64
	needChange := l.change != changeLast
	for _, c := range sorted {
		if string(c.Script) != string(key.Script) {
			return nil, fmt.Errorf("%w: coin %s is not an output of %s", ErrRequest, c.OutPoint, key.Address)
		}
		picked = append(picked, c)
		in += c.Value
		fee := (size + int64(len(picked))*inputBytes) * b.feeRate()
		left := in - spend - fee
		if left >= b.dust() || (!needChange && left >= 0) {
			break
		}
	}
	fee := (size + int64(len(picked))*inputBytes) * b.feeRate()
	left := in - spend - fee
	if left < 0 || (needChange && left < b.dust()) {
		return nil, fmt.Errorf("%w: %s has %d satoshis in %d coins; the transaction needs %d plus a fee of %d", ErrFunds, key.Address, total(coins), len(coins), spend, fee)
	}
	tx := btcwire.NewMsgTx(btcwire.TxVersion)
	for _, c := range picked {
		tx.AddTxIn(btcwire.NewTxIn(&c.OutPoint, nil, nil))
	}
	change := btcwire.NewTxOut(left, key.Script)
	keepChange := needChange || left >= b.dust()
	switch {
	case l.change == changeAt1:
		outs = append([]*btcwire.TxOut{outs[0], change}, outs[1:]...)
	case keepChange && l.change == changeRequired && len(outs) == 3:
		// renewal: payload, owner, change, payment
		outs = append([]*btcwire.TxOut{outs[0], outs[1], change}, outs[2:]...)
	case keepChange:
		outs = append(outs, change)
	}
	for _, o := range outs {
		tx.AddTxOut(o)
	}
	for i, c := range picked {
		sig, err := txscript.SignatureScript(tx, i, c.Script, txscript.SigHashAll, key.Priv, true)
		if err != nil {
			return nil, fmt.Errorf("sign input %d: %w", i, err)
		}
		tx.TxIn[i].SignatureScript = sig
	}
	return tx, nil
}

func total(coins []Coin) int64 {
	var n int64
	for _, c := range coins {
		n += c.Value
	}
	return n
}

// Spent returns the coins tx spends and the coins it creates for key (its
// change), so a caller that keeps its own coin list can update it.
func Spent(tx *btcwire.MsgTx, key *Key) (spent []btcwire.OutPoint, created []Coin) {
	for _, in := range tx.TxIn {
		spent = append(spent, in.PreviousOutPoint)
	}
	h := tx.TxHash()
	for i, o := range tx.TxOut {
		if string(o.PkScript) == string(key.Script) {
			created = append(created, Coin{OutPoint: *btcwire.NewOutPoint((*chainhash.Hash)(&h), uint32(i)), Value: o.Value, Script: o.PkScript})
		}
	}
	return spent, created
}
