package scenario

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcutil/v2"
	"github.com/btcsuite/btcd/btcutil/v2/hdkeychain"
	"github.com/btcsuite/btcd/txscript/v2"
	btcwire "github.com/btcsuite/btcd/wire/v2"

	"github.com/zonemirror/zonemirror/namedb/subdomain"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// walletKind is how a wallet's coins are locked and spent.
type walletKind int

const (
	p2pkh          walletKind = iota // one key
	p2shMultisig                     // m of n keys, bare multisig in p2sh
	p2shP2WPKH                       // one key, segwit wrapped in p2sh
	p2shP2WSHMulti                   // m of n keys, segwit multisig wrapped in p2sh
)

type key struct {
	priv       *btcec.PrivateKey
	compressed bool
}

// pub is the public key as the wallet shows it (compressed or not).
func (k key) pub() []byte {
	if k.compressed {
		return k.priv.PubKey().SerializeCompressed()
	}
	return k.priv.PubKey().SerializeUncompressed()
}

// A W is a test wallet, as the original's testlib.Wallet,
// MultisigWallet, SegwitWallet and MultisigSegwitWallet: the keys, the
// script its coins are locked to and its address (testnet form, as the
// original re-encoded every address under BLOCKSTACK_TESTNET).
type W struct {
	// Addr is the wallet's address: p2pkh for one key, p2sh otherwise.
	Addr string
	// Script is the output script of Addr.
	Script []byte
	// PubkeyHex is the public key of a one-key wallet, as its transactions
	// push it.
	PubkeyHex string

	kind walletKind
	keys []key
	m    int
	// redeem is the p2sh redeem script; witness the p2wsh witness script.
	redeem, witness []byte
}

// Wallet is testlib.Wallet: a p2pkh wallet of one private key, given as
// WIF (5…/K…/L…, 9…/c…) or as hex (64 digits, or 66 ending in 01). The
// key is used compressed whatever its encoding says, as the original's
// was: testlib.Wallet made it with virtualchain.BitcoinPrivateKey, i.e.
// keylib 0.1.1's ECPrivateKey, whose compressed flag defaults to true and
// no longer follows the WIF (keylib-py 694e5ed, "always respect compressed
// flag"); so wallets[0] of the 5JesPi… key has the address
// mr6nrMvvh44sR5MiX929mMXP5hqgaTr6fx, which rest_api_accounts asserts,
// and its privkey is the hex with the 01 suffix. It panics on a malformed
// key: wallets are constants of the scenario.
func Wallet(privkey string) *W {
	k := parseKey(privkey)
	k.compressed = true
	return singleKey(k, p2pkh)
}

// SegwitWallet is testlib.SegwitWallet: one key, spent as p2sh-p2wpkh
// (the key is always used compressed).
func SegwitWallet(privkey string) *W {
	k := parseKey(privkey)
	k.compressed = true
	return singleKey(k, p2shP2WPKH)
}

// MultisigWallet is testlib.MultisigWallet: m of the given keys, in a p2sh
// bare-multisig script, each key compressed (virtualchain's
// make_multisig_info makes them with BitcoinPrivateKey(pk), compressed
// whatever the encoding says: see Wallet).
func MultisigWallet(m int, privkeys ...string) *W {
	w := &W{kind: p2shMultisig, m: m}
	var pubs [][]byte
	for _, s := range privkeys {
		k := parseKey(s)
		k.compressed = true
		w.keys = append(w.keys, k)
		pubs = append(pubs, k.pub())
	}
	w.redeem = multisigScript(m, pubs)
	w.Script = p2shScript(hash160(w.redeem))
	w.Addr = wire.TestnetParams.Address(w.Script)
	return w
}

// MultisigSegwitWallet is testlib.MultisigSegwitWallet: m of the given
// keys (compressed) in a p2wsh script wrapped in p2sh.
func MultisigSegwitWallet(m int, privkeys ...string) *W {
	w := &W{kind: p2shP2WSHMulti, m: m}
	var pubs [][]byte
	for _, s := range privkeys {
		k := parseKey(s)
		k.compressed = true
		w.keys = append(w.keys, k)
		pubs = append(pubs, k.pub())
	}
	w.witness = multisigScript(m, pubs)
	h := sha256.Sum256(w.witness)
	w.redeem = append([]byte{txscript.OP_0, txscript.OP_DATA_32}, h[:]...)
	w.Script = p2shScript(hash160(w.redeem))
	w.Addr = wire.TestnetParams.Address(w.Script)
	return w
}

