package fastget

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"sync"
	"time"
)

// ClientOptions say how a Client reads answers.
type ClientOptions struct {
	// MaxValue is the largest value a driver may send; a longer one ends
	// the connection as a protocol error.
	MaxValue int
	// NotFound is the error of a miss.
	NotFound func(key [20]byte) error
	// Error rebuilds a failed Get's error from its wire reason and message
	// (the context errors are rebuilt by the Client itself).
	Error func(reason, msg string) error
}

// Client sends Gets over one connection to a Server.
type Client struct {
	opts ClientOptions
	conn io.ReadWriteCloser

	wmu      sync.Mutex // serializes request writes
	w        *bufio.Writer
	flushing bool // under wmu: a caller will flush what is buffered

	mu      sync.Mutex
	next    uint32
	waiting map[uint32]pending
	err     error // set once the connection is done; then waiting is empty
	done    chan struct{}
}

// pending is a Get waiting for its answer.
type pending struct {
	key [20]byte
	ch  chan result
}

type result struct {
	value []byte
	err   error
}

// Dial connects to the Server's socket at path and sends token.
func Dial(ctx context.Context, path string, token []byte, opts ClientOptions) (*Client, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		return nil, fmt.Errorf("fastget: %w", err)
	}
	if _, err := conn.Write(token); err != nil {
		conn.Close()
		return nil, fmt.Errorf("fastget: token: %w", err)
	}
	// The driver answers the token with the connection's pipes (or
	// closes the socket); the socket is done with then.
	dl, ok := ctx.Deadline()
	if !ok {
		dl = time.Now().Add(handshakeTimeout)
	}
	conn.SetReadDeadline(dl)
	pipes, err := takeOver(conn.(*net.UnixConn))
	conn.Close()
	if err != nil {
		return nil, fmt.Errorf("fastget: %w", err)
	}
	c := &Client{opts: opts, conn: pipes, w: bufio.NewWriterSize(pipes, 4<<10), waiting: map[uint32]pending{}, done: make(chan struct{})}
	go c.read()
	return c, nil
}

// Close ends the connection; Gets under way return ErrClosed.
func (c *Client) Close() error {
	err := c.conn.Close()
	<-c.done
	return err
}

// Get asks for key. It returns ErrClosed (wrapped) when the connection is
// gone, the driver's error (rebuilt by ClientOptions.Error) when the Get
// failed, and ctx's error when ctx ends first.
func (c *Client) Get(ctx context.Context, key [20]byte) ([]byte, error) {
	ch := make(chan result, 1)
	c.mu.Lock()
	if c.err != nil {
		err := c.err
		c.mu.Unlock()
		return nil, err
	}
	c.next++
	id := c.next
	c.waiting[id] = pending{key: key, ch: ch}
	c.mu.Unlock()

	var req [requestSize]byte
	binary.LittleEndian.PutUint32(req[0:], id)
	req[4] = opGet
	if dl, ok := ctx.Deadline(); ok {
		ms := max(time.Until(dl).Milliseconds(), 1)
		binary.LittleEndian.PutUint32(req[5:], uint32(min(ms, 1<<32-1)))
	}
	copy(req[9:], key[:])
	c.wmu.Lock()
	_, err := c.w.Write(req[:])
	lead := err == nil && !c.flushing
	c.flushing = c.flushing || lead
	c.wmu.Unlock()
	if lead {
		runtime.Gosched()
		c.wmu.Lock()
		c.flushing = false
		err = c.w.Flush()
		c.wmu.Unlock()
	}
	if err != nil {
		c.fail(fmt.Errorf("%w: %v", ErrClosed, err))
	}
	select {
	case r := <-ch:
		return r.value, r.err
	case <-ctx.Done():
		c.mu.Lock()
		delete(c.waiting, id)
		c.mu.Unlock()
		return nil, ctx.Err()
	}
}

// fail ends the connection with err: every Get waiting gets it.
func (c *Client) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return
	}
	c.err = err
	for id, p := range c.waiting {
		p.ch <- result{err: err}
		delete(c.waiting, id)
	}
	c.conn.Close()
}

// read hands each answer to its Get until the connection ends.
func (c *Client) read() {
	defer close(c.done)
	r := bufio.NewReaderSize(c.conn, 64<<10)
	var head [responseHead]byte
	for {
		if _, err := io.ReadFull(r, head[:]); err != nil {
			c.fail(fmt.Errorf("%w: %v", ErrClosed, err))
			return
		}
		id := binary.LittleEndian.Uint32(head[0:])
		status := head[4]
		n := binary.LittleEndian.Uint32(head[5:])
		// A value over MaxValue, a miss with a payload, an error message
		// over MaxValue+4 KiB or an unknown status breaks the format.
		if !validAnswer(status, int64(n), int64(c.opts.MaxValue)) {
			c.fail(fmt.Errorf("%w: %v", ErrClosed, protocolError("answer %d: status %d, %d bytes", id, status, n)))
			return
		}
		payload := make([]byte, n)
		if _, err := io.ReadFull(r, payload); err != nil {
			c.fail(fmt.Errorf("%w: %v", ErrClosed, err))
			return
		}
		c.mu.Lock()
		p, ok := c.waiting[id]
		delete(c.waiting, id)
		c.mu.Unlock()
		if !ok {
			continue // its caller gave up
		}
		var res result
		switch status {
		case statusFound:
			res.value = payload
		case statusNotFound:
			res.err = c.opts.NotFound(p.key)
		default:
			reason, msg, _ := strings.Cut(string(payload), "\n")
			switch reason {
			case reasonCanceled:
				res.err = fmt.Errorf("fastget: driver: %s: %w", msg, context.Canceled)
			case reasonDeadline:
				res.err = fmt.Errorf("fastget: driver: %s: %w", msg, context.DeadlineExceeded)
			default:
				res.err = c.opts.Error(reason, msg)
			}
		}
		p.ch <- res
	}
}

// validAnswer reports whether an answer's status and length fit the
// format, before its payload is read.
func validAnswer(status byte, n, maxValue int64) bool {
	switch status {
	case statusFound:
		return n <= maxValue
	case statusNotFound:
		return n == 0
	case statusError:
		return n <= maxValue+4096
	}
	return false
}
