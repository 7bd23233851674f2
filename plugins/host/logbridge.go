package host

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/go-hclog"
)

// logBridge is the io.Writer behind the hclog logger that go-plugin logs
// to: it reads hclog's JSON lines (go-plugin's own messages and the
// driver's stderr, which go-plugin parses and re-logs) and writes them to a
// slog logger carrying the driver's name. Lines are untrusted input (a
// driver writes what it likes); anything that is not a JSON object is
// logged as plain text at debug level.
type logBridge struct {
	logger *slog.Logger
	mu     sync.Mutex
	buf    []byte // a partial line
}

// newHCLogger returns the hclog logger to hand to go-plugin.
func newHCLogger(logger *slog.Logger) hclog.Logger {
	level := hclog.Info
	if logger.Enabled(context.Background(), slog.LevelDebug) {
		level = hclog.Debug
	}
	return hclog.New(&hclog.LoggerOptions{
		Name:       "driver",
		Output:     &logBridge{logger: logger},
		JSONFormat: true,
		Level:      level,
	})
}

func (b *logBridge) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	for {
		i := bytes.IndexByte(b.buf, '\n')
		if i < 0 {
			break
		}
		b.line(b.buf[:i])
		b.buf = b.buf[i+1:]
	}
	if len(b.buf) > 1<<20 { // a runaway line: log what there is
		b.line(b.buf)
		b.buf = nil
	}
	return len(p), nil
}

// line logs one hclog JSON line.
func (b *logBridge) line(line []byte) {
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return
	}
	var m map[string]any
	if err := json.Unmarshal(line, &m); err != nil {
		b.logger.Debug(string(line))
		return
	}
	level := parseLevel(m["@level"])
	msg, _ := m["@message"].(string)
	for _, k := range []string{"@level", "@message", "@timestamp", "@module", "@caller", "timestamp"} {
		delete(m, k)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	attrs := make([]slog.Attr, 0, len(keys))
	for _, k := range keys {
		attrs = append(attrs, slog.Any(k, m[k]))
	}
	b.logger.LogAttrs(context.Background(), level, msg, attrs...)
}

func parseLevel(v any) slog.Level {
	s, _ := v.(string)
	switch strings.ToLower(s) {
	case "trace", "debug":
		return slog.LevelDebug
	case "warn", "warning":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
