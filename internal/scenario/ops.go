package scenario

import (
	"encoding/hex"
	"fmt"
	"slices"
	"sort"

	"github.com/btcsuite/btcd/txscript/v2"
	btcwire "github.com/btcsuite/btcd/wire/v2"

	"github.com/zonemirror/zonemirror/chainsync"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// The operations, built as blockstack.js 19.3 (src/operations/txbuild.ts
// and skeletons.ts) built them for the original's test framework:
//
//	preorder, namespace preorder: [OP_RETURN, payer change, payment]
//	registration, reveal, import: [OP_RETURN, recipient (5500), (import: zone-file hash, 5500), payer change]
//	ready, announce:              [OP_RETURN, payer change]
//	update, revoke:               [OP_RETURN, owner, payer change]
//	transfer:                     [OP_RETURN, new owner (5500), owner, payer change]
//	renewal:                      [OP_RETURN, new owner (5500), owner, payment, payer change]
//
// Updates, transfers, revokes and renewals spend the owner's smallest coin
// first (so the owner is the sender) and return its value to the owner; the
// runner's default payment wallet pays the rest. Prices are what the
// client asked the node for: the price at the last block, rounded up, at
// least 5,500 satoshis; names are paid to burnAddressFor's address.

const (
	// dust is blockstack.js's DUST_MINIMUM.
	dust = 5500
	// feeRate is satoshis per byte.
	feeRate = 10
)

// Sent is an operation sent: its transaction, for scenarios that look at
// it.
type Sent struct {
	Tx   *btcwire.MsgTx
	TxID string
}

// Opt changes an operation the way testlib's keyword arguments do.
type Opt func(*opts)

type opts struct {
	consensusHash *wire.Hash128
	price         *int64
	burnAddr      string
	zonefileHash  *wire.Hash160
	recipient     string
	payer         *W
}

// ConsensusHash sets the consensus hash the operation carries
// (consensus_hash=…), as hex.
func ConsensusHash(ch string) Opt {
	return func(o *opts) {
		h, err := wire.ParseHash128(ch)
		if err != nil {
			panic(fmt.Sprintf("scenario: consensus hash %q: %v", ch, err))
		}
		o.consensusHash = &h
	}
}

// Price sets the amount paid in satoshis (price={'units': 'BTC', …}).
func Price(satoshis int64) Opt { return func(o *opts) { o.price = &satoshis } }

// BurnAddr sets where the payment goes (burn_addr=…).
func BurnAddr(addr string) Opt { return func(o *opts) { o.burnAddr = addr } }

// ZonefileHash sets the value hash of a registration or renewal
// (zonefile_hash=…), as hex.
func ZonefileHash(h string) Opt {
	return func(o *opts) {
		v := mustHash160(h)
		o.zonefileHash = &v
	}
}

// Recipient sets a renewal's new owner (recipient_addr=…).
func Recipient(addr string) Opt { return func(o *opts) { o.recipient = addr } }

// Payer sets who pays for an update, transfer, revoke or renewal instead
// of the default payment wallet.
func Payer(w *W) Opt { return func(o *opts) { o.payer = w } }

func mustHash160(s string) wire.Hash160 {
	h, err := wire.ParseHash160(s)
	if err != nil {
		panic(fmt.Sprintf("scenario: hash %q: %v", s, err))
	}
	return h
}

func collect(os []Opt) *opts {
	o := &opts{}
	for _, f := range os {
		f(o)
	}
	return o
}

// NamespacePreorder is testlib.blockstack_namespace_preorder(id,
// register_addr, privatekey).
func (s *S) NamespacePreorder(id, revealAddr string, payer *W, os ...Opt) *Sent {
	s.t.Helper()
	o := collect(os)
	hash, err := wire.PreorderHash(id, payer.Script, AddrReencode(revealAddr))
	if err != nil {
		s.t.Fatalf("scenario: namespace preorder %s: %v", id, err)
	}
	fee := s.namespacePrice(id)
	if o.price != nil {
		fee = *o.price
	}
	burn := s.Net.Wire.Address(wire.BurnScript())
	if o.burnAddr != "" {
		burn = o.burnAddr
	}
	op := &wire.NamespacePreorder{PreorderHash: hash, ConsensusHash: s.ch(o)}
	return s.send(payer, nil, s.payload(op), []*btcwire.TxOut{btcwire.NewTxOut(dust, payer.Script), btcwire.NewTxOut(fee, scriptOf(AddrReencode(burn)))}, 1)
}

// NamespaceReveal is testlib.blockstack_namespace_reveal(id, register_addr,
// lifetime, coeff, base, buckets, nonalpha_discount, no_vowel_discount,
// privatekey, version_bits=1).
func (s *S) NamespaceReveal(id, revealAddr string, lifetime uint32, coeff, base int, buckets []int, nonalpha, noVowel int, payer *W, version ...uint16) *Sent {
	s.t.Helper()
	if len(buckets) != wire.NamespaceBuckets {
		s.t.Fatalf("scenario: reveal %s: %d buckets", id, len(buckets))
	}
	r := &wire.NamespaceReveal{Lifetime: lifetime, Coeff: uint8(coeff), Base: uint8(base),
		NonalphaDiscount: uint8(nonalpha), NoVowelDiscount: uint8(noVowel), Version: 1, NamespaceID: id}
	if len(version) > 0 {
		r.Version = version[0]
	}
	for i, b := range buckets {
		r.Buckets[i] = uint8(b)
	}
	return s.send(payer, nil, s.payload(r), []*btcwire.TxOut{btcwire.NewTxOut(dust, scriptOf(AddrReencode(revealAddr)))}, -1)
}

// NamespaceReady is testlib.blockstack_namespace_ready(id, privatekey).
func (s *S) NamespaceReady(id string, revealer *W) *Sent {
	s.t.Helper()
	return s.send(revealer, nil, s.payload(&wire.NamespaceReady{NamespaceID: id}), nil, -1)
}

// NamePreorder is testlib.blockstack_name_preorder(name, privatekey,
// register_addr).
func (s *S) NamePreorder(name string, payer *W, registerAddr string, os ...Opt) *Sent {
	s.t.Helper()
	o := collect(os)
	hash, err := wire.PreorderHash(name, payer.Script, AddrReencode(registerAddr))
	if err != nil {
		s.t.Fatalf("scenario: preorder %s: %v", name, err)
	}
	fee := s.namePrice(name)
	if o.price != nil {
		fee = *o.price
	}
	burn := s.burnAddressFor(name)
	if o.burnAddr != "" {
		burn = o.burnAddr
	}
	op := &wire.NamePreorder{PreorderHash: hash, ConsensusHash: s.ch(o)}
	return s.send(payer, nil, s.payload(op), []*btcwire.TxOut{btcwire.NewTxOut(dust, payer.Script), btcwire.NewTxOut(fee, scriptOf(AddrReencode(burn)))}, 1)
}

// NameRegister is testlib.blockstack_name_register(name, privatekey,
// register_addr, zonefile_hash=…).
func (s *S) NameRegister(name string, payer *W, registerAddr string, os ...Opt) *Sent {
	s.t.Helper()
	o := collect(os)
	op := &wire.NameRegistration{Name: name, ValueHash: o.zonefileHash}
	return s.send(payer, nil, s.payload(op), []*btcwire.TxOut{btcwire.NewTxOut(dust, scriptOf(AddrReencode(registerAddr)))}, -1)
}

// NameUpdate is testlib.blockstack_name_update(name, data_hash,
// privatekey).
func (s *S) NameUpdate(name, dataHash string, owner *W, os ...Opt) *Sent {
	s.t.Helper()
	o := collect(os)
	op := &wire.NameUpdate{NameConsensusHash: wire.NameConsensusHash(name, s.ch(o)), ValueHash: mustHash160(dataHash)}
	return s.sendAsOwner(owner, o, s.payload(op), nil, false)
}

// NameTransfer is testlib.blockstack_name_transfer(name, address,
// keepdata, privatekey).
func (s *S) NameTransfer(name, addr string, keepData bool, owner *W, os ...Opt) *Sent {
	s.t.Helper()
	o := collect(os)
	op := &wire.NameTransfer{KeepData: keepData, NameHash128: wire.NameHash128(name), ConsensusHash: s.ch(o)}
	return s.sendAsOwner(owner, o, s.payload(op), []*btcwire.TxOut{btcwire.NewTxOut(dust, scriptOf(AddrReencode(addr)))}, false)
}

// NameRenew is testlib.blockstack_name_renew(name, privatekey,
// recipient_addr=…, burn_addr=…, zonefile_hash=…, price=…).
func (s *S) NameRenew(name string, owner *W, os ...Opt) *Sent {
	s.t.Helper()
	o := collect(os)
	recipient := owner.Addr
	if o.recipient != "" {
		recipient = AddrReencode(o.recipient)
	}
	fee := s.namePrice(name)
	if o.price != nil {
		fee = *o.price
	}
	burn := s.burnAddressFor(name)
	if o.burnAddr != "" {
		burn = o.burnAddr
	}
	op := &wire.NameRegistration{Name: name, ValueHash: o.zonefileHash, Renewal: true}
	outs := []*btcwire.TxOut{
		btcwire.NewTxOut(dust, scriptOf(recipient)),
		btcwire.NewTxOut(dust, owner.Script), // the owner's coin's value, set when it is picked
		btcwire.NewTxOut(fee, scriptOf(AddrReencode(burn))),
	}
	return s.sendAsOwner(owner, o, s.payload(op), outs, true)
}

// NameRevoke is testlib.blockstack_name_revoke(name, privatekey).
func (s *S) NameRevoke(name string, owner *W, os ...Opt) *Sent {
	s.t.Helper()
	return s.sendAsOwner(owner, collect(os), s.payload(&wire.NameRevoke{Name: name}), nil, false)
}

// NameImport is testlib.blockstack_name_import(name, recipient_address,
// update_hash, privatekey).
func (s *S) NameImport(name, recipientAddr, updateHash string, importer *W) *Sent {
	s.t.Helper()
	h := mustHash160(updateHash)
	outs := []*btcwire.TxOut{btcwire.NewTxOut(dust, scriptOf(AddrReencode(recipientAddr))), btcwire.NewTxOut(dust, p2pkhScript(h[:]))}
	return s.send(importer, nil, s.payload(&wire.NameImport{Name: name}), outs, -1)
}

// Announce is testlib.blockstack_announce(message, privatekey): the
// message's hash160.
func (s *S) Announce(message string, sender *W) *Sent {
	s.t.Helper()
	return s.send(sender, nil, s.payload(&wire.Announce{MessageHash: wire.SumHash160([]byte(message))}), nil, -1)
}

// SendFunds is testlib.send_funds(privkey, satoshis, payment_addr): a plain
// payment, with change.
func (s *S) SendFunds(from *W, satoshis int64, addr string) *Sent {
	s.t.Helper()
	return s.send(from, nil, nil, []*btcwire.TxOut{btcwire.NewTxOut(satoshis, scriptOf(AddrReencode(addr)))}, -1)
}

// SendRaw queues a transaction of the caller's (testlib.broadcast_transaction
// of a hand-made one): spend are coins of from it spends, in input order;
// its inputs are signed here.
func (s *S) SendRaw(from *W, tx *btcwire.MsgTx) *Sent {
	s.t.Helper()
	var spent []coin
	var owners []*W
	for _, in := range tx.TxIn {
		c, ok := s.coinAt(from, in.PreviousOutPoint)
		if !ok {
			s.t.Fatalf("scenario: %s has no coin %s", from, in.PreviousOutPoint)
		}
		spent = append(spent, c)
		owners = append(owners, from)
	}
	if err := sign(tx, spent, owners); err != nil {
		s.t.Fatalf("scenario: %v", err)
	}
	s.add(tx, spent)
	return &Sent{Tx: tx, TxID: tx.TxHash().String()}
}

// Coins returns the outpoints and values of a wallet's unspent outputs,
// largest first, for scenarios that build transactions by hand.
func (s *S) Coins(w *W) []btcwire.TxOut {
	var out []btcwire.TxOut
	for _, c := range s.coins[string(w.Script)] {
		out = append(out, btcwire.TxOut{Value: c.value, PkScript: c.script})
	}
	return out
}

// FundingInput returns an input spending w's largest coin and its value.
func (s *S) FundingInput(w *W) (*btcwire.TxIn, int64) {
	s.t.Helper()
	cs := s.coins[string(w.Script)]
	if len(cs) == 0 {
		s.t.Fatalf("scenario: %s has no coins", w)
	}
	best := cs[0]
	for _, c := range cs {
		if c.value > best.value {
			best = c
		}
	}
	return btcwire.NewTxIn(&best.op, nil, nil), best.value
}

func (s *S) coinAt(w *W, op btcwire.OutPoint) (coin, bool) {
	for _, c := range s.coins[string(w.Script)] {
		if c.op == op {
			return c, true
		}
	}
	return coin{}, false
}

func (s *S) ch(o *opts) wire.Hash128 {
	if o.consensusHash != nil {
		return *o.consensusHash
	}
	return s.consensusHash()
}

// payload is the OP_RETURN output of op.
func (s *S) payload(op wire.Op) *btcwire.TxOut {
	s.t.Helper()
	b, err := wire.Encode(op, s.Net.Wire.Magic)
	if err != nil {
		s.t.Fatalf("scenario: encode %T: %v", op, err)
	}
	script, err := txscript.NullDataScript(b)
	if err != nil {
		s.t.Fatalf("scenario: %v", err)
	}
	return btcwire.NewTxOut(0, script)
}

// send builds, signs and queues a transaction paid by payer: the payload
// (nil for a plain payment), then outs; changeAt is the index in the
// transaction of payer's change output, or -1 to append one. The inputs: the owner's
// coin first when ownerCoin is set, then payer's coins as blockstack.js's
// addUTXOsToFund picks them.
func (s *S) send(payer *W, ownerCoin *ownerInput, payload *btcwire.TxOut, outs []*btcwire.TxOut, changeAt int) *Sent {
	s.t.Helper()
	tx := btcwire.NewMsgTx(1)
	if payload != nil {
		tx.AddTxOut(payload)
	}
	for _, o := range outs {
		tx.AddTxOut(o)
	}
	var spent []coin
	var owners []*W
	var in int64
	if ownerCoin != nil {
		tx.AddTxIn(btcwire.NewTxIn(&ownerCoin.c.op, nil, nil))
		spent, owners, in = append(spent, ownerCoin.c), append(owners, ownerCoin.w), ownerCoin.c.value
	}
	change := changeAt
	if changeAt < 0 {
		tx.AddTxOut(btcwire.NewTxOut(dust, payer.Script))
		change = len(tx.TxOut) - 1
	}
	var out int64
	for _, o := range tx.TxOut {
		out += o.Value
	}
	available := slices.DeleteFunc(append([]coin(nil), s.coins[string(payer.Script)]...), func(c coin) bool {
		return ownerCoin != nil && c.op == ownerCoin.c.op
	})
	toFund := txBytes(len(tx.TxIn), tx.TxOut)*feeRate + out - in
	picked, left, err := addCoinsToFund(available, toFund)
	if err != nil {
		s.t.Fatalf("scenario: %s cannot pay %d satoshis: %v", payer, toFund, err)
	}
	for _, c := range picked {
		tx.AddTxIn(btcwire.NewTxIn(&c.op, nil, nil))
		spent, owners = append(spent, c), append(owners, payer)
	}
	tx.TxOut[change].Value += left
	if err := sign(tx, spent, owners); err != nil {
		s.t.Fatalf("scenario: %v", err)
	}
	s.add(tx, spent)
	return &Sent{Tx: tx, TxID: tx.TxHash().String()}
}

type ownerInput struct {
	c coin
	w *W
}

// sendAsOwner is an operation the owner sends and the payment wallet pays
// for: the owner's smallest coin is input 0 and its value goes back to the
// owner — as output 2 of a renewal (ownerAt2), else after outs.
func (s *S) sendAsOwner(owner *W, o *opts, payload *btcwire.TxOut, outs []*btcwire.TxOut, ownerAt2 bool) *Sent {
	s.t.Helper()
	cs := append([]coin(nil), s.coins[string(owner.Script)]...)
	if len(cs) == 0 {
		s.t.Fatalf("scenario: owner %s has no coins (blockstack.js: \"Owner has no UTXOs\")", owner)
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].value < cs[j].value })
	oc := &ownerInput{c: cs[0], w: owner}
	if ownerAt2 {
		outs[1].Value = oc.c.value
	} else {
		outs = append(outs, btcwire.NewTxOut(oc.c.value, owner.Script))
	}
	payer := s.DefaultPayment
	if o.payer != nil {
		payer = o.payer
	}
	return s.send(payer, oc, payload, outs, -1)
}

