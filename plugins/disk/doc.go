// Package disk is the disk storage driver: one file per record in a
// two-level fan-out tree (DIR/records/ab/cd/<40 hex>), each written to a
// temporary file, fsynced and renamed into place, so a record is never
// visible half-written, even after kill -9 or a crash. Keys reach the
// filesystem only as the hex of a validated 20-byte key. A full disk is
// plugins.ErrFull, a read-only filesystem plugins.ErrReadOnly.
//
// The host serves it as `zonemirror driver disk`, or opens it in-process
// (Open, or New for Go callers). README.md beside this file has its config
// keys and the measurements (files against bbolt) behind the layout.
package disk
