package txbuild

import (
	"context"
	"fmt"
	"sync"

	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/rpcclient"
	btcwire "github.com/btcsuite/btcd/wire/v2"
)

// Sender builds, signs and broadcasts transactions for keys whose coins it
// keeps track of: coins are added (coinbases, payments received) and each
// transaction sent takes its inputs away and adds its change. It is what
// the integration tests, the benchmark chain and the devnet use; it trusts
// that nobody else spends the keys' coins.
type Sender struct {
	B    *Builder
	Node *rpcclient.Client

	mu    sync.Mutex
	coins map[string][]Coin // by key address
}

// NewSender returns a sender broadcasting through node.
func NewSender(b *Builder, node *rpcclient.Client) *Sender {
	return &Sender{B: b, Node: node, coins: map[string][]Coin{}}
}

// Fork returns a sender with a copy of s's coins that broadcasts through
// node: for building a competing branch of the chain on another node.
func (s *Sender) Fork(node *rpcclient.Client) *Sender {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := NewSender(s.B, node)
	for a, cs := range s.coins {
		f.coins[a] = append([]Coin(nil), cs...)
	}
	return f
}

// AddCoins makes coins spendable by key.
func (s *Sender) AddCoins(key *Key, coins ...Coin) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.coins[key.Address] = append(s.coins[key.Address], coins...)
}

// Balance is the value of key's known coins.
func (s *Sender) Balance(key *Key) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return total(s.coins[key.Address])
}

// AddCoinbases adds the coinbase outputs paid to key by the given blocks.
func (s *Sender) AddCoinbases(ctx context.Context, key *Key, blocks []*chainhash.Hash) error {
	for _, h := range blocks {
		if err := ctx.Err(); err != nil {
			return err
		}
		b, err := s.Node.GetBlock(h)
		if err != nil {
			return fmt.Errorf("read block %s: %w", h, err)
		}
		cb := b.Transactions[0]
		id := cb.TxHash()
		for i, o := range cb.TxOut {
			if string(o.PkScript) == string(key.Script) {
				s.AddCoins(key, Coin{OutPoint: *btcwire.NewOutPoint(&id, uint32(i)), Value: o.Value, Script: o.PkScript})
			}
		}
	}
	return nil
}

// Send builds r for key from its coins, broadcasts it and returns it.
func (s *Sender) Send(key *Key, r Request) (*btcwire.MsgTx, error) {
	return s.send(key, func(coins []Coin) (*btcwire.MsgTx, error) { return s.B.Build(key, coins, r) })
}

// SendOutputs sends a transaction with the given outputs (Builder.Outputs).
func (s *Sender) SendOutputs(key *Key, outs []*btcwire.TxOut) (*btcwire.MsgTx, error) {
	return s.send(key, func(coins []Coin) (*btcwire.MsgTx, error) { return s.B.Outputs(key, coins, outs) })
}

// Pay sends a plain payment from key, and credits payees that are keys of
// this sender with their outputs.
func (s *Sender) Pay(key *Key, to []Payment, payees ...*Key) (*btcwire.MsgTx, error) {
	tx, err := s.send(key, func(coins []Coin) (*btcwire.MsgTx, error) { return s.B.Pay(key, coins, to) })
	if err != nil {
		return nil, err
	}
	id := tx.TxHash()
	for _, p := range payees {
		for i, o := range tx.TxOut {
			if string(o.PkScript) == string(p.Script) {
				s.AddCoins(p, Coin{OutPoint: *btcwire.NewOutPoint(&id, uint32(i)), Value: o.Value, Script: o.PkScript})
			}
		}
	}
	return tx, nil
}

func (s *Sender) send(key *Key, build func([]Coin) (*btcwire.MsgTx, error)) (*btcwire.MsgTx, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, err := build(s.coins[key.Address])
	if err != nil {
		return nil, err
	}
	if _, err := s.Node.SendRawTransaction(tx, true); err != nil {
		return nil, fmt.Errorf("broadcast %s: %w", tx.TxHash(), err)
	}
	spent, created := Spent(tx, key)
	left := s.coins[key.Address][:0]
	for _, c := range s.coins[key.Address] {
		used := false
		for _, op := range spent {
			if c.OutPoint == op {
				used = true
				break
			}
		}
		if !used {
			left = append(left, c)
		}
	}
	s.coins[key.Address] = append(left, created...)
	return tx, nil
}
