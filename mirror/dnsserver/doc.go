// Package dnsserver serves the mirror over DNS (github.com/miekg/dns, UDP
// and TCP): it is authoritative for the namespaces that are ready on
// chain, and a name's answers are the records of its zone file, parsed as
// an RFC 1035 zone file with the name as origin. `dig @127.0.0.1 -p 5353
// muneeb.id URI` asks for the URI records of muneeb.id's zone file.
//
// # Answers
//
//   - A name of a served namespace: the zone file's records whose owner is
//     the query name (or a CNAME there), NODATA (NOERROR with the SOA) when
//     it has none of that type, NXDOMAIN with the SOA when neither the name
//     nor anything under it exists. Records a zone file gives for names
//     outside the name's own domain are never served.
//   - The namespace itself: a synthesized SOA (its serial is the block
//     height) and NS.
//   - A zone the mirror does not serve: REFUSED.
//   - A registered name whose zone file the mirror does not hold yet:
//     SERVFAIL (it cannot answer now), never a wrong NXDOMAIN.
//
// A zone file that does not parse as DNS answers with the records read
// before the error (it is still served whole over HTTP). Whoever registered
// a name wrote its zone file, so reading one is bounded: $INCLUDE is
// refused, $GENERATE lines are dropped (BIND's, not Blockstack's: 30 bytes
// of it make 65,536 records), and at most 8,192 records are read.
//
// # Protecting the server
//
// Answers are cached by the name's version, so a hot name costs a copy
// and a pack; responses over the client's UDP size (512, or its EDNS0 size)
// are truncated so it retries over TCP (and an answer over 65,535 bytes,
// the most a DNS message holds, is truncated over TCP too); at most
// MaxConcurrent queries are answered at once; and responses over UDP are
// rate limited as public authoritative servers do it (rrl.go): alike
// responses to one client netblock beyond a rate are dropped, every
// Slip-th one sent truncated instead so a real resolver retries over TCP,
// which is never limited (never REFUSED: resolvers read that as a broken
// server). Negative answers
// carry the SOA, whose minimum (NegativeTTL) tells resolvers how long to
// cache them (RFC 2308).
package dnsserver
