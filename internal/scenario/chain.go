package scenario

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/btcsuite/btcd/blockchain"
	"github.com/btcsuite/btcd/btcutil/v2"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/mining"
	"github.com/btcsuite/btcd/rpcclient"
	"github.com/btcsuite/btcd/txscript/v2"
	btcwire "github.com/btcsuite/btcd/wire/v2"

	"github.com/zonemirror/zonemirror/chainsync"
	"github.com/zonemirror/zonemirror/internal/testbtcd"
	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// DefaultPaymentWIF is the runner's default payment wallet, which pays
// for the updates, transfers, revokes and renewals of every scenario.
const DefaultPaymentWIF = "5JYAj69z2GuFAZHrkhRuBKoCmKh6GcPXgcw9pbH8e8J2pu2RU9z"

// S is a running scenario: a btcd of its own, the name database chainsync
// keeps in step with it, and the wallets.
type S struct {
	t   testing.TB
	ctx context.Context
	// Net is the network of the scenario's TEST ENV.
	Net *netparams.Network
	// DB is the name database, as of the last block mined.
	DB *namedb.DB
	// Wallets are the scenario's wallets, funded as the original funded
	// them; DefaultPayment is the runner's default payment wallet.
	Wallets        []*W
	DefaultPayment *W

	node *testbtcd.Node
	rpc  *rpcclient.Client
	sync *chainsync.Syncer

	// coins are the unspent outputs of known wallets, by script; owners
	// the wallet of each script.
	coins  map[string][]coin
	owners map[string]*W
	// ledger holds every unspent output of the harness's transactions (for
	// balances); zonefiles the zone files stored with PutZonefile.
	ledger    map[btcwire.OutPoint]*btcwire.TxOut
	zonefiles map[wire.Hash160]string
	// pending are the transactions of the next block, in order.
	pending []*btcwire.MsgTx
	// subdomainsOff: the zone files are not handed to namedb's subdomain
	// indexing (SubdomainIndexing); pendingCache and didCache keep the
	// pending flag of names and the DIDs of subdomains while cacheKey
	// (subdomain state, tip, zone files held) stays (subdomains.go).
	subdomainsOff bool
	pendingCache  map[string]bool
	didCache      map[string]string
	cacheKey      [3]int64
	// the chain the harness extends: its tip, and the times of the last
	// eleven blocks (for the median-time rule).
	height   int64
	tipHash  chainhash.Hash
	bits     uint32
	times    []time.Time
	coinbase int64 // an extra nonce, so every coinbase differs
}

