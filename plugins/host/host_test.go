package host_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/disk"
	"github.com/zonemirror/zonemirror/plugins/host"
	"github.com/zonemirror/zonemirror/plugins/host/hosttest"
)

// builtins of this test binary: the disk driver and two misbehaving ones.
var builtins = map[string]plugins.OpenFunc{
	"disk": disk.Open,
	// chatty logs a record with attributes when it opens.
	"chatty": func(ctx context.Context, s plugins.Setup) (plugins.Driver, error) {
		s.Logger.Warn("hello from the driver", "answer", 42)
		return disk.Open(ctx, s)
	},
	// hang stops answering Stat once DIR/hang appears; a process started
	// after that (a relaunch) answers again.
	"hang": func(ctx context.Context, s plugins.Setup) (plugins.Driver, error) {
		d, err := disk.Open(ctx, s)
		if err != nil {
			return nil, err
		}
		var c disk.Config
		_ = plugins.DecodeConfig(s.Config, &c)
		flag := filepath.Join(c.Dir, "hang")
		if _, err := os.Stat(flag); err == nil {
			return d, nil
		}
		return &hangDriver{Driver: d, flag: flag}, nil
	},
}

type hangDriver struct {
	plugins.Driver
	flag string
}

func (h *hangDriver) Stat(ctx context.Context) (plugins.Status, error) {
	if _, err := os.Stat(h.flag); err == nil {
		<-ctx.Done()
		return plugins.Status{}, ctx.Err()
	}
	return h.Driver.Stat(ctx)
}

const hostModeEnv = "ZONEMIRROR_HOSTTEST_HOST_MODE"

func TestMain(m *testing.M) {
	if dir := os.Getenv(hostModeEnv); dir != "" {
		runHostMode(dir)
		return
	}
	hosttest.Main(m, builtins)
}

// runHostMode is a host process for TestNoOrphansAfterHostKill9: it starts
// a disk driver, prints the driver's pid and waits to be killed.
func runHostMode(dir string) {
	os.Unsetenv(hostModeEnv) // the driver is this binary too: it must serve, not host
	o := hosttest.Options(builtins)
	h, err := host.New(o)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	d, err := h.Start(context.Background(), host.DriverConfig{Name: "orphan", Driver: "disk", Config: hosttest.JSON(map[string]any{"dir": dir})})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println("pid", d.(*host.Process).PID())
	time.Sleep(time.Minute)
	os.Exit(3) // never reached: the test kills us
}

func diskConfig(t *testing.T, name string) host.DriverConfig {
	return host.DriverConfig{Name: name, Driver: "disk", Config: hosttest.JSON(map[string]any{"dir": t.TempDir(), "fsync": false})}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// alive reports whether pid is a live (non-zombie) process.
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name in parentheses.
	i := bytes.LastIndexByte(b, ')')
	return i < 0 || i+2 >= len(b) || (b[i+2] != 'Z' && b[i+2] != 'X')
}

func waitGone(t *testing.T, pid int, timeout time.Duration) {
	t.Helper()
	for start := time.Now(); time.Since(start) < timeout; time.Sleep(20 * time.Millisecond) {
		if !alive(pid) {
			return
		}
	}
	t.Fatalf("driver process %d still alive after %s", pid, timeout)
}

