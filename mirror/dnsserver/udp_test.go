package dnsserver

import (
	"bytes"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// Datagrams that are not queries: one that does not unpack gets FORMERR
// with its ID; an answer, or fewer bytes than a header, gets nothing. The
// server goes on answering.
func TestUDPMalformed(t *testing.T) {
	f := start(t, Options{NoRateLimit: true})
	c, err := net.Dial("udp", f.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	read := func() []byte {
		c.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
		b := make([]byte, 512)
		n, err := c.Read(b)
		if err != nil {
			return nil
		}
		return b[:n]
	}
	// A header claiming one question, and no question.
	c.Write([]byte{0xbe, 0xef, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0})
	r := read()
	if len(r) != 12 || !bytes.Equal(r[:2], []byte{0xbe, 0xef}) || r[2]&0x80 == 0 || int(r[3]&0x0f) != dns.RcodeFormatError {
		t.Errorf("truncated query: reply % x, want a FORMERR header with ID be ef", r)
	}
	c.Write([]byte{0xbe, 0xef, 0x81, 0x00, 0, 1, 0, 0, 0, 0, 0, 0}) // QR set: an answer
	if r := read(); r != nil {
		t.Errorf("an answer was answered: % x", r)
	}
	c.Write([]byte{1, 2, 3})
	if r := read(); r != nil {
		t.Errorf("3 bytes were answered: % x", r)
	}
	if r := f.ask(t, "udp", 0, "0.id", dns.TypeSOA); r.Rcode != dns.RcodeSuccess {
		t.Errorf("after the malformed datagrams: %v", r)
	}
}

// Many clients at once, each asking the same questions (answered from the
// batch once cached) and a name outside the cache's reach (answered by
// ServeDNS): every reply has its query's ID and the right answer.
func TestUDPConcurrentClients(t *testing.T) {
	f := start(t, Options{NoRateLimit: true})
	want := f.ask(t, "udp", 0, "_http._tcp.0.id", dns.TypeURI)
	if len(want.Answer) != 1 {
		t.Fatalf("0.id URI: %v", want)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16*50)
	for cl := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &dns.Client{Net: "udp", Timeout: 2 * time.Second}
			for i := range 50 {
				m := new(dns.Msg)
				name, qtype := "_http._tcp.0.id.", dns.TypeURI
				if i%10 == 9 {
					name, qtype = fmt.Sprintf("nobody%d-%d.id.", cl, i), dns.TypeA // NXDOMAIN, first time asked
				}
				m.SetQuestion(name, qtype)
				m.Id = uint16(cl*1000 + i)
				m.RecursionDesired = i%2 == 0
				r, _, err := c.Exchange(m, f.addr)
				switch {
				case err != nil:
					errs <- fmt.Errorf("client %d query %d: %w", cl, i, err)
				case r.Id != m.Id || r.RecursionDesired != m.RecursionDesired:
					errs <- fmt.Errorf("client %d query %d: reply ID %d RD %v, want %d %v", cl, i, r.Id, r.RecursionDesired, m.Id, m.RecursionDesired)
				case qtype == dns.TypeURI && (len(r.Answer) != 1 || r.Answer[0].String() != want.Answer[0].String()):
					errs <- fmt.Errorf("client %d query %d: %v", cl, i, r.Answer)
				case qtype == dns.TypeA && r.Rcode != dns.RcodeNameError:
					errs <- fmt.Errorf("client %d query %d: %s rcode %s, want NXDOMAIN", cl, i, name, dns.RcodeToString[r.Rcode])
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
