package namedb

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"

	"github.com/cockroachdb/pebble/v2"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// A block's input: the operations ApplyBlock got for it, each its vtxindex
// and its binary TxOp (wire.AppendTxOp), kept under I/<height> for the
// blocks that had any. They are what a snapshot exports: replayed through
// ApplyBlock, they give the same database.

func inputKey(h int64) []byte { return key(pInput, be64(h)) }

// AppendBlockOps appends the binary form of a block's operations: their
// count, then each one's vtxindex and binary TxOp.
func AppendBlockOps(dst []byte, ops []BlockOp, magic wire.Magic) ([]byte, error) {
	dst = binary.AppendUvarint(dst, uint64(len(ops)))
	for _, op := range ops {
		if op.Vtxindex < 0 || op.Tx == nil {
			return nil, fmt.Errorf("operation at %d: no transaction or a negative vtxindex", op.Vtxindex)
		}
		dst = binary.AppendUvarint(dst, uint64(op.Vtxindex))
		var err error
		if dst, err = wire.AppendTxOp(dst, op.Tx, magic); err != nil {
			return nil, fmt.Errorf("operation at %d: %w", op.Vtxindex, err)
		}
	}
	return dst, nil
}

// ErrBlockOps is wrapped by the errors of ReadBlockOps.
var ErrBlockOps = errors.New("block operations")

// maxBlockOps bounds the operations a block's input may claim (a block of
// 4 MB holds fewer transactions).
const maxBlockOps = 1 << 16

// ReadBlockOps reads what AppendBlockOps wrote, decoding the payloads in
// the rules of epoch; the vtxindexes must increase. It returns the bytes
// that follow.
func ReadBlockOps(b []byte, p wire.Params, epoch wire.Epoch) ([]BlockOp, []byte, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > maxBlockOps {
		return nil, nil, fmt.Errorf("%w: bad operation count", ErrBlockOps)
	}
	b = b[k:]
	ops := make([]BlockOp, 0, n)
	for i := range int(n) {
		vtx, k := binary.Uvarint(b)
		if k <= 0 || vtx > maxBlockOps {
			return nil, nil, fmt.Errorf("%w: operation %d: bad vtxindex", ErrBlockOps, i)
		}
		if i > 0 && int(vtx) <= ops[i-1].Vtxindex {
			return nil, nil, fmt.Errorf("%w: operation %d: vtxindex %d after %d", ErrBlockOps, i, vtx, ops[i-1].Vtxindex)
		}
		t, rest, err := wire.ReadTxOp(b[k:], p, epoch)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: operation %d (vtxindex %d): %w", ErrBlockOps, i, vtx, err)
		}
		ops = append(ops, BlockOp{Vtxindex: int(vtx), Tx: t})
		b = rest
	}
	return ops, b, nil
}

// InputsFrom is the first block whose operations the database kept: the
// network's first block, or for a database made before format 10 the
// block after its tip when it was first opened as format 10.
func (db *DB) InputsFrom() (int64, error) {
	v, ok, err := db.get(metaKey(metaInputsFrom))
	if err != nil || !ok {
		return db.net.FirstBlock, err
	}
	h, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return 0, corrupt("inputs_from", v)
	}
	return h, nil
}

// View is a consistent, read-only view of the database at one moment:
// every read through it sees the same tip, whatever blocks are applied or
// rewound meanwhile. Close it when done.
type View struct {
	db   *DB
	snap *pebble.Snapshot
	// Tip is the last block of the view (FirstBlock-1: none).
	Tip int64
	// Whitelisted is the count of whitelist entries in the view.
	Whitelisted int64
}

// View returns a consistent view of the database now.
func (db *DB) View() *View {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return &View{db: db, snap: db.kv.NewSnapshot(), Tip: db.net.FirstBlock - 1 + int64(len(db.chs)), Whitelisted: db.whitelistCount}
}

// Close releases the view.
func (v *View) Close() error { return v.snap.Close() }

// ViewBlock is one block of a view: its hash and consensus hash, and the
// operations applied in it.
type ViewBlock struct {
	Height        int64
	Hash          [32]byte
	ConsensusHash wire.Hash128
	Ops           []BlockOp
	// Input is the operations' binary form (AppendBlockOps), as stored;
	// nil for a block without operations.
	Input []byte
}

// Blocks calls f with every block of the view from height from on, in
// order. The ViewBlock and its Input are f's only until it returns.
func (v *View) Blocks(ctx context.Context, from int64, decode bool, f func(*ViewBlock) error) error {
	n := v.db.net
	inputsFrom, err := v.db.InputsFrom()
	if err != nil {
		return err
	}
	if from < inputsFrom {
		return fmt.Errorf("%w: this database kept the operations it applied only from block %d (it was made by a zonemirror before format 10, which did not keep them); to export it, delete it and sync it again", ErrNoInputs, inputsFrom)
	}
	bit, err := v.snap.NewIter(&pebble.IterOptions{LowerBound: blockKey(from), UpperBound: blockKey(v.Tip + 1)})
	if err != nil {
		return err
	}
	defer bit.Close()
	iit, err := v.snap.NewIter(&pebble.IterOptions{LowerBound: inputKey(from), UpperBound: inputKey(v.Tip + 1)})
	if err != nil {
		return err
	}
	defer iit.Close()
	hasInput := iit.First()
	vb := &ViewBlock{}
	want := from
	for ok := bit.First(); ok; ok = bit.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		row, err := decodeBlock(bit.Key(), bit.Value())
		if err != nil {
			return err
		}
		h := int64(beUint(bit.Key()[1:]))
		if h != want {
			return fmt.Errorf("%w: block %d stored after block %d", errCorrupt, h, want-1)
		}
		want++
		*vb = ViewBlock{Height: h, Hash: row.hash, ConsensusHash: row.ch}
		withInput := hasInput && int64(beUint(iit.Key()[1:])) == h
		if withInput {
			vb.Input = iit.Value() // valid until iit moves: after f
			if decode {
				if vb.Ops, _, err = ReadBlockOps(vb.Input, n.Wire, n.EpochAt(h).Rules); err != nil {
					return fmt.Errorf("block %d: %w", h, err)
				}
			}
		}
		if err := f(vb); err != nil {
			return err
		}
		if withInput {
			hasInput = iit.Next()
		}
	}
	if want != v.Tip+1 {
		return fmt.Errorf("%w: the blocks end at %d, the tip is %d", errCorrupt, want-1, v.Tip)
	}
	return nil
}

// ErrNoInputs is returned by View.Blocks for blocks whose operations the
// database did not keep.
var ErrNoInputs = errors.New("operations not kept")

// WhitelistEntries calls f with every whitelist entry of the view, in
// order.
func (v *View) WhitelistEntries(ctx context.Context, f func(WhitelistEntry) error) error {
	it, err := v.snap.NewIter(&pebble.IterOptions{LowerBound: []byte{pWhitelist}, UpperBound: []byte{pWhitelist + 1}})
	if err != nil {
		return err
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		e, err := decodeWhitelist(it.Key(), it.Value())
		if err != nil {
			return err
		}
		if err := f(e); err != nil {
			return err
		}
	}
	return nil
}
