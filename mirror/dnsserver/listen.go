package dnsserver

import (
	"errors"
	"fmt"
	"net"
	"syscall"
)

// listenTries bounds the ports Listen tries for an address with port 0.
const listenTries = 32

// Listen opens the UDP socket and the TCP listener of addr, on one port
// as DNS expects. With port 0 the system picks the UDP port, which may be
// taken for TCP (by another program's connection): then Listen tries
// another, a few times.
func Listen(addr string) (net.PacketConn, net.Listener, error) {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, nil, fmt.Errorf("dns listen %s: %w", addr, err)
	}
	tries := 1
	if port == "0" {
		tries = listenTries
	}
	for i := 0; ; i++ {
		pc, err := net.ListenPacket("udp", addr)
		if err != nil {
			return nil, nil, fmt.Errorf("dns listen %s (udp): %w", addr, err)
		}
		ln, err := net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			return pc, ln, nil
		}
		pc.Close()
		if i+1 >= tries || !errors.Is(err, syscall.EADDRINUSE) {
			return nil, nil, fmt.Errorf("dns listen %s (tcp): %w", pc.LocalAddr(), err)
		}
	}
}
