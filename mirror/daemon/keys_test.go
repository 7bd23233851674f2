package daemon

import (
	"strings"
	"testing"
)

// Every key of the YAML is listed once, settable by path and by its
// environment variable; values are read as YAML; bad ones name the key.
func TestKeys(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range Keys() {
		if seen[k.Env()] {
			t.Errorf("two keys map to %s", k.Env())
		}
		seen[k.Env()] = true
	}
	if seen["ZONEMIRROR_DNS_RATE_PER_CLIENT"] {
		t.Error("the retired dns.rate_per_client is still a key")
	}
	for _, want := range []string{"ZONEMIRROR_NETWORK", "ZONEMIRROR_NODE_HOST", "ZONEMIRROR_DNS_RRL_RESPONSES_PER_SECOND", "ZONEMIRROR_DNS_RRL_EXEMPT", "ZONEMIRROR_DRIVERS",
		"ZONEMIRROR_CRAWL_SOURCE", "ZONEMIRROR_READY_MAX_MISSING", "ZONEMIRROR_SYNC_CONFIRMATIONS", "ZONEMIRROR_CACHE_RECORDS_BYTES"} {
		if !seen[want] {
			t.Errorf("no key for %s", want)
		}
	}

	c, err := Parse([]byte("network: regtest\ndns: {listen: 127.0.0.1:53}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetFromEnv([]string{"ZONEMIRROR_DNS_LISTEN=off", "ZONEMIRROR_SYNC_CONFIRMATIONS=3", "PATH=/bin",
		"ZONEMIRROR_DRIVERS=[{name: a, driver: disk, config: {dir: /tmp/a}}, {name: b, driver: dht}]"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Set("cache.records_bytes", "1048576"); err != nil {
		t.Fatal(err)
	}
	if err := c.Defaults(); err != nil {
		t.Fatal(err)
	}
	if c.Network != "regtest" || c.DNS.Listen != "off" || *c.Sync.Confirmations != 3 || c.Cache.Records != 1<<20 ||
		len(c.Drivers) != 2 || c.Drivers[0].Config["dir"] != "/tmp/a" || c.Crawl.Source != "b" {
		t.Errorf("set: %+v", c)
	}
	for _, tc := range []struct{ path, value, want string }{
		{"cache.records_bytes", "lots", "cache.records_bytes"},
		{"colour", "blue", `no key "colour"`},
		{"drivers", "[{name: a, flavour: x}]", "drivers"},
	} {
		if err := c.Set(tc.path, tc.value); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("set %s=%s: %v, want an error naming %s", tc.path, tc.value, err, tc.want)
		}
	}
	if err := c.SetFromEnv([]string{"ZONEMIRROR_SYNC_WINDOW=wide"}); err == nil || !strings.Contains(err.Error(), "ZONEMIRROR_SYNC_WINDOW") {
		t.Errorf("bad env: %v", err)
	}
}
