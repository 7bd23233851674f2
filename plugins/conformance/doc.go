// Package conformance is the test suite every storage driver runs against
// itself — built in or external, in-process or through the plugin
// boundary. A driver's test calls Run with a Harness that opens fresh
// instances of the driver and knows how to restart it:
//
//	func TestConformance(t *testing.T) {
//		conformance.Run(t, conformance.Harness{
//			Open:    func(t *testing.T) plugins.Driver { ... a fresh, empty driver ... },
//			Restart: func(t *testing.T, d plugins.Driver) plugins.Driver { ... },
//		})
//	}
//
// The suite checks every operation of plugins.Driver: misses (ErrNotFound,
// Has false, Delete of a missing key succeeds), overwrite with identical
// bytes, values of 0 bytes up to plugins.MaxValueSize and the refusals past
// it (ErrTooLarge) or of a value that does not hash to its key
// (ErrBadValue), 16 goroutines at once, List of 10,000 keys in order with
// resume and limits, Allow, Stat, and that records survive a restart of the
// driver (a killed and relaunched process, for drivers behind the host).
//
// Read-only drivers (Info.ReadOnly) are seeded through Harness.Seed
// instead of Put, and must refuse Put and Delete with ErrReadOnly.
package conformance
