package host

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-plugin"

	"github.com/zonemirror/zonemirror/plugins"
)

// Process is an out-of-process driver under the host's watch. It is a
// plugins.Driver whose calls go to the current process of the driver;
// while that process is down (dead, restarting) they fail at once with an
// error wrapping plugins.ErrUnavailable, so a tiered lookup moves on to
// the next tier instead of waiting.
type Process struct {
	host   *Host
	cfg    DriverConfig
	logger *slog.Logger
	ctx    context.Context // cancelled by Close or the host's Close
	cancel context.CancelFunc

	cur      atomic.Pointer[launch] // nil while down
	restarts atomic.Int64
	poke     chan struct{} // a call saw the driver unavailable
	done     chan struct{} // closed when supervise returns
	stopOnce sync.Once
}

var _ plugins.Driver = (*Process)(nil)

// launch is one run of the driver's process.
type launch struct {
	client *plugin.Client
	rpc    *plugins.Client
	info   plugins.Info
	pid    int
	start  time.Time
}

// launch starts a process, dispenses its driver and configures it.
func (p *Process) launch(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, p.host.opts.StartTimeout)
	defer cancel()
	client := p.host.newClient(p.cfg, p.logger)
	l, err := func() (*launch, error) {
		if err := p.host.start(ctx, client); err != nil {
			return nil, fmt.Errorf("launch: %w", err)
		}
		proto, err := client.Client()
		if err != nil {
			return nil, fmt.Errorf("connect: %w", err)
		}
		raw, err := proto.Dispense(plugins.PluginName)
		if err != nil {
			return nil, fmt.Errorf("dispense: %w", err)
		}
		rpc, ok := raw.(*plugins.Client)
		if !ok {
			return nil, fmt.Errorf("dispense: got %T", raw)
		}
		if p.host.opts.DisableFastGet {
			rpc.GRPCOnly()
		}
		info, err := rpc.Configure(ctx, p.cfg.Name, p.cfg.Config)
		if err != nil {
			return nil, err
		}
		l := &launch{client: client, rpc: rpc, info: info, start: time.Now()}
		if rc := client.ReattachConfig(); rc != nil {
			l.pid = rc.Pid
		}
		return l, nil
	}()
	if err != nil {
		client.Kill()
		return err
	}
	p.cur.Store(l)
	p.logger.Info("driver started", "kind", l.info.Driver, "version", l.info.Version, "pid", l.pid, "read_only", l.info.ReadOnly)
	return nil
}

// supervise waits for the process to die (or hang), then relaunches it
// with backoff, until the host closes.
func (p *Process) supervise() {
	defer close(p.done)
	h := p.host
	backoff := h.opts.MinBackoff
	failedChecks := 0
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	lastCheck := time.Now()
	for {
		select {
		case <-p.ctx.Done():
			p.kill()
			return
		case <-tick.C:
		case <-p.poke:
		}
		l := p.cur.Load()
		if l == nil {
			continue
		}
		dead := l.client.Exited()
		if !dead && time.Since(lastCheck) >= h.opts.HealthInterval {
			lastCheck = time.Now()
			ctx, cancel := context.WithTimeout(p.ctx, h.opts.HealthInterval/2)
			_, err := l.rpc.Stat(ctx)
			cancel()
			if err != nil && p.ctx.Err() == nil {
				failedChecks++
				p.logger.Warn("driver health check failed", "err", err, "failures", failedChecks)
				dead = failedChecks >= 3
			} else {
				failedChecks = 0
			}
		}
		if !dead {
			continue
		}
		p.cur.Store(nil)
		l.rpc.Close()
		l.client.Kill()
		p.logger.Error("driver process died; restarting", "pid", l.pid, "uptime", time.Since(l.start).Round(time.Millisecond))
		if time.Since(l.start) >= h.opts.StableAfter {
			backoff = h.opts.MinBackoff
		}
		failedChecks = 0
		for p.ctx.Err() == nil {
			select {
			case <-p.ctx.Done():
			case <-time.After(backoff):
			}
			if p.ctx.Err() != nil {
				break
			}
			err := p.launch(p.ctx)
			backoff = min(2*backoff, h.opts.MaxBackoff)
			if err == nil {
				p.restarts.Add(1)
				break
			}
			p.logger.Error("driver restart failed", "err", err, "retry_in", backoff)
		}
		lastCheck = time.Now()
	}
}

