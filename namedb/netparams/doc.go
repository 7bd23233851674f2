// Package netparams holds the chain parameters of a Blockstack network —
// mainnet's fixed values (PROTOCOL.md §11.1) or a devnet's, every one of
// which comes from its config (§11.2) — and the price functions that read
// them (§6).
//
// # Where it sits
//
// namedb asks a Network which epoch a block is in ([Network.EpochAt]) and
// what that epoch's lifetime multiplier, grace period and price rules are;
// chainsync asks it where indexing starts and stops and how many
// confirmations to wait for; the mirror serves prices through [NamePrice]
// and [NamespacePrice].
//
// # Prices are floats, then integers
//
// In epochs 1–3 the original priced names in Python floats and compared
// payments as floats; from epoch 4 it used integer division. [Price] keeps
// both spellings so that records (op_fee of imports) and comparisons match
// the original exactly.
package netparams
