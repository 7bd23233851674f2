package plugins

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"sync/atomic"

	"google.golang.org/grpc"

	"github.com/zonemirror/zonemirror/plugins/fastget"
	driverpb "github.com/zonemirror/zonemirror/plugins/proto"
)

// allowBatch is how many keys go in one AllowRequest message.
const allowBatch = 1024

// Client is a Driver that speaks the driver protocol over a gRPC
// connection: what the host holds for an out-of-process driver. Its errors
// unwrap to the kinds of errors.go, as the driver returned them.
type Client struct {
	rpc      driverpb.DriverClient
	name     string // the tier's, from Configure
	grpcOnly bool
	// fast carries Gets when the driver offers the fastget path; nil
	// after it broke (Gets go over gRPC then).
	fast atomic.Pointer[fastget.Client]
}

var _ Driver = (*Client)(nil)

// NewClient returns a client on conn.
func NewClient(conn grpc.ClientConnInterface) *Client {
	return &Client{rpc: driverpb.NewDriverClient(conn)}
}

// Configure sends the driver its config; it must be the first call.
func (c *Client) Configure(ctx context.Context, name string, config json.RawMessage) (Info, error) {
	if len(config) == 0 {
		config = json.RawMessage("{}")
	}
	resp, err := c.rpc.Configure(ctx, &driverpb.ConfigureRequest{Name: name, ConfigJson: config, WantFastGet: !c.grpcOnly})
	if err != nil {
		return Info{}, fmt.Errorf("configure: %w", errorFromStatus(err))
	}
	c.name = name
	if path := resp.GetFastGetSocket(); path != "" && !c.grpcOnly {
		f, err := fastget.Dial(ctx, path, resp.GetFastGetToken(), fastget.ClientOptions{
			MaxValue: MaxValueSize,
			NotFound: func(k [20]byte) error { return notFound(Key(k)) },
			Error:    fastGetError,
		})
		if err != nil {
			// A driver built against an older version of this package
			// serves the socket without the pipes: its Gets go over gRPC.
			slog.Warn("cannot use the driver's fast Get socket; its Gets go over gRPC", "tier", name, "err", err)
		} else {
			c.fast.Store(f)
		}
	}
	return infoFromPB(resp.GetInfo()), nil
}

// GRPCOnly makes every call go over gRPC, even when the driver offers a
// fast Get socket; call it before Configure.
func (c *Client) GRPCOnly() { c.grpcOnly = true }

// Get implements Driver.
func (c *Client) Get(ctx context.Context, key Key) ([]byte, error) {
	if f := c.fast.Load(); f != nil {
		v, err := f.Get(ctx, key)
		if !errors.Is(err, fastget.ErrClosed) {
			return v, err
		}
		// The socket broke (the process is likely gone): gRPC from now
		// on, which reports the driver's state.
		if c.fast.CompareAndSwap(f, nil) {
			slog.Warn("driver's fast Get pipes closed; its Gets go over gRPC", "tier", c.name, "err", err)
			go f.Close()
		}
	}
	resp, err := c.rpc.Get(ctx, &driverpb.GetRequest{Key: key[:]})
	if err != nil {
		return nil, errorFromStatus(err)
	}
	if !resp.GetFound() {
		return nil, notFound(key)
	}
	return resp.GetValue(), nil
}

// Put implements Driver.
func (c *Client) Put(ctx context.Context, key Key, value []byte) error {
	_, err := c.rpc.Put(ctx, &driverpb.PutRequest{Key: key[:], Value: value})
	return errorFromStatus(err)
}

// Has implements Driver.
func (c *Client) Has(ctx context.Context, key Key) (bool, error) {
	resp, err := c.rpc.Has(ctx, &driverpb.HasRequest{Key: key[:]})
	if err != nil {
		return false, errorFromStatus(err)
	}
	return resp.GetFound(), nil
}

// Delete implements Driver.
func (c *Client) Delete(ctx context.Context, key Key) error {
	_, err := c.rpc.Delete(ctx, &driverpb.DeleteRequest{Key: key[:]})
	return errorFromStatus(err)
}

// List implements Driver.
func (c *Client) List(ctx context.Context, opt ListOptions, fn func(keys []Key) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // ends the stream early when fn fails
	req := &driverpb.ListRequest{}
	if opt.After != nil {
		req.After = opt.After[:]
	}
	if opt.Limit > 0 {
		req.Limit = uint64(opt.Limit)
	}
	stream, err := c.rpc.List(ctx, req)
	if err != nil {
		return errorFromStatus(err)
	}
	var batch []Key
	for {
		msg, err := stream.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return errorFromStatus(err)
		}
		batch = batch[:0]
		for _, b := range msg.GetKeys() {
			k, err := KeyFromBytes(b)
			if err != nil {
				return fmt.Errorf("list: driver sent %w", err)
			}
			batch = append(batch, k)
		}
		if err := fn(batch); err != nil {
			return err
		}
	}
}

// Allow implements Driver: it streams keys in batches.
func (c *Client) Allow(ctx context.Context, keys iter.Seq[Key]) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := c.rpc.Allow(ctx)
	if err != nil {
		return 0, errorFromStatus(err)
	}
	batch := make([][]byte, 0, allowBatch)
	send := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := stream.Send(&driverpb.AllowRequest{Keys: batch})
		batch = make([][]byte, 0, allowBatch)
		return err
	}
	var sendErr error
	for k := range keys {
		batch = append(batch, k[:])
		if len(batch) == allowBatch {
			if sendErr = send(); sendErr != nil {
				break
			}
		}
	}
	if sendErr == nil {
		sendErr = send()
	}
	// On a send error the server has ended the stream; its status comes
	// from CloseAndRecv.
	resp, err := stream.CloseAndRecv()
	if err != nil {
		return 0, errorFromStatus(err)
	}
	if sendErr != nil && !errors.Is(sendErr, io.EOF) {
		return 0, errorFromStatus(sendErr)
	}
	return int(resp.GetAccepted()), nil
}

// Stat implements Driver.
func (c *Client) Stat(ctx context.Context) (Status, error) {
	resp, err := c.rpc.Stat(ctx, &driverpb.StatRequest{})
	if err != nil {
		return Status{}, errorFromStatus(err)
	}
	return Status{
		Info:      infoFromPB(resp.GetInfo()),
		Healthy:   resp.GetHealthy(),
		Message:   resp.GetMessage(),
		Records:   resp.GetRecords(),
		Bytes:     resp.GetBytes(),
		FreeBytes: resp.GetFreeBytes(),
	}, nil
}

// Close implements Driver: it closes the fast Get pipes. The gRPC
// connection belongs to whoever made it (the host's go-plugin client).
func (c *Client) Close() error {
	if f := c.fast.Swap(nil); f != nil {
		return f.Close()
	}
	return nil
}

// notFound is a Get's miss, over either path.
func notFound(key Key) error { return fmt.Errorf("get %s: %w", key, ErrNotFound) }

func infoFromPB(i *driverpb.Info) Info {
	return Info{Driver: i.GetDriver(), Version: i.GetVersion(), ReadOnly: i.GetReadOnly()}
}
