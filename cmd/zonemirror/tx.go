package main

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/btcsuite/btcd/chaincfg/v2"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/rpcclient"
	btcwire "github.com/btcsuite/btcd/wire/v2"

	"github.com/zonemirror/zonemirror/chainsync/txbuild"
	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

func init() {
	register(&command{
		name:    "tx",
		summary: "build, sign and send a name operation (preorder, register, update, transfer, ...)",
		run:     runTx,
	})
}

const txUsage = `Usage: zonemirror tx OPERATION [flags] NAME-OR-NAMESPACE

Operations:
  preorder            NAME   commit to registering NAME (pays the name's price)
  register            NAME   register a preordered NAME (--preorder: preorder, wait for a block, register)
  update              NAME   set NAME's zone-file hash
  transfer            NAME   give NAME to --to
  renew               NAME   renew NAME (pays the price again)
  revoke              NAME   revoke NAME
  name-import         NAME   import NAME into a revealed namespace (its importer only)
  namespace-preorder  ID     commit to revealing namespace ID
  namespace-reveal    ID     reveal ID with its price rules
  namespace-ready     ID     launch ID

The sender is the key of --wif or --key-file; its coins are found on the node
(btcd with --txindex and --addrindex). Operations that carry a consensus hash
take it from --consensus-hash or from the name database in --data.
Run 'zonemirror tx OPERATION --help' for an operation's flags.
`

// txFlags are the flags every operation takes.
type txFlags struct {
	nodeFlags
	wif, keyFile  string
	feeRate       int64
	dryRun        bool
	consensusHash string
	data          string
}

func (f *txFlags) register(fs *flag.FlagSet) {
	f.nodeFlags.register(fs)
	fs.StringVar(&f.wif, "wif", "", "the sender's private key (WIF)")
	fs.StringVar(&f.keyFile, "key-file", "", "a file whose first line is the sender's WIF key (a devnet wallet)")
	fs.Int64Var(&f.feeRate, "fee-rate", 10, "transaction fee, satoshis per byte")
	fs.BoolVar(&f.dryRun, "dry-run", false, "print the decoded transaction instead of sending it")
	fs.StringVar(&f.consensusHash, "consensus-hash", "", "the consensus hash to carry (32 hex); default: the tip of --data's name database")
	fs.StringVar(&f.data, "data", "", "a synced data folder to read the consensus hash and prices from (not while serve or sync run on it)")
}

// parseInterspersed parses flags before and after the positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// txEnv is what an operation needs: network, key, node, builder.
type txEnv struct {
	net   *netparams.Network
	chain *chaincfg.Params
	key   *txbuild.Key
	rpc   *rpcclient.Client
	b     *txbuild.Builder
	f     *txFlags
	env   *cmdEnv
}

func chainParams(network string) *chaincfg.Params {
	switch network {
	case "regtest":
		return &chaincfg.RegressionNetParams
	case "simnet":
		return &chaincfg.SimNetParams
	}
	return &chaincfg.MainNetParams
}

func (f *txFlags) open(env *cmdEnv) (*txEnv, error) {
	n, err := f.net()
	if err != nil {
		return nil, err
	}
	wif := f.wif
	if f.keyFile != "" {
		file, err := os.Open(f.keyFile)
		if err != nil {
			return nil, fmt.Errorf("key file: %w", err)
		}
		s := bufio.NewScanner(file)
		s.Scan()
		wif = strings.TrimSpace(s.Text())
		file.Close()
	}
	if wif == "" {
		return nil, errors.New("no key: give --wif or --key-file")
	}
	key, err := txbuild.KeyFromWIF(wif, n.Wire)
	if err != nil {
		return nil, err
	}
	cfg := f.config()
	cc := &rpcclient.ConnConfig{Host: cfg.Host, User: cfg.User, Pass: cfg.Pass, CookiePath: cfg.CookieFile, HTTPPostMode: true, DisableTLS: cfg.CertFile == ""}
	if cfg.CertFile != "" {
		if cc.Certificates, err = os.ReadFile(cfg.CertFile); err != nil {
			return nil, fmt.Errorf("read TLS certificate: %w", err)
		}
	}
	rpc, err := rpcclient.New(cc, nil)
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", cfg.Host, err)
	}
	return &txEnv{net: n, chain: chainParams(f.network), key: key, rpc: rpc, f: f, env: env,
		b: &txbuild.Builder{Params: n.Wire, FeeRate: f.feeRate}}, nil
}

// consensusHash is --consensus-hash, or the tip's of --data.
func (e *txEnv) consensusHash(ctx context.Context) (wire.Hash128, error) {
	if e.f.consensusHash != "" {
		return wire.ParseHash128(e.f.consensusHash)
	}
	if e.f.data == "" {
		return wire.Hash128{}, errors.New("this operation carries a consensus hash: give --consensus-hash or --data")
	}
	db, err := namedb.Open(ctx, filepath.Join(e.f.data, e.net.Name, "names"), e.net)
	if err != nil {
		return wire.Hash128{}, err
	}
	defer db.Close()
	tip, _ := db.Tip()
	ch, ok := db.ConsensusHashAt(tip)
	if !ok {
		return wire.Hash128{}, errors.New("the name database in --data is empty")
	}
	return ch, nil
}

