package s3

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/zonemirror/zonemirror/internal/testminio"
	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/conformance"
	"github.com/zonemirror/zonemirror/plugins/host"
	"github.com/zonemirror/zonemirror/plugins/host/hosttest"
)

func TestMain(m *testing.M) {
	hosttest.Main(m, map[string]plugins.OpenFunc{"s3": Open})
}

var prefixes atomic.Int64

// testConfig returns a driver config with a prefix of its own, so that every
// Open of the suite starts empty in the one bucket.
func testConfig(srv *testminio.Server) map[string]any {
	return srv.DriverConfig("records", fmt.Sprintf("t%d/", prefixes.Add(1)))
}

func newDriver(t *testing.T, cfg map[string]any) plugins.Driver {
	t.Helper()
	d, err := Open(context.Background(), plugins.Setup{Name: "s3", Config: hosttest.JSON(cfg), Logger: hosttest.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func TestConformanceMinIO(t *testing.T) {
	srv := testminio.Start(t)
	srv.CreateBucket(t, "records")
	t.Run("InProcess", func(t *testing.T) {
		cfgs := map[plugins.Driver]map[string]any{}
		conformance.Run(t, conformance.Harness{
			ListKeys: 2000, // the Process run lists the full 10,000
			Open: func(t *testing.T) plugins.Driver {
				c := testConfig(srv)
				d := newDriver(t, c)
				cfgs[d] = c
				return d
			},
			Restart: func(t *testing.T, d plugins.Driver) plugins.Driver {
				d.Close()
				n := newDriver(t, cfgs[d])
				cfgs[n] = cfgs[d]
				return n
			},
		})
	})
	t.Run("Process", func(t *testing.T) {
		h := hosttest.New(t, map[string]plugins.OpenFunc{"s3": Open}, nil)
		n := 0
		conformance.Run(t, hosttest.Harness(h, func(t *testing.T) host.DriverConfig {
			n++
			return host.DriverConfig{Name: fmt.Sprintf("s3-%d", n), Driver: "s3", Config: hosttest.JSON(testConfig(srv))}
		}))
	})
	t.Run("StorageClass", func(t *testing.T) {
		c := testConfig(srv)
		c["storage_class"] = "REDUCED_REDUNDANCY"
		d := newDriver(t, c)
		v := []byte("stored in a class of its own")
		k := plugins.SumKey(v)
		if err := d.Put(context.Background(), k, v); err != nil {
			t.Fatal(err)
		}
		out, err := srv.Client().HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String("records"), Key: aws.String(c["prefix"].(string) + k.String())})
		if err != nil {
			t.Fatal(err)
		}
		if out.StorageClass != "REDUCED_REDUNDANCY" {
			t.Errorf("storage class %q", out.StorageClass)
		}
	})
	t.Run("MissingBucket", func(t *testing.T) {
		c := testConfig(srv)
		c["bucket"] = "no-such-bucket"
		d := newDriver(t, c)
		st, err := d.Stat(context.Background())
		if err != nil || st.Healthy {
			t.Errorf("Stat on a missing bucket: %+v, %v; want unhealthy", st, err)
		}
		_, err = d.Get(context.Background(), plugins.SumKey([]byte("x")))
		if err == nil || errors.Is(err, plugins.ErrNotFound) {
			t.Errorf("Get on a missing bucket: %v; want an error that is not a miss", err)
		}
	})
	t.Run("BadCredentials", func(t *testing.T) {
		c := testConfig(srv)
		c["secret_access_key"] = "wrong"
		d := newDriver(t, c)
		v := []byte("x")
		if err := d.Put(context.Background(), plugins.SumKey(v), v); err == nil {
			t.Error("Put with a wrong secret succeeded")
		}
	})
	// Credentials from the AWS environment and from a shared-credentials
	// profile, none in the config.
	t.Run("CredentialChain", func(t *testing.T) {
		noCreds := func() map[string]any {
			c := testConfig(srv)
			delete(c, "access_key_id")
			delete(c, "secret_access_key")
			return c
		}
		roundTrip := func(t *testing.T, c map[string]any) {
			t.Helper()
			d := newDriver(t, c)
			v := []byte("credentials from the chain: " + t.Name())
			if err := d.Put(context.Background(), plugins.SumKey(v), v); err != nil {
				t.Fatal(err)
			}
		}
		dir := t.TempDir()
		t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
		t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
		t.Setenv("AWS_PROFILE", "")
		// Never ask an instance-metadata endpoint off this machine.
		t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
		t.Run("Environment", func(t *testing.T) {
			t.Setenv("AWS_ACCESS_KEY_ID", srv.AccessKey)
			t.Setenv("AWS_SECRET_ACCESS_KEY", srv.SecretKey)
			roundTrip(t, noCreds())
		})
		t.Run("Profile", func(t *testing.T) {
			creds := fmt.Sprintf("[mirror]\naws_access_key_id = %s\naws_secret_access_key = %s\n", srv.AccessKey, srv.SecretKey)
			if err := os.WriteFile(filepath.Join(dir, "credentials"), []byte(creds), 0o600); err != nil {
				t.Fatal(err)
			}
			c := noCreds()
			c["profile"] = "mirror"
			roundTrip(t, c)
		})
	})
	// Throttling and 5xx answers are retried with backoff: a proxy in front
	// of MinIO answers 503 to the first try of every request.
	t.Run("RetriesWithBackoff", func(t *testing.T) {
		target, err := url.Parse(srv.Endpoint)
		if err != nil {
			t.Fatal(err)
		}
		proxy := httputil.NewSingleHostReverseProxy(target)
		var mu sync.Mutex
		seen := map[string]int{}
		var refused atomic.Int64
		flaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key := r.Method + " " + r.URL.String()
			mu.Lock()
			seen[key]++
			first := seen[key] == 1
			mu.Unlock()
			if first {
				refused.Add(1)
				w.Header().Set("Content-Type", "application/xml")
				w.WriteHeader(http.StatusServiceUnavailable)
				fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>try again</Message></Error>`)
				return
			}
			proxy.ServeHTTP(w, r)
		}))
		defer flaky.Close()
		c := testConfig(srv)
		c["endpoint"] = flaky.URL
		c["max_attempts"] = 3
		d := newDriver(t, c)
		ctx := context.Background()
		v := []byte("stored on the second try")
		k := plugins.SumKey(v)
		if err := d.Put(ctx, k, v); err != nil {
			t.Fatalf("Put through a server that refuses first tries: %v", err)
		}
		if got, err := d.Get(ctx, k); err != nil || string(got) != string(v) {
			t.Fatalf("Get: %q, %v", got, err)
		}
		if refused.Load() < 2 {
			t.Fatalf("the proxy refused %d requests; the test did not exercise retries", refused.Load())
		}
		// With a single attempt the same refusal is an error.
		c["max_attempts"] = 1
		d1 := newDriver(t, c)
		w := []byte("no retry")
		if err := d1.Put(ctx, plugins.SumKey(w), w); !errors.Is(err, plugins.ErrUnavailable) {
			t.Errorf("Put with max_attempts 1 through a refusing server: %v, want ErrUnavailable (503)", err)
		}
	})
	// Stat answers promptly, unhealthy, while the server hangs: the host's
	// health check must not take a slow S3 for a hung driver.
	t.Run("StatWhileS3Hangs", func(t *testing.T) {
		release := make(chan struct{})
		hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}))
		defer hang.Close()
		defer close(release)
		c := testConfig(srv)
		c["endpoint"] = hang.URL
		d := newDriver(t, c)
		start := time.Now()
		st, err := d.Stat(context.Background())
		if err != nil || st.Healthy {
			t.Errorf("Stat against a hanging server: %+v, %v; want unhealthy, no error", st, err)
		}
		if el := time.Since(start); el > 3*time.Second {
			t.Errorf("Stat took %s against a hanging server", el)
		}
	})
	// The SDK's own default (checksums when supported) against MinIO.
	t.Run("ChecksumsWhenSupported", func(t *testing.T) {
		c := testConfig(srv)
		c["checksums"] = "when_supported"
		d := newDriver(t, c)
		v := make([]byte, 40960)
		k := plugins.SumKey(v)
		if err := d.Put(context.Background(), k, v); err != nil {
			t.Fatalf("Put: %v", err)
		}
		if got, err := d.Get(context.Background(), k); err != nil || len(got) != len(v) {
			t.Fatalf("Get: %d bytes, %v", len(got), err)
		}
	})
	t.Run("Outage", func(t *testing.T) {
		d := newDriver(t, testConfig(srv))
		srv.Kill()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_, err := d.Get(ctx, plugins.SumKey([]byte("x")))
		if !errors.Is(err, plugins.ErrUnavailable) {
			t.Errorf("Get with MinIO down: %v, want ErrUnavailable", err)
		}
		v := []byte("y")
		if err := d.Put(ctx, plugins.SumKey(v), v); !errors.Is(err, plugins.ErrUnavailable) {
			t.Errorf("Put with MinIO down: %v, want ErrUnavailable", err)
		}
		if st, err := d.Stat(ctx); err != nil || st.Healthy {
			t.Errorf("Stat with MinIO down: %+v, %v", st, err)
		}
	})
}

func TestConfigErrors(t *testing.T) {
	cases := []struct{ cfg, key string }{
		{`{}`, `"bucket"`},
		{`{"bucket":"b","checksums":"always"}`, `"checksums"`},
		{`{"bucket":"b","storage_class":"COLD"}`, `"storage_class"`},
		{`{"bucket":"b","access_key_id":"a"}`, `"secret_access_key"`},
		{`{"bucket":"b","max_attempts":99}`, `"max_attempts"`},
		{`{"bucket":"b","max_backoff":"soon"}`, `max_backoff`},
		{`{"bucket":"b","bukket":"c"}`, `"bukket"`},
		{`{"bucket":"b","path_style":"yes"}`, `"path_style"`},
	}
	for _, c := range cases {
		_, err := Open(context.Background(), plugins.Setup{Name: "s3", Config: []byte(c.cfg)})
		if !errors.Is(err, plugins.ErrBadConfig) || !strings.Contains(err.Error(), c.key) {
			t.Errorf("%s: %v, want ErrBadConfig naming %s", c.cfg, err, c.key)
		}
	}
}
