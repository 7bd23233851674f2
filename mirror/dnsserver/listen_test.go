package dnsserver

import (
	"net"
	"strings"
	"testing"
)

// Listen opens UDP and TCP on one port; a port taken for TCP is an
// error that leaves the UDP port free again.
func TestListen(t *testing.T) {
	pc, ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if u, p := pc.LocalAddr().(*net.UDPAddr), ln.Addr().(*net.TCPAddr); u.Port != p.Port || u.Port == 0 {
		t.Fatalf("udp %v, tcp %v: not one port", u, p)
	}
	pc.Close()
	ln.Close()

	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	addr := taken.Addr().String()
	if _, _, err := Listen(addr); err == nil || !strings.Contains(err.Error(), "(tcp)") {
		t.Fatalf("Listen on a taken TCP port: %v", err)
	}
	udp, err := net.ListenPacket("udp", addr)
	if err != nil {
		t.Fatalf("the UDP port was not closed after the failure: %v", err)
	}
	udp.Close()
	if _, _, err := Listen("no port"); err == nil {
		t.Fatal("Listen of an address without a port succeeded")
	}
}