// checkPrice refuses a payment below the price in the next block, when
// --data gives a name database to price with (a preorder paid too little
// is accepted on chain and then refused, its payment lost).
func (e *txEnv) checkPrice(ctx context.Context, name string, namespace bool, fee int64) error {
	if e.f.data == "" {
		return nil
	}
	db, err := namedb.Open(ctx, filepath.Join(e.f.data, e.net.Name, "names"), e.net)
	if err != nil {
		return err
	}
	defer db.Close()
	var price int64
	if namespace {
		price, err = db.NamespacePrice(name)
	} else {
		var p netparams.Price
		p, err = db.NamePrice(name)
		price = p.Ceil()
	}
	if err != nil {
		return fmt.Errorf("price of %s: %w", name, err)
	}
	if fee < price {
		return fmt.Errorf("--fee %d is below the price of %s, %d satoshis", fee, name, price)
	}
	return nil
}

// send builds r, then prints it (--dry-run) or broadcasts it and prints
// its txid.
func (e *txEnv) send(ctx context.Context, r txbuild.Request) (*btcwire.MsgTx, error) {
	coins, err := txbuild.NodeCoins(ctx, e.rpc, e.key, e.chain)
	if err != nil {
		return nil, err
	}
	tx, err := e.b.Build(e.key, coins, r)
	if err != nil {
		return nil, err
	}
	if e.f.dryRun {
		var prevouts []wire.Prevout
		for _, in := range tx.TxIn {
			for _, c := range coins {
				if c.OutPoint == in.PreviousOutPoint {
					prevouts = append(prevouts, wire.Prevout{Script: c.Script, Value: c.Value})
				}
			}
		}
		top, err := wire.DecodeTx(tx, prevouts, e.net.Wire, e.net.Epochs[len(e.net.Epochs)-1].Rules)
		if err != nil {
			return nil, fmt.Errorf("the transaction built does not decode: %w", err)
		}
		var raw strings.Builder
		if err := tx.Serialize(hexWriter{&raw}); err != nil {
			return nil, err
		}
		out, _ := json.Marshal(struct {
			Decoded *wire.TxOp `json:"decoded"`
			Raw     string     `json:"raw"`
		}{top, raw.String()})
		return tx, writeJSON(e.env.stdout, out)
	}
	id, err := e.rpc.SendRawTransaction(tx, false)
	if err != nil {
		return nil, fmt.Errorf("broadcast: %w", err)
	}
	fmt.Fprintln(e.env.stdout, id)
	return tx, nil
}

type hexWriter struct{ b *strings.Builder }

func (h hexWriter) Write(p []byte) (int, error) {
	h.b.WriteString(hex.EncodeToString(p))
	return len(p), nil
}

