// Package testbtcd runs real btcd nodes — the version pinned in
// tools/go.mod — for integration tests and the devnet: on free 127.0.0.1
// ports, with their data in a folder of the caller's, RPC without TLS
// (btcd allows that on loopback only), and a parent-death signal, so a
// killed test run or devnet leaves no btcd behind.
//
// Networks: regtest wipes its chain when btcd restarts; simnet keeps it.
// Blocks are mined with the generate RPC, paying the coinbase to
// Options.MiningAddr; coinbases mature after 100 blocks on both.
package testbtcd

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/btcsuite/btcd/rpcclient"

	"github.com/zonemirror/zonemirror/internal/procstart"
	"github.com/zonemirror/zonemirror/internal/toolbin"
)

// Options say how to start a node.
type Options struct {
	// Net is "regtest" (the default) or "simnet".
	Net string
	// Dir holds the node's data and logs. The default (Start only) is a
	// temp folder of the test.
	Dir string
	// MiningAddr receives the coinbase of generated blocks (an address of
	// Net). Without it, generate fails.
	MiningAddr string
	// Peers are P2P addresses (host:port) the node connects to at start.
	Peers []string
	// AddrIndex turns on btcd's address index (searchrawtransactions),
	// which the transaction builder uses to find a key's coins.
	AddrIndex bool
	// RPCPort and P2PPort are fixed ports; 0 (the default) picks free ones.
	RPCPort, P2PPort int
	// User and Pass are the RPC credentials; the default is a user
	// "zonemirror" with a random password.
	User, Pass string
}

// Node is a running btcd.
type Node struct {
	// Net is the network: "regtest" or "simnet".
	Net string
	// RPCAddr and P2PAddr are 127.0.0.1:port.
	RPCAddr, P2PAddr string
	// User and Pass are the RPC credentials.
	User, Pass string
	// Dir is the node's folder (data and logs).
	Dir string

	opts Options
	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
	logs *bytes.Buffer
}

// Start starts a node for t and stops it when t ends. It fails t, saying
// why, if btcd cannot be built or does not come up.
func Start(t testing.TB, o Options) *Node {
	t.Helper()
	if o.Dir == "" {
		o.Dir = t.TempDir()
	}
	n, err := Launch(context.Background(), o)
	if err != nil {
		t.Fatalf("testbtcd: %v", err)
	}
	t.Cleanup(func() {
		if err := n.Stop(); err != nil {
			t.Logf("testbtcd: stop: %v", err)
		}
	})
	return n
}