// txBytes is blockstack.js's estimateTXBytes: unsigned inputs count as
// 148 bytes (p2pkh).
func txBytes(inputs int, outs []*btcwire.TxOut) int64 {
	n := int64(4 + 1 + 1 + 4 + inputs*(32+4+1+4+107))
	for _, o := range outs {
		n += 8 + 1 + int64(len(o.PkScript))
	}
	return n
}

// addCoinsToFund is blockstack.js's addUTXOsToFund: the smallest coin that
// covers the amount and its input's fee, else the largest and recurse. It
// returns the coins and what is left over (the change).
func addCoinsToFund(coins []coin, amount int64) ([]coin, int64, error) {
	const newFees = feeRate * (32 + 4 + 1 + 4 + 107)
	if len(coins) == 0 {
		return nil, 0, fmt.Errorf("no coins left for %d satoshis", amount)
	}
	sorted := append([]coin(nil), coins...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].value < sorted[j].value })
	for _, c := range sorted {
		if c.value >= amount+newFees {
			return []coin{c}, c.value - amount - newFees, nil
		}
	}
	largest := sorted[len(sorted)-1]
	if newFees >= largest.value {
		return nil, 0, fmt.Errorf("the largest coin (%d) does not pay its own fee", largest.value)
	}
	rest, left, err := addCoinsToFund(sorted[:len(sorted)-1], amount-largest.value+newFees)
	if err != nil {
		return nil, 0, err
	}
	return append([]coin{largest}, rest...), left, nil
}

