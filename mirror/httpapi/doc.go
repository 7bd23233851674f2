// Package httpapi serves the mirror over HTTP: Blockstack Core's v1 REST
// API (PROTOCOL.md §10: the same paths, status codes and JSON shapes, so
// existing clients work unchanged), zonemirror's GET /v1/zonefiles/{hash},
// and the health endpoints. Routing is blockstack-core v21's rpc.py: paths
// normalised as posixpath.normpath did, a JSON 404 for every unmatched
// route, CORS on every answer; the routes of rpc.py that need what the
// mirror does not keep (token accounts, a Bitcoin wallet's view, fetched
// profiles) answer a JSON 501 saying why. The README has the table of
// every route.
//
// Subdomains (alice.id.blockstack) answer on the routes of names as the
// original's rpc.py answered them, from namedb's subdomain state, and on
// /v1/subdomains…; their answers are cached until subdomain state changes
// (namedb.SubdomainGen).
//
// Every answer about a name carries the height and consensus hash it is
// true at (X-Zonemirror-Height, X-Zonemirror-Consensus-Hash) and an ETag
// tied to the last block that changed the name; zone files by hash are
// immutable and cached as such. When a zone file is absent, the 404 says
// why ("reason", and the crawler's "last_error" when it has one).
//
// Handlers read namedb's current view and the mirror's caches only: a
// block being applied never stalls them.
package httpapi
