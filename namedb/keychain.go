package namedb

import (
	"fmt"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcutil/v2/hdkeychain"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// importKeychain returns the addresses that may import names into a
// namespace whose first import came from pubkey (PROTOCOL.md §5.7): the
// first importer's own address and the non-hardened BIP32 children 0…size-1
// of an extended public key made of that key with a chain code of 32 zero
// bytes at depth 0. Child addresses are of the compressed child keys.
func importKeychain(p wire.Params, pubkey []byte, size int) ([]string, error) {
	key, err := btcec.ParsePubKey(pubkey)
	if err != nil {
		return nil, fmt.Errorf("import keychain: %w", err)
	}
	parent := hdkeychain.NewExtendedKey([]byte{0, 0, 0, 0}, key.SerializeCompressed(), make([]byte, 32), []byte{0, 0, 0, 0}, 0, 0, false)
	out := make([]string, 0, size+1)
	out = append(out, p.Address(p2pkhScript(wire.SumHash160(pubkey))))
	for i := 0; i < size; i++ {
		child, err := parent.Derive(uint32(i))
		if err != nil {
			// BIP32: an invalid child (probability < 2^-127) is skipped.
			continue
		}
		ck, err := child.ECPubKey()
		if err != nil {
			return nil, fmt.Errorf("import keychain child %d: %w", i, err)
		}
		out = append(out, p.Address(p2pkhScript(wire.SumHash160(ck.SerializeCompressed()))))
	}
	return out, nil
}

func p2pkhScript(h wire.Hash160) []byte {
	s := make([]byte, 0, 25)
	s = append(s, 0x76, 0xa9, 0x14)
	s = append(s, h[:]...)
	return append(s, 0x88, 0xac)
}
