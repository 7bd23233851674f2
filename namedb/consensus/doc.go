// Package consensus computes Blockstack's consensus hash: the 16-byte
// fingerprint of the name database after each block (PROTOCOL.md §8).
//
// # Where it sits
//
// namedb applies a block's accepted operations, serializes each post-op
// record with [Serialize], and asks [Hash] for the block's consensus hash from
// the operations' hash and the consensus hashes of earlier blocks (k-1, k-3,
// k-7, ... as [PrevHeights] lists). Operations carry recent consensus hashes
// in their payloads, so this must be byte-exact with the original
// (virtualchain's Merkle tree and Blockstack Core's serialization, including
// Python 2's str() of numbers).
//
// # Serialization
//
// serialize(op) = opchar ":" join(",", len(s)":"s for each field) over the
// field list of the opcode ([Fields]). Values are [Value]s so the Python
// spellings are explicit: null is "", booleans True/False, floats %.12g with
// ".0" when no '.' or 'e' appears, the bucket list as "[6, 5, ...]".
package consensus
