package netparams

import (
	"errors"
	"fmt"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// Epoch is a range of blocks with one set of rules (PROTOCOL.md §7.2).
type Epoch struct {
	// End is the last block of the epoch; 0 means no end. An epoch starts
	// after the previous one ends (the first at Network.FirstBlock).
	End int64
	// Rules is the rule set (1-5): which payload formats and features exist.
	Rules wire.Epoch
	// LifetimeMultiplier multiplies every namespace's name lifetime. Mainnet: 1 in epoch 1, then 2.
	LifetimeMultiplier int64
	// GracePeriod is how many blocks after expiry a name may still be renewed. Mainnet: 0, then 5000 from epoch 3.
	GracePeriod int64
	// NamePriceMultiplier scales BTC name prices in float epochs (rules 1-3). Mainnet: 1.0, 1.0, 0.1.
	NamePriceMultiplier float64
	// NamePriceDivisor divides BTC name prices in integer epochs (rules 4-5). Mainnet: 10.
	NamePriceDivisor int64
	// NamespaceReceiveFeesPeriod is how many blocks after its reveal a
	// pay-to-creator (version 2) namespace is paid to its creator; later
	// payments go to the burn address. Mainnet: 0, 0, then 52595.
	NamespaceReceiveFeesPeriod int64
	// NamespacePrices is the price of a namespace id by its length (index 1-19), in
	// satoshis (rules 1-3) or µSTX (rules 4-5). Index 0 is unused.
	NamespacePrices [wire.MaxNamespaceIDLength + 1]int64
}

// IntegerPrices reports whether prices are integers in this epoch (rules 4 and 5).
func (e *Epoch) IntegerPrices() bool { return e.Rules >= wire.Epoch4 }

// Network is everything that differs between Bitcoin mainnet and a devnet.
type Network struct {
	// Name is "mainnet" or the devnet's name, for logs.
	Name string
	// Wire holds the payload magic and the address version bytes.
	Wire wire.Params
	// FirstBlock is the first block indexed. Mainnet: 373601.
	FirstBlock int64
	// StopBlock is the last block indexed; 0 means none. Mainnet: 665749, the
	// Stacks 2.0 export (later blocks reuse the magic for another protocol).
	StopBlock int64
	// GenesisConsensusHash counts as the consensus hash of the four blocks
	// before FirstBlock. Mainnet and devnet: 17ac43c1d8549c3181b200f1bf97eb7d.
	GenesisConsensusHash wire.Hash128
	// Confirmations a block needs before it is applied. Mainnet: 6; devnet: 0.
	Confirmations int
	// Epochs in order; the last one usually has no end.
	Epochs []Epoch

	// NameCostUnit is the smallest name price, satoshis. Default 100.
	NameCostUnit int64
	// NamespaceRevealExpire is how long a revealed namespace waits for READY. Default 52595.
	NamespaceRevealExpire int64
	// PreorderExpire bounds name preorders from epoch 4 on, in blocks. Default 144.
	PreorderExpire int64
	// ImportKeyringSize is the number of child keys that may import. Default 300.
	ImportKeyringSize int
	// MaxNamesPerSender is the per-owner name quota. Default 25.
	MaxNamesPerSender int
	// ConsensusWindow is how many recent consensus hashes a payload may carry. Default 24.
	ConsensusWindow int64
	// MaxZonefileBytes is the largest zone file accepted. Default 40960.
	MaxZonefileBytes int
	// SubdomainsFirstBlock is where subdomain processing starts. Mainnet: 478872.
	SubdomainsFirstBlock int64
}

// Satoshi amounts of the namespace price table (PROTOCOL.md §6.2).
const (
	btc                 = 100_000_000
	namespace1CharCost  = 400 * btc
	namespace23CharCost = 40 * btc
	namespace47CharCost = 4 * btc
	namespace8UpCost    = btc * 4 / 10
	microSTX            = 1_000_000
	// blocksPerYear is the original's BLOCKS_PER_YEAR.
	blocksPerYear = 52595
)

// NamespaceTable is a namespace price table by id length: c1 for one
// character, c23 for two or three, c47 for four to seven, c8 for eight or
// more (the shape of every epoch's table, PROTOCOL.md §6.2).
func NamespaceTable(c1, c23, c47, c8 int64) (t [wire.MaxNamespaceIDLength + 1]int64) {
	for i := 1; i < len(t); i++ {
		switch {
		case i == 1:
			t[i] = c1
		case i <= 3:
			t[i] = c23
		case i <= 7:
			t[i] = c47
		default:
			t[i] = c8
		}
	}
	return t
}

var genesisCH = wire.Hash128{0x17, 0xac, 0x43, 0xc1, 0xd8, 0x54, 0x9c, 0x31, 0x81, 0xb2, 0x00, 0xf1, 0xbf, 0x97, 0xeb, 0x7d}

func defaults(n *Network) *Network {
	n.GenesisConsensusHash = genesisCH
	n.NameCostUnit = 100
	n.NamespaceRevealExpire = blocksPerYear
	n.PreorderExpire = 144
	n.ImportKeyringSize = 300
	n.MaxNamesPerSender = 25
	n.ConsensusWindow = 24
	n.MaxZonefileBytes = 40960
	return n
}

// Mainnet returns Bitcoin mainnet's parameters (PROTOCOL.md §11.1).
func Mainnet() *Network {
	t12 := NamespaceTable(namespace1CharCost, namespace23CharCost, namespace47CharCost, namespace8UpCost)
	t3 := NamespaceTable(namespace1CharCost/10, namespace23CharCost/10, namespace47CharCost/10, namespace8UpCost/10)
	tSTX := NamespaceTable(640_000*microSTX, 64_000*microSTX, 6_400*microSTX, 640*microSTX)
	return defaults(&Network{
		Name:                 "mainnet",
		Wire:                 wire.MainnetParams,
		FirstBlock:           373601,
		StopBlock:            665749,
		Confirmations:        6,
		SubdomainsFirstBlock: 478872,
		Epochs: []Epoch{
			{End: 436650, Rules: wire.Epoch1, LifetimeMultiplier: 1, GracePeriod: 0, NamePriceMultiplier: 1.0, NamespacePrices: t12},
			{End: 488500, Rules: wire.Epoch2, LifetimeMultiplier: 2, GracePeriod: 0, NamePriceMultiplier: 1.0, NamespacePrices: t12},
			{End: 547921, Rules: wire.Epoch3, LifetimeMultiplier: 2, GracePeriod: 5000, NamePriceMultiplier: 0.1, NamespaceReceiveFeesPeriod: blocksPerYear, NamespacePrices: t3},
			{End: 599866, Rules: wire.Epoch4, LifetimeMultiplier: 2, GracePeriod: 5000, NamePriceDivisor: 10, NamespaceReceiveFeesPeriod: blocksPerYear, NamespacePrices: tSTX},
			{End: 0, Rules: wire.Epoch5, LifetimeMultiplier: 2, GracePeriod: 5000, NamePriceDivisor: 10, NamespaceReceiveFeesPeriod: blocksPerYear, NamespacePrices: tSTX},
		},
	})
}

// Devnet returns the default devnet (PROTOCOL.md §11.2): testnet addresses,
// first block 1, no confirmations, and one epoch with the rules of mainnet
// epoch 3. Tests and configs change what they need and call Validate.
func Devnet() *Network {
	return defaults(&Network{
		Name:                 "devnet",
		Wire:                 wire.TestnetParams,
		FirstBlock:           1,
		Confirmations:        0,
		SubdomainsFirstBlock: 1,
		Epochs: []Epoch{
			{End: 0, Rules: wire.Epoch3, LifetimeMultiplier: 2, GracePeriod: 5000, NamePriceMultiplier: 0.1, NamespaceReceiveFeesPeriod: blocksPerYear,
				NamespacePrices: NamespaceTable(namespace1CharCost/10, namespace23CharCost/10, namespace47CharCost/10, namespace8UpCost/10)},
		},
	})
}

// EpochAt returns the epoch of block height h: the first whose End ≥ h (or
// that has no end). Heights before FirstBlock belong to the first epoch.
func (n *Network) EpochAt(h int64) *Epoch {
	for i := range n.Epochs {
		if e := &n.Epochs[i]; e.End == 0 || h <= e.End {
			return e
		}
	}
	return &n.Epochs[len(n.Epochs)-1]
}

// Validate checks the parameters once, at start, naming the bad key.
func (n *Network) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("network %q: %s: %s", n.Name, key, fmt.Sprintf(format, args...)))
	}
	if n.FirstBlock < 1 {
		bad("first_block", "%d, want ≥ 1", n.FirstBlock)
	}
	if n.StopBlock != 0 && n.StopBlock < n.FirstBlock {
		bad("stop_block", "%d is before first_block %d", n.StopBlock, n.FirstBlock)
	}
	if n.Confirmations < 0 {
		bad("confirmations", "%d, want ≥ 0", n.Confirmations)
	}
	if len(n.Epochs) == 0 {
		bad("epochs", "none given")
	}
	prevEnd := n.FirstBlock - 1
	for i, e := range n.Epochs {
		key := fmt.Sprintf("epochs[%d]", i)
		if e.Rules < wire.Epoch1 || e.Rules > wire.MaxEpoch {
			bad(key+".rules", "%d, want 1-%d", e.Rules, wire.MaxEpoch)
		}
		if i > 0 && e.Rules < n.Epochs[i-1].Rules {
			bad(key+".rules", "%d after %d: rule sets only move forward", e.Rules, n.Epochs[i-1].Rules)
		}
		if e.End == 0 && i != len(n.Epochs)-1 {
			bad(key+".end", "only the last epoch may be open-ended")
		}
		if e.End != 0 && e.End <= prevEnd {
			bad(key+".end", "%d does not come after %d", e.End, prevEnd)
		}
		prevEnd = e.End
		if e.LifetimeMultiplier < 1 {
			bad(key+".lifetime_multiplier", "%d, want ≥ 1", e.LifetimeMultiplier)
		}
		if e.GracePeriod < 0 {
			bad(key+".grace_period", "%d, want ≥ 0", e.GracePeriod)
		}
		if e.NamespaceReceiveFeesPeriod < 0 {
			bad(key+".namespace_receive_fees_period", "%d, want ≥ 0", e.NamespaceReceiveFeesPeriod)
		}
		if e.IntegerPrices() && e.NamePriceDivisor < 1 {
			bad(key+".name_price_divisor", "%d, want ≥ 1 in rule set %d", e.NamePriceDivisor, e.Rules)
		}
		if !e.IntegerPrices() && !(e.NamePriceMultiplier > 0) {
			bad(key+".name_price_multiplier", "%v, want > 0 in rule set %d", e.NamePriceMultiplier, e.Rules)
		}
		for l := 1; l < len(e.NamespacePrices); l++ {
			if e.NamespacePrices[l] < 0 {
				bad(key+".namespace_prices", "length %d: %d, want ≥ 0", l, e.NamespacePrices[l])
			}
		}
	}
	for key, v := range map[string]int64{
		"name_cost_unit": n.NameCostUnit, "namespace_reveal_expire": n.NamespaceRevealExpire,
		"import_keyring_size": int64(n.ImportKeyringSize), "max_names_per_sender": int64(n.MaxNamesPerSender),
		"consensus_window": n.ConsensusWindow, "max_zonefile_bytes": int64(n.MaxZonefileBytes),
		"preorder_expire": n.PreorderExpire,
	} {
		if v < 1 {
			bad(key, "%d, want ≥ 1", v)
		}
	}
	return errors.Join(errs...)
}

// Named returns a built-in network: "mainnet", "regtest" (the devnet on
// btcd regtest) or "simnet" (the devnet on btcd simnet, which keeps its
// chain across restarts). Both devnets record and serve testnet addresses
// (0x6f/0xc4), as the original did on every network but mainnet; only what
// is said to btcd itself (a mining address, an address index query) takes
// btcd's own form. A devnet of other parameters is made from Devnet.
func Named(name string) (*Network, error) {
	switch name {
	case "mainnet":
		return Mainnet(), nil
	case "regtest":
		n := Devnet()
		n.Name = "regtest"
		return n, nil
	case "simnet":
		n := Devnet()
		n.Name = "simnet"
		return n, nil
	}
	return nil, fmt.Errorf("unknown network %q (mainnet, regtest or simnet)", name)
}