// Launch starts a node; the caller stops it.
func Launch(ctx context.Context, o Options) (*Node, error) {
	if o.Net == "" {
		o.Net = "regtest"
	}
	if o.Net != "regtest" && o.Net != "simnet" {
		return nil, fmt.Errorf("network %q: want regtest or simnet", o.Net)
	}
	if o.Dir == "" {
		return nil, errors.New("no folder for the node's data (Options.Dir)")
	}
	if o.User == "" {
		o.User = "zonemirror"
	}
	if o.Pass == "" {
		pass := make([]byte, 12)
		_, _ = rand.Read(pass)
		o.Pass = hex.EncodeToString(pass)
	}
	n := &Node{Net: o.Net, User: o.User, Pass: o.Pass, Dir: o.Dir, opts: o}
	var last error
	for try := 0; try < 3; try++ { // a port taken between pick and bind: try again
		if err := n.start(ctx); err != nil {
			last = err
			if o.RPCPort != 0 {
				break
			}
			continue
		}
		return n, nil
	}
	return nil, last
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (n *Node) start(ctx context.Context) error {
	bin, err := toolbin.Path("btcd")
	if err != nil {
		return err
	}
	rpcPort, p2pPort := n.opts.RPCPort, n.opts.P2PPort
	if rpcPort == 0 {
		if rpcPort, err = freePort(); err != nil {
			return err
		}
	}
	if p2pPort == 0 {
		if p2pPort, err = freePort(); err != nil {
			return err
		}
	}
	n.RPCAddr = fmt.Sprintf("127.0.0.1:%d", rpcPort)
	n.P2PAddr = fmt.Sprintf("127.0.0.1:%d", p2pPort)
	args := []string{
		"--" + n.Net,
		"--datadir=" + filepath.Join(n.Dir, "data"),
		"--logdir=" + filepath.Join(n.Dir, "logs"),
		"--rpclisten=" + n.RPCAddr, "--listen=" + n.P2PAddr,
		"--rpcuser=" + n.User, "--rpcpass=" + n.Pass, "--notls",
		"--txindex", "--nodnsseed", "--noonion", "--nocfilters",
		"--rpcmaxclients=50", "--rpcmaxwebsockets=50", "--rpcmaxconcurrentreqs=100",
		"--debuglevel=info",
	}
	if n.opts.AddrIndex {
		args = append(args, "--addrindex")
	}
	if n.opts.MiningAddr != "" {
		args = append(args, "--miningaddr="+n.opts.MiningAddr)
	}
	for _, p := range n.opts.Peers {
		args = append(args, "--addpeer="+p)
	}
	logs := &bytes.Buffer{}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &lockedWriter{w: logs}, &lockedWriter{w: logs}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if err := procstart.Do(cmd.Start); err != nil {
		return fmt.Errorf("start btcd: %w", err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }() //nolint:errcheck // the exit is reported by the readiness check or Stop
	n.mu.Lock()
	n.cmd, n.done, n.logs = cmd, done, logs
	n.mu.Unlock()
	if err := n.waitReady(ctx, done); err != nil {
		n.Kill()
		return fmt.Errorf("btcd (%s, rpc %s) did not come up: %w\n%s", n.Net, n.RPCAddr, err, logs.String())
	}
	return nil
}

// lockedWriter serializes the writes of btcd's stdout and stderr.
type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (n *Node) waitReady(ctx context.Context, done <-chan struct{}) error {
	deadline := time.Now().Add(60 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-done:
			return errors.New("btcd exited")
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		// rpcclient retries a refused POST with its own backoff (a minute):
		// ask only once the port accepts connections, so an exit is seen.
		conn, err := net.DialTimeout("tcp", n.RPCAddr, time.Second)
		if err == nil {
			conn.Close()
			var c *rpcclient.Client
			if c, err = n.PostClient(); err == nil {
				_, err = c.GetBlockCount()
				c.Shutdown()
				if err == nil {
					return nil
				}
			}
		}
		last = err
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("no RPC answer in 60 s: %v", last)
}

// Config is the rpcclient configuration of the node's websocket endpoint.
func (n *Node) Config() *rpcclient.ConnConfig {
	return &rpcclient.ConnConfig{Host: n.RPCAddr, Endpoint: "ws", User: n.User, Pass: n.Pass, DisableTLS: true}
}

// Client connects to the node's websocket endpoint.
func (n *Node) Client() (*rpcclient.Client, error) {
	c, err := rpcclient.New(n.Config(), nil)
	if err != nil {
		return nil, fmt.Errorf("connect to btcd %s: %w", n.RPCAddr, err)
	}
	return c, nil
}

// PostClient connects with HTTP POST (one request at a time).
func (n *Node) PostClient() (*rpcclient.Client, error) {
	cfg := n.Config()
	cfg.Endpoint, cfg.HTTPPostMode = "", true
	c, err := rpcclient.New(cfg, nil)
	if err != nil {
		return nil, fmt.Errorf("connect to btcd %s: %w", n.RPCAddr, err)
	}
	return c, nil
}

// Logs returns what btcd printed so far.
func (n *Node) Logs() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.logs == nil {
		return ""
	}
	return n.logs.String()
}

// Stop asks btcd to shut down and waits for it (kills it after 30 s).
func (n *Node) Stop() error {
	n.mu.Lock()
	cmd, done := n.cmd, n.done
	n.mu.Unlock()
	if cmd == nil {
		return nil
	}
	select {
	case <-done:
		return nil
	default:
	}
	_ = cmd.Process.Signal(os.Interrupt)
	select {
	case <-done:
		return nil
	case <-time.After(30 * time.Second):
		n.Kill()
		return errors.New("btcd did not stop in 30 s; killed")
	}
}

// Kill kills btcd at once (SIGKILL).
func (n *Node) Kill() {
	n.mu.Lock()
	cmd, done := n.cmd, n.done
	n.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Kill()
	<-done
}

// Restart stops btcd and starts it again on the same ports and folder
// (simnet keeps its chain; regtest starts over).
func (n *Node) Restart(ctx context.Context) error {
	if err := n.Stop(); err != nil {
		return err
	}
	o := n.opts
	o.RPCPort, o.P2PPort = portOf(n.RPCAddr), portOf(n.P2PAddr)
	n.opts = o
	return n.start(ctx)
}

func portOf(addr string) int {
	_, p, _ := net.SplitHostPort(addr)
	var port int
	fmt.Sscan(p, &port)
	return port
}

// CPUTime is the processor time (user and system) the running btcd has
// used so far, read from /proc: benchmarks use it to tell the node's share
// of a run from their own. It fails where /proc is not Linux's or btcd is
// not running.
func (n *Node) CPUTime() (time.Duration, error) {
	n.mu.Lock()
	cmd := n.cmd
	n.mu.Unlock()
	if cmd == nil || cmd.Process == nil {
		return 0, errors.New("btcd is not running")
	}
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("btcd's processor time: %w", err)
	}
	// The command name, in parentheses, may hold spaces: the fields
	// counted by proc(5) start after its closing parenthesis.
	i := bytes.LastIndexByte(raw, ')')
	if i < 0 {
		return 0, fmt.Errorf("btcd's processor time: unexpected /proc stat %q", raw)
	}
	f := strings.Fields(string(raw[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("btcd's processor time: unexpected /proc stat %q", raw)
	}
	// utime and stime are fields 14 and 15 of proc(5), 12 and 13 here.
	var ticks int64
	for _, s := range f[11:13] {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("btcd's processor time: %w", err)
		}
		ticks += v
	}
	// Linux reports in USER_HZ, which is 100 on every architecture Go
	// supports.
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}
