package subdomain

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcec/v2/ecdsa"
	"github.com/btcsuite/btcd/txscript/v2"
)

// Key is a signing key with the form of its public key that the owner's
// address was made from.
type Key struct {
	Private    *btcec.PrivateKey
	Compressed bool
}

// PublicKey is the key's public key in the form its address commits to.
func (k Key) PublicKey() []byte {
	if k.Compressed {
		return k.Private.PubKey().SerializeCompressed()
	}
	return k.Private.PubKey().SerializeUncompressed()
}

// signDigest is r‖s (low s, RFC 6979 nonce) over the digest.
func signDigest(k *btcec.PrivateKey, digest []byte) []byte {
	sig := ecdsa.SignCompact(k, digest, false) // [recovery byte] ‖ r ‖ s
	return sig[1:]
}

// SignSingle signs plaintext for a p2pkh owner: the base64 of the
// scriptSig [signature, public key] (sign_singlesig).
func SignSingle(k Key, plaintext string) (string, error) {
	digest := sha256.Sum256([]byte(plaintext))
	script, err := txscript.NewScriptBuilder().AddData(signDigest(k.Private, digest[:])).AddData(k.PublicKey()).Script()
	if err != nil {
		return "", fmt.Errorf("sign: %w", err)
	}
	return base64.StdEncoding.EncodeToString(script), nil
}

// SignMulti signs plaintext for a p2sh multisig owner with redeem script
// redeem: the base64 of [OP_0, signatures…, redeem script], one signature
// for each of the script's first m keys (in its order) that keys has
// (sign_multisig).
func SignMulti(keys []Key, redeem []byte, plaintext string) (string, error) {
	m, pubs, ok := parseMultisig(redeem)
	if !ok || m < 1 {
		return "", errors.New("sign: not an m-of-n multisig redeem script")
	}
	digest := sha256.Sum256([]byte(plaintext))
	b := txscript.NewScriptBuilder().AddOp(txscript.OP_0)
	used := 0
	for _, pub := range pubs {
		if used == m {
			break
		}
		for _, k := range keys {
			if bytes.Equal(k.Private.PubKey().SerializeCompressed(), pub) || bytes.Equal(k.Private.PubKey().SerializeUncompressed(), pub) {
				b.AddData(signDigest(k.Private, digest[:]))
				used++
				break
			}
		}
	}
	if used != m {
		return "", fmt.Errorf("sign: %d of the %d keys the redeem script needs", used, m)
	}
	script, err := b.AddData(redeem).Script()
	if err != nil {
		return "", fmt.Errorf("sign: %w", err)
	}
	return base64.StdEncoding.EncodeToString(script), nil
}
