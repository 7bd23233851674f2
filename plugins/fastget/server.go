package fastget

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// maxSocketPath is the longest Unix socket path Linux takes.
const maxSocketPath = 107

// perConn bounds the Gets one connection has under way; the reader waits
// for a free slot (the host's callers wait with it).
const perConn = 64

// Server answers Gets on the socket made by Listen.
type Server struct {
	// Get looks a key up (the driver's Get).
	Get func(ctx context.Context, key [20]byte) ([]byte, error)
	// GetInto, if set, is Get reading into buf when the value fits in its
	// capacity; each worker then reuses its buffer.
	GetInto func(ctx context.Context, key [20]byte, buf []byte) ([]byte, error)
	// TryGet, if set, answers a Get on the connection's reader itself,
	// without handing it to a worker, when it can do so without waiting
	// for a device (a value in the page cache): ok false means it would
	// wait, and the Get goes to a worker (Get or GetInto). It reads into
	// buf as GetInto does, and must return quickly either way.
	TryGet func(key [20]byte, buf []byte) (value []byte, ok bool, err error)
	// NotFound tells a miss from a failure.
	NotFound func(error) bool
	// Reason is the wire reason of an error's kind ("" for none).
	Reason func(error) string
	// Logger gets connection errors; the default is slog.Default().
	Logger *slog.Logger

	mu     sync.Mutex
	ln     net.Listener
	dir    string
	conns  map[io.Closer]struct{} // sockets, then pipes
	closed bool
	wg     sync.WaitGroup
}

// Listen makes the socket in a fresh private directory under dir (the
// system's temporary directory when empty) and starts serving it; it
// returns the socket's path and the token a client must send first. The
// first connection that sends the token is the only one served.
func (s *Server) Listen(dir string) (path string, token []byte, err error) {
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	token = make([]byte, tokenSize)
	if _, err := rand.Read(token); err != nil {
		return "", nil, fmt.Errorf("fastget: token: %w", err)
	}
	d, err := os.MkdirTemp(dir, "zonemirror-fastget-")
	if err != nil {
		return "", nil, fmt.Errorf("fastget: %w", err)
	}
	path = filepath.Join(d, "s")
	var ln net.Listener
	if len(path) > maxSocketPath {
		err = fmt.Errorf("socket path %s is longer than %d bytes", path, maxSocketPath)
	} else {
		ln, err = net.Listen("unix", path)
	}
	if err != nil {
		os.RemoveAll(d)
		return "", nil, fmt.Errorf("fastget: %w", err)
	}
	s.mu.Lock()
	s.ln, s.dir, s.conns = ln, d, map[io.Closer]struct{}{}
	s.mu.Unlock()
	s.wg.Add(1)
	go s.accept(ln, token)
	return path, token, nil
}

// removeSocket stops accepting and removes the socket and its directory,
// once; s.mu is held.
func (s *Server) removeSocket() error {
	s.ln.Close()
	if s.dir == "" {
		return nil
	}
	err := os.RemoveAll(s.dir)
	s.dir = ""
	return err
}

// claim gives the socket to the first connection that sent the token: no
// other is accepted, and the socket and its directory are removed at once
// (so nothing is left behind, even after a kill -9).
func (s *Server) claim() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.removeSocket(); err != nil {
		s.Logger.Warn("removing the fast Get socket", "err", err)
	}
}

// Close stops serving, ends every connection and removes the socket if
// no connection took it.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed || s.ln == nil {
		s.closed = true
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	err := s.removeSocket()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

func (s *Server) accept(ln net.Listener, token []byte) {
	defer s.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return // closed
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			err := s.serve(c, token)
			switch {
			case err == nil, errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed), errors.Is(err, os.ErrClosed):
			case errors.Is(err, io.ErrUnexpectedEOF):
				s.Logger.Debug("fastget connection ended mid-frame", "err", err)
			default:
				s.Logger.Warn("fastget connection ended", "err", err)
			}
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
			c.Close()
		}()
	}
}

