package plugins

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"sync"
	"sync/atomic"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/zonemirror/zonemirror/plugins/fastget"
	driverpb "github.com/zonemirror/zonemirror/plugins/proto"
)

// server serves one driver over gRPC. It is configured once: Configure
// opens the driver with open; every other call before that fails with
// ErrNotConfigured. It validates what comes over the wire (key lengths,
// value sizes and hashes) before the driver sees it.
type server struct {
	driverpb.UnimplementedDriverServer
	open   OpenFunc
	logger *slog.Logger

	mu   sync.Mutex // serializes Configure
	drv  atomic.Pointer[Driver]
	fast *fastget.Server // under mu; nil when Gets go over gRPC only
}

var _ driverpb.DriverServer = (*server)(nil)

func newServer(open OpenFunc, logger *slog.Logger) *server {
	return &server{open: open, logger: logger}
}

// close closes the fast Get path and the configured driver, if any.
func (s *server) close() error {
	s.mu.Lock()
	fast := s.fast
	s.mu.Unlock()
	if fast != nil {
		if err := fast.Close(); err != nil {
			s.logger.Warn("closing the fast Get path", "err", err)
		}
	}
	if d := s.drv.Load(); d != nil {
		return (*d).Close()
	}
	return nil
}

func (s *server) driver() (Driver, error) {
	d := s.drv.Load()
	if d == nil {
		return nil, statusError(fmt.Errorf("%w: Configure must come first", ErrNotConfigured))
	}
	return *d, nil
}

// keyed returns the configured driver and a request's key, or the status
// error of whichever is missing.
func (s *server) keyed(key []byte) (Driver, Key, error) {
	d, err := s.driver()
	if err != nil {
		return nil, Key{}, err
	}
	k, err := KeyFromBytes(key)
	if err != nil {
		return nil, Key{}, statusError(err)
	}
	return d, k, nil
}

func (s *server) Configure(ctx context.Context, req *driverpb.ConfigureRequest) (*driverpb.ConfigureResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.drv.Load() != nil {
		return nil, statusError(fmt.Errorf("%w: already configured", ErrBadConfig))
	}
	cfg := req.GetConfigJson()
	if len(cfg) > 0 && !json.Valid(cfg) {
		return nil, statusError(fmt.Errorf("%w: config is not JSON", ErrBadConfig))
	}
	logger := s.logger.With("tier", req.GetName())
	d, err := s.open(ctx, Setup{Name: req.GetName(), Config: cfg, Logger: logger})
	if err != nil {
		return nil, statusError(err)
	}
	st, err := d.Stat(ctx)
	if err != nil {
		_ = d.Close()
		return nil, statusError(err)
	}
	s.drv.Store(&d)
	resp := &driverpb.ConfigureResponse{Info: infoToPB(st.Info)}
	if req.GetWantFastGet() {
		resp.FastGetSocket, resp.FastGetToken = s.offerFastGet(d, logger)
	}
	logger.Info("driver configured", "driver", st.Driver, "version", st.Version, "read_only", st.ReadOnly, "fast_get", resp.FastGetSocket != "")
	return resp, nil
}

// getInto is a Driver that can read a value into a buffer of the caller's
// (the disk driver): the fast Get path then reuses one buffer per worker
// instead of allocating a value per Get. It must give what Get gives, and
// keep no reference to what it returns: the slice is the caller's.
type getInto interface {
	GetInto(ctx context.Context, key Key, buf []byte) ([]byte, error)
}

// tryGetInto is a Driver that can answer a Get without waiting for a
// device when the value is in memory already (the disk driver, from the
// page cache): the fast Get path answers those on its reader, without a
// handoff to a worker. ok false means the Get would wait; the value is
// read into buf as GetInto does.
type tryGetInto interface {
	TryGetInto(key Key, buf []byte) (value []byte, ok bool, err error)
}

// offerFastGet opens the fast Get path on d (s.mu held); it returns an
// empty path when it cannot, and Gets go over gRPC.
func (s *server) offerFastGet(d Driver, logger *slog.Logger) (string, []byte) {
	fast := &fastget.Server{
		Get:      func(ctx context.Context, key [20]byte) ([]byte, error) { return d.Get(ctx, Key(key)) },
		NotFound: func(err error) bool { return errors.Is(err, ErrNotFound) },
		Reason:   Reason,
		Logger:   logger,
	}
	if g, ok := d.(getInto); ok {
		fast.GetInto = func(ctx context.Context, key [20]byte, buf []byte) ([]byte, error) {
			return g.GetInto(ctx, Key(key), buf)
		}
	}
	if g, ok := d.(tryGetInto); ok {
		fast.TryGet = func(key [20]byte, buf []byte) ([]byte, bool, error) {
			return g.TryGetInto(Key(key), buf)
		}
	}
	path, token, err := fast.Listen("")
	if err != nil {
		logger.Warn("Gets go over gRPC only", "err", err)
		return "", nil
	}
	s.fast = fast
	return path, token
}

func (s *server) Get(ctx context.Context, req *driverpb.GetRequest) (*driverpb.GetResponse, error) {
	d, k, err := s.keyed(req.GetKey())
	if err != nil {
		return nil, err
	}
	v, err := d.Get(ctx, k)
	if errors.Is(err, ErrNotFound) {
		return &driverpb.GetResponse{}, nil
	}
	if err != nil {
		return nil, statusError(err)
	}
	return &driverpb.GetResponse{Found: true, Value: v}, nil
}

