package devnet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"

	"github.com/btcsuite/btcd/chaincfg/v2"
	"github.com/btcsuite/btcd/rpcclient"

	"github.com/zonemirror/zonemirror/chainsync/txbuild"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

func chainParams() *chaincfg.Params { return &chaincfg.SimNetParams }

// alive reports whether process pid runs.
func alive(pid int) bool { return pid > 0 && syscall.Kill(pid, 0) == nil }

// Client acts on a running devnet from another process: it sends real
// transactions from the devnet's keys and waits until the mirror shows
// them.
type Client struct {
	st  *state
	rpc *rpcclient.Client
	api *apiClient
	b   *txbuild.Builder
	out io.Writer
}

// Dial finds the devnet running in dir.
func Dial(dir string, out io.Writer) (*Client, error) {
	r, err := readRunning(dir)
	if errors.Is(err, os.ErrNotExist) || (err == nil && !alive(r.PID)) {
		return nil, fmt.Errorf("no devnet is running in %s: start one with zonemirror devnet", dir)
	}
	if err != nil {
		return nil, fmt.Errorf("devnet %s: %w", filepath.Join(dir, "running.json"), err)
	}
	st, err := loadState(dir)
	if err != nil {
		return nil, err
	}
	rpc, err := rpcclient.New(&rpcclient.ConnConfig{Host: r.BTCD, User: st.RPCUser, Pass: st.RPCPass, HTTPPostMode: true, DisableTLS: true}, nil)
	if err != nil {
		return nil, err
	}
	return &Client{st: st, rpc: rpc, api: &apiClient{base: "http://" + r.HTTP}, b: &txbuild.Builder{Params: network().Wire}, out: out}, nil
}

// HTTP is the running devnet's API base URL.
func (c *Client) HTTP() string { return c.api.base }

// Close releases the client.
func (c *Client) Close() { c.rpc.Shutdown() }

func (c *Client) send(ctx context.Context, key *txbuild.Key, r txbuild.Request) error {
	coins, err := txbuild.NodeCoins(ctx, c.rpc, key, chainParams())
	if err != nil {
		return err
	}
	tx, err := c.b.Build(key, coins, r)
	if err != nil {
		return err
	}
	id, err := c.rpc.SendRawTransaction(tx, false)
	if err != nil {
		return fmt.Errorf("broadcast: %w", err)
	}
	fmt.Fprintf(c.out, "sent %s; waiting for its block\n", id)
	return c.api.waitSynced(ctx, c.rpc)
}

// Register preorders and registers name for the devnet's wallet with
// zonefile, then gives the zone file to the mirror.
func (c *Client) Register(ctx context.Context, name string, zonefile []byte) error {
	if err := wire.CheckName(name); err != nil {
		return err
	}
	wallet, err := c.st.wallet()
	if err != nil {
		return err
	}
	ch, err := c.api.consensusHash()
	if err != nil {
		return err
	}
	price, err := c.api.namePrice(name)
	if err != nil {
		return err
	}
	r, err := c.b.Preorder(name, wallet, wallet.Address, ch, c.b.BurnAddress(), price)
	if err != nil {
		return err
	}
	if err := c.send(ctx, wallet, r); err != nil {
		return fmt.Errorf("preorder %s: %w", name, err)
	}
	h := wire.SumHash160(zonefile)
	if err := c.send(ctx, wallet, txbuild.Register(name, wallet.Address, &h)); err != nil {
		return fmt.Errorf("register %s: %w", name, err)
	}
	return c.publish(name, zonefile)
}

// Update gives name a new zone file.
func (c *Client) Update(ctx context.Context, name string, zonefile []byte) error {
	owner, err := c.owner(name)
	if err != nil {
		return err
	}
	ch, err := c.api.consensusHash()
	if err != nil {
		return err
	}
	if err := c.send(ctx, owner, txbuild.Update(name, ch, wire.SumHash160(zonefile))); err != nil {
		return fmt.Errorf("update %s: %w", name, err)
	}
	return c.publish(name, zonefile)
}

// Transfer gives name to the address to, keeping its zone file.
func (c *Client) Transfer(ctx context.Context, name, to string) error {
	owner, err := c.owner(name)
	if err != nil {
		return err
	}
	ch, err := c.api.consensusHash()
	if err != nil {
		return err
	}
	if err := c.send(ctx, owner, txbuild.Transfer(name, to, true, ch)); err != nil {
		return fmt.Errorf("transfer %s: %w", name, err)
	}
	fmt.Fprintf(c.out, "%s now belongs to %s\n", name, to)
	return nil
}

func (c *Client) publish(name string, zonefile []byte) error {
	if err := c.api.postZonefile(zonefile); err != nil {
		return err
	}
	fmt.Fprintf(c.out, "%s: zone file %s published\n", name, wire.SumHash160(zonefile))
	return nil
}

// owner is the devnet key that owns name.
func (c *Client) owner(name string) (*txbuild.Key, error) {
	var rec struct {
		Address string `json:"address"`
	}
	code, err := c.api.get("/v1/names/"+name, &rec)
	if err != nil {
		return nil, err
	}
	if code != 200 {
		return nil, fmt.Errorf("%s is not registered on the devnet", name)
	}
	w, err := c.st.wallet()
	if err != nil {
		return nil, err
	}
	if w.Address == rec.Address {
		return w, nil
	}
	for i := range 1000 {
		if k := c.st.owner(i); k.Address == rec.Address {
			return k, nil
		}
	}
	return nil, fmt.Errorf("%s belongs to %s, not to a key of this devnet", name, rec.Address)
}
