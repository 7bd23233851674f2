// Package namedb is the name database of zonemirror: the state that the
// Blockstack operations on Bitcoin build up, kept exactly as the original
// Blockstack Core keeps it, in an embedded pebble key-value store on disk.
//
// # Where it sits
//
// chainsync hands namedb each block's operations strictly in height order
// (ApplyBlock); namedb checks them against the rules of PROTOCOL.md, applies
// the valid ones and commits the whole block — state, consensus hash, block
// hash and height — in one transaction. Rewind undoes blocks after a reorg.
// The crawler follows the whitelist of zone-file hashes (WhitelistAfter,
// WhitelistChanged) and the mirror reads names, namespaces, history and
// prices from it.
//
// # Rules and rejections
//
// One file per operation (rule_*.go) checks an operation against the state
// as it stands after the block's earlier operations; the same-block rules
// of PROTOCOL.md §7.6 run as a pre-pass over the block's creations. A
// refused operation changes nothing: it is recorded with an ErrorCode (one
// per reason, see errors.go) and counted by RejectionCounts. Epochs 1–3
// reproduce the original's consensus hashes (package consensus); from
// epoch 4 blocks are applied where BTC-paid and marked unverified.
//
// # State in memory and on disk
//
// The tables keep every record, the history of every name and namespace,
// the operations and rejections of every block, and the whitelist. What
// the rules and the lookups search by — which names an owner has, which
// name has a hash128, which preorders are pending, which hashes are
// whitelisted — is kept complete in memory as well (index.go), loaded at
// Open and changed only when a block commits, so a block's checks never
// search the store for them. Decoded records of recently used names are kept
// in a cache bounded in bytes (cache.go, WithRecordCache).
//
// # Concurrency
//
// One writer at a time (ApplyBlock, Rewind); any number of readers. A
// block's rules run without blocking readers; only the commit that makes
// the block visible excludes them, for its duration. A reader never mixes
// two blocks: it sees the state of one tip throughout an answer.
//
// # Durability
//
// One pebble batch per block, holding its state, consensus hash, height,
// hash and an undo log (kv.go, store.go), written without a sync; the
// store is synced every second (WithSyncEvery) and Durable reports the
// height that is on disk. A killed process or a power loss loses at most
// the last blocks, never part of one, and they are applied again from the
// chain; Rewind replays undo logs, newest first.
package namedb
