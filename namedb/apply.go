package namedb

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"

	"github.com/zonemirror/zonemirror/namedb/consensus"
	"github.com/zonemirror/zonemirror/namedb/netparams"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// BlockOp is one decoded operation of a block.
type BlockOp struct {
	// Vtxindex is the transaction's position in the block; operations are
	// applied in this order.
	Vtxindex int
	Tx       *wire.TxOp
}

// Block is one Bitcoin block's worth of operations.
type Block struct {
	Height int64
	// Hash is the Bitcoin block hash, kept to detect reorgs.
	Hash [32]byte
	Ops  []BlockOp
}

// Rejection is an operation the rules refused.
type Rejection struct {
	Vtxindex int
	TxID     string
	Opcode   string
	Err      *RuleError
}

// BlockResult is what applying a block did.
type BlockResult struct {
	Height        int64
	ConsensusHash wire.Hash128
	// Verified is false from epoch 4 on, where zonemirror does not claim
	// the original's consensus hash (PROTOCOL.md §2.1).
	Verified bool
	// Accepted counts the operations that changed the state.
	Accepted int
	// Ignored counts operations without consensus effect (ANNOUNCE).
	Ignored  int
	Rejected []Rejection
	// Whitelisted counts the zone-file hashes added to the whitelist.
	Whitelisted int
}

// change is what a rule decides about an operation that passes: the key it
// claims in the block (for the same-block rules), the record it serializes
// into the consensus hash, and how to write it.
type change struct {
	// claim is "name:…", "ns:…" or "pre:…" for operations that may collide
	// with others of the block; "" for the rest.
	claim string
	// opchar and field give the consensus serialization.
	opchar byte
	field  func(string) (consensus.Value, bool)
	// apiRecord is the accepted operation as the API shows it.
	apiRecord any
	// extra are fields the API record adds to apiRecord's.
	extra map[string]any
	// whitelist is the zone-file hash the operation announces, if any.
	whitelist *wire.Hash160
	name      string
	write     func(ctx context.Context) error
}

// engine applies one block into one batch.
type engine struct {
	db *DB
	// w collects the block's writes in one batch (store.go); over keeps
	// what the rules must read back until the block commits (overlay.go).
	w    *blockWriter
	over *overlay
	// rejected counts this block's refusals by code; whitelisted is the
	// index of the block's last whitelist entry.
	rejected    map[string]int64
	whitelisted int64
	// lastRecord is the record (*NameRecord or *PreorderRecord) written
	// last: an operation whose API record is the name record it wrote
	// points its row at that record's history row.
	lastRecord any
	// windowCHs are the consensus hashes of the block's window, oldest
	// first, and nameCHs each name's update hashes with them (rule_update.go).
	windowCHs []wire.Hash128
	nameCHs   map[string][]wire.Hash128
	net       *netparams.Network
	// b is the block being applied, last = b-1 the last processed block.
	b, last int64
	epoch   *netparams.Epoch
	// namespaces is the block's working copy of db.namespaces.
	namespaces map[string]*storedNamespace
	// claimed holds the keys claimed so far in this block; after the
	// pre-pass it starts with the keys that collided there.
	claimed map[string]bool
	// prepass is true while the creation pre-pass runs (no writes).
	prepass bool
	// registered lists the owners of registrations accepted earlier in the
	// block (for the quota; in the pre-pass, the senders of the earlier
	// creations, as the original counts them).
	registered [][]byte
}

