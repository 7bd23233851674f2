package daemon

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Key is one settable config key: its dotted YAML path (node.host) and
// its documentation's type.
type Key struct {
	// Path is the dotted YAML path, e.g. "dns.rate_per_client".
	Path string
	// Type is the Go type of the value (string, int, []DriverConfig…).
	Type  string
	field []int
}

// Env is the key's environment variable: ZONEMIRROR_ and the path in
// upper case with dots as underscores (ZONEMIRROR_DNS_RATE_PER_CLIENT).
func (k Key) Env() string {
	return "ZONEMIRROR_" + strings.ToUpper(strings.ReplaceAll(k.Path, ".", "_"))
}

// Keys lists every key of Config, sorted by path: the leaves of its
// sections, and whole lists (drivers) as one key whose value is YAML.
func Keys() []Key {
	var out []Key
	var walk func(t reflect.Type, prefix string, index []int)
	walk = func(t reflect.Type, prefix string, index []int) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name == "" || name == "-" || f.Tag.Get("key") == "retired" {
				continue
			}
			idx := append(append([]int(nil), index...), i)
			ft := f.Type
			if ft.Kind() == reflect.Struct {
				walk(ft, prefix+name+".", idx)
				continue
			}
			out = append(out, Key{Path: prefix + name, Type: ft.String(), field: idx})
		}
	}
	walk(reflect.TypeOf(Config{}), "", nil)
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Set sets the key at path from value, read as YAML (a scalar, or a flow
// list or map: drivers='[{name: disk, driver: disk}]'). The value
// replaces what the file said; Defaults still applies and validates.
func (c *Config) Set(path, value string) error {
	for _, k := range Keys() {
		if k.Path != path {
			continue
		}
		f := reflect.ValueOf(c).Elem().FieldByIndex(k.field)
		v := reflect.New(f.Type())
		dec := yaml.NewDecoder(strings.NewReader(value))
		dec.KnownFields(true)
		if err := dec.Decode(v.Interface()); err != nil && value != "" {
			return fmt.Errorf("config: %s: %q: %w", path, value, err)
		}
		f.Set(v.Elem())
		return nil
	}
	return fmt.Errorf("config: no key %q", path)
}

// SetFromEnv sets every key whose environment variable (Key.Env) is set
// in env (os.Environ's form, KEY=VALUE).
func (c *Config) SetFromEnv(env []string) error {
	vars := map[string]string{}
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			vars[k] = v
		}
	}
	for _, k := range Keys() {
		if v, ok := vars[k.Env()]; ok {
			if err := c.Set(k.Path, v); err != nil {
				return fmt.Errorf("%s: %w", k.Env(), err)
			}
		}
	}
	return nil
}
