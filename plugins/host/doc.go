// Package host runs zonemirror's storage drivers: it launches each
// configured driver as its own process with hashicorp/go-plugin (gRPC
// only, the handshake of package plugins), hands it its config, routes its
// logs into ours, watches it and relaunches it with backoff when it dies
// or stops answering, and stops every driver on Close.
//
// # Processes
//
// A built-in driver is served by re-executing our own binary
// (`zonemirror driver disk`, Options.Self); an external one is any
// executable at DriverConfig.Path, optionally pinned by its SHA-256
// (checked before every launch). A built-in driver may instead run
// in-process (DriverConfig.InProcess): the same plugins.Driver interface
// with no boundary — faster, but a crash of the driver is a crash of the
// host, and there is nothing to restart.
//
// # No orphans
//
// Every driver process gets a parent-death signal (Linux
// SysProcAttr.Pdeathsig = SIGKILL), so it dies with the host even after a
// kill -9 of the host. Linux delivers that signal when the *thread* that
// forked the child exits, and Go retires threads freely, so all drivers are
// forked on one thread locked for the whole life of the process
// (internal/procstart), shared with every other child zonemirror starts.
//
// # Failures
//
// While a driver's process is down, calls on its Process fail at once with
// plugins.ErrUnavailable (tiered lookups skip the tier). The host notices a
// death within 50 ms (or at once, when a call hits the broken connection),
// relaunches after a backoff that doubles from 100 ms to 10 s, and
// re-sends Configure. A process that is alive but fails three Stat health
// checks in a row is killed and relaunched the same way.
//
// # Logs
//
// Drivers log JSON lines on stderr (plugins.NewPluginLogHandler; hclog's
// format, which go-plugin parses); the host re-logs each record into its
// slog logger with driver=NAME, the driver's level, message and attributes.
package host
