package plugins

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"

	driverpb "github.com/zonemirror/zonemirror/plugins/proto"
)

func TestKey(t *testing.T) {
	// hash160("") — a known vector.
	if got := SumKey(nil).String(); got != "b472a266d0bd89c13706a4132ccfb16f7c3b9fcb" {
		t.Fatalf("SumKey(\"\") = %s", got)
	}
	k := SumKey([]byte("zone"))
	p, err := ParseKey(k.String())
	if err != nil || p != k {
		t.Fatalf("ParseKey(String()) = %v, %v", p, err)
	}
	for _, bad := range []string{"", "00", strings.Repeat("g", 40), strings.ToUpper(k.String()), k.String() + "0", "../../../../../../../../../../etc/passwd", strings.Repeat("0", 39) + "/"} {
		if _, err := ParseKey(bad); !errors.Is(err, ErrBadKey) {
			t.Errorf("ParseKey(%q): %v, want ErrBadKey", bad, err)
		}
	}
	if _, err := KeyFromBytes(make([]byte, 19)); !errors.Is(err, ErrBadKey) {
		t.Errorf("KeyFromBytes(19 bytes): %v", err)
	}
	var j struct{ K Key }
	if err := json.Unmarshal([]byte(`{"K":"`+k.String()+`"}`), &j); err != nil || j.K != k {
		t.Errorf("JSON: %v %v", j.K, err)
	}
}

func TestCheckValue(t *testing.T) {
	v := []byte("x")
	if err := CheckValue(SumKey(v), v); err != nil {
		t.Error(err)
	}
	if err := CheckValue(SumKey([]byte("y")), v); !errors.Is(err, ErrBadValue) {
		t.Errorf("wrong key: %v", err)
	}
	big := make([]byte, MaxValueSize+1)
	if err := CheckValue(SumKey(big), big); !errors.Is(err, ErrTooLarge) {
		t.Errorf("too large: %v", err)
	}
}

func TestDecodeConfig(t *testing.T) {
	type cfg struct {
		Dir     string   `json:"dir"`
		N       int      `json:"n"`
		Timeout Duration `json:"timeout"`
	}
	c := cfg{N: 7}
	if err := DecodeConfig(nil, &c); err != nil || c.N != 7 {
		t.Fatalf("empty config: %+v %v", c, err)
	}
	if err := DecodeConfig([]byte(`{"dir":"/x","timeout":"250ms"}`), &c); err != nil || c.Dir != "/x" || c.N != 7 || time.Duration(c.Timeout) != 250*time.Millisecond {
		t.Fatalf("decode: %+v %v", c, err)
	}
	for in, want := range map[string]string{
		`{"dri":"/x"}`:       `unknown key "dri"`,
		`{"n":"seven"}`:      `key "n"`,
		`{"timeout":"soon"}`: `key "timeout"`,
		`{"dir":`:            `bad driver config`,
		`{} {}`:              `trailing data`,
		`[]`:                 `bad driver config`,
	} {
		err := DecodeConfig([]byte(in), &cfg{})
		if !errors.Is(err, ErrBadConfig) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want ErrBadConfig with %q", in, err, want)
		}
	}
}

func TestReasonsAreDistinct(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range reasons {
		if seen[r.reason] || Reason(r.err) != r.reason || errorForReason(r.reason) != r.err {
			t.Errorf("reason %s", r.reason)
		}
		seen[r.reason] = true
	}
	if Reason(errors.New("other")) != "" {
		t.Error("an unknown error has a reason")
	}
}

// memDriver is a minimal in-memory Driver for the adapter tests.
type memDriver struct {
	m        map[Key][]byte
	readOnly bool
	allowed  int
}

func (d *memDriver) Get(_ context.Context, k Key) ([]byte, error) {
	if v, ok := d.m[k]; ok {
		return v, nil
	}
	return nil, ErrNotFound
}
func (d *memDriver) Put(_ context.Context, k Key, v []byte) error {
	if d.readOnly {
		return errors.New("mem: " + ErrReadOnly.Error() + " (wrapped below)")
	}
	d.m[k] = v
	return nil
}
func (d *memDriver) Has(_ context.Context, k Key) (bool, error) { _, ok := d.m[k]; return ok, nil }
func (d *memDriver) Delete(_ context.Context, k Key) error {
	if d.readOnly {
		return errors.Join(errors.New("mem delete"), ErrReadOnly)
	}
	delete(d.m, k)
	return nil
}
func (d *memDriver) List(_ context.Context, _ ListOptions, fn func([]Key) error) error {
	return errors.Join(errors.New("mem list"), ErrFull)
}
func (d *memDriver) Allow(_ context.Context, keys iter.Seq[Key]) (int, error) {
	for range keys {
		d.allowed++
	}
	return d.allowed, nil
}
func (d *memDriver) Stat(context.Context) (Status, error) {
	return Status{Info: Info{Driver: "mem", ReadOnly: d.readOnly}, Healthy: true, Records: int64(len(d.m)), Bytes: -1, FreeBytes: -1}, nil
}
func (d *memDriver) Close() error { return nil }

