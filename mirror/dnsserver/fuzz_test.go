package dnsserver

import (
	"net"
	"testing"

	"github.com/miekg/dns"

	"github.com/zonemirror/zonemirror/internal/testmirror"
)

type fuzzWriter struct {
	dns.ResponseWriter
	got *dns.Msg
}

func (w *fuzzWriter) WriteMsg(m *dns.Msg) error { w.got = m; return nil }
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
		if w.got == nil || w.got.Id != 7 || !w.got.Response {
			t.Fatalf("%q %d: no reply: %v", name, qtype, w.got)
		}
		if _, err := w.got.Pack(); err != nil {
			t.Fatalf("%q %d: the reply does not pack: %v", name, qtype, err)
		}
	})
}
