package plugins

import (
	"encoding/json"
	"errors"
	"testing"
)

// ParseKey accepts exactly the 40-lowercase-hex spellings, and what it
// accepts prints back the same: a key never reaches a file or object name
// in any other form.
func FuzzParseKey(f *testing.F) {
	f.Add("b472a266d0bd89c13706a4132ccfb16f7c3b9fcb")
	f.Add("B472A266D0BD89C13706A4132CCFB16F7C3B9FCB")
	f.Add("../../etc/passwd")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseKey(s)
		if err != nil {
			if !errors.Is(err, ErrBadKey) {
				t.Fatalf("error %v is not ErrBadKey", err)
			}
			return
		}
		if k.String() != s {
			t.Fatalf("ParseKey(%q) prints as %q", s, k.String())
		}
	})
}

// DecodeConfig never panics, and every refusal is ErrBadConfig.
func FuzzDecodeConfig(f *testing.F) {
	f.Add([]byte(`{"dir":"/x","fsync":false,"timeout":"5s","n":3}`))
	f.Add([]byte(`{"timeout":"soon"}`))
	f.Add([]byte(`{"dir":1}`))
	f.Add([]byte(`{} {}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var c struct {
			Dir     string          `json:"dir"`
			Fsync   *bool           `json:"fsync"`
			Timeout Duration        `json:"timeout"`
			N       int             `json:"n"`
			Tags    []string        `json:"tags"`
			Extra   json.RawMessage `json:"extra"`
		}
		if err := DecodeConfig(raw, &c); err != nil && !errors.Is(err, ErrBadConfig) {
			t.Fatalf("error %v is not ErrBadConfig", err)
		}
	})
}
