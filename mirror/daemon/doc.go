// Package daemon is `zonemirror serve`: it wires the parts of a mirror
// together from one Config — the name database, the chain sync from a
// Bitcoin node, the storage drivers (each its own process) behind the
// tiered store, the crawler when configured, the HTTP API with /metrics,
// /healthz and /readyz, and the DNS server — and runs them until its
// context ends, then stops them in order (servers first, the database
// last).
//
// The Config is the configuration reference: every field documents its
// YAML key and default; Load reads YAML, applies the defaults and validates
// once, with errors that name the bad key.
package daemon