// ApplyBlock checks every operation of the block against the rules, applies
// the valid ones in order and commits the new state, the block's consensus
// hash, its height and its hash in one transaction. Blocks must come in
// order: b.Height = Tip()+1.
func (db *DB) ApplyBlock(ctx context.Context, b Block) (*BlockResult, error) {
	// The writer lock is held throughout; db.mu only while the commit makes
	// the block visible, so readers never wait for the rules.
	db.wmu.Lock()
	defer db.wmu.Unlock()
	want := db.net.FirstBlock + int64(len(db.chs))
	if b.Height != want {
		return nil, fmt.Errorf("apply block %d: next block is %d", b.Height, want)
	}
	w := db.blockWriter()
	defer db.spareWriter(w)
	w.noUndo = db.bulk && b.Height < db.undoFrom
	if !w.noUndo {
		// the block logs what it replaces: it reads the store
		if err := db.commitHeld(); err != nil {
			return nil, fmt.Errorf("apply block %d: %w", b.Height, err)
		}
	}
	e := &engine{
		db: db, w: w, over: newOverlay(), rejected: map[string]int64{}, whitelisted: db.whitelistCount,
		net: db.net, b: b.Height, last: b.Height - 1,
		epoch:      db.net.EpochAt(b.Height),
		namespaces: make(map[string]*storedNamespace, len(db.namespaces)),
		claimed:    map[string]bool{},
	}
	for k, v := range db.namespaces {
		e.namespaces[k] = v
	}
	ops := append([]BlockOp(nil), b.Ops...)
	sort.SliceStable(ops, func(i, j int) bool { return ops[i].Vtxindex < ops[j].Vtxindex })

	res := &BlockResult{Height: b.Height, Verified: e.epoch.Rules <= wire.Epoch3}
	if err := e.prePass(ctx, ops); err != nil {
		return nil, fmt.Errorf("apply block %d: %w", b.Height, err)
	}
	var serialized []string
	for _, op := range ops {
		s, err := e.applyOne(ctx, op, res)
		if err != nil {
			return nil, fmt.Errorf("apply block %d, tx %d: %w", b.Height, op.Vtxindex, err)
		}
		if s != "" {
			serialized = append(serialized, s)
		}
	}

	heights := consensus.PrevHeights(b.Height, db.net.FirstBlock)
	prev := make([]wire.Hash128, len(heights))
	for i, h := range heights {
		prev[i] = db.chs[h-db.net.FirstBlock]
	}
	ch, err := consensus.Hash(consensus.OpsHash(serialized), prev)
	if err != nil {
		return nil, fmt.Errorf("apply block %d: %w", b.Height, err)
	}
	if len(b.Ops) > 0 {
		in, err := AppendBlockOps(nil, b.Ops, db.net.Wire.Magic)
		if err != nil {
			return nil, fmt.Errorf("apply block %d: keep its operations: %w", b.Height, err)
		}
		if err := w.create(inputKey(b.Height), in); err != nil {
			return nil, fmt.Errorf("apply block %d: %w", b.Height, err)
		}
	}
	if err := e.finish(ch, b.Hash, len(serialized), res.Verified); err != nil {
		return nil, fmt.Errorf("apply block %d: %w", b.Height, err)
	}
	db.mu.Lock()
	if w.noUndo {
		err = db.hold(w.writes)
	} else {
		err = w.commit()
	}
	if err != nil {
		db.mu.Unlock()
		return nil, fmt.Errorf("apply block %d: commit: %w", b.Height, err)
	}
	db.gen++
	db.commitOverlay(e.over, b.Height)
	for code, n := range e.rejected {
		db.idx.rejections[code] += n
	}
	db.whitelistCount = e.whitelisted
	db.chs = append(db.chs, ch)
	db.tipHash = b.Hash
	db.namespaces = e.namespaces
	if res.Whitelisted > 0 {
		close(db.whitelistChanged)
		db.whitelistChanged = make(chan struct{})
	}
	db.mu.Unlock()
	res.ConsensusHash = ch
	return res, nil
}

