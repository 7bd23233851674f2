package host

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"github.com/hashicorp/go-plugin"

	"github.com/zonemirror/zonemirror/internal/procstart"
	"github.com/zonemirror/zonemirror/plugins"
)

// Options configure a Host.
type Options struct {
	// Self is the command that serves a built-in driver; the driver's kind
	// is appended as the last argument. The default is this executable with
	// the argument "driver": `zonemirror driver disk`.
	Self []string
	// Env is added to every driver's environment, after the host's (an
	// entry here wins over the host's). The default is nothing more.
	Env []string
	// Builtins open built-in drivers by kind; their keys are the valid
	// values of DriverConfig.Driver. In-process tiers call them directly.
	Builtins map[string]plugins.OpenFunc
	// Logger receives the host's logs and every driver's, each with the
	// attribute driver=NAME. The default is slog.Default().
	Logger *slog.Logger
	// DisableFastGet sends Gets over gRPC too, not over the fast Get
	// socket drivers built with plugins.Serve offer (plugins/fastget).
	DisableFastGet bool
	// DisableMTLS turns off go-plugin's AutoMTLS between host and drivers.
	// The default (false) authenticates both ends of every driver
	// connection with a fresh certificate per launch; it costs some speed
	// per call (see plugins/README.md), which an operator may trade on a
	// single-user machine.
	DisableMTLS bool
	// StartTimeout bounds a driver's launch, handshake and Configure. The
	// default is 30 s.
	StartTimeout time.Duration
	// MinBackoff and MaxBackoff bound the wait before relaunching a driver
	// that died: it doubles from MinBackoff (default 100 ms) up to
	// MaxBackoff (default 10 s), and starts over once a launch has stayed
	// up for StableAfter (default 30 s).
	MinBackoff, MaxBackoff, StableAfter time.Duration
	// HealthInterval is how often a quiet driver is checked with Stat; a
	// driver that fails three checks in a row is killed and relaunched. The
	// default is 5 s.
	HealthInterval time.Duration
}

// Host launches storage drivers as processes, restarts them when they die
// and stops them on Close. Drivers die with the host: each is started with
// a parent-death signal (SIGKILL) from one OS thread that lives as long as
// the host, so even a kill -9 of the host leaves no driver behind.
type Host struct {
	opts   Options
	logger *slog.Logger
	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc

	launches     chan launchReq // to the launcher thread
	stopLauncher chan struct{}  // closed by Close once the drivers are stopped
	launcher     sync.WaitGroup

	mu     sync.Mutex
	procs  []*Process
	inproc []plugins.Driver
	closed bool
}

