package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/zonemirror/zonemirror/namedb/wire"
	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/tiered"
	"github.com/zonemirror/zonemirror/snapshot"
)

// Records is a stopped mirror's storage tiers, opened for a command that
// reads the zone files it holds (a snapshot's export) or stores some (an
// import): every tier but the crawl source (the DHT, whose lookups go to
// the network), or the only tier there is.
type Records struct {
	ts    *tierSet
	local *tiered.Store
	// Source is the crawl source left out ("" if none).
	Source string
}

// OpenRecords starts cfg's drivers; Close stops them.
func OpenRecords(ctx context.Context, cfg *Config, opts Options) (*Records, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	ts, err := startTiers(ctx, cfg, opts, logger)
	if err != nil {
		return nil, err
	}
	r := &Records{ts: ts, local: ts.store}
	if cfg.Crawl.Source != "off" && len(ts.tiers) > 1 {
		var rest []tiered.Tier
		for _, t := range ts.tiers {
			if t.Name != cfg.Crawl.Source {
				rest = append(rest, t)
			}
		}
		if r.local, err = tiered.New(rest, tiered.Options{Logger: logger}); err != nil {
			ts.close()
			return nil, fmt.Errorf("storage tiers: %w", err)
		}
		r.Source = cfg.Crawl.Source
	}
	return r, nil
}

// Close stops the drivers.
func (r *Records) Close() {
	if r.local != r.ts.store {
		r.local.Close()
	}
	r.ts.close()
}

// Get is a held zone file, for snapshot.Export.
func (r *Records) Get(ctx context.Context, hash wire.Hash160) ([]byte, error) {
	return heldRecords{r.local}.Get(ctx, hash)
}

// Put stores a zone file in the tiers (every driver is told the hash
// first, as the mirror does), for snapshot.Import.
func (r *Records) Put(ctx context.Context, hash wire.Hash160, data []byte) error {
	k := plugins.Key(hash)
	for _, d := range r.ts.drivers {
		_, _ = d.Allow(ctx, func(yield func(plugins.Key) bool) { yield(k) })
	}
	if _, err := r.local.Put(ctx, k, data); err != nil {
		return err
	}
	return nil
}

// heldRecords adapts a store to snapshot.Records.
type heldRecords struct {
	s interface {
		Get(ctx context.Context, key plugins.Key) ([]byte, error)
	}
}

func (h heldRecords) Get(ctx context.Context, hash wire.Hash160) ([]byte, error) {
	b, err := h.s.Get(ctx, plugins.Key(hash))
	if errors.Is(err, plugins.ErrNotFound) {
		return nil, fmt.Errorf("%s: %w", hash, snapshot.ErrNoRecord)
	}
	return b, err
}
