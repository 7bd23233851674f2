package scenario

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// Env is a scenario's "TEST ENV" lines: environment variables the
// original's test runner set before it imported Blockstack Core, e.g.
// {"BLOCKSTACK_EPOCH_1_END_BLOCK": "682"}.
type Env map[string]string

// The original test runner's chain (bin/blockstack-test-scenario): it mines
// FirstBlock-7 blocks, funds the wallets, mines 6 more, and the first block
// Blockstack indexes (BLOCKSTACK_TEST_FIRST_BLOCK) is the next one.
const (
	// FirstBlock is the first indexed block: 432 + 250 + 6.
	FirstBlock = 688
	// preludeBlocks are mined by btcd before the wallets are funded.
	preludeBlocks = FirstBlock - 7
	// fundingBlock holds the transaction that funds the wallets.
	fundingBlock = FirstBlock - 6
)

// Satoshi amounts of the original's configuration.
const (
	btc = 100_000_000
	// blocksPerYear and blocksPerDay are config.py's BLOCKS_PER_YEAR and
	// BLOCKS_PER_DAY.
	blocksPerYear = 52595
	blocksPerDay  = 144
)

// ignoredEnv are TEST ENV variables that change nothing a name operation
// sees, with why.
var ignoredEnv = map[string]string{
	"BLOCKSTACK_ATLAS_NUM_NEIGHBORS":            "Atlas peer network",
	"BLOCKSTACK_DB_SAVE_REJECTED":               "the original's rejected-transaction log",
	"BLOCKSTACK_TEST_MAX_RPC_LEN":               "the original's RPC server",
	"BLOCKSTACK_RPC_MAX_THREADS":                "the original's RPC server",
	"BLOCKSTACK_EPOCH_3_NAMESPACE_GRACE_PERIOD": "not a variable config.py reads (a scenario's typo of ..._LIFETIME_GRACE_PERIOD): the original ignored it",
	"BLOCKSTACK_TEST_NAMESPACE_PREORDER_EXPIRE": "NAMESPACE_PREORDER_EXPIRE has no effect in v21 (PROTOCOL.md §5.8)",
	"BLOCKSTACK_TEST_SUBDOMAINS_FIRST_BLOCK":    "bounds only the original's one-time subdomain reindex, not its per-block indexing of the zone files it is given (subdomains.py:850-929, blockstackd.py:2413-2420), so the one scenario that sets it (createdb) still indexes zone files of earlier blocks; namedb's SubdomainsFirstBlock bounds all processing, so the network keeps config.py's test value, 256",
	"BLOCKSTACK_TEST_AMOUNT_PER_WALLET":         "read by Start, not by the network",
	"BLOCKSTACK_PUBLIC_TESTNET":                 "public-testnet node settings, not rules",
}