// finish writes the block's row, its consensus hash's reverse entry, the
// rejection counters and the undo log into the batch.
func (e *engine) finish(ch wire.Hash128, hash [32]byte, ops int, verified bool) error {
	// In code order: the undo log must not depend on map order.
	codes := make([]string, 0, len(e.rejected))
	for code := range e.rejected {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, code := range codes {
		old, present := e.db.idx.rejections[code]
		if err := e.w.replace(rejectionsKey(code), be64(old+e.rejected[code]), present, be64(old)); err != nil {
			return err
		}
	}
	if err := e.w.create(blockKey(e.b), blockRow{hash: hash, ch: ch, ops: ops, verified: verified}.encode()); err != nil {
		return err
	}
	if err := e.w.create(chKey(ch, e.b), nil); err != nil {
		return err
	}
	e.w.putUndo(undoKey(e.b))
	return nil
}

// isCreation reports whether op is checked by the same-block pre-pass:
// registrations (not renewals) and namespace reveals (PROTOCOL.md §7.6).
func isCreation(op *wire.TxOp) bool {
	switch o := op.Op.(type) {
	case *wire.NameRegistration:
		return !o.Renewal
	case *wire.NamespaceReveal:
		return true
	}
	return false
}

// The claims of the creations: a registration claims its name, a reveal
// its namespace.
func nameClaim(name string) string    { return "name:" + name }
func namespaceClaim(id string) string { return "ns:" + id }

// creationClaim is the claim a creation makes if it passes.
func creationClaim(op *wire.TxOp) string {
	switch o := op.Op.(type) {
	case *wire.NameRegistration:
		return nameClaim(o.Name)
	case *wire.NamespaceReveal:
		return namespaceClaim(o.NamespaceID)
	}
	return ""
}

// prePass checks every creation against the state before the block; a name
// or namespace that two or more of them pass for is claimed by none. Only
// creations that share their claim with another of the block can collide,
// so only those are checked (in most blocks, none).
func (e *engine) prePass(ctx context.Context, ops []BlockOp) error {
	claimOf := make([]string, len(ops)) // "" for an operation that is no creation
	claims := map[string]int{}
	for i, op := range ops {
		if isCreation(op.Tx) {
			claimOf[i] = creationClaim(op.Tx)
			claims[claimOf[i]]++
		}
	}
	seen := map[string]bool{}
	e.prepass = true
	defer func() { e.prepass = false; e.registered = nil }()
	for i, op := range ops {
		if claimOf[i] == "" {
			continue
		}
		reg, isReg := op.Tx.Op.(*wire.NameRegistration)
		// A registration that no other creation shares a claim with
		// cannot collide, but it counts toward the quota of the ones after
		// it, so it is checked whenever a registration follows.
		if claims[claimOf[i]] < 2 && !(isReg && e.laterCollidingRegistration(ops[i+1:], claimOf[i+1:], claims)) {
			if isReg {
				e.registered = append(e.registered, op.Tx.Sender)
			}
			continue
		}
		c, rerr, err := e.check(ctx, op)
		if err != nil {
			return err
		}
		if rerr == nil && claims[claimOf[i]] >= 2 {
			if seen[c.claim] {
				e.claimed[c.claim] = true
			}
			seen[c.claim] = true
		}
		// Every creation checked so far counts toward the quota of those
		// after it, as the original's pre-pass appends each to its
		// checked operations: a registration that passed under its new
		// owner (the check set its sender to the recipient), one that
		// failed under its transaction's sender (PROTOCOL.md §7.6 item 1).
		if isReg && !reg.Renewal {
			if rerr == nil {
				e.registered = append(e.registered, op.Tx.Recipient.Script)
			} else {
				e.registered = append(e.registered, op.Tx.Sender)
			}
		}
	}
	return nil
}

// laterCollidingRegistration reports whether a registration among ops
// shares its claim with another creation of the block: only then does the
// quota the pre-pass counts decide anything.
func (e *engine) laterCollidingRegistration(ops []BlockOp, claimOf []string, claims map[string]int) bool {
	for i, op := range ops {
		if _, ok := op.Tx.Op.(*wire.NameRegistration); ok && claims[claimOf[i]] >= 2 {
			return true
		}
	}
	return false
}

// applyOne checks and, if valid, writes one operation; it returns the
// operation's consensus serialization ("" when refused or ignored).
func (e *engine) applyOne(ctx context.Context, op BlockOp, res *BlockResult) (string, error) {
	if _, ok := op.Tx.Op.(*wire.Announce); ok {
		res.Ignored++
		return "", nil
	}
	c, rerr, err := e.check(ctx, op)
	if err != nil {
		return "", err
	}
	if rerr == nil && c.claim != "" {
		if e.claimed[c.claim] {
			rerr = reject(ErrCollision, "%s is claimed by another operation of this block", c.claim)
		} else {
			e.claimed[c.claim] = true
		}
	}
	txid := op.Tx.TxID.String()
	opcode := op.Tx.Op.OpcodeName()
	if rerr != nil {
		res.Rejected = append(res.Rejected, Rejection{Vtxindex: op.Vtxindex, TxID: txid, Opcode: opcode, Err: rerr})
		v := appendStr(appendStr(appendStr(appendStr(nil, txid), opcode), rerr.Code.String()), rerr.Description)
		if err := e.w.create(rejectionKey(e.b, op.Vtxindex), v); err != nil {
			return "", fmt.Errorf("record rejection: %w", err)
		}
		// a transaction carries one operation and is in one block
		if err := e.w.create(txKey(txid), encodeTx(e.b, op.Vtxindex, false)); err != nil {
			return "", fmt.Errorf("record rejection: %w", err)
		}
		e.rejected[rerr.Code.String()]++
		slog.Debug("operation refused", "height", e.b, "vtxindex", op.Vtxindex, "txid", txid, "op", opcode, "code", rerr.Code.String(), "reason", rerr.Description)
		return "", nil
	}
	if err := c.write(ctx); err != nil {
		return "", err
	}
	if reg, ok := op.Tx.Op.(*wire.NameRegistration); ok && !reg.Renewal {
		e.registered = append(e.registered, op.Tx.Recipient.Script)
	}
	s, err := consensus.Serialize(c.opchar, c.field)
	if err != nil {
		return "", err
	}
	if c.whitelist != nil {
		e.whitelisted++
		entry := WhitelistEntry{Index: e.whitelisted, Hash: *c.whitelist, Name: c.name, TxID: txid, Height: e.b}
		if err := e.w.create(whitelistKey(e.whitelisted), encodeWhitelist(entry, op.Vtxindex)); err != nil {
			return "", fmt.Errorf("whitelist %s: %w", c.whitelist, err)
		}
		e.over.whitelisted = append(e.over.whitelisted, *c.whitelist)
		res.Whitelisted++
	}
	row := appendStr(appendStr(nil, txid), opcode)
	if r, ok := c.apiRecord.(*NameRecord); ok && c.apiRecord == e.lastRecord && len(c.extra) == 0 && r.Vtxindex == op.Vtxindex {
		row = append(append(row, opRowHistory), r.Name...)
	} else {
		rec, err := apiRecord(c.apiRecord, c.extra)
		if err != nil {
			return "", err
		}
		row = append(row, rec...)
	}
	if err := e.w.create(opKey(e.b, op.Vtxindex), row); err != nil {
		return "", fmt.Errorf("record operation: %w", err)
	}
	if err := e.w.create(txKey(txid), encodeTx(e.b, op.Vtxindex, true)); err != nil {
		return "", fmt.Errorf("record operation: %w", err)
	}
	res.Accepted++
	return s, nil
}

// apiRecord merges extra fields into the JSON object of rec.
func apiRecord(rec any, extra map[string]any) ([]byte, error) {
	var b []byte
	var err error
	switch r := rec.(type) {
	case *NameRecord:
		b, err = marshalName(r)
	case *PreorderRecord:
		b, err = marshalPreorder(r)
	default:
		b, err = json.Marshal(rec)
	}
	if err != nil {
		return nil, fmt.Errorf("encode operation: %w", err)
	}
	if len(extra) == 0 {
		return b, nil
	}
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("encode operation: %w", err)
	}
	for k, v := range extra {
		if v == nil {
			delete(m, k)
			continue
		}
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("encode operation: %w", err)
		}
		m[k] = raw
	}
	return json.Marshal(m)
}

