// Package fastget carries a driver process's Gets beside its gRPC
// channel, over two pipes: the hot path of lookups, at a fraction of a
// gRPC call's cost.
//
// A gRPC call costs a stream, headers and half a dozen goroutine handoffs
// on each side; on a 2-core machine a Get through go-plugin's gRPC took
// 290 µs alone and reached 12–14% of the in-process rate at 16 callers.
// fastget frames a Get in 29 bytes and its answer in 9 plus the value, and
// each side reads with a single goroutine.
//
// The driver's side (Listen, Serve) makes a Unix socket in a fresh 0700
// directory and a random 32-byte token; it hands both to the host inside
// the gRPC channel's Configure answer (under go-plugin's mTLS when that is
// on). The host (Dial) opens the socket and sends the token first; the
// driver closes a connection that does not, and answers the one that does
// with two pipes (their descriptors, over the socket): one for the
// requests, one for the answers. The socket is closed then and removed.
// The pipes carry everything after: a socket wakes its peer's poller each
// time its own side is read (the peer may write again), while a pipe
// wakes a writer only when it was full, so each answer or request costs
// one wakeup across the processes, not two. The bytes are not encrypted:
// only the two processes hold the pipes, and every value is verified
// against its hash by the host.
//
// The driver's side answers a Get the driver can answer without waiting
// for a device (Server.TryGet: the disk driver reads the page cache) on
// its reader, at once; other Gets go to workers that live as long as the
// connection, up to 64 under way, each reading values into a buffer of
// its own with Server.GetInto. It flushes its answers when no other Get
// is under way, when 64 KiB are waiting, or 200 µs after the first that
// waits. The host's side (Client) writes the requests of the callers that
// queue up together in one write: the first of them yields once before it
// writes.
//
// Wire format (little endian):
//
//	handover: one byte (1), with the requests pipe's write end and the
//	          answers pipe's read end (SCM_RIGHTS)
//	request:  id u32 | op u8 (1 = Get) | timeout_ms u32 (0: none) | key [20]
//	response: id u32 | status u8 | length u32 | payload [length]
//
// Status 0: found, the payload is the value (≤ plugins.MaxValueSize).
// Status 1: not found, no payload. Status 2: the Get failed, the payload is
// the error's reason (plugins.Reason, or CANCELED / DEADLINE_EXCEEDED), a
// newline and its message. Answers come in any order; a malformed frame or
// handover ends the connection.
package fastget

import (
	"errors"
	"fmt"
	"time"
)

const (
	tokenSize    = 32
	requestSize  = 4 + 1 + 4 + 20
	responseHead = 4 + 1 + 4
	opGet        = 1

	statusFound    = 0
	statusNotFound = 1
	statusError    = 2

	// handshakeTimeout bounds the token and the pipes' handover.
	handshakeTimeout = 5 * time.Second

	reasonCanceled = "CANCELED"
	reasonDeadline = "DEADLINE_EXCEEDED"
)

// ErrClosed is returned for Gets on a connection that broke or was closed;
// the caller asks over gRPC instead.
var ErrClosed = errors.New("fastget: connection closed")

// protocolError is a frame that breaks the wire format.
func protocolError(format string, args ...any) error {
	return fmt.Errorf("fastget: protocol: "+format, args...)
}