// namePrice is what the client pays for name: the node's price at its last
// block (blockstackd get_name_cost: rounded up), at least 5,500.
func (s *S) namePrice(name string) int64 {
	s.t.Helper()
	return max(s.NameCost(name), dust)
}

// namespacePrice is the node's price of a namespace id at its last block,
// at least 5,500.
func (s *S) namespacePrice(id string) int64 {
	s.t.Helper()
	return max(s.NamespaceCost(id), dust)
}

// burnAddressFor is the test client's namespace burn address
// (cli-blockstack src/network.js getNamespaceBurnAddress): a version-2
// namespace's creator while reveal_block + the receive-fees period >
// the tip — the period testlib passed the CLI (-N) being the epoch's
// NAMESPACE_RECEIVE_FEES_PERIOD at the current block — else the burn
// address.
func (s *S) burnAddressFor(name string) string { return s.ClientBurnAddress(name) }

// ClientBurnAddress is where the test client pays for name (see
// burnAddressFor): scenarios that check the client's refusal of another
// address compare with it.
func (s *S) ClientBurnAddress(name string) string {
	_, nsID, _ := wire.SplitName(name)
	cur := s.GetCurrentBlock()
	if ns, ok := s.DB.Namespace(nsID); ok && ns.Version == wire.NamespaceVersionPayToCreator &&
		ns.RevealBlock+s.Net.EpochAt(cur).NamespaceReceiveFeesPeriod > cur {
		return ns.Address
	}
	return s.Net.Wire.Address(wire.BurnScript())
}

