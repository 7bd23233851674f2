// Package plugins is zonemirror's storage-driver layer: the Driver
// interface every storage tier implements, the record Key
// (hash160 of the value), the error kinds, and the gRPC adapters that carry
// a Driver across a process boundary with hashicorp/go-plugin.
//
// # Where it sits
//
// The crawler stores verified records and the mirror looks them up through
// tiers of drivers (package plugins/tiered). Each driver normally runs as
// its own process, launched and watched by package plugins/host; a
// built-in driver may also run in-process behind the same interface.
//
//	host process                                  driver process
//	tiered.Store ─▶ plugins.Client ══gRPC══▶ server ─▶ Driver (disk, s3, …)
//
// # The protocol
//
// The service is defined in plugins/proto/driver.proto (generated code
// committed; `make proto` regenerates it). The host starts a driver with
// go-plugin's handshake (Handshake: a magic cookie and protocol version 1,
// gRPC only), then calls Configure with the tier's name and the driver's
// JSON config, then any of Get, Put, Has, Delete, List (a server stream,
// resumable with ListOptions.After), Allow (a client stream of whitelist
// additions) and Stat. A miss is a normal answer (found=false), not an
// error. Errors cross as gRPC statuses with an ErrorInfo reason, rebuilt on
// the host side so that errors.Is(err, plugins.ErrReadOnly) and the like
// hold on both sides.
//
// # Writing a driver
//
// Implement Driver and an OpenFunc, and call Serve(open) from main; run the
// conformance suite (package plugins/conformance) against it. README.md in
// this folder walks through it with the example driver in
// plugins/example/httpmirror.
package plugins