// kill stops the current process: gracefully (go-plugin asks it to shut
// down and waits 2 s), then by force.
func (p *Process) kill() {
	if l := p.cur.Swap(nil); l != nil {
		l.rpc.Close()
		l.client.Kill()
		p.logger.Info("driver stopped", "pid", l.pid)
	}
}

// stop ends supervision and the process.
func (p *Process) stop() {
	p.stopOnce.Do(func() {
		p.cancel()
		select {
		case <-p.done:
		case <-time.After(p.host.opts.StartTimeout + 5*time.Second):
			p.logger.Error("driver supervisor did not stop")
		}
		p.kill()
	})
}

// PID is the driver's current process id, 0 while it is down.
func (p *Process) PID() int {
	if l := p.cur.Load(); l != nil {
		return l.pid
	}
	return 0
}

// Restarts counts the relaunches after the first start.
func (p *Process) Restarts() int64 { return p.restarts.Load() }

// Name is the tier's name.
func (p *Process) Name() string { return p.cfg.Name }

// rpc returns the current client, or ErrUnavailable while down.
func (p *Process) rpc() (*plugins.Client, error) {
	if l := p.cur.Load(); l != nil {
		return l.rpc, nil
	}
	return nil, fmt.Errorf("driver %s: %w: its process is down (restarting)", p.cfg.Name, plugins.ErrUnavailable)
}

// check pokes the supervisor when a call found the driver unreachable.
func (p *Process) check(err error) error {
	if errors.Is(err, plugins.ErrUnavailable) {
		select {
		case p.poke <- struct{}{}:
		default:
		}
	}
	return err
}

// Get implements plugins.Driver.
func (p *Process) Get(ctx context.Context, key plugins.Key) ([]byte, error) {
	c, err := p.rpc()
	if err != nil {
		return nil, err
	}
	v, err := c.Get(ctx, key)
	return v, p.check(err)
}

// Put implements plugins.Driver.
func (p *Process) Put(ctx context.Context, key plugins.Key, value []byte) error {
	c, err := p.rpc()
	if err != nil {
		return err
	}
	return p.check(c.Put(ctx, key, value))
}

// Has implements plugins.Driver.
func (p *Process) Has(ctx context.Context, key plugins.Key) (bool, error) {
	c, err := p.rpc()
	if err != nil {
		return false, err
	}
	ok, err := c.Has(ctx, key)
	return ok, p.check(err)
}

// Delete implements plugins.Driver.
func (p *Process) Delete(ctx context.Context, key plugins.Key) error {
	c, err := p.rpc()
	if err != nil {
		return err
	}
	return p.check(c.Delete(ctx, key))
}

// List implements plugins.Driver.
func (p *Process) List(ctx context.Context, opt plugins.ListOptions, fn func([]plugins.Key) error) error {
	c, err := p.rpc()
	if err != nil {
		return err
	}
	return p.check(c.List(ctx, opt, fn))
}

// Allow implements plugins.Driver.
func (p *Process) Allow(ctx context.Context, keys iter.Seq[plugins.Key]) (int, error) {
	c, err := p.rpc()
	if err != nil {
		return 0, err
	}
	n, err := c.Allow(ctx, keys)
	return n, p.check(err)
}

// Stat implements plugins.Driver.
func (p *Process) Stat(ctx context.Context) (plugins.Status, error) {
	c, err := p.rpc()
	if err != nil {
		return plugins.Status{}, err
	}
	st, err := c.Stat(ctx)
	return st, p.check(err)
}

// Close implements plugins.Driver: it stops this driver's process for good
// (the host stops the rest on its own Close).
func (p *Process) Close() error {
	p.host.mu.Lock()
	for i, q := range p.host.procs {
		if q == p {
			p.host.procs = append(p.host.procs[:i], p.host.procs[i+1:]...)
			break
		}
	}
	p.host.mu.Unlock()
	p.stop()
	return nil
}