func singleKey(k key, kind walletKind) *W {
	w := &W{kind: kind, keys: []key{k}, m: 1, PubkeyHex: hex.EncodeToString(k.pub())}
	switch kind {
	case p2pkh:
		w.Script = p2pkhScript(hash160(k.pub()))
	case p2shP2WPKH:
		w.redeem = append([]byte{txscript.OP_0, txscript.OP_DATA_20}, hash160(k.pub())...)
		w.Script = p2shScript(hash160(w.redeem))
	}
	w.Addr = wire.TestnetParams.Address(w.Script)
	return w
}

// Child is the i-th child key of a one-key wallet as keychain-manager-py's
// PrivateKeychain.from_private_key(key).child(i) makes it: non-hardened
// BIP32 derivation from the key with a chain code of 32 zero bytes, the
// child key used compressed — the keys the original's import scenarios
// import names with.
func (w *W) Child(i uint32) *W {
	if len(w.keys) != 1 {
		panic("scenario: Child of a multi-key wallet")
	}
	ext := hdkeychain.NewExtendedKey([]byte{0, 0, 0, 0}, w.keys[0].priv.Serialize(), make([]byte, 32), []byte{0, 0, 0, 0}, 0, 0, true)
	c, err := ext.Derive(i)
	if err != nil {
		panic(fmt.Sprintf("scenario: child %d: %v", i, err))
	}
	priv, err := c.ECPrivKey()
	if err != nil {
		panic(fmt.Sprintf("scenario: child %d: %v", i, err))
	}
	return singleKey(key{priv: priv, compressed: true}, p2pkh)
}

// subdomainKey is the key a one-key wallet signs subdomain records with,
// in the form its address commits to (the original's sign_singlesig puts
// the key's own public key in the scriptSig).
func (w *W) subdomainKey() subdomain.Key {
	if w.kind != p2pkh {
		panic("scenario: subdomain records are signed by p2pkh wallets here (no scenario signs otherwise)")
	}
	return subdomain.Key{Private: w.keys[0].priv, Compressed: w.keys[0].compressed}
}

// PrivkeyHex is the hex of a one-key wallet's private key, with the 01
// suffix of a compressed key (the form the original's tools print).
func (w *W) PrivkeyHex() string {
	s := hex.EncodeToString(w.keys[0].priv.Serialize())
	if w.keys[0].compressed {
		s += "01"
	}
	return s
}

func parseKey(s string) key {
	if b, err := hex.DecodeString(s); err == nil && (len(b) == 32 || len(b) == 33 && b[32] == 1) {
		priv, _ := btcec.PrivKeyFromBytes(b[:32])
		return key{priv: priv, compressed: len(b) == 33}
	}
	w, err := btcutil.DecodeWIF(s)
	if err != nil {
		panic(fmt.Sprintf("scenario: private key %q: %v", s, err))
	}
	return key{priv: w.PrivKey, compressed: w.CompressPubKey}
}

func multisigScript(m int, pubs [][]byte) []byte {
	b := txscript.NewScriptBuilder().AddInt64(int64(m))
	for _, p := range pubs {
		b.AddData(p)
	}
	s, err := b.AddInt64(int64(len(pubs))).AddOp(txscript.OP_CHECKMULTISIG).Script()
	if err != nil {
		panic(err)
	}
	return s
}

func p2pkhScript(h []byte) []byte {
	return append(append([]byte{txscript.OP_DUP, txscript.OP_HASH160, txscript.OP_DATA_20}, h...), txscript.OP_EQUALVERIFY, txscript.OP_CHECKSIG)
}

func p2shScript(h []byte) []byte {
	return append(append([]byte{txscript.OP_HASH160, txscript.OP_DATA_20}, h...), txscript.OP_EQUAL)
}