// Start runs a scenario's set-up as the original's runner did (see the
// package doc) and returns when the name database has applied block 688.
// wallets are the scenario's, in its order. It fails t if anything does
// not come up.
func Start(t testing.TB, env Env, wallets ...*W) *S {
	t.Helper()
	net, err := env.Network()
	if err != nil {
		t.Fatalf("scenario: %v", err)
	}
	amount := int64(50 * btc)
	if v, ok := env["BLOCKSTACK_TEST_AMOUNT_PER_WALLET"]; ok {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			t.Fatalf("scenario: TEST ENV BLOCKSTACK_TEST_AMOUNT_PER_WALLET %s: %v", v, err)
		}
		amount = n * btc
	}
	seed := sha256.Sum256([]byte("zonemirror scenario miner " + t.Name()))
	miner := Wallet(hex.EncodeToString(seed[:]) + "01")
	s := &S{t: t, ctx: context.Background(), Net: net, Wallets: wallets, DefaultPayment: Wallet(DefaultPaymentWIF),
		coins: map[string][]coin{}, owners: map[string]*W{}, ledger: map[btcwire.OutPoint]*btcwire.TxOut{}, zonefiles: map[wire.Hash160]string{}}
	for _, w := range append([]*W{miner, s.DefaultPayment}, wallets...) {
		s.owners[string(w.Script)] = w
	}

	s.node = testbtcd.Start(t, testbtcd.Options{MiningAddr: miner.Addr})
	if s.rpc, err = s.node.Client(); err != nil {
		t.Fatalf("scenario: btcd client: %v", err)
	}
	t.Cleanup(s.rpc.Shutdown)
	hashes, err := s.rpc.Generate(preludeBlocks)
	if err != nil {
		t.Fatalf("scenario: mine the first %d blocks: %v", preludeBlocks, err)
	}
	if err := s.loadTip(hashes); err != nil {
		t.Fatalf("scenario: %v", err)
	}

	// Block 682 funds the wallets from mature coinbases (block h's is
	// spendable from h+100 on).
	var pay []*btcwire.TxOut
	need := int64(0)
	if amount > 0 {
		for _, w := range wallets {
			pay = append(pay, btcwire.NewTxOut(amount, w.Script))
			need += amount
		}
	}
	pay = append(pay, btcwire.NewTxOut(250*btc, s.DefaultPayment.Script))
	need += 250*btc + btc
	var spend []coin
	for i, have := 0, int64(0); have < need; i++ {
		if i >= fundingBlock-100-1 {
			t.Fatalf("scenario: the mature coinbases do not cover %d satoshis of funding", need)
		}
		c, err := s.coinbaseCoin(hashes[i], miner)
		if err != nil {
			t.Fatalf("scenario: %v", err)
		}
		spend = append(spend, c)
		have += c.value
	}
	fund := btcwire.NewMsgTx(btcwire.TxVersion)
	var in int64
	for _, c := range spend {
		fund.AddTxIn(btcwire.NewTxIn(&c.op, nil, nil))
		in += c.value
	}
	for _, o := range pay {
		fund.AddTxOut(o)
	}
	fund.AddTxOut(btcwire.NewTxOut(in-need+btc-100_000, miner.Script))
	owners := make([]*W, len(spend))
	for i := range owners {
		owners[i] = miner
	}
	if err := sign(fund, spend, owners); err != nil {
		t.Fatalf("scenario: sign the funding: %v", err)
	}
	s.add(fund, spend)
	for s.height < FirstBlock {
		s.mine()
	}

	s.DB, err = namedb.Open(s.ctx, filepath.Join(t.TempDir(), "names"), net)
	if err != nil {
		t.Fatalf("scenario: %v", err)
	}
	t.Cleanup(func() { s.DB.Close() })
	s.sync = chainsync.New(chainsync.Config{Node: chainsync.NodeConfig{Host: s.node.RPCAddr, User: s.node.User, Pass: s.node.Pass},
		PollEvery: 20 * time.Millisecond}, s.DB)
	sctx, cancel := context.WithCancel(s.ctx)
	done := make(chan error, 1)
	go func() { done <- s.sync.Run(sctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("scenario: chain sync: %v", err)
		}
	})
	s.waitApplied()
	return s
}

// loadTip reads the tip the harness extends and the times of its last
// eleven blocks.
func (s *S) loadTip(hashes []*chainhash.Hash) error {
	for _, h := range hashes[max(0, len(hashes)-11):] {
		hdr, err := s.rpc.GetBlockHeader(h)
		if err != nil {
			return fmt.Errorf("read block %s: %w", h, err)
		}
		s.times = append(s.times, hdr.Timestamp)
		s.bits = hdr.Bits
	}
	s.height, s.tipHash = int64(len(hashes)), *hashes[len(hashes)-1]
	return nil
}

// coinbaseCoin returns the output block h pays to w.
func (s *S) coinbaseCoin(h *chainhash.Hash, w *W) (coin, error) {
	b, err := s.rpc.GetBlock(h)
	if err != nil {
		return coin{}, fmt.Errorf("read block %s: %w", h, err)
	}
	cb := b.Transactions[0]
	id := cb.TxHash()
	for i, o := range cb.TxOut {
		if bytes.Equal(o.PkScript, w.Script) {
			return coin{op: *btcwire.NewOutPoint(&id, uint32(i)), value: o.Value, script: o.PkScript}, nil
		}
	}
	return coin{}, fmt.Errorf("block %s pays nothing to %s", h, w.Addr)
}

// add queues tx for the next block: the coins it spends leave their
// wallets, and its outputs to known wallets become theirs.
func (s *S) add(tx *btcwire.MsgTx, spent []coin) {
	for _, c := range spent {
		k := string(c.script)
		s.coins[k] = slices.DeleteFunc(s.coins[k], func(x coin) bool { return x.op == c.op })
	}
	id := tx.TxHash()
	for i, o := range tx.TxOut {
		if _, ok := s.owners[string(o.PkScript)]; ok {
			s.coins[string(o.PkScript)] = append(s.coins[string(o.PkScript)], coin{op: *btcwire.NewOutPoint(&id, uint32(i)), value: o.Value, script: o.PkScript})
		}
	}
	s.ledgerAdd(tx)
	s.pending = append(s.pending, tx)
}

