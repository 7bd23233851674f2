package plugins

import "errors"

// The kinds of driver error. Drivers wrap them with context
// (fmt.Errorf("...: %w", ErrReadOnly)); callers test with errors.Is. Each
// crosses the process boundary as a gRPC status with an ErrorInfo reason, so
// errors.Is works the same on both sides of it.
var (
	// ErrNotFound: the driver does not hold the key (Get only; Has says
	// false and Delete succeeds).
	ErrNotFound = errors.New("not found")
	// ErrBadKey: a key that is not 20 bytes (40 lowercase hex characters).
	ErrBadKey = errors.New("bad key")
	// ErrBadValue: a value whose hash160 is not its key.
	ErrBadValue = errors.New("value does not hash to its key")
	// ErrTooLarge: a value over MaxValueSize.
	ErrTooLarge = errors.New("value too large")
	// ErrReadOnly: the driver, or the storage under it, refuses writes.
	ErrReadOnly = errors.New("read-only")
	// ErrFull: the storage has no space left.
	ErrFull = errors.New("no space left")
	// ErrNotAllowed: a whitelisting driver refuses a key not allowed yet.
	ErrNotAllowed = errors.New("key not allowed")
	// ErrNotConfigured: a call reached a driver process before Configure.
	ErrNotConfigured = errors.New("driver not configured")
	// ErrBadConfig: the driver refused its config; the message names the key.
	ErrBadConfig = errors.New("bad driver config")
	// ErrUnavailable: the driver or its backing store cannot be reached
	// (a dead driver process, a broken connection, a storage outage).
	ErrUnavailable = errors.New("driver unavailable")
)

// reasons maps each error kind to its ErrorInfo reason on the wire.
var reasons = []struct {
	err    error
	reason string
}{
	{ErrNotFound, "NOT_FOUND"},
	{ErrBadKey, "BAD_KEY"},
	{ErrBadValue, "BAD_VALUE"},
	{ErrTooLarge, "TOO_LARGE"},
	{ErrReadOnly, "READ_ONLY"},
	{ErrFull, "FULL"},
	{ErrNotAllowed, "NOT_ALLOWED"},
	{ErrNotConfigured, "NOT_CONFIGURED"},
	{ErrBadConfig, "BAD_CONFIG"},
	{ErrUnavailable, "UNAVAILABLE"},
}

// errorDomain is the ErrorInfo domain of driver errors.
const errorDomain = "zonemirror.driver"

// Reason returns the wire reason of err's kind, or "" if it has none.
func Reason(err error) string {
	for _, r := range reasons {
		if errors.Is(err, r.err) {
			return r.reason
		}
	}
	return ""
}

// errorForReason returns the error kind of a wire reason, or nil.
func errorForReason(reason string) error {
	for _, r := range reasons {
		if r.reason == reason {
			return r.err
		}
	}
	return nil
}

// remoteError is an error that came over the boundary: its text is the
// driver's, and it unwraps to its kind.
type remoteError struct {
	kind error
	msg  string
}

func (e *remoteError) Error() string { return e.msg }
func (e *remoteError) Unwrap() error { return e.kind }

// fastGetError rebuilds the error of a Get that failed in a driver process,
// from its fastget reason and message.
func fastGetError(reason, msg string) error {
	return &remoteError{kind: errorForReason(reason), msg: msg}
}
