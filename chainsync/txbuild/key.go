package txbuild

import (
	"crypto/sha256"
	"fmt"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcutil/v2"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// Key is a private key that sends operations and the p2pkh script and
// address it owns (compressed public key).
type Key struct {
	Priv   *btcec.PrivateKey
	Pub    []byte
	Script []byte
	// Address is the key's p2pkh address on the network of the params
	// it was made with.
	Address string
}

// NewKey wraps a private key for network p.
func NewKey(priv *btcec.PrivateKey, p wire.Params) *Key {
	pub := priv.PubKey().SerializeCompressed()
	script, _ := p.ScriptForAddress(p.Address(p2pkh(wire.SumHash160(pub))))
	return &Key{Priv: priv, Pub: pub, Script: script, Address: p.Address(script)}
}

// KeyFromSeed derives a key from a seed string (tests and the devnet's
// throwaway keys; never for real funds).
func KeyFromSeed(seed string, p wire.Params) *Key {
	s := sha256.Sum256([]byte(seed))
	priv, _ := btcec.PrivKeyFromBytes(s[:])
	return NewKey(priv, p)
}

// KeyFromWIF decodes a WIF private key. Its network byte is not checked
// against p: regtest, testnet and simnet keys share it.
func KeyFromWIF(s string, p wire.Params) (*Key, error) {
	w, err := btcutil.DecodeWIF(s)
	if err != nil {
		return nil, fmt.Errorf("decode WIF key: %w", err)
	}
	if !w.CompressPubKey {
		return nil, fmt.Errorf("decode WIF key: uncompressed keys are not supported")
	}
	return NewKey(w.PrivKey, p), nil
}

func p2pkh(h wire.Hash160) []byte {
	return append(append([]byte{0x76, 0xa9, 0x14}, h[:]...), 0x88, 0xac)
}