func TestRestartAfterKill9(t *testing.T) {
	h := hosttest.New(t, builtins, nil)
	d := hosttest.Start(t, h, diskConfig(t, "tier1"))
	p := d.(*host.Process)
	v := []byte("a record that must survive its driver")
	k := plugins.SumKey(v)
	if err := d.Put(ctx(t), k, v); err != nil {
		t.Fatal(err)
	}
	pid := p.PID()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// While it is down, calls fail fast and say why.
	start := time.Now()
	var sawDown bool
	for time.Since(start) < 10*time.Second {
		_, err := d.Get(ctx(t), k)
		if err == nil && p.PID() != pid {
			break
		}
		if err != nil {
			if !errors.Is(err, plugins.ErrUnavailable) {
				t.Fatalf("Get on a dead driver: %v, want ErrUnavailable", err)
			}
			sawDown = true
		}
		time.Sleep(5 * time.Millisecond)
	}
	back := time.Since(start)
	if !sawDown {
		t.Error("no call saw the driver down")
	}
	if got, err := d.Get(ctx(t), k); err != nil || !bytes.Equal(got, v) {
		t.Fatalf("Get after restart: %q, %v", got, err)
	}
	if p.Restarts() != 1 || p.PID() == pid || !alive(p.PID()) {
		t.Fatalf("restarts %d, pid %d (was %d)", p.Restarts(), p.PID(), pid)
	}
	t.Logf("serving again %s after kill -9", back.Round(time.Millisecond))
	if back > 5*time.Second {
		t.Errorf("took %s to serve again", back)
	}
	waitGone(t, pid, 5*time.Second)
}

func TestHealthCheckRestartsHungDriver(t *testing.T) {
	h := hosttest.New(t, builtins, func(o *host.Options) { o.HealthInterval = 100 * time.Millisecond })
	c := diskConfig(t, "hung")
	c.Driver = "hang"
	dir := strings.TrimSuffix(strings.TrimPrefix(string(c.Config), `{"dir":"`), `","fsync":false}`)
	p := hosttest.Start(t, h, c).(*host.Process)
	pid := p.PID()
	if err := os.WriteFile(filepath.Join(dir, "hang"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for p.Restarts() < 1 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if p.Restarts() < 1 {
		t.Fatal("a driver that stopped answering Stat was not restarted")
	}
	waitGone(t, pid, 5*time.Second)
	var err error
	for time.Now().Before(deadline) {
		if _, err = p.Stat(ctx(t)); err == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("relaunched driver does not answer Stat: %v", err)
}

func TestNoOrphansAfterHostKill9(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), hostModeEnv+"="+t.TempDir())
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("host process said nothing: %v", err)
	}
	f := strings.Fields(line)
	if len(f) != 2 || f[0] != "pid" {
		t.Fatalf("host process: %q", line)
	}
	pid, _ := strconv.Atoi(f[1])
	if !alive(pid) {
		t.Fatalf("driver %d not running", pid)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	waitGone(t, pid, 5*time.Second)
}

func TestCloseStopsDrivers(t *testing.T) {
	h, err := host.New(hosttest.Options(builtins))
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for i := 0; i < 3; i++ {
		d, err := h.Start(ctx(t), diskConfig(t, fmt.Sprintf("t%d", i)))
		if err != nil {
			t.Fatal(err)
		}
		pids = append(pids, d.(*host.Process).PID())
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		waitGone(t, pid, 5*time.Second)
	}
	if _, err := h.Start(ctx(t), diskConfig(t, "late")); err == nil {
		t.Fatal("Start after Close succeeded")
	}
}

// capture is a slog handler that keeps records.
type capture struct {
	mu    sync.Mutex
	recs  []slog.Record
	attrs []slog.Attr
}

func (c *capture) Enabled(context.Context, slog.Level) bool { return true }
func (c *capture) Handle(_ context.Context, r slog.Record) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	r = r.Clone()
	r.AddAttrs(c.attrs...)
	c.recs = append(c.recs, r)
	return nil
}
func (c *capture) WithAttrs(as []slog.Attr) slog.Handler {
	return &captureView{c: c, attrs: as}
}
func (c *capture) WithGroup(string) slog.Handler { return c }

type captureView struct {
	c     *capture
	attrs []slog.Attr
}

func (v *captureView) Enabled(context.Context, slog.Level) bool { return true }
func (v *captureView) Handle(ctx context.Context, r slog.Record) error {
	r = r.Clone()
	r.AddAttrs(v.attrs...)
	return v.c.Handle(ctx, r)
}
func (v *captureView) WithAttrs(as []slog.Attr) slog.Handler {
	return &captureView{c: v.c, attrs: append(append([]slog.Attr{}, v.attrs...), as...)}
}
func (v *captureView) WithGroup(string) slog.Handler { return v }

