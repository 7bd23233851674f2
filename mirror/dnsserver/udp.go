package dnsserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// batchConn reads and writes several datagrams a system call (recvmmsg
// and sendmmsg on Linux); ipv4.PacketConn and ipv6.PacketConn are both.
type batchConn interface {
	ReadBatch(ms []ipv4.Message, flags int) (int, error)
	WriteBatch(ms []ipv4.Message, flags int) (int, error)
}

// udpBatch is how many datagrams one read takes at most.
const udpBatch = 32

// serveUDP answers queries on conn until ctx ends. Each of a few readers
// takes a batch of queries in one read; a query whose answer is in the
// cache is answered in the batch, which goes out in one write; any other
// query is answered by a goroutine of its own (ServeDNS), so a lookup that
// waits on a tier never holds up the batch.
func (s *Server) serveUDP(ctx context.Context, conn *net.UDPConn) error {
	var bc batchConn = ipv6.NewPacketConn(conn)
	if la, ok := conn.LocalAddr().(*net.UDPAddr); ok && la.IP.To4() != nil {
		bc = ipv4.NewPacketConn(conn)
	}
	var slow sync.WaitGroup
	defer slow.Wait()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	readers := max(2, runtime.GOMAXPROCS(0))
	errs := make(chan error, readers)
	for range readers {
		go func() { errs <- s.readUDP(ctx, conn, bc, &slow) }()
	}
	var first error
	for range readers {
		if err := <-errs; err != nil && first == nil {
			first = err
			conn.Close() // the other readers stop too
		}
	}
	return first
}

func (s *Server) readUDP(ctx context.Context, conn *net.UDPConn, bc batchConn, slow *sync.WaitGroup) error {
	in := make([]ipv4.Message, udpBatch)
	for i := range in {
		in[i].Buffers = [][]byte{make([]byte, dns.MaxMsgSize)}
	}
	out := make([]ipv4.Message, 0, udpBatch)
	for {
		n, err := bc.ReadBatch(in, 0)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return fmt.Errorf("dns server: read: %w", err)
		}
		out = out[:0]
		for i := range in[:n] {
			m := &in[i]
			from, _ := m.Addr.(*net.UDPAddr)
			if from == nil {
				continue
			}
			b, req := s.datagram(m.Buffers[0][:m.N], from)
			if b != nil {
				out = append(out, ipv4.Message{Buffers: [][]byte{b}, Addr: from})
			}
			if req == nil {
				continue
			}
			slow.Add(1)
			go func() {
				defer slow.Done()
				s.ServeDNS(&udpWriter{conn: conn, remote: from}, req)
			}()
		}
		for len(out) > 0 {
			k, err := bc.WriteBatch(out, 0)
			if err != nil {
				if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
					return nil
				}
				break // the clients of this batch go unanswered; they retry
			}
			out = out[k:]
		}
	}
}

// datagram handles one datagram from a client: it returns the reply to
// send in the batch (nil: none), or the query ServeDNS must answer.
func (s *Server) datagram(b []byte, from *net.UDPAddr) (reply []byte, slow *dns.Msg) {
	req := new(dns.Msg)
	if err := req.Unpack(b); err != nil {
		return formErr(b), nil
	}
	if req.Response {
		return nil, nil // never answer an answer
	}
	if r, done := s.fromCache(from, req); done {
		return r, nil
	}
	return nil, req
}

// fromCache answers req from the packed cache: done, with the reply to
// send (nil: none, the response rate limit dropped it); or not done when
// req needs ServeDNS: not a plain query, not cached or stale, or over the
// client's size.
func (s *Server) fromCache(from *net.UDPAddr, req *dns.Msg) (reply []byte, done bool) {
	if req.Opcode != dns.OpcodeQuery || len(req.Question) != 1 {
		return nil, false
	}
	q := req.Question[0]
	if q.Qclass != dns.ClassINET && q.Qclass != dns.ClassANY {
		return nil, false
	}
	start := time.Now()
	qname := strings.ToLower(q.Name)
	c, ok := s.cachedAnswer(qname, q.Qtype)
	if !ok {
		return nil, false
	}
	size, variant := replyLimit(req)
	b := c.fromPacked(req, size, variant, true)
	if b == nil {
		return nil, false
	}
	switch s.rrl.action(from, int(b[3]&0x0f), qname, q.Qtype, lastLabel(qname), start) {
	case rrlDrop:
		return nil, true
	case rrlSlip:
		return slipReply(req), true
	}
	if s.opts.Observe != nil {
		s.opts.Observe(q.Qtype, int(b[3]&0x0f), time.Since(start))
	}
	return b, true
}

// formErr is a FORMERR reply to a query that does not unpack, or nil when
// it is not even a query header (no reply: it could be used to amplify).
func formErr(b []byte) []byte {
	if len(b) < 12 || b[2]&0x80 != 0 {
		return nil
	}
	r := make([]byte, 12)
	copy(r, b[:2])                    // the ID
	r[2] = 0x80 | b[2]&0x78           // QR, and the query's opcode
	r[3] = byte(dns.RcodeFormatError) // and no sections
	return r
}

// udpWriter sends one answer to remote.
type udpWriter struct {
	conn   *net.UDPConn
	remote *net.UDPAddr
}

func (w *udpWriter) LocalAddr() net.Addr  { return w.conn.LocalAddr() }
func (w *udpWriter) RemoteAddr() net.Addr { return w.remote }
func (w *udpWriter) Write(b []byte) (int, error) {
	return w.conn.WriteToUDP(b, w.remote)
}
func (w *udpWriter) WriteMsg(m *dns.Msg) error {
	b, err := m.Pack()
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}
func (w *udpWriter) Close() error        { return nil }
func (w *udpWriter) TsigStatus() error   { return nil }
func (w *udpWriter) TsigTimersOnly(bool) {}
func (w *udpWriter) Hijack()             {}