// serve answers one connection: the token, then requests until EOF.
func (s *Server) serve(c net.Conn, token []byte) error {
	got := make([]byte, tokenSize)
	c.SetReadDeadline(time.Now().Add(handshakeTimeout))
	if _, err := io.ReadFull(c, got); err != nil {
		return fmt.Errorf("fastget: token: %w", err)
	}
	if subtle.ConstantTimeCompare(got, token) != 1 {
		return errors.New("fastget: a connection sent a wrong token")
	}
	c.SetReadDeadline(time.Time{})
	s.claim()
	d, err := handOver(c.(*net.UnixConn))
	c.Close() // the pipes carry the rest
	if err != nil {
		return err
	}
	// From here on, Close ends the connection by closing its pipes.
	s.mu.Lock()
	s.conns[d] = struct{}{}
	closed := s.closed
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, d)
		s.mu.Unlock()
		d.Close()
	}()
	if closed {
		return net.ErrClosed
	}
	w := newReplies(d)
	defer w.late.Stop()
	var inFlight sync.WaitGroup
	defer inFlight.Wait()
	// When the connection ends, the Gets under way are cancelled first
	// (deferred calls run last first), then waited for.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := bufio.NewReaderSize(d, 32<<10)
	// Gets run on workers that stay for the connection's life (at most
	// perConn, started as the load needs them): a goroutine per Get spent
	// a tenth of the driver's time growing fresh stacks.
	jobs := make(chan getJob)
	defer close(jobs) // runs before cancel and the wait: idle workers leave
	workers := 0
	worker := func(j getJob) {
		defer inFlight.Done()
		var buf []byte
		for ok := true; ok; j, ok = <-jobs {
			var err error
			if buf, err = s.get(ctx, w, j, buf); err != nil {
				d.Close() // the reader's next read fails and ends serve
			}
		}
	}
	var req [requestSize]byte
	var inline []byte // TryGet's buffer
	for {
		if _, err := io.ReadFull(r, req[:]); err != nil {
			return err
		}
		j := getJob{id: binary.LittleEndian.Uint32(req[0:])}
		if op := req[4]; op != opGet {
			return protocolError("unknown op %d", op)
		}
		j.timeout = time.Duration(binary.LittleEndian.Uint32(req[5:])) * time.Millisecond
		copy(j.key[:], req[9:])
		w.begin()
		if s.TryGet != nil {
			// A cached value is answered here: handing it to a worker
			// (waking another thread) cost more than reading it, and its
			// answer leaves at once, while the host is still sending.
			v, ok, err := s.TryGet(j.key, inline)
			if ok {
				if err := w.send(s, answer{id: j.id, value: v, err: err}); err != nil {
					return err
				}
				inline = keep(inline, v)
				continue
			}
		}
		select {
		case jobs <- j: // an idle worker takes it
		default:
			if workers < perConn {
				workers++
				inFlight.Add(1)
				go worker(j)
			} else {
				jobs <- j // all perConn are busy: wait for one
			}
		}
	}
}

// getJob is one request.
type getJob struct {
	id      uint32
	timeout time.Duration
	key     [20]byte
}

// get answers one request, within its timeout. With GetInto the value is
// read into buf, and the buffer to use next is returned (the answer is
// copied out before send returns).
func (s *Server) get(ctx context.Context, w *replies, j getJob, buf []byte) ([]byte, error) {
	if j.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, j.timeout)
		defer cancel()
	}
	var v []byte
	var err error
	if s.GetInto != nil {
		v, err = s.GetInto(ctx, j.key, buf)
	} else {
		v, err = s.Get(ctx, j.key)
	}
	if err := w.send(s, answer{id: j.id, value: v, err: err}); err != nil {
		return buf, err
	}
	if s.GetInto != nil {
		buf = keep(buf, v)
	}
	return buf, nil
}

// keep returns the buffer to read the next value into: v's, once an
// answer read into it has been sent, if it is larger than buf and not
// over maxKeptBuffer.
func keep(buf, v []byte) []byte {
	if cap(v) <= maxKeptBuffer && cap(v) > cap(buf) {
		return v
	}
	return buf
}

// maxKeptBuffer is the largest value buffer a worker keeps for the next
// Get (the rest are left to the collector).
const maxKeptBuffer = 64 << 10

// answer is one Get's outcome.
type answer struct {
	id    uint32
	value []byte
	err   error
}

// replies writes the answers of many goroutines to one connection. It
// flushes when no other Get is under way, so the answers of a burst leave
// in one write (and, measured, with half the p99 of flushing whenever no
// other answer is queued for the lock, or of a writer goroutine fed by a
// channel); an answer held back by a slower Get leaves within flushDelay.
type replies struct {
	mu      sync.Mutex
	w       *bufio.Writer
	pending int // Gets begun and not yet answered
	late    *time.Timer
	armed   bool
	err     error
}

// flushDelay bounds how long an answer waits for the other Gets under way.
const flushDelay = 200 * time.Microsecond

func newReplies(w io.Writer) *replies {
	r := &replies{w: bufio.NewWriterSize(w, 128<<10)}
	r.late = time.AfterFunc(time.Hour, r.flushLate)
	r.late.Stop()
	return r
}

func (r *replies) begin() {
	r.mu.Lock()
	r.pending++
	r.mu.Unlock()
}

func (r *replies) send(s *Server, a answer) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pending--
	if r.err == nil {
		r.err = s.encode(r.w, a)
	}
	switch {
	case r.err != nil:
	case r.pending == 0 || r.w.Buffered() > 64<<10:
		r.err = r.w.Flush()
		if r.armed {
			r.late.Stop()
			r.armed = false
		}
	case !r.armed:
		r.armed = true
		r.late.Reset(flushDelay)
	}
	return r.err
}

func (r *replies) flushLate() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.armed = false
	if r.err == nil && r.w.Buffered() > 0 {
		r.err = r.w.Flush()
	}
}

func (s *Server) encode(w *bufio.Writer, a answer) error {
	status, payload := byte(statusFound), a.value
	switch {
	case a.err == nil:
	case s.NotFound(a.err):
		status, payload = statusNotFound, nil
	default:
		reason := s.Reason(a.err)
		switch {
		case errors.Is(a.err, context.Canceled):
			reason = reasonCanceled
		case errors.Is(a.err, context.DeadlineExceeded):
			reason = reasonDeadline
		}
		status, payload = statusError, []byte(reason+"\n"+a.err.Error())
	}
	var head [responseHead]byte
	binary.LittleEndian.PutUint32(head[0:], a.id)
	head[4] = status
	binary.LittleEndian.PutUint32(head[5:], uint32(len(payload)))
	if _, err := w.Write(head[:]); err != nil {
		return err
	}
	_, err := w.Write(payload)
	return err
}
