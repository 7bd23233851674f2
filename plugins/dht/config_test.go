package dht

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zonemirror/zonemirror/plugins"
)

func TestConfigErrorsNameTheKey(t *testing.T) {
	for cfg, want := range map[string]string{
		`{}`:                                                        `key "dir" is required`,
		`{"dir":"/x","buckets":3}`:                                  `unknown key "buckets"`,
		`{"dir":"/x","listen":["nonsense"]}`:                        `key "listen[0]"`,
		`{"dir":"/x","listen":["/ip4/1.2.3.4"]}`:                    `neither TCP nor QUIC`,
		`{"dir":"/x","bootstrap":["/ip4/1.2.3.4/tcp/1"]}`:           `key "bootstrap[0]"`,
		`{"dir":"/x","bucket_size":1}`:                              `key "bucket_size"`,
		`{"dir":"/x","concurrency":-2}`:                             `key "concurrency"`,
		`{"dir":"/x","max_value_bytes":2000000}`:                    `key "max_value_bytes"`,
		`{"dir":"/x","get_timeout":"soon"}`:                         `key "get_timeout"`,
		`{"dir":"/x","record_ttl":"2h","republish_interval":"90m"}`: `key "republish_interval"`,
		`{"dir":"/x","republish_interval":"-1s"}`:                   `key "republish_interval"`,
		`{"dir":"/x","private_network_key_file":"k","listen":["/ip4/127.0.0.1/udp/1/quic-v1"]}`: `works over TCP only`,
	} {
		_, err := Open(context.Background(), plugins.Setup{Name: "d", Config: []byte(cfg)})
		if !errors.Is(err, plugins.ErrBadConfig) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want ErrBadConfig with %q", cfg, err, want)
		}
	}
}

func TestConfigDefaults(t *testing.T) {
	s, err := Config{Dir: "/x"}.validate()
	if err != nil {
		t.Fatal(err)
	}
	if s.bucketSize != 20 || s.concurrency != 3 || s.maxValue != 40960 || s.ttl != DefaultRecordTTL ||
		s.republish != DefaultRepublishInterval || s.keyFile != "/x/peer.key" || len(s.listen) != 1 ||
		s.listen[0].String() != DefaultListen || s.getTimeout != DefaultGetTimeout {
		t.Errorf("defaults: %+v", s)
	}
	never := plugins.Duration(0)
	if s, err := (Config{Dir: "/x", RepublishInterval: &never}).validate(); err != nil || s.republish != 0 {
		t.Errorf("republish_interval 0s: %+v, %v", s, err)
	}
}

func TestBadKeyAndPSKFiles(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk")
	if err := os.WriteFile(junk, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]Config{
		"key_file":                 {Dir: dir, KeyFile: junk},
		"private_network_key_file": {Dir: dir, PrivateNetworkKeyFile: junk},
	} {
		_, err := New(context.Background(), c, nil)
		if !errors.Is(err, plugins.ErrBadConfig) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestValidator(t *testing.T) {
	v := &validator{maxValue: 64, allowed: newAllowSet(), watch: map[string]*watch{}}
	good := []byte("$ORIGIN ok.id\n")
	k := plugins.SumKey(good)
	v.allowed.add([]plugins.Key{k})
	big := make([]byte, 65)
	for _, tc := range []struct {
		key    string
		value  []byte
		reason string
	}{
		{recordKey(k), good, ""},
		{"/pk/" + k.String(), good, RefusedBadKey},
		{"/zf/" + strings.ToUpper(k.String()), good, RefusedBadKey},
		{"/zf/" + k.String()[:38], good, RefusedBadKey},
		{recordKey(k), append([]byte("x"), good...), RefusedBadHash},
		{recordKey(plugins.SumKey(big)), big, RefusedTooLarge},
		{recordKey(plugins.SumKey([]byte("other"))), []byte("other"), RefusedNotAllowed},
	} {
		before := v.refusedCounts()
		err := v.Validate(tc.key, tc.value)
		after := v.refusedCounts()
		if (err == nil) != (tc.reason == "") {
			t.Errorf("Validate(%q): %v, want refusal %q", tc.key, err, tc.reason)
		}
		if tc.reason != "" && after[tc.reason] != before[tc.reason]+1 {
			t.Errorf("Validate(%q): not counted as %s: %v", tc.key, tc.reason, after)
		}
	}
	if i, err := v.Select(recordKey(k), [][]byte{good, good}); i != 0 || err != nil {
		t.Errorf("Select: %d, %v", i, err)
	}
}
