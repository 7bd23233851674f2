package devnet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/dht"
)

// peers are the devnet's DHT swarm: nodes in this process on 127.0.0.1,
// each keeping its records and peer key in DATA/dht-peers/N, so a second
// start has the same peers holding the same records. They stand for the
// other mirrors of a network: each knows the whitelist (follow) and
// refuses records off it.
type peers struct {
	nodes []*dht.Driver
}

// startPeers starts n nodes: node 0, then the rest joining through it,
// and waits until every one has joined.
func startPeers(ctx context.Context, dir string, n int, logger *slog.Logger) (*peers, error) {
	p := &peers{nodes: make([]*dht.Driver, n)}
	cfg := func(i int) dht.Config {
		c := dht.Config{Dir: filepath.Join(dir, fmt.Sprint(i)), Listen: []string{"/ip4/127.0.0.1/tcp/0"},
			GetTimeout: plugins.Duration(5 * time.Second), WhitelistRepublishDelay: plugins.Duration(time.Second)}
		if i > 0 {
			c.Bootstrap = p.nodes[0].Addrs()
		}
		return c
	}
	var err error
	if p.nodes[0], err = dht.New(ctx, cfg(0), logger); err != nil {
		return nil, fmt.Errorf("DHT peer 0: %w", err)
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := 1; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if p.nodes[i], errs[i] = dht.New(ctx, cfg(i), logger); errs[i] != nil {
				errs[i] = fmt.Errorf("DHT peer %d: %w", i, errs[i])
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		p.close()
		return nil, err
	}
	for i, d := range p.nodes {
		select {
		case <-d.Ready():
		case <-time.After(time.Minute):
			p.close()
			return nil, fmt.Errorf("DHT peer %d did not join in a minute: %s", i, d.Report().Joining)
		case <-ctx.Done():
			p.close()
			return nil, ctx.Err()
		}
	}
	return p, nil
}

// bootstrap is where the mirror's DHT node joins (nodes 0 and 1).
func (p *peers) bootstrap() []string {
	var out []string
	for _, d := range p.nodes[:min(2, len(p.nodes))] {
		out = append(out, d.Addrs()...)
	}
	return out
}

// allow puts keys on every peer's whitelist.
func (p *peers) allow(ctx context.Context, keys []plugins.Key) error {
	for i, d := range p.nodes {
		if _, err := d.Allow(ctx, slices.Values(keys)); err != nil {
			return fmt.Errorf("DHT peer %d: allow: %w", i, err)
		}
	}
	return nil
}

// follow feeds the peers the whitelist of db until ctx ends, as the name
// databases of other mirrors would.
func (p *peers) follow(ctx context.Context, db *namedb.DB, logger *slog.Logger) {
	var pos int64
	for ctx.Err() == nil {
		changed := db.WhitelistChanged()
		if n, err := db.WhitelistCount(ctx); err == nil && n < pos {
			pos = n // rewound: what was allowed stays allowed, which is harmless
		}
		es, err := db.WhitelistAfter(ctx, pos, 1000)
		if err == nil && len(es) > 0 {
			keys := make([]plugins.Key, len(es))
			for i, e := range es {
				keys[i] = plugins.Key(e.Hash)
			}
			if err = p.allow(ctx, keys); err == nil {
				pos = es[len(es)-1].Index
				continue
			}
		}
		if err != nil && ctx.Err() == nil {
			logger.Warn("devnet: the DHT peers could not follow the whitelist", "err", err)
		}
		select {
		case <-ctx.Done():
		case <-changed:
		case <-time.After(time.Second):
		}
	}
}

// publish stores a record on peer i and puts it to the closest peers.
func (p *peers) publish(ctx context.Context, i int, key plugins.Key, value []byte) (dht.Replication, error) {
	return p.nodes[i%len(p.nodes)].Publish(ctx, key, value)
}

func (p *peers) close() {
	var wg sync.WaitGroup
	for _, d := range p.nodes {
		if d != nil {
			wg.Add(1)
			go func() { defer wg.Done(); d.Close() }()
		}
	}
	wg.Wait()
}
