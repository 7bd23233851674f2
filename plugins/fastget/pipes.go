package fastget

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// pipeSize is the capacity asked for each pipe: a burst of answers fits
// without the driver waiting for the host to read.
const pipeSize = 256 << 10

// duplex is the two pipes of a connection, read from one and written to
// the other.
type duplex struct {
	r, w *os.File
}

func (d *duplex) Read(p []byte) (int, error)  { return d.r.Read(p) }
func (d *duplex) Write(p []byte) (int, error) { return d.w.Write(p) }

// Close closes both pipes; a read or write under way returns an error.
func (d *duplex) Close() error {
	return errors.Join(d.r.Close(), d.w.Close())
}

// newPipe returns a non-blocking pipe's read and write ends as raw
// descriptors.
func newPipe() (r, w int, err error) {
	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC|syscall.O_NONBLOCK); err != nil {
		return -1, -1, fmt.Errorf("pipe: %w", err)
	}
	// A smaller pipe than asked for still works (the limit is the
	// system's fs.pipe-max-size).
	_, _ = unix.FcntlInt(uintptr(p[1]), unix.F_SETPIPE_SZ, pipeSize)
	return p[0], p[1], nil
}

// handOver makes the connection's two pipes and sends the host its ends
// over the socket c: the write end of the requests' pipe and the read end
// of the answers'. It returns the driver's ends.
func handOver(c *net.UnixConn) (*duplex, error) {
	reqR, reqW, err := newPipe()
	if err != nil {
		return nil, err
	}
	ansR, ansW, err := newPipe()
	if err != nil {
		syscall.Close(reqR)
		syscall.Close(reqW)
		return nil, err
	}
	_, _, err = c.WriteMsgUnix([]byte{1}, syscall.UnixRights(reqW, ansR), nil)
	// The host holds its own copies now (or the handover failed).
	syscall.Close(reqW)
	syscall.Close(ansR)
	if err != nil {
		syscall.Close(reqR)
		syscall.Close(ansW)
		return nil, fmt.Errorf("sending the pipes: %w", err)
	}
	return &duplex{r: os.NewFile(uintptr(reqR), "fastget-requests"), w: os.NewFile(uintptr(ansW), "fastget-answers")}, nil
}

// takeOver receives the host's ends of the connection's pipes from the
// socket c. They arrive close-on-exec (MSG_CMSG_CLOEXEC): a driver process
// started meanwhile must not inherit them, or the pipes would outlive
// the driver that made them.
func takeOver(c *net.UnixConn) (*duplex, error) {
	rc, err := c.SyscallConn()
	if err != nil {
		return nil, fmt.Errorf("receiving the pipes: %w", err)
	}
	var b [1]byte
	oob := make([]byte, syscall.CmsgSpace(2*4))
	var n, oobn, flags int
	var rerr error
	err = rc.Read(func(fd uintptr) bool {
		n, oobn, flags, _, rerr = syscall.Recvmsg(int(fd), b[:], oob, syscall.MSG_CMSG_CLOEXEC)
		return rerr != syscall.EAGAIN
	})
	if err == nil {
		err = rerr
	}
	if err != nil {
		return nil, fmt.Errorf("receiving the pipes: %w", err)
	}
	var fds []int
	msgs, err := syscall.ParseSocketControlMessage(oob[:oobn])
	for _, m := range msgs {
		got, rerr := syscall.ParseUnixRights(&m)
		err = errors.Join(err, rerr)
		fds = append(fds, got...)
	}
	if flags&syscall.MSG_CTRUNC != 0 {
		err = errors.Join(err, errors.New("more descriptors than two"))
	}
	// The first is written (the requests), the second read (the answers).
	want := [2]int{syscall.O_WRONLY, syscall.O_RDONLY}
	for i, fd := range fds {
		var st syscall.Stat_t
		if serr := syscall.Fstat(fd, &st); serr != nil || st.Mode&syscall.S_IFMT != syscall.S_IFIFO {
			err = errors.Join(err, fmt.Errorf("descriptor %d is not a pipe", i))
			continue
		}
		if fl, ferr := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0); ferr != nil || i >= len(want) || fl&syscall.O_ACCMODE != want[i] {
			err = errors.Join(err, fmt.Errorf("pipe %d has the wrong end", i))
		}
	}
	if err != nil || n != 1 || b[0] != 1 || len(fds) != 2 {
		for _, fd := range fds {
			syscall.Close(fd)
		}
		if n == 0 && oobn == 0 {
			return nil, fmt.Errorf("receiving the pipes: %w", io.EOF)
		}
		return nil, protocolError("handover of %d bytes with %d descriptors (%v)", n, len(fds), err)
	}
	return &duplex{r: os.NewFile(uintptr(fds[1]), "fastget-answers"), w: os.NewFile(uintptr(fds[0]), "fastget-requests")}, nil
}
