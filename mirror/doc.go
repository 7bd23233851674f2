// Package mirror answers lookups: names to their records and zone files,
// hashes to zone files — mirror first. It sits at the end of the data
// flow: namedb says what is true on chain, the storage tiers hold the
// records, and the mirror serves both over HTTP (package httpapi) and DNS
// (package dnsserver).
//
// # Mirror first
//
// A zone file is looked up in the mirror's in-memory cache of verified
// records, then in the tiers in their configured order (plugins/tiered,
// which verifies hash160(value) = hash and writes a record found lower
// down back to the faster tiers). Every record served has been verified
// against its whitelisted hash. Records are immutable, so the cache never
// needs invalidating.
//
// # Answers about names
//
// A name's answer is cached with the name's stamp (namedb.NameStamp: the
// generation of the last commit or rewind that changed it, and its
// standing at the tip). A lookup compares stamps from memory and serves the
// cached bytes while they match, so a block (or a rewind) that touches a
// name drops its answers automatically, and lookups never wait for the
// indexer or join over history.
//
// # Honest about what it lacks
//
// When a zone file is absent the answer says why (Absence): the name has
// none, the hash was never announced on chain, it was announced and not
// fetched yet (with the crawler's last error when a crawler runs), or only
// invalid copies were seen.
package mirror
