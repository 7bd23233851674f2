package main

import (
	"bufio"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/btcsuite/btcd/address/v2/base58"
	"github.com/btcsuite/btcd/btcutil/v2"

	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/subdomain"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

const subdomainHelp = `Prints the TXT record that creates, updates or transfers a subdomain, for
a registrar to put into its name's zone file (one zone file carries many;
each NAME_UPDATE of the name announces a batch).

  zonemirror subdomain --name alice.id.blockstack --owner ADDR --seq 0 --zonefile alice.txt
  zonemirror subdomain --name alice.id.blockstack --owner NEWADDR --seq 1 --zonefile alice.txt --key-file alice.wif

A creation (--seq 0) needs no key. An update or transfer (--seq n+1) is
signed by the owner as of seqn n: --key-file names a file with its WIF key
(or, for a p2sh multisig owner, one WIF per line and --redeem-script). The
record is checked against that owner's address before it is printed.
--domain is the name whose zone file will carry the record (by default the
subdomain's own name); a record carried by another name is "independent":
it may update, never create or transfer.
`

func init() {
	register(&command{
		name:    "subdomain",
		summary: "print a signed subdomain record (TXT) for a registrar's zone file",
		run:     runSubdomain,
	})
}

func runSubdomain(_ context.Context, env *cmdEnv, args []string) error {
	fs := newFlagSet(env, "subdomain", "subdomain --name FQN --owner ADDR --seq N --zonefile FILE [--key-file FILE] [flags]")
	name := fs.String("name", "", "the subdomain's fully qualified name (alice.id.blockstack)")
	domain := fs.String("domain", "", "the name whose zone file carries the record (default: the subdomain's own name)")
	owner := fs.String("owner", "", "the owner's address after this record (base58check)")
	seq := fs.Int64("seq", 0, "the record's sequence number: 0 creates, the last one's + 1 changes")
	zonefile := fs.String("zonefile", "", "a file holding the subdomain's own zone file")
	keyFile := fs.String("key-file", "", "a file of WIF keys, one a line: the owner's as of the last record (needed for --seq ≥ 1)")
	redeem := fs.String("redeem-script", "", "the hex redeem script of a p2sh multisig owner as of the last record")
	network := fs.String("network", "mainnet", "the network: mainnet, regtest or simnet (the devnet's); every network but mainnet uses the testnet address versions")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), subdomainHelp, "\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 || *name == "" || *owner == "" || *zonefile == "" {
		fs.Usage()
		return errUsage
	}
	n, err := netparams.Named(*network)
	if err != nil {
		return err
	}
	_, parent, ok := subdomain.SplitFQN(*name)
	if !ok {
		return fmt.Errorf("--name %q is not a subdomain name (label.name.namespace, lower case)", *name)
	}
	if *domain == "" {
		*domain = parent
	}
	if err := wire.CheckName(*domain); err != nil {
		return fmt.Errorf("--domain: %w", err)
	}
	if _, err := n.Wire.Reencode(*owner); err != nil {
		return fmt.Errorf("--owner: %w", err)
	}
	zf, err := os.ReadFile(*zonefile)
	if err != nil {
		return fmt.Errorf("zone file: %w", err)
	}
	r := &subdomain.Record{FQN: *name, Domain: *domain, Owner: *owner, Seq: *seq, ZoneFile: zf, Independent: parent != *domain}
	if r.Independent && *seq == 0 {
		return fmt.Errorf("a record carried by %s creates nothing: %s is created by %s's zone file", *domain, *name, parent)
	}
	if *seq < 0 {
		return errors.New("--seq must be 0 or more")
	}
	if *seq > 0 {
		if *keyFile == "" {
			return fmt.Errorf("--seq %d changes %s: it must be signed by its owner as of seqn %d (--key-file)", *seq, *name, *seq-1)
		}
		signer, err := sign(r, *keyFile, *redeem, n.Wire)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stderr, "signed by %s (the owner as of seqn %d)\n", signer, *seq-1)
	}
	fmt.Fprintln(env.stdout, r.TXT())
	return nil
}

// sign signs r with the keys of file (and the redeem script, for
// multisig), checks the signature against the signer's address and
// returns that address.
func sign(r *subdomain.Record, file, redeemHex string, p wire.Params) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", fmt.Errorf("key file: %w", err)
	}
	defer f.Close()
	var keys []subdomain.Key
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		w, err := btcutil.DecodeWIF(line)
		if err != nil {
			return "", fmt.Errorf("key file %s: %w", file, err)
		}
		keys = append(keys, subdomain.Key{Private: w.PrivKey, Compressed: w.CompressPubKey})
	}
	if err := s.Err(); err != nil {
		return "", fmt.Errorf("key file %s: %w", file, err)
	}
	if len(keys) == 0 {
		return "", fmt.Errorf("key file %s: no key", file)
	}
	var signer string
	plain := r.Plaintext()
	if redeemHex == "" {
		if len(keys) != 1 {
			return "", fmt.Errorf("key file %s: %d keys; a multisig owner needs --redeem-script", file, len(keys))
		}
		signer = base58.CheckEncode(hash160(keys[0].PublicKey()), p.PubKeyHashAddrID)
		r.Sig, err = subdomain.SignSingle(keys[0], plain)
	} else {
		redeem, herr := hex.DecodeString(redeemHex)
		if herr != nil {
			return "", fmt.Errorf("--redeem-script: %w", herr)
		}
		signer = base58.CheckEncode(hash160(redeem), p.ScriptHashAddrID)
		r.Sig, err = subdomain.SignMulti(keys, redeem, plain)
	}
	if err != nil {
		return "", err
	}
	r.HasSig = true
	if !subdomain.Verify(p, signer, plain, r.Sig) {
		return "", errors.New("the signature does not verify for its signer (a bug)")
	}
	return signer, nil
}

func hash160(b []byte) []byte {
	h := wire.SumHash160(b)
	return h[:]
}