// check runs the rule of op's kind. A refusal is a *RuleError; err is for
// failures of the database itself.
func (e *engine) check(ctx context.Context, op BlockOp) (*change, *RuleError, error) {
	switch o := op.Tx.Op.(type) {
	case *wire.NamePreorder:
		return e.checkPreorder(ctx, op, o)
	case *wire.NameRegistration:
		if o.Renewal {
			return e.checkRenewal(ctx, op, o)
		}
		return e.checkRegistration(ctx, op, o)
	case *wire.NameUpdate:
		return e.checkUpdate(ctx, op, o)
	case *wire.NameTransfer:
		return e.checkTransfer(ctx, op, o)
	case *wire.NameRevoke:
		return e.checkRevoke(ctx, op, o)
	case *wire.NameImport:
		return e.checkImport(ctx, op, o)
	case *wire.NamespacePreorder:
		return e.checkNamespacePreorder(ctx, op, o)
	case *wire.NamespaceReveal:
		return e.checkNamespaceReveal(ctx, op, o)
	case *wire.NamespaceReady:
		return e.checkNamespaceReady(ctx, op, o)
	case *wire.TokenTransfer:
		return nil, reject(ErrTokens, "TOKEN_TRANSFER needs token accounts, which zonemirror does not keep"), nil
	}
	return nil, reject(ErrUnsupported, "operation %T has no rule", op.Tx.Op), nil
}

