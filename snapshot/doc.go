// Package snapshot writes and reads verified snapshots of a name database:
// every block from the network's first, with its hash and the operations
// namedb applied in it (their binary form, namedb.AppendBlockOps), and
// optionally every zone file the mirror holds. A snapshot is never
// trusted: Import replays its operations through namedb's own rules into
// a database built aside, recomputing every consensus hash, and accepts
// it only if the hashes at the heights the operator trusts are the
// trusted ones; only then is it swapped in for the live database.
//
// # The file
//
// A snapshot (conventionally NAME.zmsnap) is a sequence of frames, each a
// kind byte, a uvarint length and that many bytes, after an 8-byte magic:
//
//	"ZMSNAP\x00\x01"
//	'h' header: JSON (Header), what the snapshot holds
//	'b' …       the blocks part: one zstd stream, cut into frames
//	'r' …       the records part (optional): one zstd stream
//	'm' manifest: JSON (Manifest), the header's fields and each part's
//	            size and sha256 (of its compressed bytes)
//
// The blocks part is, per block in height order: uvarint height, the
// block hash (32 bytes), the consensus hash the exporter computed (16
// bytes; checked, never trusted), uvarint length and the block's
// operations (empty for a block without any). The records part is, per
// zone file: uvarint length and its bytes. Export streams and Import
// reads as they go: neither holds the snapshot in memory.
package snapshot
