package consensus

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// EmptyLeaf is the leaf of a block without operations: hex(sha256d("")).
const EmptyLeaf = "5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456"

func sha256d(b []byte) [32]byte {
	h := sha256.Sum256(b)
	return sha256.Sum256(h[:])
}

// Leaf is hex(sha256d(serialization)): one operation's Merkle leaf.
func Leaf(serialized string) string {
	h := sha256d([]byte(serialized))
	return hex.EncodeToString(h[:])
}

// MerkleRoot is virtualchain's Merkle root over hex strings: each is decoded
// and byte-reversed; pairs are hashed with sha256d (an odd row repeats its
// last element) until one remains, which is returned byte-reversed as hex.
// One element is returned as it is.
func MerkleRoot(hexes []string) (string, error) {
	if len(hexes) == 0 {
		return "", fmt.Errorf("merkle root of nothing")
	}
	row := make([][]byte, len(hexes))
	for i, h := range hexes {
		b, err := hex.DecodeString(h)
		if err != nil {
			return "", fmt.Errorf("merkle leaf %d: %w", i, err)
		}
		slices.Reverse(b)
		row[i] = b
	}
	buf := make([]byte, 0, 128)
	for len(row) > 1 {
		if len(row)%2 == 1 {
			row = append(row, row[len(row)-1])
		}
		next := make([][]byte, len(row)/2)
		for i := range next {
			buf = append(append(buf[:0], row[2*i]...), row[2*i+1]...)
			h := sha256d(buf)
			next[i] = h[:]
		}
		row = next
	}
	out := slices.Clone(row[0])
	slices.Reverse(out)
	return hex.EncodeToString(out), nil
}

// OpsHash is the Merkle root of a block's operation leaves, sorted as text;
// a block without operations has the single leaf EmptyLeaf.
func OpsHash(serialized []string) string {
	leaves := make([]string, len(serialized))
	for i, s := range serialized {
		leaves[i] = Leaf(s)
	}
	if len(leaves) == 0 {
		leaves = []string{EmptyLeaf}
	}
	slices.Sort(leaves)
	root, _ := MerkleRoot(leaves) // leaves are valid hex by construction
	return root
}

// PrevHeights are the blocks whose consensus hashes go into block k's:
// k-1, k-3, k-7, ..., k-(2^i-1) while at or above firstBlock.
func PrevHeights(k, firstBlock int64) []int64 {
	var out []int64
	for i := uint(1); i < 63; i++ {
		h := k - (int64(1)<<i - 1)
		if h < firstBlock {
			break
		}
		out = append(out, h)
	}
	return out
}

// Hash is block k's consensus hash from its ops hash and the consensus hashes
// of PrevHeights(k): the Merkle root over all of them sorted as text, then
// hash160 of the root's bytes, first 16 bytes.
func Hash(opsHash string, prev []wire.Hash128) (wire.Hash128, error) {
	items := make([]string, 0, len(prev)+1)
	for _, p := range prev {
		items = append(items, p.String())
	}
	items = append(items, opsHash)
	slices.Sort(items)
	root, err := MerkleRoot(items)
	if err != nil {
		return wire.Hash128{}, fmt.Errorf("consensus hash: %w", err)
	}
	rb, err := hex.DecodeString(root)
	if err != nil {
		return wire.Hash128{}, fmt.Errorf("consensus hash: %w", err)
	}
	h := wire.SumHash160(rb)
	var ch wire.Hash128
	copy(ch[:], h[:16])
	return ch, nil
}
