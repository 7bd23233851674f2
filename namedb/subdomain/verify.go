package subdomain

import (
	"bytes"
	"crypto/sha256"

	"github.com/btcsuite/btcd/address/v2/base58"
	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcec/v2/ecdsa"
	"github.com/btcsuite/btcd/txscript/v2"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// Verify reports whether sig, a base64 scriptSig, signs plaintext for the
// address owner (the original's verify): for a p2pkh owner the scriptSig
// is [signature, public key] and the key's hash is the address's; for a
// p2sh owner it is [OP_0, signatures…, redeem script], the redeem script
// is an m-of-n multisig script whose hash is the address's, and the m
// signatures match keys in the script's order. A signature is 64 bytes
// r‖s over sha256(plaintext).
//
// Where the original's indexer raises instead of answering (a sig that is
// not base64, an owner that is not a base58check address, a signature that
// is not 64 bytes, an opcode where data belongs) — which stops its
// subdomain processing for good — Verify answers false: the record is
// refused.
func Verify(p wire.Params, owner, plaintext, sig string) bool {
	addr, err := p.Reencode(owner)
	if err != nil {
		return false
	}
	hash, version, err := base58.CheckDecode(addr)
	if err != nil || len(hash) != 20 {
		return false
	}
	script, err := decodeBase64Py2(sig)
	if err != nil {
		return false
	}
	digest := sha256.Sum256([]byte(plaintext))
	switch version {
	case p.PubKeyHashAddrID:
		return verifySingle(hash, digest[:], script)
	case p.ScriptHashAddrID:
		return verifyMulti(hash, digest[:], script)
	}
	return false
}

func verifySingle(hash, digest, script []byte) bool {
	parts := deserializeScript(script)
	if len(parts) != 2 || !parts[0].isData || !parts[1].isData {
		return false
	}
	pub := parts[1].data
	if !bytes.Equal(hash160(pub), hash) {
		return false
	}
	return verifyDigest(digest, pub, parts[0].data)
}

func verifyMulti(hash, digest, script []byte) bool {
	parts := deserializeScript(script)
	if len(parts) < 2 || !parts[len(parts)-1].isData {
		return false
	}
	redeem := parts[len(parts)-1].data
	sigs := parts[1 : len(parts)-1]
	if !bytes.Equal(hash160(redeem), hash) {
		return false
	}
	m, keys, ok := parseMultisig(redeem)
	if !ok || len(sigs) != m {
		return false
	}
	k := 0
	for _, s := range sigs {
		if !s.isData {
			return false
		}
		for {
			if k >= len(keys) {
				return false
			}
			k++
			if verifyDigest(digest, keys[k-1], s.data) {
				break
			}
		}
	}
	return true
}

// parseMultisig is virtualchain's parse_multisig_redeemscript: m, then n
// public keys, then n and OP_CHECKMULTISIG. m is whatever its element
// reads as; a redeem script whose m is not a number matches no count of
// signatures.
func parseMultisig(redeem []byte) (m int, keys [][]byte, ok bool) {
	parts := deserializeScript(redeem)
	if len(parts) <= 2 {
		return 0, nil, false
	}
	last := parts[len(parts)-1]
	if !last.isNum() || last.num != txscript.OP_CHECKMULTISIG {
		return 0, nil, false
	}
	nPart := parts[len(parts)-2]
	if !nPart.isNum() {
		return 0, nil, false
	}
	mPart := parts[0]
	rest := parts[1 : len(parts)-2]
	n := max(nPart.num, 0)
	if n != len(rest) {
		return 0, nil, false // too few keys, or some left over
	}
	for _, k := range rest {
		if !k.isData {
			return 0, nil, false
		}
		if _, err := btcec.ParsePubKey(k.data); err != nil {
			return 0, nil, false
		}
		keys = append(keys, k.data)
	}
	if !mPart.isNum() {
		return 0, nil, false
	}
	return mPart.num, keys, true
}

// verifyDigest is virtualchain's verify_digest: sig is r‖s (64 bytes),
// either s, over the digest as it is.
func verifyDigest(digest, pub, sig []byte) bool {
	if len(sig) != 64 {
		return false
	}
	key, err := btcec.ParsePubKey(pub)
	if err != nil {
		return false
	}
	var r, s btcec.ModNScalar
	if r.SetByteSlice(sig[:32]) || s.SetByteSlice(sig[32:]) || r.IsZero() || s.IsZero() {
		return false // ≥ the group order, or zero
	}
	return ecdsa.NewSignature(&r, &s).Verify(digest, key)
}

func hash160(b []byte) []byte {
	h := wire.SumHash160(b)
	return h[:]
}
