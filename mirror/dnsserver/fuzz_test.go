package dnsserver

import (
	"bytes"
	"net"
	"testing"

	"github.com/miekg/dns"

	"github.com/zonemirror/zonemirror/internal/testmirror"
)

type fuzzWriter struct {
	dns.ResponseWriter
	got *dns.Msg
	raw []byte
	err error
}

func (w *fuzzWriter) WriteMsg(m *dns.Msg) error { w.got = m; return nil }
func (w *fuzzWriter) Write(b []byte) (int, error) {
	w.raw = append([]byte(nil), b...)
	w.got = new(dns.Msg)
	w.err = w.got.Unpack(b)
	return len(b), nil
}
func (w *fuzzWriter) RemoteAddr() net.Addr {
	return &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5300}
}

// Any question — name, type, class, opcode, EDNS0 size — is answered
// without a panic, with a reply to that question.
func FuzzQuestion(f *testing.F) {
	tm := testmirror.New(f, nil)
	s := New(tm.Mirror, tm.Chain.DB, Options{NoRateLimit: true})
	f.Add("_http._tcp.0.id.", uint16(dns.TypeURI), uint16(dns.ClassINET), 0, uint16(0))
	f.Add("id.", uint16(dns.TypeSOA), uint16(dns.ClassINET), 0, uint16(4096))
	f.Add("\\000.\\.id.", uint16(255), uint16(255), 2, uint16(1))
	f.Add(".", uint16(0), uint16(0), 5, uint16(65535))
	f.Fuzz(func(t *testing.T, name string, qtype, qclass uint16, opcode int, edns uint16) {
		req := new(dns.Msg)
		req.Id = 7
		req.Opcode = opcode & 0xf
		req.Question = []dns.Question{{Name: name, Qtype: qtype, Qclass: qclass}}
		if edns > 0 {
			req.SetEdns0(edns, false)
		}
		wireReq, err := req.Pack()
		if err != nil {
			return // no such message can arrive off the wire
		}
		req = new(dns.Msg)
		if err := req.Unpack(wireReq); err != nil {
			return
		}
		w := &fuzzWriter{}
		s.ServeDNS(w, req)
		if w.err != nil || w.got == nil || w.got.Id != 7 || !w.got.Response {
			t.Fatalf("%q %d: no reply: %v %v", name, qtype, w.got, w.err)
		}
		if _, err := w.got.Pack(); err != nil {
			t.Fatalf("%q %d: the reply does not pack: %v", name, qtype, err)
		}
		// Asked again with another ID and RD flipped, the answer (now
		// from the packed cache, where there is one) differs in those
		// alone (a reply copies RD only to a standard query).
		first, firstRD := w.raw, w.got.RecursionDesired
		req.Id, req.RecursionDesired = 8, !req.RecursionDesired
		w2 := &fuzzWriter{}
		s.ServeDNS(w2, req)
		wantRD := firstRD
		if req.Opcode == dns.OpcodeQuery {
			wantRD = req.RecursionDesired
		}
		if w2.err != nil || w2.got.Id != 8 || w2.got.RecursionDesired != wantRD {
			t.Fatalf("%q %d: second reply: %v %v", name, qtype, w2.got, w2.err)
		}
		w2.got.Id, w2.got.RecursionDesired = 7, firstRD
		again, _ := w2.got.Pack()
		if first != nil && !bytes.Equal(again, first) {
			t.Fatalf("%q %d: the second reply differs:\n%v\nfirst:\n%v", name, qtype, w2.got, w.got)
		}
	})
}

// Any datagram is answered from the batch, handed to ServeDNS, or dropped,
// without a panic; a reply from the batch is a response that unpacks and
// carries the datagram's ID.
func FuzzDatagram(f *testing.F) {
	tm := testmirror.New(f, nil)
	s := New(tm.Mirror, tm.Chain.DB, Options{NoRateLimit: true})
	from := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5300}
	q := new(dns.Msg)
	q.SetQuestion("_http._tcp.0.id.", dns.TypeURI)
	seed, _ := q.Pack()
	f.Add(seed)
	f.Add(seed[:12])
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		for range 2 { // the second time, from the cache if it can be
			reply, slow := s.datagram(b, from)
			if slow != nil {
				w := &fuzzWriter{}
				s.ServeDNS(w, slow)
				reply = w.raw
				if reply == nil && w.got == nil {
					t.Fatalf("% x: ServeDNS sent nothing", b)
				}
			}
			if reply == nil {
				continue
			}
			if len(reply) < 12 || reply[2]&0x80 == 0 || !bytes.Equal(reply[:2], b[:2]) {
				t.Fatalf("% x: reply % x is not a response with its ID", b, reply)
			}
			if slow == nil && len(reply) > 12 {
				if err := new(dns.Msg).Unpack(reply); err != nil {
					t.Fatalf("% x: reply does not unpack: %v", b, err)
				}
			}
		}
	})
}