// --- state questions the rules ask, as the original asks them ---

// namespaceReady returns the namespace if it is ready.
func (e *engine) namespaceReady(id string) *storedNamespace {
	if ns := e.namespaces[id]; ns != nil && ns.Ready {
		return ns
	}
	return nil
}

// namespaceRevealed returns the namespace if it is revealed, not ready and
// its reveal is alive at the last processed block (so a reveal of this block
// does not count yet).
func (e *engine) namespaceRevealed(id string) *storedNamespace {
	ns := e.namespaces[id]
	if ns == nil || ns.Ready {
		return nil
	}
	if ns.RevealBlock <= e.last && e.last < ns.RevealBlock+e.net.NamespaceRevealExpire {
		return ns
	}
	return nil
}

// alive is the original's "unexpired" predicate at block cur (PROTOCOL.md
// §7.3): the name exists as of cur (created at or before it) and its
// namespace keeps it alive.
func (e *engine) alive(namespaceID string, firstRegistered, lastRenewed, cur int64) bool {
	return aliveIn(e.net, e.namespaces, namespaceID, firstRegistered, lastRenewed, cur)
}

func aliveIn(n *netparams.Network, namespaces map[string]*storedNamespace, namespaceID string, firstRegistered, lastRenewed, cur int64) bool {
	ns := namespaces[namespaceID]
	if ns == nil || firstRegistered > cur {
		return false
	}
	if ns.Ready {
		ep := n.EpochAt(cur)
		span := int64(ns.Lifetime)*ep.LifetimeMultiplier + ep.GracePeriod
		return ns.ReadyBlock+span > cur || lastRenewed+span >= cur
	}
	return ns.RevealBlock <= cur && cur < ns.RevealBlock+n.NamespaceRevealExpire
}

func (e *engine) recAlive(r *NameRecord, cur int64) bool {
	return e.alive(r.NamespaceID, r.FirstRegistered, r.LastRenewed, cur)
}

// liveName returns the name's record if it is alive at the last processed
// block (revoked or not), else nil.
func (e *engine) liveName(ctx context.Context, name string) (*storedName, error) {
	s, err := e.getName(ctx, name)
	if err != nil || s == nil {
		return nil, err
	}
	if !e.recAlive(s.NameRecord, e.last) {
		return nil, nil
	}
	return s, nil
}

// deadlines returns expire_block and renewal_deadline of a name in a ready
// namespace as seen at block cur; ok is false if the namespace is not ready.
func (e *engine) deadlines(r *NameRecord, cur int64) (expire, renewal int64, ok bool) {
	ns := e.namespaces[r.NamespaceID]
	if ns == nil || !ns.Ready {
		return 0, 0, false
	}
	return nameDeadlines(e.net, ns.Namespace, r, cur)
}

func nameDeadlines(n *netparams.Network, ns *Namespace, r *NameRecord, cur int64) (expire, renewal int64, ok bool) {
	ep := n.EpochAt(cur)
	expire = max(ns.ReadyBlock, r.LastRenewed) + int64(ns.Lifetime)*ep.LifetimeMultiplier
	return expire, expire + ep.GracePeriod, true
}

