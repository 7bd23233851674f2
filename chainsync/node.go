package chainsync

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/btcsuite/btcd/btcutil/v2"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/rpcclient"
	btcwire "github.com/btcsuite/btcd/wire/v2"
)

// NodeConfig says how to reach the Bitcoin node.
type NodeConfig struct {
	// Host is host:port of the node's RPC server. Required.
	Host string
	// Kind is "btcd" (the default: websocket, several times faster than
	// POST, which btcd closes after each request) or "bitcoind" (HTTP POST;
	// it has no websocket).
	Kind string
	// User and Pass are the RPC credentials; CookieFile is used instead
	// when set (bitcoind's .cookie).
	User, Pass, CookieFile string
	// CertFile is btcd's rpc.cert for TLS; empty means plain HTTP, which
	// btcd allows on loopback only (--notls).
	CertFile string
	// PostClients is how many POST connections share the requests to a
	// bitcoind (each carries one request at a time). The default is 4.
	PostClients int
}

// node is the syncer's link to the Bitcoin node: one websocket client
// (btcd) or a few POST clients (bitcoind) taking requests in turn.
type node struct {
	clients []*rpcclient.Client
	next    atomic.Uint64
	// wake gets a value when the node announces a new block (websocket).
	wake chan struct{}
}

func dialNode(cfg NodeConfig) (*node, error) {
	if cfg.Host == "" {
		return nil, errors.New("node: no host")
	}
	cc := &rpcclient.ConnConfig{Host: cfg.Host, User: cfg.User, Pass: cfg.Pass, CookiePath: cfg.CookieFile, DisableTLS: cfg.CertFile == ""}
	if cfg.CertFile != "" {
		cert, err := os.ReadFile(cfg.CertFile)
		if err != nil {
			return nil, fmt.Errorf("node: read TLS certificate: %w", err)
		}
		cc.Certificates = cert
	}
	n := &node{wake: make(chan struct{}, 1)}
	switch cfg.Kind {
	case "", "btcd":
		cc.Endpoint = "ws"
		// Reconnect is ours (Syncer retries with backoff): a client that
		// reconnects by itself hides a dead node behind hanging calls.
		cc.DisableAutoReconnect = true
		c, err := rpcclient.New(cc, &rpcclient.NotificationHandlers{
			OnFilteredBlockConnected: func(int32, *btcwire.BlockHeader, []*btcutil.Tx) { n.poke() },
		})
		if err != nil {
			return nil, fmt.Errorf("node %s: %w", cfg.Host, err)
		}
		// Notifications only wake the poller: correctness never depends
		// on them (they are lost on reconnects).
		if err := c.NotifyBlocks(); err != nil {
			c.Shutdown()
			return nil, fmt.Errorf("node %s: subscribe to blocks: %w", cfg.Host, err)
		}
		n.clients = []*rpcclient.Client{c}
	case "bitcoind":
		cc.HTTPPostMode = true
		k := cfg.PostClients
		if k <= 0 {
			k = 4
		}
		for range k {
			c, err := rpcclient.New(cc, nil)
			if err != nil {
				n.close()
				return nil, fmt.Errorf("node %s: %w", cfg.Host, err)
			}
			n.clients = append(n.clients, c)
		}
	default:
		return nil, fmt.Errorf("node: kind %q, want btcd or bitcoind", cfg.Kind)
	}
	return n, nil
}

func (n *node) poke() {
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// c returns the client for the next request.
func (n *node) c() *rpcclient.Client {
	return n.clients[n.next.Add(1)%uint64(len(n.clients))]
}

func (n *node) close() {
	for _, c := range n.clients {
		c.Shutdown()
	}
}

// await waits for f unless ctx ends first.
func await[T any](ctx context.Context, f func() (T, error)) (T, error) {
	type res struct {
		v   T
		err error
	}
	ch := make(chan res, 1)
	go func() {
		v, err := f()
		ch <- res{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

func (n *node) height(ctx context.Context) (int64, error) {
	return await(ctx, func() (int64, error) { return n.c().GetBlockCount() })
}

func (n *node) hashAt(ctx context.Context, h int64) (chainhash.Hash, error) {
	p, err := await(ctx, func() (*chainhash.Hash, error) { return n.c().GetBlockHash(h) })
	if err != nil {
		return chainhash.Hash{}, err
	}
	return *p, nil
}

// callTimeout bounds one request: a node that hangs is treated as down.
const callTimeout = 30 * time.Second
