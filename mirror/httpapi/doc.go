// Package httpapi serves the mirror over HTTP: Blockstack Core's v1 REST
// API (PROTOCOL.md §10: the same paths, status codes and JSON shapes, so
// existing clients work unchanged), zonemirror's GET /v1/zonefiles/{hash},
// and the health endpoints.
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
