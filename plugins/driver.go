package plugins

import (
	"context"
	"encoding/json"
	"iter"
	"log/slog"
)

// Driver is one storage tier: a content-addressed store of immutable
// records. Implementations must be safe for concurrent use. Every method
// that waits takes a context and gives up when it is done.
//
// A driver need not verify what it returns (the host verifies every value
// it reads), but must refuse a Put whose value does not hash to its key
// (CheckValue does both checks of Put).
type Driver interface {
	// Get returns the value stored under key, or an error wrapping
	// ErrNotFound.
	Get(ctx context.Context, key Key) ([]byte, error)
	// Put stores value under key. Storing the same record again succeeds.
	Put(ctx context.Context, key Key, value []byte) error
	// Has reports whether key is stored.
	Has(ctx context.Context, key Key) (bool, error)
	// Delete removes key; a missing key is not an error.
	Delete(ctx context.Context, key Key) error
	// List calls fn with batches of keys in ascending byte order. It stops
	// at the first error fn returns and returns it.
	List(ctx context.Context, opt ListOptions, fn func(keys []Key) error) error
	// Allow adds keys to the driver's whitelist and returns how many it
	// took. Drivers that are written to only by the host may ignore them.
	Allow(ctx context.Context, keys iter.Seq[Key]) (int, error)
	// Stat reports the driver's health and, where cheap, its size. It must
	// answer within a second even when the backing store does not (report
	// Healthy false): the host relaunches a driver whose Stat fails three
	// times in a row, which is right for a hung driver and wrong for a
	// slow backend.
	Stat(ctx context.Context) (Status, error)
	// Close releases the driver's resources.
	Close() error
}

// ListOptions selects what List lists.
type ListOptions struct {
	// After resumes a listing: when set, only keys greater than *After are
	// listed. The default (nil) lists from the first key.
	After *Key
	// Limit is the most keys to list in all. The default (0) is no limit.
	Limit int
}

// Info describes a configured driver.
type Info struct {
	// Driver is the driver's kind: "disk", "s3", "httpmirror", ...
	Driver string
	// Version is the driver's own version string.
	Version string
	// ReadOnly drivers refuse Put and Delete with ErrReadOnly.
	ReadOnly bool
}

// Status is what Stat reports.
type Status struct {
	Info
	// Healthy is false when the backing store cannot serve; Message says why.
	Healthy bool
	Message string
	// Records, Bytes and FreeBytes are -1 when the driver does not know
	// them cheaply.
	Records, Bytes, FreeBytes int64
}

// Setup is what a driver is opened with.
type Setup struct {
	// Name is the tier's name in the host's config (for logs and errors).
	Name string
	// Config is the driver's own config: a JSON object ("{}" or empty when
	// the operator gave none). Decode it with DecodeConfig.
	Config json.RawMessage
	// Logger is where the driver logs; never nil when the host or Serve
	// opens a driver.
	Logger *slog.Logger
}

// OpenFunc opens a driver from its setup. It validates the config once and
// returns an error wrapping ErrBadConfig that names the bad key.
type OpenFunc func(ctx context.Context, s Setup) (Driver, error)

// CountKeys drains keys and returns how many there were: the Allow of a
// driver that keeps no whitelist (one written only by the host, which
// verifies every record).
func CountKeys(keys iter.Seq[Key]) int {
	n := 0
	for range keys {
		n++
	}
	return n
}