func (c *capture) find(msg string) (slog.Record, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range c.recs {
		if r.Message == msg {
			return r, true
		}
	}
	return slog.Record{}, false
}

func TestDriverLogsReachHost(t *testing.T) {
	logs := &capture{}
	h := hosttest.New(t, builtins, func(o *host.Options) { o.Logger = slog.New(logs) })
	c := diskConfig(t, "talker")
	c.Driver = "chatty"
	hosttest.Start(t, h, c)
	var r slog.Record
	var ok bool
	for start := time.Now(); time.Since(start) < 5*time.Second && !ok; time.Sleep(10 * time.Millisecond) {
		r, ok = logs.find("hello from the driver")
	}
	if !ok {
		t.Fatal("the driver's log record did not reach the host's logger")
	}
	got := map[string]string{}
	r.Attrs(func(a slog.Attr) bool { got[a.Key] = a.Value.String(); return true })
	if r.Level != slog.LevelWarn || got["driver"] != "talker" || got["answer"] != "42" || got["tier"] != "talker" {
		t.Errorf("record: level %v attrs %v", r.Level, got)
	}
}

func TestExternalChecksum(t *testing.T) {
	h := hosttest.New(t, builtins, nil)
	exe := os.Args[0]
	b, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	c := diskConfig(t, "ext")
	c.Path, c.Driver, c.Args = exe, "", []string{"disk"}
	c.SHA256 = hex.EncodeToString(sum[:])
	d := hosttest.Start(t, h, c)
	if st, err := d.Stat(ctx(t)); err != nil || st.Driver != "disk" {
		t.Fatalf("external driver: %+v, %v", st, err)
	}
	sum[0] ^= 1
	c.Name, c.SHA256 = "ext-bad", hex.EncodeToString(sum[:])
	if _, err := h.Start(ctx(t), c); err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("a wrong checksum: %v, want a checksum error", err)
	}
}

func TestBadDriverConfig(t *testing.T) {
	h := hosttest.New(t, builtins, nil)
	_, err := h.Start(ctx(t), host.DriverConfig{Name: "bad", Driver: "disk", Config: []byte(`{"dirr":"/tmp/x"}`)})
	if !errors.Is(err, plugins.ErrBadConfig) || !strings.Contains(err.Error(), `"dirr"`) {
		t.Fatalf("unknown key: %v, want ErrBadConfig naming \"dirr\"", err)
	}
	_, err = h.Start(ctx(t), host.DriverConfig{Name: "bad", Driver: "disk", Config: []byte(`{"dir":7}`)})
	if !errors.Is(err, plugins.ErrBadConfig) || !strings.Contains(err.Error(), `"dir"`) {
		t.Fatalf("wrong type: %v, want ErrBadConfig naming \"dir\"", err)
	}
}

func TestDuplicateName(t *testing.T) {
	h := hosttest.New(t, builtins, nil)
	c := diskConfig(t, "twice")
	hosttest.Start(t, h, c)
	if _, err := h.Start(ctx(t), c); err == nil || !strings.Contains(err.Error(), `"twice" is already running`) {
		t.Fatalf("second Start of one name: %v", err)
	}
}

func TestInProcess(t *testing.T) {
	h := hosttest.New(t, builtins, nil)
	c := diskConfig(t, "fast")
	c.InProcess = true
	d := hosttest.Start(t, h, c)
	if _, ok := d.(*host.Process); ok {
		t.Fatal("an in-process driver is a process")
	}
	v := []byte("in process")
	if err := d.Put(ctx(t), plugins.SumKey(v), v); err != nil {
		t.Fatal(err)
	}
}

