package host

import (
	"context"
	"log/slog"
	"testing"
)

// The log bridge reads whatever a driver writes on stderr: it must never
// panic, and must keep the driver's name on every record.
func FuzzLogBridge(f *testing.F) {
	f.Add([]byte(`{"@level":"warn","@message":"disk full","@timestamp":"2026-01-02T03:04:05.000000Z","dir":"/srv"}` + "\n"))
	f.Add([]byte("panic: oops\ngoroutine 1 [running]:\n"))
	f.Add([]byte(`{"@level":7,"@message":["x"],"a":{"b":null}}`))
	f.Add([]byte("no newline at the end"))
	f.Fuzz(func(t *testing.T, b []byte) {
		h := &countHandler{}
		w := &logBridge{logger: slog.New(h).With("driver", "fuzz")}
		if n, err := w.Write(b); n != len(b) || err != nil {
			t.Fatalf("Write: %d, %v", n, err)
		}
		if h.missing > 0 {
			t.Fatal("a record without the driver's name")
		}
	})
}

type countHandler struct {
	attrs   []slog.Attr
	missing int
}

func (h *countHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *countHandler) Handle(_ context.Context, r slog.Record) error {
	for _, a := range h.attrs {
		if a.Key == "driver" {
			return nil
		}
	}
	h.missing++
	return nil
}
func (h *countHandler) WithAttrs(as []slog.Attr) slog.Handler {
	h.attrs = append(h.attrs, as...)
	return h
}
func (h *countHandler) WithGroup(string) slog.Handler { return h }