// NextBlock is testlib.next_block: it mines the transactions sent since
// the last block into one block, in the order they were sent, waits
// until the name database has applied it, and then hands namedb the zone
// files of the whitelist entries it has not processed for subdomains yet
// whose texts the harness holds (indexSubdomains).
func (s *S) NextBlock() {
	s.t.Helper()
	s.mine()
	s.waitApplied()
	s.indexSubdomains()
}

// NextBlocks mines n blocks (n calls of NextBlock).
func (s *S) NextBlocks(n int) {
	s.t.Helper()
	for range n {
		s.NextBlock()
	}
}

// mine builds the next block from the pending transactions and submits
// it.
func (s *S) mine() {
	s.t.Helper()
	s.coinbase++
	height := s.height + 1
	sig, err := txscript.NewScriptBuilder().AddInt64(height).AddInt64(s.coinbase).Script()
	if err != nil {
		s.t.Fatal(err)
	}
	cb := btcwire.NewMsgTx(btcwire.TxVersion)
	cb.AddTxIn(&btcwire.TxIn{PreviousOutPoint: btcwire.OutPoint{Index: btcwire.MaxPrevOutIndex}, SignatureScript: sig, Sequence: btcwire.MaxTxInSequenceNum})
	cb.AddTxOut(btcwire.NewTxOut(0, []byte{txscript.OP_TRUE}))
	txs := []*btcutil.Tx{btcutil.NewTx(cb)}
	witness := false
	for _, tx := range s.pending {
		txs = append(txs, btcutil.NewTx(tx))
		witness = witness || tx.HasWitness()
	}
	if witness {
		mining.AddWitnessCommitment(txs[0], txs)
	}
	// a time past the median of the last eleven blocks, and no earlier
	// than now
	sorted := append([]time.Time(nil), s.times...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Before(sorted[j]) })
	ts := time.Now().Truncate(time.Second)
	if median := sorted[len(sorted)/2]; !ts.After(median) {
		ts = median.Add(time.Second)
	}
	block := btcwire.MsgBlock{Header: btcwire.BlockHeader{
		Version: 0x20000000, PrevBlock: s.tipHash, MerkleRoot: blockchain.CalcMerkleRoot(txs, false),
		Timestamp: ts, Bits: s.bits,
	}}
	for _, tx := range txs {
		block.AddTransaction(tx.MsgTx())
	}
	target := blockchain.CompactToBig(s.bits)
	for {
		h := block.Header.BlockHash()
		if blockchain.HashToBig(&h).Cmp(target) <= 0 {
			break
		}
		block.Header.Nonce++
	}
	if err := s.rpc.SubmitBlock(btcutil.NewBlock(&block), nil); err != nil {
		var ids []string
		for _, tx := range s.pending {
			ids = append(ids, tx.TxHash().String())
		}
		s.t.Fatalf("scenario: btcd refused block %d (transactions %v): %v", height, ids, err)
	}
	s.height, s.tipHash = height, block.Header.BlockHash()
	s.times = append(s.times, ts)
	if len(s.times) > 11 {
		s.times = s.times[1:]
	}
	s.pending = nil
}

// waitApplied waits until the name database's tip is the harness's.
func (s *S) waitApplied() {
	s.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		tip, hash := s.DB.Tip()
		if tip == s.height {
			if chainhash.Hash(hash) != s.tipHash {
				s.t.Fatalf("scenario: the name database applied another block %d (%x) than the harness mined (%s)", tip, hash, s.tipHash)
			}
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("scenario: the name database is at block %d, btcd at %d, after 60 s: %+v", tip, s.height, s.sync.Status())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// GetCurrentBlock is testlib.get_current_block: the last block applied.
func (s *S) GetCurrentBlock() int64 { tip, _ := s.DB.Tip(); return tip }

// GetConsensusAt is testlib.get_consensus_at: the consensus hash of block
// h, as hex.
func (s *S) GetConsensusAt(h int64) string {
	s.t.Helper()
	ch, ok := s.DB.ConsensusHashAt(h)
	if !ok {
		s.t.Fatalf("scenario: no consensus hash at block %d", h)
	}
	return ch.String()
}

// consensusHash is the consensus hash the client puts in an operation:
// the node's current one.
func (s *S) consensusHash() wire.Hash128 {
	ch, _ := s.DB.ConsensusHashAt(s.GetCurrentBlock())
	return ch
}
