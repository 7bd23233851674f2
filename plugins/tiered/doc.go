// Package tiered is the mirror-first lookup path over storage drivers: the
// configured tiers in order (say memory-near disk, then S3, then the DHT).
//
// Get asks the tiers one after another and returns the first value whose
// hash160 equals the key. A value that does not hash to its key is a miss
// of that tier — counted as a bad value and logged — so a driver that
// returns wrong bytes never gets them to a caller. The good value is then
// written back, in the background, to the faster writable tiers that
// lacked it (missed or held bad bytes).
//
// Every call to a tier runs under the tier's timeout. A tier that errs or
// times out is skipped (counted, logged at most once a second) and the
// lookup goes on with the next one; after three failures in a row the tier
// is left out for a cooldown (one second by default) so a dead or slow tier
// does not cost every lookup its timeout. A driver process that died fails
// at once (plugins.ErrUnavailable) and is skipped the same way while the
// host relaunches it.
//
// Put verifies the record and writes it to every writable tier at once.
//
// Stats returns per-tier counters (hits, misses, bad values, errors,
// timeouts, skips, puts, write-backs) and a latency histogram, for the
// mirror's metrics.
package tiered