// New starts a host. Close it to stop its drivers.
func New(opts Options) (*Host, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if len(opts.Self) == 0 {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("host: finding our own executable to serve built-in drivers: %w", err)
		}
		opts.Self = []string{exe, "driver"}
	}
	defaults := []struct {
		d *time.Duration
		v time.Duration
	}{
		{&opts.StartTimeout, 30 * time.Second},
		{&opts.MinBackoff, 100 * time.Millisecond},
		{&opts.MaxBackoff, 10 * time.Second},
		{&opts.StableAfter, 30 * time.Second},
		{&opts.HealthInterval, 5 * time.Second},
	}
	for _, d := range defaults {
		if *d.d <= 0 {
			*d.d = d.v
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &Host{opts: opts, logger: opts.Logger, ctx: ctx, cancel: cancel, launches: make(chan launchReq), stopLauncher: make(chan struct{})}
	h.launcher.Add(1)
	go h.launchLoop()
	return h, nil
}

// Builtins returns the set of built-in kinds, for Validate.
func (h *Host) Builtins() map[string]bool {
	m := map[string]bool{}
	for k := range h.opts.Builtins {
		m[k] = true
	}
	return m
}

// Start launches (or, for InProcess, opens) the driver of c and returns it
// once it is configured. Out of process, the returned Driver is a
// *Process: it survives restarts of the driver's process, and its calls
// fail with plugins.ErrUnavailable while the process is down. Validate the
// whole list of tiers first (Validate); Start checks c alone, and that no
// running driver of this host has its name.
func (h *Host) Start(ctx context.Context, c DriverConfig) (plugins.Driver, error) {
	if err := Validate([]DriverConfig{c}, h.Builtins()); err != nil {
		return nil, err
	}
	h.mu.Lock()
	for _, p := range h.procs {
		if p.cfg.Name == c.Name {
			h.mu.Unlock()
			return nil, fmt.Errorf("host: a driver named %q is already running", c.Name)
		}
	}
	h.mu.Unlock()
	logger := h.logger.With("driver", c.Name)
	if c.InProcess {
		d, err := h.opts.Builtins[c.Driver](ctx, plugins.Setup{Name: c.Name, Config: c.Config, Logger: logger})
		if err != nil {
			return nil, fmt.Errorf("driver %s: %w", c.Name, err)
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.closed {
			d.Close()
			return nil, errors.New("host: closed")
		}
		h.inproc = append(h.inproc, d)
		logger.Info("driver opened in-process", "kind", c.Driver)
		return d, nil
	}
	p := &Process{host: h, cfg: c, logger: logger, poke: make(chan struct{}, 1), done: make(chan struct{})}
	p.ctx, p.cancel = context.WithCancel(h.ctx)
	if err := p.launch(ctx); err != nil {
		p.cancel()
		return nil, fmt.Errorf("driver %s: %w", c.Name, err)
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		p.cancel()
		p.kill()
		return nil, errors.New("host: closed")
	}
	h.procs = append(h.procs, p)
	h.mu.Unlock()
	go p.supervise()
	return p, nil
}

// Close stops every driver (gracefully, then by force) and the host.
func (h *Host) Close() error {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.closed = true
	procs, inproc := h.procs, h.inproc
	h.mu.Unlock()
	h.cancel()
	var wg sync.WaitGroup
	for _, p := range procs {
		wg.Add(1)
		go func() { defer wg.Done(); p.stop() }()
	}
	wg.Wait()
	var errs []error
	for _, d := range inproc {
		errs = append(errs, d.Close())
	}
	close(h.stopLauncher)
	h.launcher.Wait()
	return errors.Join(errs...)
}

type launchReq struct {
	client *plugin.Client
	done   chan error
}

// launchLoop forks every driver process on the process's forking thread
// (internal/procstart). Linux sends the parent-death signal when the
// thread that forked the child exits, not the process, so forking from a
// goroutine's thread that might end (Go reuses and retires threads) would
// kill drivers at random — and a thread the host locked and ended at Close
// would kill every other child forked on it earlier (a btcd did).
func (h *Host) launchLoop() {
	defer h.launcher.Done()
	for {
		select {
		case req := <-h.launches:
			req.done <- procstart.Do(func() error {
				_, err := req.client.Start()
				return err
			})
		case <-h.stopLauncher:
			return
		}
	}
}

// command builds the exec.Cmd of c's driver process.
func (h *Host) command(c DriverConfig) *exec.Cmd {
	var cmd *exec.Cmd
	if c.Path != "" {
		cmd = exec.Command(c.Path, c.Args...)
	} else {
		args := append(append([]string{}, h.opts.Self[1:]...), c.Driver)
		cmd = exec.Command(h.opts.Self[0], args...)
	}
	cmd.Env = driverEnv(os.Environ(), h.opts.Env, c.MaxProcs)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	return cmd
}

// driverEnv is a driver process's environment: the host's, then extra,
// then GOMAXPROCS=maxProcs (DriverConfig.MaxProcs) when maxProcs > 0.
// Later entries win (os/exec keeps the last of a duplicated key), which is
// why newClient tells go-plugin not to append the host's environment
// after them.
func driverEnv(hostEnv, extra []string, maxProcs int) []string {
	env := append(append([]string{}, hostEnv...), extra...)
	if maxProcs > 0 {
		env = append(env, fmt.Sprintf("GOMAXPROCS=%d", maxProcs))
	}
	return env
}

// newClient returns the go-plugin client of one launch of c.
func (h *Host) newClient(c DriverConfig, logger *slog.Logger) *plugin.Client {
	cfg := &plugin.ClientConfig{
		HandshakeConfig:  plugins.Handshake,
		Plugins:          plugins.Plugins(),
		Cmd:              h.command(c),
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		Logger:           newHCLogger(logger),
		AutoMTLS:         !h.opts.DisableMTLS,
		SkipHostEnv:      true, // command has put it first
		StartTimeout:     h.opts.StartTimeout,
	}
	if c.SHA256 != "" {
		sum, _ := hex.DecodeString(c.SHA256) // checked by Validate
		// A fresh hash per launch: SecureConfig does not reset it.
		cfg.SecureConfig = &plugin.SecureConfig{Checksum: sum, Hash: sha256.New()}
	}
	return plugin.NewClient(cfg)
}

// start forks c's process on the launcher thread.
func (h *Host) start(ctx context.Context, client *plugin.Client) error {
	req := launchReq{client: client, done: make(chan error, 1)}
	h.mu.Lock()
	closed := h.closed
	h.mu.Unlock()
	if closed {
		return errors.New("host: closed")
	}
	select {
	case h.launches <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-h.ctx.Done():
		return errors.New("host: closed")
	}
	return <-req.done
}