// waitConfirmed waits until tx is in a block.
func (e *txEnv) waitConfirmed(ctx context.Context, id chainhash.Hash) error {
	for {
		v, err := e.rpc.GetRawTransactionVerbose(&id)
		if err == nil && v.Confirmations > 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// zonefileFlags take a zone file or its hash.
type zonefileFlags struct{ hash, file string }

func (z *zonefileFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&z.hash, "zonefile-hash", "", "the zone file's hash160 (40 hex)")
	fs.StringVar(&z.file, "zonefile", "", "a zone file (its hash is sent)")
}

func (z *zonefileFlags) value() (*wire.Hash160, error) {
	switch {
	case z.hash != "" && z.file != "":
		return nil, errors.New("give --zonefile or --zonefile-hash, not both")
	case z.hash != "":
		h, err := wire.ParseHash160(z.hash)
		return &h, err
	case z.file != "":
		b, err := os.ReadFile(z.file)
		if err != nil {
			return nil, err
		}
		h := wire.SumHash160(b)
		return &h, nil
	}
	return nil, nil
}

func runTx(ctx context.Context, env *cmdEnv, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(env.stdout, txUsage)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	op := args[0]
	fs := newFlagSet(env, "tx "+op, "tx "+op+" [flags] NAME")
	var f txFlags
	f.register(fs)
	var z zonefileFlags
	recipient := fs.String("recipient", "", "the new owner (default: the sender)")
	to := fs.String("to", "", "transfer: the new owner")
	keep := fs.Bool("keep-data", true, "transfer: keep the zone-file hash")
	fee := fs.Int64("fee", 0, "the payment in satoshis (preorder, renew, namespace-preorder)")
	payTo := fs.String("pay-to", "", "where the payment goes (default the burn address; a pay-to-creator namespace's address)")
	preorder := fs.Bool("preorder", false, "register: send the preorder first and wait for it to be mined")
	lifetime := fs.Uint("lifetime", 52595, "namespace-reveal: blocks a name lives (4294967295: forever)")
	coeff := fs.Uint("coeff", 250, "namespace-reveal: price coefficient")
	base := fs.Uint("base", 4, "namespace-reveal: price base")
	buckets := fs.String("buckets", "6,5,4,3,2,1,0,0,0,0,0,0,0,0,0,0", "namespace-reveal: 16 price exponents by name length")
	nonalpha := fs.Uint("nonalpha-discount", 4, "namespace-reveal: discount for names with non-letters")
	novowel := fs.Uint("no-vowel-discount", 4, "namespace-reveal: discount for names without vowels")
	nsVersion := fs.Uint("version", 1, "namespace-reveal: 1 pay to burn, 2 pay to the creator")
	switch op {
	case "preorder", "register", "update", "transfer", "renew", "revoke", "name-import":
		z.register(fs)
	case "namespace-preorder", "namespace-reveal", "namespace-ready":
	default:
		fmt.Fprintf(env.stderr, "zonemirror tx: unknown operation %q\n\n%s", op, txUsage)
		return errUsage
	}
	pos, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return errUsage
	}
	name := pos[0]
	e, err := f.open(env)
	if err != nil {
		return err
	}
	defer e.rpc.Shutdown()
	owner := e.key.Address
	if *recipient != "" {
		owner = *recipient
	}
	pay := e.b.BurnAddress()
	if *payTo != "" {
		pay = *payTo
	}
	value, err := z.value()
	if err != nil {
		return err
	}
	needFee := func() error {
		if *fee <= 0 {
			return errors.New("give the payment with --fee (satoshis)")
		}
		return nil
	}
	// sendPreorder checks the fee against the price and sends the
	// name's preorder.
	sendPreorder := func() (*btcwire.MsgTx, error) {
		if err := needFee(); err != nil {
			return nil, err
		}
		if err := e.checkPrice(ctx, name, false, *fee); err != nil {
			return nil, err
		}
		ch, err := e.consensusHash(ctx)
		if err != nil {
			return nil, err
		}
		r, err := e.b.Preorder(name, e.key, owner, ch, pay, *fee)
		if err != nil {
			return nil, err
		}
		return e.send(ctx, r)
	}
	switch op {
	case "preorder":
		_, err := sendPreorder()
		return err
	case "register":
		if *preorder {
			tx, err := sendPreorder()
			if err != nil {
				return err
			}
			if e.f.dryRun {
				return nil // the registration needs the preorder's change
			}
			fmt.Fprintln(env.stderr, "preorder sent; waiting for a block to register")
			if err := e.waitConfirmed(ctx, tx.TxHash()); err != nil {
				return err
			}
		}
		_, err := e.send(ctx, txbuild.Register(name, owner, value))
		return err
	case "renew":
		if err := needFee(); err != nil {
			return err
		}
		_, err := e.send(ctx, txbuild.Renew(name, owner, value, pay, *fee))
		return err
	case "update":
		if value == nil {
			return errors.New("give the zone file with --zonefile or --zonefile-hash")
		}
		ch, err := e.consensusHash(ctx)
		if err != nil {
			return err
		}
		_, err = e.send(ctx, txbuild.Update(name, ch, *value))
		return err
	case "transfer":
		if *to == "" {
			return errors.New("give the new owner with --to")
		}
		ch, err := e.consensusHash(ctx)
		if err != nil {
			return err
		}
		_, err = e.send(ctx, txbuild.Transfer(name, *to, *keep, ch))
		return err
	case "revoke":
		_, err := e.send(ctx, txbuild.Revoke(name))
		return err
	case "name-import":
		if value == nil || *recipient == "" {
			return errors.New("give --recipient and the zone file (--zonefile or --zonefile-hash)")
		}
		_, err := e.send(ctx, txbuild.Import(name, owner, *value))
		return err
	case "namespace-preorder":
		if err := needFee(); err != nil {
			return err
		}
		if err := e.checkPrice(ctx, name, true, *fee); err != nil {
			return err
		}
		ch, err := e.consensusHash(ctx)
		if err != nil {
			return err
		}
		r, err := e.b.NamespacePreorder(name, e.key, owner, ch, *fee)
		if err != nil {
			return err
		}
		_, err = e.send(ctx, r)
		return err
	case "namespace-reveal":
		rv := &wire.NamespaceReveal{Lifetime: uint32(*lifetime), Coeff: uint8(*coeff), Base: uint8(*base),
			NonalphaDiscount: uint8(*nonalpha), NoVowelDiscount: uint8(*novowel), Version: uint16(*nsVersion), NamespaceID: name}
		parts := strings.Split(*buckets, ",")
		if len(parts) != len(rv.Buckets) {
			return fmt.Errorf("--buckets: %d exponents, want %d", len(parts), len(rv.Buckets))
		}
		for i, p := range parts {
			v, err := strconv.ParseUint(strings.TrimSpace(p), 10, 4)
			if err != nil {
				return fmt.Errorf("--buckets: %q: %w", p, err)
			}
			rv.Buckets[i] = uint8(v)
		}
		_, err := e.send(ctx, txbuild.NamespaceReveal(rv, owner))
		return err
	case "namespace-ready":
		_, err := e.send(ctx, txbuild.NamespaceReady(name))
		return err
	}
	return nil
}
