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
	"strings"
	"sync"
	"syscall"
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
	check := getsValue(c, value)
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
	fromSixteen(t, check)
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
	if c, err := Dial(context.Background(), path, bad, options(1<<20)); !errors.Is(err, io.EOF) {
		if err == nil {
			c.Close()
		}
		t.Fatalf("dial with a wrong token: %v, want the socket closed", err)
	}
	// The right token still works: the wrong one did not take the socket.
	c, err := Dial(context.Background(), path, token, options(1<<20))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if v, err := c.Get(context.Background(), keys[0]); err != nil || len(v) != 10 {
		t.Fatalf("get after a wrong token: %q %v", v, err)
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
		if _, err := io.ReadFull(c, make([]byte, tokenSize)); err != nil {
			return
		}
		d, err := handOver(c.(*net.UnixConn))
		if err != nil {
			return
		}
		defer d.Close()
		if _, err := io.ReadFull(d, make([]byte, requestSize)); err != nil {
			return
		}
		d.Write(script)
		io.Copy(io.Discard, d)
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
		c.Write(token)
		d, err := takeOver(c.(*net.UnixConn))
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		d.r.SetDeadline(time.Now().Add(2 * time.Second))
		d.Write(data)
		d.w.Close()            // the end of the requests
		io.Copy(io.Discard, d) // until the server closes: it must
		if err := d.r.SetDeadline(time.Time{}); err != nil {
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

// TryGet answers on the reader what it can, and a Get it declines goes to
// a worker: every value comes back whole, from 1 caller and from 16, by
// both ways. A cached answer is not held up by a slow Get on a worker.
func TestTryGet(t *testing.T) {
	value := func(k [20]byte) []byte { return bytes.Repeat([]byte{k[0], k[1]}, 1000+int(k[0])) }
	slow := [20]byte{0xff, 0xff}
	release := make(chan struct{})
	var inline, workers sync.Map
	s := &Server{
		Get: func(context.Context, [20]byte) ([]byte, error) { return nil, errors.New("Get called, not GetInto") },
		GetInto: func(ctx context.Context, k [20]byte, buf []byte) ([]byte, error) {
			if k == slow {
				<-release
			}
			workers.Store(k, true)
			return append(buf[:0], value(k)...), nil
		},
		// Keys with an even first byte are "cached"; one with 0xee in
		// its second is a cached miss.
		TryGet: func(k [20]byte, buf []byte) ([]byte, bool, error) {
			if k[0]%2 != 0 {
				return nil, false, nil
			}
			inline.Store(k, true)
			if k[1] == 0xee {
				return nil, true, errMissing
			}
			return append(buf[:0], value(k)...), true, nil
		},
		NotFound: func(err error) bool { return errors.Is(err, errMissing) },
		Reason:   func(error) string { return "" },
	}
	c := dial(t, s)
	ctx := context.Background()
	check := getsValue(c, value)
	for i := range 20 {
		if err := check([20]byte{byte(i), byte(i * 3)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Get(ctx, [20]byte{2, 0xee}); !errors.Is(err, errMissing) {
		t.Fatalf("a cached miss: %v", err)
	}
	fromSixteen(t, check)
	for name, m := range map[string]*sync.Map{"the reader": &inline, "a worker": &workers} {
		m.Range(func(k, _ any) bool {
			key := k.([20]byte)
			if (key[0]%2 == 0) != (name == "the reader") {
				t.Errorf("key %x answered by %s", key[:2], name)
			}
			return true
		})
	}

	// A slow Get on a worker holds the flush; a cached answer leaves
	// within flushDelay anyway.
	done := make(chan error, 1)
	go func() { _, err := c.Get(ctx, slow); done <- err }()
	time.Sleep(20 * time.Millisecond)
	start := time.Now()
	if err := check([20]byte{4, 4}); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("a cached Get waited %v behind a slow one", el)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("the slow Get: %v", err)
	}
}

// A driver that answers the token with anything but the two pipes is
// refused at Dial, and descriptors it sent are not kept.
func TestHandoverRefused(t *testing.T) {
	before := 0 // counted after the first case, which starts the poller
	for i, tc := range []struct {
		name string
		msg  []byte
		fds  int
		ends int
	}{
		{"no descriptors", []byte{1}, 0, rightEnds},
		{"one pipe", []byte{1}, 1, rightEnds},
		{"three pipes", []byte{1}, 3, rightEnds},
		{"a wrong byte", []byte{2}, 2, rightEnds},
		{"not pipes", []byte{1}, 2, devNull},
		{"ends swapped", []byte{1}, 2, swappedEnds},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := handover(t, tc.msg, tc.fds, tc.ends); err == nil || !strings.Contains(err.Error(), "protocol") {
				t.Fatalf("Dial: %v, want a protocol error", err)
			}
		})
		if i == 0 {
			before = openFiles(t)
		}
	}
	if after := openFiles(t); after > before {
		t.Errorf("%d descriptors open after the refused handovers, %d before", after, before)
	}
}

// openFiles counts this process's open descriptors.
func openFiles(t *testing.T) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// getsValue returns a check that c's Get of a key gives value(key).
func getsValue(c *Client, value func([20]byte) []byte) func([20]byte) error {
	return func(k [20]byte) error {
		v, err := c.Get(context.Background(), k)
		if err != nil || !bytes.Equal(v, value(k)) {
			return fmt.Errorf("key %x: %d bytes, want %d (%v)", k[:2], len(v), len(value(k)), err)
		}
		return nil
	}
}

// fromSixteen runs check on 100 keys from each of 16 goroutines.
func fromSixteen(t *testing.T, check func([20]byte) error) {
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

// What a fake driver hands over.
const (
	rightEnds   = iota // the requests pipe's write end, the answers pipe's read end, then read ends
	swappedEnds        // a read end first, a write end second
	devNull            // /dev/null
	endKinds
)

// handover dials a fake driver that answers the token with msg and fds
// descriptors of the kind ends, and returns Dial's error.
func handover(t testing.TB, msg []byte, fds, ends int) error {
	path := filepath.Join(t.TempDir(), "s")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	served := make(chan struct{})
	defer func() { <-served }() // its descriptors are closed
	go func() {
		defer close(served)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		io.ReadFull(c, make([]byte, tokenSize))
		var oob []byte
		if fds > 0 {
			rights := make([]int, fds)
			for i := range rights {
				var r, w *os.File
				var err error
				if ends == devNull {
					r, err = os.Open(os.DevNull)
				} else {
					r, w, err = os.Pipe()
				}
				if err != nil {
					return
				}
				defer r.Close()
				rights[i] = int(r.Fd())
				if w != nil {
					defer w.Close()
					if (ends == rightEnds && i == 0) || (ends == swappedEnds && i == 1) {
						rights[i] = int(w.Fd())
					}
				}
			}
			oob = syscall.UnixRights(rights...)
		}
		c.(*net.UnixConn).WriteMsgUnix(msg, oob, nil)
		io.Copy(io.Discard, c)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	c, err := Dial(ctx, path, make([]byte, tokenSize), options(64))
	if err == nil {
		c.Close()
	}
	return err
}

// Whatever a driver hands over, Dial takes the two pipes' right ends
// after the byte 1 and refuses anything else, keeping no descriptor it
// refused.
func FuzzHandover(f *testing.F) {
	f.Add([]byte{1}, uint8(2), uint8(rightEnds))
	f.Add([]byte{1}, uint8(3), uint8(rightEnds))
	f.Add([]byte{2}, uint8(2), uint8(rightEnds))
	f.Add([]byte{1}, uint8(2), uint8(devNull))
	f.Add([]byte{1}, uint8(2), uint8(swappedEnds))
	f.Add([]byte{}, uint8(0), uint8(rightEnds))
	f.Fuzz(func(t *testing.T, msg []byte, fds, ends uint8) {
		if len(msg) == 0 && fds > 0 {
			msg = []byte{0} // descriptors need a byte to travel with
		}
		fds %= 5
		ends %= endKinds
		before := openFiles(t)
		err := handover(t, msg, int(fds), int(ends))
		want := len(msg) > 0 && msg[0] == 1 && fds == 2 && ends == rightEnds
		if (err == nil) != want {
			t.Fatalf("handover of %x with %d descriptors (kind %d): %v", msg, fds, ends, err)
		}
		if after := openFiles(t); after > before {
			t.Fatalf("%d descriptors open after, %d before", after, before)
		}
	})
}