// Hex is the hex of a transaction, for scenarios that print it.
func Hex(tx *btcwire.MsgTx) string {
	var b []byte
	buf := new(bytesBuffer)
	if err := tx.Serialize(buf); err == nil {
		b = buf.b
	}
	return hex.EncodeToString(b)
}

type bytesBuffer struct{ b []byte }

func (w *bytesBuffer) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }

// Adopt makes a wallet the harness did not fund (a child key) one whose
// coins it tracks from now on; it returns w.
func (s *S) Adopt(w *W) *W {
	s.owners[string(w.Script)] = w
	return w
}

// SendData is a payment of amount to addr from w with an OP_RETURN output
// carrying data first (virtualchain_bad_opcodes's mktx).
func (s *S) SendData(w *W, data []byte, amount int64, addr string) *Sent {
	s.t.Helper()
	script, err := txscript.NullDataScript(data)
	if err != nil {
		s.t.Fatalf("scenario: %v", err)
	}
	return s.send(w, nil, btcwire.NewTxOut(0, script), []*btcwire.TxOut{btcwire.NewTxOut(amount, scriptOf(AddrReencode(addr)))}, -1)
}

// SyncStatus is chainsync's status: what the decoder refused, by reason.
func (s *S) SyncStatus() chainsync.Status { return s.sync.Status() }
