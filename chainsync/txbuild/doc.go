// Package txbuild builds and signs the Bitcoin transactions that carry
// Blockstack name operations, with the outputs, burns and payments the
// rules require (PROTOCOL.md §5), and the payload from namedb/wire's
// encoder. `zonemirror tx`, the integration tests and the devnet create
// names through it.
//
// # Shape of a transaction
//
// Every input spends a p2pkh output of the sender's key, so the sender is
// the principal (input 0) and its public key is shown. Output 0 is the
// OP_RETURN payload; the outputs after it are fixed per operation (Layout):
// the recipient of registrations, renewals, transfers, imports and
// reveals, the payment of preorders and renewals, the value-hash output of
// imports, and the change, which some operations need at a fixed index
// (a preorder needs exactly three outputs: payload, change, payment).
//
// # Coins and fees
//
// Build takes the coins to spend (a CoinSource finds them: a btcd with
// --addrindex and --txindex, or a list kept by the caller), chooses the
// largest first until the outputs and the fee are covered, and pays
// FeeRate satoshis per byte of the signed transaction (estimated before
// signing, from the sizes of p2pkh inputs and the outputs).
package txbuild
