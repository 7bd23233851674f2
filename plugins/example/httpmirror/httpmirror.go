package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/zonemirror/zonemirror/plugins"
)

// Config is the driver's config.
type Config struct {
	// URL is the base URL of the mirror: records are at URL/KEYHEX.
	// Required.
	URL string `json:"url"`
	// Timeout bounds each HTTP request. The default is "5s".
	Timeout plugins.Duration `json:"timeout,omitempty"`
}

// Driver reads records from an HTTP mirror. It never writes.
type Driver struct {
	base   *url.URL
	client *http.Client
	logger *slog.Logger
}

var _ plugins.Driver = (*Driver)(nil)

// listPage is how many keys one list request asks for.
const listPage = 1000

// Open is the driver's plugins.OpenFunc: it validates the config once.
func Open(_ context.Context, s plugins.Setup) (plugins.Driver, error) {
	c := Config{Timeout: plugins.Duration(5 * time.Second)}
	if err := plugins.DecodeConfig(s.Config, &c); err != nil {
		return nil, err
	}
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: key \"url\": want an http(s) URL, got %q", plugins.ErrBadConfig, c.URL)
	}
	if c.Timeout <= 0 {
		return nil, fmt.Errorf("%w: key \"timeout\": must be positive", plugins.ErrBadConfig)
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/"
	return &Driver{base: u, client: &http.Client{Timeout: time.Duration(c.Timeout)}, logger: s.Logger}, nil
}

// do sends a request and sorts the answer into the driver error kinds.
func (d *Driver) do(ctx context.Context, method, rel string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, d.base.String()+rel, nil)
	if err != nil {
		return nil, err
	}
	resp, err := d.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w: %v", plugins.ErrUnavailable, err)
	}
	switch {
	case resp.StatusCode == http.StatusNotFound:
		resp.Body.Close()
		return nil, plugins.ErrNotFound
	case resp.StatusCode >= 500:
		resp.Body.Close()
		return nil, fmt.Errorf("%w: %s %s: %s", plugins.ErrUnavailable, method, rel, resp.Status)
	case resp.StatusCode != http.StatusOK:
		resp.Body.Close()
		return nil, fmt.Errorf("%s %s: %s", method, rel, resp.Status)
	}
	return resp, nil
}

// Get implements plugins.Driver.
func (d *Driver) Get(ctx context.Context, key plugins.Key) ([]byte, error) {
	resp, err := d.do(ctx, http.MethodGet, key.String())
	if err != nil {
		return nil, fmt.Errorf("httpmirror get %s: %w", key, err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(resp.Body, plugins.MaxValueSize+1)); err != nil {
		return nil, fmt.Errorf("httpmirror get %s: %w: %v", key, plugins.ErrUnavailable, err)
	}
	if buf.Len() > plugins.MaxValueSize {
		return nil, fmt.Errorf("httpmirror get %s: %w", key, plugins.ErrTooLarge)
	}
	return buf.Bytes(), nil
}

// Has implements plugins.Driver.
func (d *Driver) Has(ctx context.Context, key plugins.Key) (bool, error) {
	resp, err := d.do(ctx, http.MethodHead, key.String())
	if errors.Is(err, plugins.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("httpmirror has %s: %w", key, err)
	}
	resp.Body.Close()
	return true, nil
}

// Put implements plugins.Driver: the mirror is read-only.
func (d *Driver) Put(_ context.Context, key plugins.Key, value []byte) error {
	if err := plugins.CheckValue(key, value); err != nil {
		return err
	}
	return fmt.Errorf("httpmirror put %s: %w", key, plugins.ErrReadOnly)
}

// Delete implements plugins.Driver: the mirror is read-only.
func (d *Driver) Delete(_ context.Context, key plugins.Key) error {
	return fmt.Errorf("httpmirror delete %s: %w", key, plugins.ErrReadOnly)
}

// List implements plugins.Driver with pages of GET BASE/?after=K&limit=N.
func (d *Driver) List(ctx context.Context, opt plugins.ListOptions, fn func([]plugins.Key) error) error {
	after := ""
	if opt.After != nil {
		after = opt.After.String()
	}
	left := opt.Limit
	for {
		n := listPage
		if left > 0 {
			n = min(n, left)
		}
		resp, err := d.do(ctx, http.MethodGet, "?after="+after+"&limit="+strconv.Itoa(n))
		if err != nil {
			return fmt.Errorf("httpmirror list: %w", err)
		}
		var keys []plugins.Key
		sc := bufio.NewScanner(io.LimitReader(resp.Body, int64(n)*41+1))
		for sc.Scan() && len(keys) < n {
			k, err := plugins.ParseKey(strings.TrimSpace(sc.Text()))
			if err != nil {
				resp.Body.Close()
				return fmt.Errorf("httpmirror list: the mirror sent %w", err)
			}
			if k.String() <= after {
				resp.Body.Close()
				return fmt.Errorf("httpmirror list: the mirror sent %s out of order", k)
			}
			keys = append(keys, k)
			after = k.String()
		}
		err = sc.Err()
		resp.Body.Close()
		if err != nil {
			return fmt.Errorf("httpmirror list: %w: %v", plugins.ErrUnavailable, err)
		}
		if len(keys) == 0 {
			return nil
		}
		if err := fn(keys); err != nil {
			return err
		}
		if left > 0 {
			if left -= len(keys); left == 0 {
				return nil
			}
		}
	}
}

// Allow implements plugins.Driver: a read-only mirror takes no records
// from the network, so it has no whitelist to keep.
func (d *Driver) Allow(_ context.Context, keys iter.Seq[plugins.Key]) (int, error) {
	return plugins.CountKeys(keys), nil
}

// Stat implements plugins.Driver: healthy when the list endpoint answers.
func (d *Driver) Stat(ctx context.Context) (plugins.Status, error) {
	st := plugins.Status{
		Info:    plugins.Info{Driver: "httpmirror", Version: "1", ReadOnly: true},
		Healthy: true, Records: -1, Bytes: -1, FreeBytes: -1,
	}
	ctx, cancel := context.WithTimeout(ctx, time.Second) // answer even when the mirror does not
	defer cancel()
	resp, err := d.do(ctx, http.MethodGet, "?limit=0")
	if err != nil {
		st.Healthy, st.Message = false, err.Error()
		return st, nil
	}
	resp.Body.Close()
	return st, nil
}

// Close implements plugins.Driver.
func (d *Driver) Close() error {
	d.client.CloseIdleConnections()
	return nil
}
