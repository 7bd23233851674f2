// Command httpmirror is an example external storage driver for zonemirror:
// a read-only tier that reads records from any HTTP server laid out as
// described in README.md (GET BASE/KEYHEX for a record, GET BASE/?after=
// for the key list). It is the worked example of plugins/README.md: build
// it with `go build`, point a tier's `path:` at the binary, and the host
// runs it like any built-in driver.
package main
