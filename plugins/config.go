package plugins

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// DecodeConfig decodes a driver's JSON config into dst (a pointer to the
// driver's config struct, already holding the defaults). Unknown keys,
// wrong types and trailing data are errors wrapping ErrBadConfig that name
// the key. An empty config leaves dst as it is.
func DecodeConfig(raw []byte, dst any) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var te *json.UnmarshalTypeError
		var se *json.SyntaxError
		switch {
		case errors.As(err, &te) && te.Field != "":
			return fmt.Errorf("%w: key %q: want %s, got JSON %s", ErrBadConfig, te.Field, te.Type, te.Value)
		case errors.As(err, &se):
			return fmt.Errorf("%w: not JSON at byte %d: %v", ErrBadConfig, se.Offset, err)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return fmt.Errorf("%w: unknown key %s", ErrBadConfig, strings.TrimPrefix(err.Error(), "json: unknown field "))
		}
		if key := failingKey(raw, dst); key != "" {
			return fmt.Errorf("%w: key %q: %v", ErrBadConfig, key, err)
		}
		return fmt.Errorf("%w: %v", ErrBadConfig, err)
	}
	if dec.More() {
		return fmt.Errorf("%w: trailing data after the config object", ErrBadConfig)
	}
	return nil
}

// failingKey finds the top-level key whose value dst's type refuses (for
// errors such as a bad duration, which encoding/json reports without it).
func failingKey(raw []byte, dst any) string {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return ""
	}
	t := reflect.TypeOf(dst)
	if t.Kind() != reflect.Pointer {
		return ""
	}
	for k, v := range obj {
		one, _ := json.Marshal(map[string]json.RawMessage{k: v})
		if json.Unmarshal(one, reflect.New(t.Elem()).Interface()) != nil {
			return k
		}
	}
	return ""
}

// Duration is a time.Duration that reads and writes as a Go duration string
// ("250ms", "5s") in configs.
type Duration time.Duration

// MarshalText writes d as a duration string.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText reads a duration string such as "250ms".
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}
