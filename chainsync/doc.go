// Package chainsync follows the Bitcoin node zonemirror trusts and hands
// namedb every block's name operations, strictly in height order.
//
// # Reading the chain
//
// A Syncer connects with btcd's rpcclient: to btcd over its websocket
// endpoint (several times faster than HTTP POST, which btcd closes after
// every request), to bitcoind over HTTP POST with a few clients taking
// requests in turn. Blocks are fetched raw (never verbose getblock) ahead
// of the indexer, a bounded window of asynchronous requests, and decoded
// with btcd's wire package in a stage of their own. The outputs an
// operation spends — its sender — come from a bounded cache of the
// spendable outputs of the blocks already read, else from
// getrawtransaction (the node needs txindex).
//
// # Confirmations, reorganizations, notifications
//
// Only blocks with Confirmations (default the network's: 6 on mainnet, 0
// on a devnet) are applied. The hash of every applied block is stored;
// when the node's chain no longer holds the stored tip — seen before each
// pass and at every block, whose parent must be the tip — the syncer finds
// the last block both chains share, rewinds namedb to it and applies the
// new branch. Correctness never depends on notifications (they are lost
// on reconnects): they only wake the poller early.
//
// # Failures
//
// A node that is down, restarts or hangs is retried with backoff (up to
// MaxBackoff) and reported in Status; Run returns only when its context
// ends, when the network's stop block is applied, or when the database
// itself fails. A transaction the decoder refuses is counted by reason
// (Status.Refused) and skipped.
package chainsync