// scriptOf returns the output script of a testnet address.
func scriptOf(addr string) []byte {
	s, err := wire.TestnetParams.ScriptForAddress(addr)
	if err != nil {
		panic(fmt.Sprintf("scenario: %v", err))
	}
	return s
}

// coin is an unspent output of a wallet.
type coin struct {
	op     btcwire.OutPoint
	value  int64
	script []byte
}

// sign fills in the input scripts and witnesses of tx, whose input i
// spends coins[i] of wallet owners[i].
func sign(tx *btcwire.MsgTx, coins []coin, owners []*W) error {
	fetcher := txscript.NewMultiPrevOutFetcher(nil)
	for i, c := range coins {
		fetcher.AddPrevOut(tx.TxIn[i].PreviousOutPoint, &btcwire.TxOut{Value: c.value, PkScript: c.script})
	}
	hashes := txscript.NewTxSigHashes(tx, fetcher)
	for i, c := range coins {
		w := owners[i]
		in := tx.TxIn[i]
		switch w.kind {
		case p2pkh:
			k := w.keys[0]
			s, err := txscript.SignatureScript(tx, i, c.script, txscript.SigHashAll, k.priv, k.compressed)
			if err != nil {
				return fmt.Errorf("sign input %d: %w", i, err)
			}
			in.SignatureScript = s
		case p2shMultisig:
			b := txscript.NewScriptBuilder().AddOp(txscript.OP_0)
			for _, k := range w.keys[:w.m] {
				sig, err := txscript.RawTxInSignature(tx, i, w.redeem, txscript.SigHashAll, k.priv)
				if err != nil {
					return fmt.Errorf("sign input %d: %w", i, err)
				}
				b.AddData(sig)
			}
			s, err := b.AddData(w.redeem).Script()
			if err != nil {
				return fmt.Errorf("sign input %d: %w", i, err)
			}
			in.SignatureScript = s
		case p2shP2WPKH:
			k := w.keys[0]
			wit, err := txscript.WitnessSignature(tx, hashes, i, c.value, w.redeem, txscript.SigHashAll, k.priv, true)
			if err != nil {
				return fmt.Errorf("sign input %d: %w", i, err)
			}
			in.Witness = wit
			in.SignatureScript = pushOnly(w.redeem)
		case p2shP2WSHMulti:
			wit := btcwire.TxWitness{nil}
			for _, k := range w.keys[:w.m] {
				sig, err := txscript.RawTxInWitnessSignature(tx, hashes, i, c.value, w.witness, txscript.SigHashAll, k.priv)
				if err != nil {
					return fmt.Errorf("sign input %d: %w", i, err)
				}
				wit = append(wit, sig)
			}
			in.Witness = append(wit, w.witness)
			in.SignatureScript = pushOnly(w.redeem)
		}
	}
	return nil
}

func pushOnly(data []byte) []byte {
	s, err := txscript.NewScriptBuilder().AddData(data).Script()
	if err != nil {
		panic(err)
	}
	return s
}

// String is the wallet's address and kind, for failure messages.
func (w *W) String() string {
	kinds := []string{"p2pkh", "p2sh multisig", "p2sh-p2wpkh", "p2sh-p2wsh multisig"}
	return w.Addr + " (" + kinds[w.kind] + ")"
}

// isSegwit reports whether the wallet's spends carry witnesses.
func (w *W) isSegwit() bool { return w.kind == p2shP2WPKH || w.kind == p2shP2WSHMulti }

// AddrReencode is the original's addr_reencode / virtualchain
// address_reencode: a mainnet address given in a scenario, in testnet form.
func AddrReencode(addr string) string {
	a, err := wire.TestnetParams.Reencode(addr)
	if err != nil {
		panic(fmt.Sprintf("scenario: %v", err))
	}
	return a
}

// PaymentScript is virtualchain.make_payment_script: the output script of
// an address, as hex.
func PaymentScript(addr string) string { return hex.EncodeToString(scriptOf(AddrReencode(addr))) }

func hash160(b []byte) []byte { h := wire.SumHash160(b); return h[:] }
