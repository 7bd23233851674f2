package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	btcwire "github.com/btcsuite/btcd/wire/v2"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

func init() {
	register(&command{
		name:    "op",
		summary: "decode and encode Blockstack name operations (decode, decode-tx, encode)",
		run:     runOp,
	})
}

const opUsage = `Usage:
  zonemirror op decode [flags] PAYLOADHEX     decode an OP_RETURN payload (from the magic bytes on)
  zonemirror op decode-tx [flags] RAWTXHEX    decode the operation of a whole raw transaction
  zonemirror op encode [flags] [JSON]         encode the JSON that decode prints (argument or stdin)

Run 'zonemirror op SUBCOMMAND --help' for its flags.
`

func runOp(ctx context.Context, env *cmdEnv, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(env.stderr, opUsage)
		return errUsage
	}
	switch args[0] {
	case "decode":
		return runOpDecode(env, args[1:])
	case "decode-tx":
		return runOpDecodeTx(env, args[1:])
	case "encode":
		return runOpEncode(env, args[1:])
	case "-h", "--help", "help":
		fmt.Fprint(env.stdout, opUsage)
		return nil
	}
	fmt.Fprintf(env.stderr, "zonemirror op: unknown subcommand %q\n\n%s", args[0], opUsage)
	return errUsage
}

// netFlags are the flags that say which network and epoch bytes belong to.
type netFlags struct {
	epoch   uint
	magic   string
	network string
}

func (n *netFlags) add(fs interface {
	UintVar(*uint, string, uint, string)
	StringVar(*string, string, string, string)
}, withNetwork bool) {
	fs.UintVar(&n.epoch, "epoch", 0, "rule-set epoch of the block (1-5) for epoch-dependent formats; 0 accepts every format")
	fs.StringVar(&n.magic, "magic", "id", "the network's 2-byte payload magic")
	if withNetwork {
		fs.StringVar(&n.network, "network", "mainnet", "address versions: mainnet, or testnet (also regtest and simnet devnets)")
	}
}

func (n *netFlags) params() (wire.Params, wire.Epoch, error) {
	var p wire.Params
	switch n.network {
	case "", "mainnet":
		p = wire.MainnetParams
	case "testnet", "regtest", "simnet", "devnet":
		p = wire.TestnetParams
	default:
		return p, 0, fmt.Errorf("--network %q: want mainnet or testnet", n.network)
	}
	if len(n.magic) != 2 {
		return p, 0, fmt.Errorf("--magic %q: want exactly 2 bytes", n.magic)
	}
	p.Magic = wire.Magic{n.magic[0], n.magic[1]}
	if n.epoch > uint(wire.MaxEpoch) {
		return p, 0, fmt.Errorf("--epoch %d: want 0-%d", n.epoch, wire.MaxEpoch)
	}
	return p, wire.Epoch(n.epoch), nil
}

func oneHexArg(fs interface{ Args() []string }, what string) ([]byte, error) {
	if len(fs.Args()) != 1 {
		return nil, fmt.Errorf("want exactly one %s argument, got %d", what, len(fs.Args()))
	}
	b, err := hex.DecodeString(strings.TrimSpace(fs.Args()[0]))
	if err != nil {
		return nil, fmt.Errorf("%s: not hex: %w", what, err)
	}
	return b, nil
}

func writeJSON(w io.Writer, raw []byte) error {
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err := w.Write(buf.Bytes())
	return err
}

func runOpDecode(env *cmdEnv, args []string) error {
	fs := newFlagSet(env, "op decode", "op decode [flags] PAYLOADHEX")
	var nf netFlags
	nf.add(fs, false)
	renewal := fs.Bool("renewal", false, "report a ':' payload as NAME_RENEWAL (in a transaction that is decided by its output count)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	p, epoch, err := nf.params()
	if err != nil {
		return err
	}
	payload, err := oneHexArg(fs, "PAYLOADHEX")
	if err != nil {
		return err
	}
	op, err := wire.Decode(payload, p.Magic, epoch)
	if err != nil {
		return fmt.Errorf("invalid payload: %w", err)
	}
	if r, ok := op.(*wire.NameRegistration); ok {
		r.Renewal = *renewal
	}
	raw, err := wire.MarshalOpJSON(op)
	if err != nil {
		return err
	}
	return writeJSON(env.stdout, raw)
}

// prevoutFlags collects --prevout SCRIPTHEX:VALUE flags, one per input.
type prevoutFlags []wire.Prevout

func (p *prevoutFlags) String() string { return fmt.Sprintf("%d prevouts", len(*p)) }

func (p *prevoutFlags) Set(s string) error {
	script, value, ok := strings.Cut(s, ":")
	if !ok {
		return fmt.Errorf("want SCRIPTHEX:VALUE, got %q", s)
	}
	b, err := hex.DecodeString(script)
	if err != nil {
		return fmt.Errorf("script: %w", err)
	}
	v, err := strconv.ParseInt(value, 10, 64)
	if err != nil {
		return fmt.Errorf("value: %w", err)
	}
	*p = append(*p, wire.Prevout{Script: b, Value: v})
	return nil
}

func runOpDecodeTx(env *cmdEnv, args []string) error {
	fs := newFlagSet(env, "op decode-tx", "op decode-tx [flags] RAWTXHEX")
	var nf netFlags
	nf.add(fs, true)
	var prevouts prevoutFlags
	fs.Var(&prevouts, "prevout", "SCRIPTHEX:SATOSHIS of the output an input spends, once per input in order; without them the sender is inferred from the input scripts and the tx fee is unknown")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	p, epoch, err := nf.params()
	if err != nil {
		return err
	}
	raw, err := oneHexArg(fs, "RAWTXHEX")
	if err != nil {
		return err
	}
	tx := &btcwire.MsgTx{}
	if err := tx.Deserialize(bytes.NewReader(raw)); err != nil {
		return fmt.Errorf("not a Bitcoin transaction: %w", err)
	}
	var po []wire.Prevout
	if len(prevouts) > 0 {
		po = prevouts
	}
	top, err := wire.DecodeTx(tx, po, p, epoch)
	if err != nil {
		return fmt.Errorf("transaction %s: %w", tx.TxHash(), err)
	}
	out, err := json.Marshal(top)
	if err != nil {
		return err
	}
	return writeJSON(env.stdout, out)
}

func runOpEncode(env *cmdEnv, args []string) error {
	fs := newFlagSet(env, "op encode", "op encode [flags] [JSON]   (JSON from the argument, or standard input)")
	magic := fs.String("magic", "id", "the network's 2-byte payload magic")
	script := fs.Bool("script", false, "print the whole OP_RETURN output script instead of the payload")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if len(*magic) != 2 {
		return fmt.Errorf("--magic %q: want exactly 2 bytes", *magic)
	}
	var in []byte
	switch len(fs.Args()) {
	case 0:
		b, err := io.ReadAll(io.LimitReader(env.stdin, 1<<20))
		if err != nil {
			return fmt.Errorf("read standard input: %w", err)
		}
		in = b
	case 1:
		in = []byte(fs.Args()[0])
	default:
		return fmt.Errorf("want at most one JSON argument, got %d", len(fs.Args()))
	}
	op, err := wire.UnmarshalOpJSON(in)
	if err != nil {
		return err
	}
	payload, err := wire.Encode(op, wire.Magic{(*magic)[0], (*magic)[1]})
	if err != nil {
		return err
	}
	if *script {
		s, err := wire.NullDataScript(payload)
		if err != nil {
			return err
		}
		payload = s
	}
	fmt.Fprintln(env.stdout, hex.EncodeToString(payload))
	return nil
}
