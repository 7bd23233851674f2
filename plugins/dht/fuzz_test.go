package dht

import (
	"errors"
	"testing"

	"github.com/zonemirror/zonemirror/plugins"
)

// FuzzValidate: whatever key and value a peer sends, the validator
// accepts exactly the records whose key is /zf/<hex of hash160(value)>,
// whose hash is allowed, and that fit; it never panics.
func FuzzValidate(f *testing.F) {
	good := []byte("$ORIGIN muneeb.id\n$TTL 3600\n")
	k := plugins.SumKey(good)
	f.Add(recordKey(k), good)
	f.Add("/zf/"+k.String()+"/", good)
	f.Add("/pk/abc", []byte{})
	f.Add("", []byte("x"))
	f.Add("/zf/", good)
	f.Fuzz(func(t *testing.T, key string, value []byte) {
		v := &validator{maxValue: 256, allowed: newAllowSet(), watch: map[string]*watch{}}
		v.allowed.add([]plugins.Key{k, plugins.SumKey(value)})
		err := v.Validate(key, value)
		want := key == recordKey(plugins.SumKey(value)) && len(value) <= 256
		if (err == nil) != want {
			t.Fatalf("Validate(%q, %d bytes) = %v, want accepted=%v", key, len(value), err, want)
		}
		if err != nil && !errors.Is(err, plugins.ErrBadKey) && !errors.Is(err, plugins.ErrBadValue) && !errors.Is(err, plugins.ErrTooLarge) {
			t.Fatalf("refusal of an unexpected kind: %v", err)
		}
	})
}

// FuzzConfig: any config JSON is either refused with ErrBadConfig or
// validates into settings within the documented bounds; never a panic.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"dir":"/x"}`))
	f.Add([]byte(`{"dir":"/x","listen":["/ip4/127.0.0.1/tcp/0"],"bootstrap":["/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWKTUCLha5kQA3e1ki7ZQskmL8RPM1rDGEitrFvKSWT1SJ"]}`))
	f.Add([]byte(`{"dir":"/x","record_ttl":"4s","republish_interval":"2s","bucket_size":5,"concurrency":3}`))
	f.Add([]byte(`{"dir":"/x","private_network_key_file":"/k","listen":["/ip4/0.0.0.0/udp/1/quic-v1"]}`))
	f.Add([]byte(`{"dir":"/x","max_value_bytes":-1}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var c Config
		if err := plugins.DecodeConfig(raw, &c); err != nil {
			if !errors.Is(err, plugins.ErrBadConfig) {
				t.Fatalf("decode error without ErrBadConfig: %v", err)
			}
			return
		}
		s, err := c.validate()
		if err != nil {
			if !errors.Is(err, plugins.ErrBadConfig) {
				t.Fatalf("validate error without ErrBadConfig: %v", err)
			}
			return
		}
		if s.bucketSize < 2 || s.concurrency < 1 || s.maxValue < 1 || s.maxValue > plugins.MaxValueSize ||
			s.republish < 0 || s.republish > s.ttl/2 || len(s.listen) == 0 || s.dir == "" {
			t.Fatalf("settings out of bounds: %+v", s)
		}
	})
}
