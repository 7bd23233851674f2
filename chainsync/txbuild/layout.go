package txbuild

import (
	"errors"
	"fmt"

	btcwire "github.com/btcsuite/btcd/wire/v2"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// Request is one operation to send.
type Request struct {
	// Op is the payload.
	Op wire.Op
	// Recipient is the address of output 1: the new owner of a
	// registration, renewal or transfer, the owner of an import, the
	// recipient of a namespace reveal.
	Recipient string
	// PayTo and Pay are the payment output of a name or namespace
	// preorder (output 2) or a renewal (output 3): the burn address or a
	// pay-to-creator namespace's address, and the amount in satoshis.
	PayTo string
	Pay   int64
	// ImportValueHash is a NAME_IMPORT's zone-file hash, sent as output 2.
	ImportValueHash wire.Hash160
}

// change says where the change output goes.
type change int

const (
	changeLast     change = iota // optional, appended after the fixed outputs
	changeRequired               // required, appended after the fixed outputs
	changeAt1                    // required, at index 1 (before the payment)
)

// layout is the fixed outputs after the payload and where change goes.
type layout struct {
	outs   []*btcwire.TxOut
	change change
}

// ErrRequest is wrapped by every error about a Request itself.
var ErrRequest = errors.New("bad operation request")

func (b *Builder) out(addr string, value int64, what string) (*btcwire.TxOut, error) {
	script, err := b.Params.ScriptForAddress(addr)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrRequest, what, err)
	}
	return btcwire.NewTxOut(value, script), nil
}

// layoutOf is PROTOCOL.md §5's transaction shape of r's operation.
func (b *Builder) layoutOf(r Request) (layout, error) {
	recipient := func() (*btcwire.TxOut, error) { return b.out(r.Recipient, b.dust(), "recipient") }
	payment := func() (*btcwire.TxOut, error) {
		if r.Pay <= 0 {
			return nil, fmt.Errorf("%w: payment of %d satoshis", ErrRequest, r.Pay)
		}
		return b.out(r.PayTo, r.Pay, "payment address")
	}
	one := func(f func() (*btcwire.TxOut, error), c change) (layout, error) {
		o, err := f()
		if err != nil {
			return layout{}, err
		}
		return layout{outs: []*btcwire.TxOut{o}, change: c}, nil
	}
	switch o := r.Op.(type) {
	case *wire.NamePreorder, *wire.NamespacePreorder:
		// exactly 3 outputs: payload, change, payment
		return one(payment, changeAt1)
	case *wire.NameRegistration:
		if !o.Renewal {
			// at most 3 outputs: payload, owner, change
			return one(recipient, changeLast)
		}
		// at least 4 outputs: payload, owner, change, payment
		rec, err := recipient()
		if err != nil {
			return layout{}, err
		}
		pay, err := payment()
		if err != nil {
			return layout{}, err
		}
		return layout{outs: []*btcwire.TxOut{rec, pay}, change: changeRequired}, nil
	case *wire.NameTransfer:
		return one(recipient, changeLast)
	case *wire.NameImport:
		rec, err := recipient()
		if err != nil {
			return layout{}, err
		}
		return layout{outs: []*btcwire.TxOut{rec, btcwire.NewTxOut(b.dust(), p2pkh(r.ImportValueHash))}, change: changeLast}, nil
	case *wire.NamespaceReveal:
		// exactly 3 outputs: payload, recipient, change
		return one(recipient, changeRequired)
	case *wire.NameUpdate, *wire.NameRevoke, *wire.NamespaceReady, *wire.Announce:
		return layout{change: changeRequired}, nil
	}
	return layout{}, fmt.Errorf("%w: operation %T cannot be built", ErrRequest, r.Op)
}
