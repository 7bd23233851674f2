package namedb

import (
	"context"
	"slices"

	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// checkImport is NAME_IMPORT (PROTOCOL.md §5.7): the namespace's importer
// creates or overwrites a name while the namespace is revealed, not ready.
func (e *engine) checkImport(ctx context.Context, op BlockOp, m *wire.NameImport) (*change, *RuleError, error) {
	t := op.Tx
	name := m.Name
	label, nsID, err := wire.SplitName(name)
	if err != nil {
		return nil, reject(ErrNameNotFound, "%v", err), nil
	}
	if len(t.SenderPubkey) == 0 {
		return nil, reject(ErrImporter, "import sender shows no public key"), nil
	}
	ns := e.namespaceRevealed(nsID)
	if ns == nil {
		if cur := e.namespaces[nsID]; cur != nil && !cur.Ready && cur.RevealBlock == e.b {
			return nil, reject(ErrSameBlock, "namespace %s is revealed in this block; imports start in the next", nsID), nil
		}
		return nil, reject(ErrNamespaceNotRevealed, "namespace %s is not revealed (or already ready, or its reveal expired)", nsID), nil
	}
	senderAddr := e.net.Wire.Address(p2pkhScript(wire.SumHash160(t.SenderPubkey)))
	keychain := ns.Keychain
	if keychain == nil {
		if senderAddr != ns.RecipientAddress {
			return nil, reject(ErrImporter, "first import must come from the reveal recipient %s, not %s", ns.RecipientAddress, senderAddr), nil
		}
		keychain, err = importKeychain(e.net.Wire, t.SenderPubkey, e.net.ImportKeyringSize)
		if err != nil {
			return nil, reject(ErrImporter, "%v", err), nil
		}
	}
	if !slices.Contains(keychain, senderAddr) {
		return nil, reject(ErrImporter, "%s is not in the import keychain of %s", senderAddr, nsID), nil
	}
	recipient := t.Recipient
	preorderHash, err := wire.PreorderHash(name, t.Sender, recipient.Address)
	if err != nil {
		return nil, reject(ErrImporter, "%v", err), nil
	}
	rec := &NameRecord{
		Name: name, NamespaceID: nsID, ValueHash: t.ImportValueHash,
		Sender: Hex(recipient.Script), SenderPubkey: Hex(t.SenderPubkey), Address: recipient.Address,
		BlockNumber: e.b, PreorderBlockNumber: e.b, FirstRegistered: e.b, LastRenewed: e.b,
		Op: string(wire.OpNameImport), Opcode: "NAME_IMPORT",
		TxID: t.TxID.String(), Vtxindex: op.Vtxindex,
		Importer: Hex(t.Sender), ImporterAddress: &senderAddr,
		PreorderHash: preorderHash, NameHash128: wire.NameHash128(name),
		NamespaceBlockNumber: ns.BlockNumber, LastCreationOp: string(wire.OpNameImport),
	}
	prev, err := e.liveName(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	if prev != nil {
		rec.PreorderBlockNumber, rec.BlockNumber = prev.PreorderBlockNumber, prev.BlockNumber
		rec.FirstRegistered, rec.LastRenewed = prev.FirstRegistered, prev.LastRenewed
		rec.PreorderHash = prev.PreorderHash
	}
	price := netparams.NamePrice(e.net, e.epoch, priceFunction(ns.Namespace), label)
	if price.IsInt {
		rec.OpFee = Fee{Float: float64(price.Int), IsFloat: true}
	} else {
		rec.OpFee = Fee{Float: price.Float, IsFloat: true}
	}
	s := &storedName{NameRecord: rec}
	setKeychain := ns.Keychain == nil
	// A name's first import creates it (its DID counts from here); a
	// later import overwrites it (PROTOCOL.md §5.7).
	stored, err := e.getName(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	firstImport := stored == nil || stored.LastCreationOp != string(wire.OpNameImport)
	return &change{
		opchar: byte(wire.OpNameImport), field: rec.field, apiRecord: rec,
		whitelist: t.ImportValueHash, name: name,
		write: func(ctx context.Context) error {
			if setKeychain {
				nns := &storedNamespace{Namespace: ns.Namespace, Keychain: keychain}
				if err := e.w.putNamespace(nns); err != nil {
					return err
				}
				e.namespaces[nsID] = nns
			}
			if firstImport {
				if err := e.w.putCreation(name, t.Recipient.Address, e.b, op.Vtxindex); err != nil {
					return err
				}
			}
			if err := e.putCarried(rec.PreorderHash, name); err != nil {
				return err
			}
			return e.putName(ctx, s)
		},
	}, nil, nil
}
