package txbuild

import (
	"context"
	"errors"
	"fmt"

	"github.com/btcsuite/btcd/address/v2"
	"github.com/btcsuite/btcd/btcjson"
	"github.com/btcsuite/btcd/chaincfg/v2"
	"github.com/btcsuite/btcd/rpcclient"
	btcwire "github.com/btcsuite/btcd/wire/v2"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// NodeCoins returns the spendable outputs of key's address that a btcd
// with --addrindex and --txindex knows, the mempool included: every
// transaction paying the address (searchrawtransactions), less the outputs
// spent already and the coinbases not yet mature (gettxout). chain gives
// btcd's address format and coinbase maturity.
func NodeCoins(ctx context.Context, rpc *rpcclient.Client, key *Key, chain *chaincfg.Params) ([]Coin, error) {
	addr, err := nodeAddress(key, chain)
	if err != nil {
		return nil, err
	}
	var coins []Coin
	seen := map[btcwire.OutPoint]bool{}
	const page = 200
	for skip := 0; ; skip += page {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		txs, err := rpc.SearchRawTransactions(addr, skip, page, false, nil)
		if err != nil {
			if skip == 0 && isNoTransactions(err) {
				return nil, nil
			}
			if skip > 0 && isNoTransactions(err) {
				break
			}
			return nil, fmt.Errorf("coins of %s (is the node's addrindex on?): %w", key.Address, err)
		}
		for _, tx := range txs {
			h := tx.TxHash()
			for i, o := range tx.TxOut {
				op := btcwire.OutPoint{Hash: h, Index: uint32(i)}
				if string(o.PkScript) != string(key.Script) || seen[op] {
					continue
				}
				seen[op] = true
				out, err := rpc.GetTxOut(&h, uint32(i), true)
				if err != nil {
					return nil, fmt.Errorf("coins of %s: gettxout %s: %w", key.Address, op, err)
				}
				if out == nil || (out.Coinbase && out.Confirmations < int64(chain.CoinbaseMaturity)) {
					continue // spent, or a coinbase that cannot be spent yet
				}
				coins = append(coins, Coin{OutPoint: op, Value: o.Value, Script: o.PkScript})
			}
		}
		if len(txs) < page {
			break
		}
	}
	return coins, nil
}

// NodeAddress is key's p2pkh address in btcd's own form for chain, for
// what is said to btcd itself (its --miningaddr): a devnet records the
// testnet form (0x6f) while btcd's simnet wants its own (0x3f).
func NodeAddress(key *Key, chain *chaincfg.Params) (string, error) {
	addr, err := nodeAddress(key, chain)
	if err != nil {
		return "", err
	}
	return addr.EncodeAddress(), nil
}

func nodeAddress(key *Key, chain *chaincfg.Params) (*address.AddressPubKeyHash, error) {
	h := wire.SumHash160(key.Pub)
	addr, err := address.NewAddressPubKeyHash(h[:], chain)
	if err != nil {
		return nil, fmt.Errorf("node address of %s: %w", key.Address, err)
	}
	return addr, nil
}

// isNoTransactions reports btcd's answer for an address it has no
// transactions of, or none past skip (an error, not an empty list).
func isNoTransactions(err error) bool {
	var rerr *btcjson.RPCError
	return errors.As(err, &rerr) && rerr.Code == btcjson.ErrRPCNoTxInfo
}
