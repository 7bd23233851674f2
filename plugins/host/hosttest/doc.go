// Package hosttest runs real driver processes in tests: the test binary
// re-executes itself as the driver (go-plugin over a real process
// boundary), so a package's tests need no prebuilt binary.
//
// A test package calls Main from TestMain with the drivers it may serve:
//
//	func TestMain(m *testing.M) {
//		hosttest.Main(m, map[string]plugins.OpenFunc{"disk": disk.Open})
//	}
//
// and New for a host whose built-in drivers are those, served by the test
// binary. Harness adapts a host to the conformance suite, with a restart
// that kill -9s the driver's process and waits for the host to relaunch it.
package hosttest