// Network returns the network the original's test runner configured: the
// test constants of config.py under BLOCKSTACK_TEST (namespace reveals
// expire after a day, a 5-key import keyring, a 1-character namespace
// costs 41 BTC, first block 688, no confirmations, testnet addresses) with
// the scenario's overrides. An unknown variable is an error, so that a
// port never drops one silently.
func (e Env) Network() (*netparams.Network, error) {
	n := netparams.Devnet()
	n.Name = "scenario"
	n.FirstBlock = FirstBlock
	n.Confirmations = 0
	n.NamespaceRevealExpire = blocksPerDay
	n.PreorderExpire = blocksPerDay
	n.ImportKeyringSize = 5
	n.SubdomainsFirstBlock = 256

	// config.py's epoch table: ends, multipliers, grace periods, price
	// multipliers and the pay-to-creator period, per epoch.
	ends := []int64{436650, 488500, 547921, 599866, 0}
	mult := []int64{1, 2, 2, 2, 2}
	grace := []int64{0, 0, 5000, 5000, 5000}
	priceMult := []float64{1.0, 1.0, 0.1, 0, 0}
	priceDiv := []int64{0, 0, 0, 10, 10}
	receive := []int64{0, 0, blocksPerYear, blocksPerYear, blocksPerYear}

	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := e[k]
		bad := func(err error) error { return fmt.Errorf("TEST ENV %s %s: %w", k, v, err) }
		if _, ok := ignoredEnv[k]; ok {
			continue
		}
		if i, field, ok := epochVar(k); ok {
			switch field {
			case "END_BLOCK":
				x, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					return nil, bad(err)
				}
				ends[i] = x
			case "NAMESPACE_LIFETIME_MULTIPLIER":
				x, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					return nil, bad(err)
				}
				mult[i] = x
			case "NAMESPACE_LIFETIME_GRACE_PERIOD":
				x, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					return nil, bad(err)
				}
				grace[i] = x
			case "PRICE_MULTIPLIER":
				x, err := strconv.ParseFloat(v, 64)
				if err != nil {
					return nil, bad(err)
				}
				priceMult[i] = x
			case "PRICE_DIVISOR":
				x, err := strconv.ParseFloat(v, 64)
				if err != nil {
					return nil, bad(err)
				}
				priceDiv[i] = int64(x)
			case "NAMESPACE_RECEIVE_FEES_PERIOD":
				x, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					return nil, bad(err)
				}
				receive[i] = x
			default:
				return nil, fmt.Errorf("TEST ENV %s: unknown epoch variable", k)
			}
			continue
		}
		switch k {
		case "BLOCKSTACK_NAMESPACE_REVEAL_EXPIRE", "BLOCKSTACK_TEST_NAMESPACE_REVEAL_EXPIRE":
			x, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return nil, bad(err)
			}
			n.NamespaceRevealExpire = x
		case "BLOCKSTACK_TEST_NAME_PREORDER_EXPIRE":
			x, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return nil, bad(err)
			}
			n.PreorderExpire = x
		case "BLOCKSTACK_TESTNET_ID":
			if len(v) != 2 {
				return nil, bad(fmt.Errorf("a magic is 2 characters"))
			}
			n.Wire.Magic = wire.Magic{v[0], v[1]}
		default:
			return nil, fmt.Errorf("TEST ENV %s: not a variable the scenario layer knows (add it to env.go, with what it does)", k)
		}
	}

	// Namespace prices under BLOCKSTACK_TEST: NAMESPACE_1_CHAR_COST is 41
	// BTC; epoch 3 divides the table by 10; epochs 4 and 5 price in STACKS
	// (mainnet's table; no scenario here pays in STACKS).
	t12 := netparams.NamespaceTable(41*btc, 40*btc, 4*btc, btc*4/10)
	t3 := netparams.NamespaceTable(41*btc/10, 4*btc, btc*4/10, btc*4/100)
	stx := netparams.Mainnet().Epochs[3].NamespacePrices
	tables := [][wire.MaxNamespaceIDLength + 1]int64{t12, t12, t3, stx, stx}

	n.Epochs = nil
	prevEnd := int64(0)
	for i := range ends {
		end := ends[i]
		if i == len(ends)-1 {
			end = 0
		}
		if end != 0 && end < FirstBlock {
			prevEnd = end
			continue // the epoch ended before the first indexed block
		}
		if end != 0 && end <= prevEnd {
			return nil, fmt.Errorf("TEST ENV: epoch %d ends at %d, not after epoch %d (%d)", i+1, end, i, prevEnd)
		}
		n.Epochs = append(n.Epochs, netparams.Epoch{
			End: end, Rules: wire.Epoch(i + 1), LifetimeMultiplier: mult[i], GracePeriod: grace[i],
			NamePriceMultiplier: priceMult[i], NamePriceDivisor: priceDiv[i],
			NamespaceReceiveFeesPeriod: receive[i], NamespacePrices: tables[i],
		})
		if end != 0 {
			prevEnd = end
		}
	}
	if err := n.Validate(); err != nil {
		return nil, err
	}
	return n, nil
}

// epochVar splits "BLOCKSTACK_EPOCH_3_END_BLOCK" into 2 (the index) and
// "END_BLOCK".
func epochVar(k string) (int, string, bool) {
	rest, ok := strings.CutPrefix(k, "BLOCKSTACK_EPOCH_")
	if !ok || len(rest) < 3 || rest[1] != '_' || rest[0] < '1' || rest[0] > '5' {
		return 0, "", false
	}
	return int(rest[0] - '1'), rest[2:], true
}
