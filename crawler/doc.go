// Package crawler pulls every whitelisted zone file that the mirror does
// not hold from the DHT into the mirror's tiers, and never gives up on one.
//
// # Where it sits
//
//	namedb (whitelist) ──▶ crawler ──Get──▶ DHT driver (Source)
//	                          │
//	                          └──Has / Put──▶ tiers (Store: tiered.Store)
//
// zonemirror serve builds one with New(Config, db, tiers, dhtDriver) and
// runs it with Run(ctx) for the life of the process. The interfaces it
// needs are declared here (Whitelist, Store, Source); namedb.DB,
// tiered.Store and any plugins.Driver satisfy them.
//
// # What it does
//
// It follows the whitelist from its position (WhitelistAfter, woken by
// WhitelistChanged and a poll), tells the source each batch of hashes
// (Allow: the DHT node refuses records it does not know), asks the tiers
// which they hold (Has), and queues the others as missing. Workers fetch
// due missing hashes from the source with bounded concurrency, check that
// hash160(bytes) is the hash, and Put them into the tiers. A full pass over
// the whole whitelist runs at start and every Config.FullPass: it finds
// records that left a tier and drops missing hashes that arrived another
// way (a write-back, zonemirror publish).
//
// # Failures and the missing list
//
// A failed fetch leaves the hash missing with a State and its last error,
// and retries it after a backoff that doubles from MinBackoff to
// MaxBackoff (jittered) — for ever. The states: announced, not fetched
// yet; not found in the DHT; only invalid copies seen (peers answered
// with bytes that failed validation, or the source returned bytes that do
// not hash to the key); the DHT node did not know the hash yet (the
// crawler allows it again); the DHT could not be asked (driver down or not
// joined); fetched, but no tier stored it. Missing(key) and MissingList
// return them for the mirror to show.
//
// # Status
//
// Status() is a snapshot: whitelisted, checked, held and missing entries,
// missing hashes by state, fetched and fetched/s (last 10 s), failures by
// cause (Cause* constants), full passes, rewinds. Status.String() is the
// progress line Run logs every ProgressEvery.
//
// # Restarts and rewinds
//
// The position (the last entry checked, and its hash) is kept in
// Config.StateFile and read by New: a restarted crawler resumes there, and
// its first full pass rebuilds the missing list below it. When the
// whitelist shrinks below the position (namedb rewound after a reorg), the
// position moves back and the missing entries past it are forgotten; when
// the entry at the position has changed (rewound and refilled before the
// crawler looked), it starts again from the beginning.
package crawler
