// Package namedb is the name database of zonemirror: the state that the
// Blockstack operations on Bitcoin build up, kept exactly as the original
// Blockstack Core keeps it, in an embedded SQLite database on disk.
//
// # Where it sits
//
// chainsync hands namedb each block's operations strictly in height order;
// namedb checks them against the rules, applies the valid ones and commits
// the whole block — state, consensus hash, block hash and height — in one
// transaction. The crawler follows its whitelist of zone-file hashes and the
// mirror reads names from it.
//
// # Durability
//
// SQLite in WAL mode with synchronous=NORMAL (pure Go, modernc.org/sqlite):
// a process killed at any moment loses nothing it committed; a power loss
// may lose the last blocks, which are re-applied from the chain because the
// database stores the height and hash of every block it applied.
//
// # What is here so far
//
// The block store: one row per applied block with its hash and consensus
// hash, the consensus-hash chain of PROTOCOL.md §8 (package consensus), the
// §8.5 validity window, lookups by height and by consensus hash, and
// Rewind. The rules engine, names, history and whitelist build on it.
package namedb
