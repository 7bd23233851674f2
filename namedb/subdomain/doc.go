// Package subdomain reads, checks and signs BNS subdomain records as
// Blockstack Core v21.0.0.5 does (blockstack/lib/subdomains.py).
//
// A subdomain (alice.id.blockstack) is created and changed by a TXT record
// in the zone file of an on-chain name (id.blockstack): its owner label (or
// a fully qualified name, an "independent" record) and the strings
// owner=<address>, seqn=<n>, parts=<k>, zf0=…zf{k-1}= (the base64 of the
// subdomain's own zone file) and, for seqn ≥ 1, sig=<base64 scriptSig>.
//
// Decode turns a zone file, read as the original reads it (package
// bzones), into the records it carries, in zone-file order, and says why
// each other TXT record was refused. Accept decides which records of one
// subdomain's history hold: a creation with seqn 0 that is not
// independent, then each record whose seqn is one more than the last held
// one's and that the last held owner signed (an independent record may
// not change the owner). The order of a history is the original's: by
// seqn, then by the zone file's position in the whitelist, so the result
// depends only on which zone files are held, not on when they arrived.
//
// Sign and Record.TXT make the records a registrar puts into its name's
// zone file; Verify checks a record's signature (p2pkh or p2sh multisig
// scriptSig, 64-byte r‖s signatures over sha256 of the record's text).
package subdomain