// serve runs the gRPC server adapter on an in-memory connection.
func serve(t testing.TB, open OpenFunc) (*Client, driverpb.DriverClient) {
	t.Helper()
	c, raw, _ := serveWith(t, open)
	return c, raw
}

// serveWith is serve that also returns the server (to close its fast Get
// socket).
func serveWith(t testing.TB, open OpenFunc) (*Client, driverpb.DriverClient, *server) {
	t.Helper()
	srv := newServer(open, slog.New(slog.DiscardHandler))
	c, raw := serveThis(t, srv)
	return c, raw, srv
}

// serveThis serves the driver protocol's server srv over gRPC to a Client.
func serveThis(t testing.TB, srv interface {
	driverpb.DriverServer
	close() error
}) (*Client, driverpb.DriverClient) {
	t.Helper()
	lis := bufconn.Listen(1 << 20)
	s := grpc.NewServer()
	t.Cleanup(func() { srv.close() })
	driverpb.RegisterDriverServer(s, srv)
	go s.Serve(lis)
	t.Cleanup(s.Stop)
	conn, err := grpc.NewClient("passthrough:///bufconn",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	c := NewClient(conn)
	t.Cleanup(func() { c.Close() })
	return c, driverpb.NewDriverClient(conn)
}

// oldFastGet offers a fast Get socket that closes every connection, as a
// driver built against an older version of this package that does not
// hand over the pipes.
type oldFastGet struct {
	*server
	socket string
}

func (s oldFastGet) Configure(ctx context.Context, req *driverpb.ConfigureRequest) (*driverpb.ConfigureResponse, error) {
	resp, err := s.server.Configure(ctx, req)
	if resp != nil {
		resp.FastGetSocket = s.socket
	}
	return resp, err
}

// A driver whose fast Get socket cannot be taken is configured all the
// same, and its Gets go over gRPC.
func TestFastGetRefused(t *testing.T) {
	path := t.TempDir() + "/s"
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	mem := &memDriver{m: map[Key][]byte{}}
	srv := newServer(func(context.Context, Setup) (Driver, error) { return mem, nil }, slog.New(slog.DiscardHandler))
	c, _ := serveThis(t, oldFastGet{srv, path})
	ctx := context.Background()
	if _, err := c.Configure(ctx, "tier", nil); err != nil {
		t.Fatalf("configure: %v", err)
	}
	if c.fast.Load() != nil {
		t.Fatal("a refused fast socket is in use")
	}
	k := SumKey([]byte("v"))
	if err := c.Put(ctx, k, []byte("v")); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Get(ctx, k); err != nil || string(v) != "v" {
		t.Fatalf("Get over gRPC: %q %v", v, err)
	}
}

// fullDriver fails Gets of one key with ErrFull.
type fullDriver struct {
	*memDriver
	full Key
}

func (d fullDriver) Get(ctx context.Context, k Key) ([]byte, error) {
	if k == d.full {
		return nil, fmt.Errorf("mem get %s: %w", k, ErrFull)
	}
	return d.memDriver.Get(ctx, k)
}

// Gets take the fast socket the driver offers, with the same answers and
// error kinds as over gRPC; when the socket breaks they go over gRPC.
func TestFastGet(t *testing.T) {
	mem := fullDriver{&memDriver{m: map[Key][]byte{}}, SumKey([]byte("full"))}
	ctx := context.Background()
	for _, grpcOnly := range []bool{false, true} {
		c, _, srv := serveWith(t, func(context.Context, Setup) (Driver, error) { return mem, nil })
		if grpcOnly {
			c.GRPCOnly()
		}
		if _, err := c.Configure(ctx, "tier", nil); err != nil {
			t.Fatal(err)
		}
		if got := c.fast.Load() != nil; got == grpcOnly {
			t.Fatalf("grpcOnly %v: fast socket in use: %v", grpcOnly, got)
		}
		k := SumKey([]byte("v"))
		if err := c.Put(ctx, k, []byte("v")); err != nil {
			t.Fatal(err)
		}
		check := func(when string) {
			t.Helper()
			if v, err := c.Get(ctx, k); err != nil || string(v) != "v" {
				t.Fatalf("grpcOnly %v, %s: Get %q %v", grpcOnly, when, v, err)
			}
			if _, err := c.Get(ctx, SumKey([]byte("w"))); !errors.Is(err, ErrNotFound) {
				t.Fatalf("grpcOnly %v, %s: miss %v", grpcOnly, when, err)
			}
			if _, err := c.Get(ctx, mem.full); !errors.Is(err, ErrFull) || !strings.Contains(err.Error(), "mem get") {
				t.Fatalf("grpcOnly %v, %s: failing Get %v", grpcOnly, when, err)
			}
		}
		check("first")
		if grpcOnly {
			continue
		}
		srv.mu.Lock()
		fast := srv.fast
		srv.mu.Unlock()
		if err := fast.Close(); err != nil {
			t.Fatal(err)
		}
		check("after the socket closed")
		if c.fast.Load() != nil {
			t.Fatal("a broken fast socket is still in use")
		}
	}
}

func TestAdapters(t *testing.T) {
	mem := &memDriver{m: map[Key][]byte{}}
	c, raw := serve(t, func(_ context.Context, s Setup) (Driver, error) {
		if err := DecodeConfig(s.Config, &struct {
			ReadOnly bool `json:"read_only"`
		}{}); err != nil {
			return nil, err
		}
		if s.Name != "tier-a" {
			return nil, errors.New("name not passed")
		}
		return mem, nil
	})
	ctx := context.Background()
	k := SumKey([]byte("v"))
	if _, err := c.Get(ctx, k); !errors.Is(err, ErrNotConfigured) {
		t.Fatalf("Get before Configure: %v", err)
	}
	if _, err := c.Configure(ctx, "tier-a", json.RawMessage(`{"nope":1}`)); !errors.Is(err, ErrBadConfig) || !strings.Contains(err.Error(), `"nope"`) {
		t.Fatalf("Configure with a bad key: %v", err)
	}
	info, err := c.Configure(ctx, "tier-a", nil)
	if err != nil || info.Driver != "mem" {
		t.Fatalf("Configure: %+v %v", info, err)
	}
	if _, err := c.Configure(ctx, "tier-a", nil); !errors.Is(err, ErrBadConfig) {
		t.Errorf("second Configure: %v", err)
	}
	if _, err := c.Get(ctx, k); !errors.Is(err, ErrNotFound) {
		t.Errorf("miss: %v", err)
	}
	if err := c.Put(ctx, k, []byte("v")); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Get(ctx, k); err != nil || string(v) != "v" {
		t.Errorf("Get: %q %v", v, err)
	}
	// The server checks what comes over the wire before the driver sees it.
	if err := c.Put(ctx, k, []byte("w")); !errors.Is(err, ErrBadValue) {
		t.Errorf("Put under the wrong key: %v", err)
	}
	big := make([]byte, MaxValueSize+1)
	if err := c.Put(ctx, SumKey(big), big); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Put too large: %v", err)
	}
	for name, call := range map[string]func() error{
		"Get": func() error {
			_, err := raw.Get(ctx, &driverpb.GetRequest{Key: []byte("short")})
			return errorFromStatus(err)
		},
		"Put": func() error {
			_, err := raw.Put(ctx, &driverpb.PutRequest{Key: make([]byte, 21)})
			return errorFromStatus(err)
		},
		"Has": func() error { _, err := raw.Has(ctx, &driverpb.HasRequest{}); return errorFromStatus(err) },
		"Delete": func() error {
			_, err := raw.Delete(ctx, &driverpb.DeleteRequest{Key: []byte("x")})
			return errorFromStatus(err)
		},
		"List": func() error {
			s, err := raw.List(ctx, &driverpb.ListRequest{After: []byte("x")})
			if err != nil {
				return err
			}
			_, err = s.Recv()
			return errorFromStatus(err)
		},
		"Allow": func() error {
			s, err := raw.Allow(ctx)
			if err != nil {
				return err
			}
			_ = s.Send(&driverpb.AllowRequest{Keys: [][]byte{k[:], []byte("bad")}})
			_, err = s.CloseAndRecv()
			return errorFromStatus(err)
		},
	} {
		if err := call(); !errors.Is(err, ErrBadKey) {
			t.Errorf("%s with a bad key: %v, want ErrBadKey", name, err)
		}
	}
	// Error kinds survive the trip, with the driver's message.
	mem.readOnly = true
	mem.allowed = 0 // the bad-key Allow above took one key before the bad one
	if err := c.Delete(ctx, k); !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), "mem delete") {
		t.Errorf("Delete: %v", err)
	}
	if err := c.List(ctx, ListOptions{}, func([]Key) error { return nil }); !errors.Is(err, ErrFull) {
		t.Errorf("List: %v", err)
	}
	n, err := c.Allow(ctx, func(yield func(Key) bool) {
		for i := 0; i < 3000; i++ {
			if !yield(k) {
				return
			}
		}
	})
	if err != nil || n != 3000 || mem.allowed != 3000 {
		t.Errorf("Allow: %d %v (driver saw %d)", n, err, mem.allowed)
	}
	if st, err := c.Stat(ctx); err != nil || st.Records != 1 || !st.ReadOnly {
		t.Errorf("Stat: %+v %v", st, err)
	}
}

// go-plugin's host must read what NewPluginLogHandler writes as hclog
// JSON: level, message and attributes.
func TestPluginLogHandlerIsHCLogJSON(t *testing.T) {
	var buf bytes.Buffer
	slog.New(NewPluginLogHandler(&buf, slog.LevelDebug)).Warn("disk full", "dir", "/srv", "free", 0)
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if m["@level"] != "warn" || m["@message"] != "disk full" || m["dir"] != "/srv" {
		t.Errorf("%s", buf.Bytes())
	}
	if _, err := time.Parse("2006-01-02T15:04:05.000000Z07:00", m["@timestamp"].(string)); err != nil {
		t.Errorf("timestamp: %v", err)
	}
	if hclog.LevelFromString(m["@level"].(string)) != hclog.Warn {
		t.Error("hclog does not read the level")
	}
}
