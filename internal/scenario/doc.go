// Package scenario ports Blockstack Core's own acceptance suite — the
// integration scenarios of blockstack-core v21.0.0.5
// (integration_tests/blockstack_integration_tests/scenarios/*.py) — onto
// zonemirror: each scenario's operations go, in the same block layout,
// through a real btcd (regtest) as transactions this package builds the way
// the original's client (blockstack.js 19.3) built them; chainsync feeds
// the blocks to a real namedb on disk; and the scenario's check() is
// asserted against namedb's answers.
//
// # The layer
//
// A ported scenario reads like the original:
//
//	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "682"},
//		scenario.Wallet("5JesPiN68qt44Hc2nT8qmyZ1JDwHebfoh9KQ52Lazb1m1LaKNj9"), ...)
//	w := s.Wallets
//	s.NamespacePreorder("test", w[1].Addr, w[0])
//	s.NextBlock()
//	...
//	rec := s.GetName("foo.test")
//
// Start does what the original's test runner (bin/blockstack-test-scenario)
// does before a scenario runs: it mines 681 blocks, funds every wallet (50
// BTC each, the default payment wallet 250 BTC), mines up to block 687 and
// then the first indexed block, 688, empty. Env holds the scenario's "TEST
// ENV" lines; the network is the original's test configuration (config.py
// under BLOCKSTACK_TEST) with those overrides.
//
// # Blocks
//
// NextBlock mines the transactions sent since the last block into one
// block, in the order they were sent — the harness builds and submits the
// block itself (submitblock), because btcd's own miner orders a block's
// transactions by fee, and same-block scenarios depend on the order — and
// waits until namedb has applied it.
//
// # Subdomains
//
// After each block, NextBlock also hands namedb the zone file of every
// whitelist entry it has not processed for subdomains yet whose text the
// scenario pushed (PutZonefile), as the original's node indexed the zone
// files Atlas held; the subdomain queries (GetSubdomain, DIDs, history,
// lists) and testlib.check_subdomain_db (CheckSubdomainDB) are in
// subdomains.go.
//
// # What the client did not send
//
// The original's client refused some operations before sending them (its
// safety checks), and a scenario that expected that sent nothing on chain.
// A port does not call the harness for those; the harness itself sends
// whatever it is asked, so that every operation a scenario sends with its
// safety checks off reaches the chain as it did in the original.
package scenario