func (s *server) Put(ctx context.Context, req *driverpb.PutRequest) (*driverpb.PutResponse, error) {
	d, k, err := s.keyed(req.GetKey())
	if err != nil {
		return nil, err
	}
	if err := CheckValue(k, req.GetValue()); err != nil {
		return nil, statusError(err)
	}
	if err := d.Put(ctx, k, req.GetValue()); err != nil {
		return nil, statusError(err)
	}
	return &driverpb.PutResponse{}, nil
}

func (s *server) Has(ctx context.Context, req *driverpb.HasRequest) (*driverpb.HasResponse, error) {
	d, k, err := s.keyed(req.GetKey())
	if err != nil {
		return nil, err
	}
	ok, err := d.Has(ctx, k)
	if err != nil {
		return nil, statusError(err)
	}
	return &driverpb.HasResponse{Found: ok}, nil
}

func (s *server) Delete(ctx context.Context, req *driverpb.DeleteRequest) (*driverpb.DeleteResponse, error) {
	d, k, err := s.keyed(req.GetKey())
	if err != nil {
		return nil, err
	}
	if err := d.Delete(ctx, k); err != nil {
		return nil, statusError(err)
	}
	return &driverpb.DeleteResponse{}, nil
}

func (s *server) List(req *driverpb.ListRequest, stream driverpb.Driver_ListServer) error {
	d, err := s.driver()
	if err != nil {
		return err
	}
	var opt ListOptions
	if len(req.GetAfter()) > 0 {
		k, err := KeyFromBytes(req.GetAfter())
		if err != nil {
			return statusError(fmt.Errorf("list after: %w", err))
		}
		opt.After = &k
	}
	opt.Limit = int(min(req.GetLimit(), uint64(1<<62)))
	err = d.List(stream.Context(), opt, func(keys []Key) error {
		msg := &driverpb.ListResponse{Keys: make([][]byte, len(keys))}
		for i := range keys {
			msg.Keys[i] = keys[i][:]
		}
		return stream.Send(msg)
	})
	if err != nil {
		return statusError(err)
	}
	return nil
}

func (s *server) Allow(stream driverpb.Driver_AllowServer) error {
	d, err := s.driver()
	if err != nil {
		return err
	}
	var recvErr error
	keys := func(yield func(Key) bool) {
		for {
			msg, err := stream.Recv()
			if err == io.EOF {
				return
			}
			if err != nil {
				recvErr = err
				return
			}
			for _, b := range msg.GetKeys() {
				k, err := KeyFromBytes(b)
				if err != nil {
					recvErr = statusError(fmt.Errorf("allow: %w", err))
					return
				}
				if !yield(k) {
					return
				}
			}
		}
	}
	n, err := d.Allow(stream.Context(), iter.Seq[Key](keys))
	if recvErr != nil {
		return recvErr
	}
	if err != nil {
		return statusError(err)
	}
	return stream.SendAndClose(&driverpb.AllowResponse{Accepted: uint64(n)})
}

func (s *server) Stat(ctx context.Context, _ *driverpb.StatRequest) (*driverpb.StatResponse, error) {
	d, err := s.driver()
	if err != nil {
		return nil, err
	}
	st, err := d.Stat(ctx)
	if err != nil {
		return nil, statusError(err)
	}
	return &driverpb.StatResponse{
		Info:      infoToPB(st.Info),
		Healthy:   st.Healthy,
		Message:   st.Message,
		Records:   st.Records,
		Bytes:     st.Bytes,
		FreeBytes: st.FreeBytes,
	}, nil
}

func infoToPB(i Info) *driverpb.Info {
	return &driverpb.Info{Driver: i.Driver, Version: i.Version, ReadOnly: i.ReadOnly}
}

// statusError turns a driver error into a gRPC status that carries its
// kind as an ErrorInfo reason, so the client can rebuild it.
func statusError(err error) error {
	if _, ok := status.FromError(err); ok {
		return err
	}
	code := codes.Unknown
	switch {
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, err.Error())
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, err.Error())
	case errors.Is(err, ErrNotFound):
		code = codes.NotFound
	case errors.Is(err, ErrBadKey), errors.Is(err, ErrBadValue), errors.Is(err, ErrTooLarge), errors.Is(err, ErrBadConfig):
		code = codes.InvalidArgument
	case errors.Is(err, ErrReadOnly), errors.Is(err, ErrNotConfigured):
		code = codes.FailedPrecondition
	case errors.Is(err, ErrFull):
		code = codes.ResourceExhausted
	case errors.Is(err, ErrNotAllowed):
		code = codes.PermissionDenied
	case errors.Is(err, ErrUnavailable):
		code = codes.Unavailable
	}
	st := status.New(code, err.Error())
	if r := Reason(err); r != "" {
		if d, derr := st.WithDetails(&errdetails.ErrorInfo{Reason: r, Domain: errorDomain}); derr == nil {
			st = d
		}
	}
	return st.Err()
}

// errorFromStatus rebuilds a driver error from a gRPC error: its kind from
// the ErrorInfo reason, or from the code for transport failures.
func errorFromStatus(err error) error {
	if err == nil {
		return nil
	}
	st, ok := status.FromError(err)
	if !ok {
		return err
	}
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok && info.GetDomain() == errorDomain {
			if kind := errorForReason(info.GetReason()); kind != nil {
				return &remoteError{kind: kind, msg: st.Message()}
			}
		}
	}
	switch st.Code() {
	case codes.Canceled:
		return &remoteError{kind: context.Canceled, msg: st.Message()}
	case codes.DeadlineExceeded:
		return &remoteError{kind: context.DeadlineExceeded, msg: st.Message()}
	case codes.Unavailable:
		return &remoteError{kind: ErrUnavailable, msg: "driver unavailable: " + st.Message()}
	}
	return err
}
