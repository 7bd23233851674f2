package fastget

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/zonemirror/zonemirror/internal/loadgen"
)

var errMissing = errors.New("missing")

// files serves values from files in dir, as the disk driver does.
func files(t testing.TB, n, size int) (*Server, [][20]byte) {
	dir := t.TempDir()
	keys := make([][20]byte, n)
	for i := range keys {
		v := make([]byte, size)
		copy(v, fmt.Sprint(i))
		sum := sha256.Sum256(v)
		copy(keys[i][:], sum[:])
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%x", keys[i])), v, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := &Server{
		Get: func(_ context.Context, k [20]byte) ([]byte, error) {
			b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("%x", k)))
			if errors.Is(err, os.ErrNotExist) {
				return nil, errMissing
			}
			return b, err
		},
		NotFound: func(err error) bool { return errors.Is(err, errMissing) },
		Reason:   func(error) string { return "" },
	}
	return s, keys
}

// options are the tests' ClientOptions: a miss is errMissing, a failure
// "REASON: message".
func options(maxValue int) ClientOptions {
	return ClientOptions{MaxValue: maxValue,
		NotFound: func([20]byte) error { return errMissing },
		Error:    func(reason, msg string) error { return fmt.Errorf("%s: %s", reason, msg) }}
}

// listen starts s until the test ends.
func listen(t testing.TB, s *Server) (path string, token []byte) {
	path, token, err := s.Listen("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return path, token
}

// dial starts s and connects a Client to it.
func dial(t testing.TB, s *Server) *Client {
	path, token := listen(t, s)
	c, err := Dial(context.Background(), path, token, options(1<<20))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func BenchmarkGet(b *testing.B) {
	s, keys := files(b, 256, 4<<10)
	c := dial(b, s)
	for _, callers := range []int{1, 16} {
		b.Run(fmt.Sprintf("4KB/callers=%d", callers), func(b *testing.B) {
			r, err := loadgen.Run(b.N, callers, func(i int) error {
				_, err := c.Get(context.Background(), keys[i%len(keys)])
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			r.Report(b)
		})
	}
}

// Found, not found, a failed Get with its reason, and concurrent callers.
func TestGet(t *testing.T) {
	s, keys := files(t, 64, 1000)
	boom := [20]byte{0xb0}
	get := s.Get
	s.Get = func(ctx context.Context, k [20]byte) ([]byte, error) {
		if k == boom {
			return nil, errors.New("disk on fire")
		}
		return get(ctx, k)
	}
	s.Reason = func(error) string { return "FULL" }
	c := dial(t, s)
	ctx := context.Background()
	for i, k := range keys {
		v, err := c.Get(ctx, k)
		if err != nil || len(v) != 1000 || string(v[:len(fmt.Sprint(i))]) != fmt.Sprint(i) {
			t.Fatalf("key %d: %q %v", i, v[:8], err)
		}
	}
	if _, err := c.Get(ctx, [20]byte{1}); !errors.Is(err, errMissing) {
		t.Fatalf("missing key: %v", err)
	}
	if _, err := c.Get(ctx, boom); err == nil || err.Error() != "FULL: disk on fire" {
		t.Fatalf("failing key: %v", err)
	}
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 200 {
				k := keys[(g*7+i)%len(keys)]
				if v, err := c.Get(ctx, k); err != nil || len(v) != 1000 {
					t.Errorf("concurrent get: %d bytes, %v", len(v), err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// With GetInto, workers reuse their buffers: values of every size, small
// after large and past maxKeptBuffer, come back whole and unmixed, from
// one caller (one worker) and from 16.
func TestGetInto(t *testing.T) {
	sizes := []int{1000, 3, 70 << 10, 10, 5000, 0, 64 << 10, 1}
	value := func(k [20]byte) []byte {
		v := bytes.Repeat([]byte{k[1]}, sizes[int(k[0])%len(sizes)])
		if len(v) > 0 {
			v[len(v)-1] = k[0] // the end shows a stale tail too
		}
		return v
	}
	var reused sync.Map // keys whose Get was handed a used buffer
	s := &Server{
		Get: func(context.Context, [20]byte) ([]byte, error) { return nil, errors.New("Get called, not GetInto") },
		GetInto: func(_ context.Context, k [20]byte, buf []byte) ([]byte, error) {
			if k[19] == 1 {
				return nil, errMissing
			}
			if cap(buf) > 0 {
				reused.Store(k, true)
			}
			v := value(k)
			if cap(buf) >= len(v) {
				return append(buf[:0], v...), nil
			}
			return v, nil
		},
		NotFound: func(err error) bool { return errors.Is(err, errMissing) },
		Reason:   func(error) string { return "" },
	}
	c := dial(t, s)
	ctx := context.Background()
	check := func(k [20]byte) error {
		v, err := c.Get(ctx, k)
		if err != nil || !bytes.Equal(v, value(k)) {
			return fmt.Errorf("key %x: %d bytes, want %d (%v)", k[:2], len(v), len(value(k)), err)
		}
		return nil
	}
	for i := range 3 * len(sizes) {
		if err := check([20]byte{byte(i), byte(i * 7)}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Get(ctx, [20]byte{19: 1}); !errors.Is(err, errMissing) {
			t.Fatalf("missing key: %v", err)
		}
	}
	n := 0
	reused.Range(func(any, any) bool { n++; return true })
	if n == 0 {
		t.Fatal("no Get was handed a used buffer")
	}
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 100 {
				if err := check([20]byte{byte(g*13 + i), byte(g)}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// A caller's deadline reaches the driver's Get; a caller that gives up
// returns at once, and the connection goes on serving the others.
func TestDeadlines(t *testing.T) {
	s, keys := files(t, 1, 10)
	slow := [20]byte{0x51}
	release := make(chan struct{})
	get := s.Get
	s.Get = func(ctx context.Context, k [20]byte) ([]byte, error) {
		if k == slow {
			if _, ok := ctx.Deadline(); !ok {
				return nil, errors.New("no deadline reached the driver")
			}
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-release:
				return nil, errMissing
			}
		}
		return get(ctx, k)
	}
	c := dial(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := c.Get(ctx, slow); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("slow get: %v", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("slow get returned after %v", el)
	}
	close(release)
	if v, err := c.Get(context.Background(), keys[0]); err != nil || len(v) != 10 {
		t.Fatalf("after a timeout: %q %v", v, err)
	}
}

// A connection without the token is closed unanswered.
func TestWrongToken(t *testing.T) {
	s, keys := files(t, 1, 10)
	path, token := listen(t, s)
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("socket directory: %v %v", fi.Mode(), err)
	}
	bad := append([]byte(nil), token...)
	bad[0] ^= 1
	c, err := Dial(context.Background(), path, bad, options(1<<20))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Get(context.Background(), keys[0]); !errors.Is(err, ErrClosed) {
		t.Fatalf("get with a wrong token: %v", err)
	}
}

// When the server goes, every Get under way and after fails with
// ErrClosed, promptly.
func TestServerGone(t *testing.T) {
	s, keys := files(t, 1, 10)
	block := make(chan struct{})
	defer close(block)
	get := s.Get
	s.Get = func(ctx context.Context, k [20]byte) ([]byte, error) {
		if k == ([20]byte{}) {
			<-block
		}
		return get(ctx, k)
	}
	c := dial(t, s)
	errs := make(chan error, 1)
	go func() { _, err := c.Get(context.Background(), [20]byte{}); errs <- err }()
	time.Sleep(50 * time.Millisecond)
	go s.Close() // waits for the blocked Get, after closing the connection
	select {
	case err := <-errs:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("get under way: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a Get under way did not end when the server closed")
	}
	if _, err := c.Get(context.Background(), keys[0]); !errors.Is(err, ErrClosed) {
		t.Fatalf("get after: %v", err)
	}
}

// fakeServer accepts one connection on a socket and answers it with
// script (after reading the token and one request).
func fakeServer(t testing.TB, script []byte) string {
	path := filepath.Join(t.TempDir(), "s")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		buf := make([]byte, tokenSize+requestSize)
		if _, err := io.ReadFull(c, buf); err != nil {
			return
		}
		c.Write(script)
		io.Copy(io.Discard, c)
	}()
	return path
}

// Whatever bytes a driver answers with, a Get returns a value, a miss or
// an error, never a panic or a hang; a frame that breaks the format ends
// the connection (ErrClosed).
func FuzzClient(f *testing.F) {
	frame := func(id uint32, status byte, payload []byte) []byte {
		b := binary.LittleEndian.AppendUint32(nil, id)
		b = append(b, status)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(payload)))
		return append(b, payload...)
	}
	f.Add(frame(1, statusFound, []byte("value")))
	f.Add(frame(1, statusNotFound, nil))
	f.Add(frame(1, statusError, []byte("FULL\nno space")))
	f.Add(frame(2, statusFound, []byte("other id")))
	f.Add(frame(1, 9, nil))
	f.Add(frame(1, statusFound, make([]byte, 70)))
	f.Add(frame(1, statusNotFound, []byte("x")))
	f.Add([]byte{1, 0, 0})
	f.Fuzz(func(t *testing.T, script []byte) {
		path := fakeServer(t, script)
		c, err := Dial(context.Background(), path, make([]byte, tokenSize), options(64))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		v, err := c.Get(ctx, [20]byte{})
		if err == nil && len(v) > 64 {
			t.Fatalf("a %d-byte value passed MaxValue 64", len(v))
		}
	})
}

// Whatever bytes a client sends, the server answers or closes the
// connection, and never panics.
func FuzzServer(f *testing.F) {
	req := func(id uint32, op byte, timeout uint32, key byte) []byte {
		b := binary.LittleEndian.AppendUint32(nil, id)
		b = append(b, op)
		b = binary.LittleEndian.AppendUint32(b, timeout)
		return append(b, bytes.Repeat([]byte{key}, 20)...)
	}
	f.Add(req(1, opGet, 0, 1))
	f.Add(req(1, 7, 0, 1))
	f.Add(append(req(1, opGet, 5, 1), req(2, opGet, 0, 2)...))
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		s, _ := files(t, 1, 10)
		path, token := listen(t, s)
		c, err := net.Dial("unix", path)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(2 * time.Second))
		c.Write(append(append([]byte(nil), token...), data...))
		c.(*net.UnixConn).CloseWrite()
		io.Copy(io.Discard, c) // until the server closes: it must
		if err := c.SetDeadline(time.Time{}); err != nil {
			t.Fatal(err)
		}
	})
}

// The first client with the token takes the socket: it is removed from
// the filesystem, so no other can connect, and nothing is left behind.
func TestSocketClaimed(t *testing.T) {
	s, keys := files(t, 1, 10)
	path, token := listen(t, s)
	c, err := Dial(context.Background(), path, token, options(1<<20))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Get(context.Background(), keys[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Dir(path)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the socket's directory after a client took it: %v", err)
	}
	if _, err := net.Dial("unix", path); err == nil {
		t.Fatal("a second client connected")
	}
}

// When the host goes, the driver's Gets under way are cancelled, not
// waited out.
func TestClientGoneCancelsGets(t *testing.T) {
	s, _ := files(t, 1, 10)
	cancelled := make(chan struct{})
	s.Get = func(ctx context.Context, k [20]byte) ([]byte, error) {
		<-ctx.Done()
		close(cancelled)
		return nil, ctx.Err()
	}
	c := dial(t, s)
	go c.Get(context.Background(), [20]byte{7})
	time.Sleep(50 * time.Millisecond)
	c.Close()
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("the driver's Get was not cancelled when the host's connection closed")
	}
}