// TestDriverMaxProcs launches drivers with each kind of max_procs under a
// host whose environment has a GOMAXPROCS of its own, and reads what each
// driver process was started with.
func TestDriverMaxProcs(t *testing.T) {
	t.Setenv("GOMAXPROCS", "7")
	t.Setenv("ZONEMIRROR_HOSTTEST_MARK", "from the host")
	h := hosttest.New(t, builtins, nil)
	for _, c := range []struct {
		maxProcs int
		want     string
	}{
		{0, "7"}, // the host's
		{1, "1"},
		{3, "3"},
	} {
		cfg := diskConfig(t, fmt.Sprintf("procs%d", c.maxProcs))
		cfg.MaxProcs = c.maxProcs
		p := hosttest.Start(t, h, cfg).(*host.Process)
		env := processEnv(t, p.PID())
		if got := env["GOMAXPROCS"]; got != c.want {
			t.Errorf("max_procs %d: the driver has GOMAXPROCS=%q, want %q", c.maxProcs, got, c.want)
		}
		if got := env["ZONEMIRROR_HOSTTEST_MARK"]; got != "from the host" {
			t.Errorf("max_procs %d: the driver did not inherit the host's environment (mark %q)", c.maxProcs, got)
		}
		if env["GORACE"] != "atexit_sleep_ms=0" { // from host.Options.Env
			t.Errorf("max_procs %d: the driver lacks Options.Env (GORACE=%q)", c.maxProcs, env["GORACE"])
		}
	}
}

// processEnv is the environment process pid was started with; a key
// given twice keeps its last value, as getenv does.
func processEnv(t *testing.T, pid int) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for _, kv := range strings.Split(string(raw), "\x00") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	return env
}

func TestValidate(t *testing.T) {
	exe := os.Args[0]
	kinds := map[string]bool{"disk": true, "s3": true}
	ok := host.DriverConfig{Name: "a", Driver: "disk"}
	cases := []struct {
		cfgs []host.DriverConfig
		want string // in the error; "" = valid
	}{
		{[]host.DriverConfig{ok, {Name: "b", Path: exe, SHA256: strings.Repeat("ab", 32), MaxProcs: 1}, {Name: "c", Driver: "s3", InProcess: true}, {Name: "d", Driver: "disk", MaxProcs: 4}}, ""},
		{[]host.DriverConfig{{Name: "", Driver: "disk"}}, "drivers[0].name"},
		{[]host.DriverConfig{{Name: "Big", Driver: "disk"}}, "drivers[0].name"},
		{[]host.DriverConfig{ok, ok}, "drivers[1].name: \"a\" is also the name of drivers[0]"},
		{[]host.DriverConfig{{Name: "a"}}, "drivers[0].driver: one of"},
		{[]host.DriverConfig{{Name: "a", Driver: "disk", Path: exe}}, "drivers[0].path"},
		{[]host.DriverConfig{{Name: "a", Driver: "tape"}}, "drivers[0].driver: \"tape\" is not a built-in driver (built in: disk, s3)"},
		{[]host.DriverConfig{{Name: "a", Path: exe, InProcess: true}}, "drivers[0].in_process"},
		{[]host.DriverConfig{{Name: "a", Driver: "disk", MaxProcs: -1}}, "drivers[0].max_procs: -1 is not a number of cores"},
		{[]host.DriverConfig{{Name: "a", Driver: "disk", InProcess: true, MaxProcs: 2}}, "drivers[0].max_procs: an in-process driver"},
		{[]host.DriverConfig{{Name: "a", Driver: "disk", SHA256: "00"}}, "drivers[0].sha256"},
		{[]host.DriverConfig{{Name: "a", Path: exe, SHA256: "xyz"}}, "drivers[0].sha256: want 64 hex"},
		{[]host.DriverConfig{{Name: "a", Path: "/nonexistent/driver"}}, "drivers[0].path"},
		{[]host.DriverConfig{{Name: "a", Path: "/etc/passwd"}}, "not an executable"},
		{[]host.DriverConfig{{Name: "a", Driver: "disk", Config: []byte(`[1]`)}}, "drivers[0].config: not a JSON object"},
	}
	for i, c := range cases {
		err := host.Validate(c.cfgs, kinds)
		if c.want == "" {
			if err != nil {
				t.Errorf("case %d: %v", i, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("case %d: %v, want an error with %q", i, err, c.want)
		}
	}
}