// inGrace is the original's is_name_in_grace_period at block cur.
func (e *engine) inGrace(r *NameRecord, cur int64) bool {
	if !e.recAlive(r, cur) {
		return false
	}
	expire, renewal, ok := e.deadlines(r, cur)
	return ok && cur >= expire && cur < renewal
}

// namesOwned is the original's get_num_names_owned: the live names of the
// script plus the registrations of this block that went to it.
func (e *engine) namesOwned(ctx context.Context, script []byte) (int, error) {
	names, err := e.ownedNames(ctx, script)
	if err != nil {
		return 0, err
	}
	n := len(names)
	for _, s := range e.registered {
		if bytes.Equal(s, script) {
			n++
		}
	}
	return n, nil
}

// validConsensusHash reports whether ch is one of the last window blocks'.
func (e *engine) validConsensusHash(ch wire.Hash128) bool {
	_, ok := e.consensusHashHeight(ch)
	return ok
}

// consensusHashHeight returns the newest block of the window with hash ch.
func (e *engine) consensusHashHeight(ch wire.Hash128) (int64, bool) {
	for j := e.b - 1; j >= e.b-e.net.ConsensusWindow; j-- {
		if got, ok := e.db.chAt(j); ok && got == ch {
			return j, true
		}
	}
	return 0, false
}

func isP2SH(script []byte) bool {
	return len(script) == 23 && script[0] == 0xa9 && script[1] == 0x14 && script[22] == 0x87
}

// payment checks a name payment of fee satoshis to addr against price, for
// a namespace of the given version (PROTOCOL.md §5.2).
func (e *engine) checkPayment(ns *Namespace, price netparams.Price, fee int64, addr string) *RuleError {
	switch ns.Version {
	case 1:
		if addr != e.db.burnAddress {
			return reject(ErrPaymentAddress, "paid to %s, not the burn address %s", addr, e.db.burnAddress)
		}
	case 2:
		if e.epoch.Rules < wire.Epoch3 {
			return reject(ErrNotInEpoch, "pay-to-creator namespace %s before epoch 3", ns.NamespaceID)
		}
		// paid to the creator for the epoch's receive-fees period after the
		// reveal (the original's NAMESPACE_RECEIVE_FEES_PERIOD)
		want := e.db.burnAddress
		if ns.RevealBlock+e.epoch.NamespaceReceiveFeesPeriod >= e.b {
			want = ns.Address
		}
		if addr != want {
			return reject(ErrPaymentAddress, "paid to %s, not %s", addr, want)
		}
	default:
		return reject(ErrTokens, "namespace %s is priced in STACKS", ns.NamespaceID)
	}
	if !price.Covers(fee) {
		return reject(ErrFeeTooLow, "paid %d, price is %v", fee, priceString(price))
	}
	return nil
}

func priceString(p netparams.Price) string {
	if p.IsInt {
		return fmt.Sprint(p.Int)
	}
	return consensus.PyFloat(p.Float)
}

func priceFunction(ns *Namespace) *netparams.PriceFunction {
	f := &netparams.PriceFunction{Coeff: ns.Coeff, Base: ns.Base, NonalphaDiscount: ns.NonalphaDiscount,
		NoVowelDiscount: ns.NoVowelDiscount, Version: ns.Version}
	for i := range f.Buckets {
		if i < len(ns.Buckets) {
			f.Buckets[i] = uint8(ns.Buckets[i])
		}
	}
	return f
}

// nameRecordField returns a name record's fields plus extra ones.
func nameRecordField(r *NameRecord, extra map[string]consensus.Value) func(string) (consensus.Value, bool) {
	return func(f string) (consensus.Value, bool) {
		if v, ok := extra[f]; ok {
			return v, true
		}
		return r.field(f)
	}
}

func cloneName(s *storedName) *storedName {
	r := *s.NameRecord
	return &storedName{NameRecord: &r, UpdateConsensusHash: s.UpdateConsensusHash}
}
