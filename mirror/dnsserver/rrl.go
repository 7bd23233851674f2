package dnsserver

import (
	"fmt"
	"strings"

	"hash/maphash"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
)

// Response rate limiting as public authoritative servers do it (BIND's
// rate-limit, Knot's RRL module, NSD's rrl-*): over UDP, the responses
// alike sent to one client netblock (a /24, or a /56 of IPv6) are limited
// to a rate; the excess is dropped, but every Slip-th one gets a truncated,
// empty answer instead, so a real resolver behind a spoofed flood retries
// over TCP, which is never limited. Alike means: the same name and type
// for answers and empty answers, the same zone for names that do not
// exist, and any error for errors. Many different questions from one
// resolver address are not limited at all.

// RRL configures response rate limiting; the zero value takes the
// defaults.
type RRL struct {
	// ResponsesPerSecond is the rate of alike responses one netblock
	// gets; 0 is the default, 200 (NSD's rrl-ratelimit); a negative rate
	// turns limiting off.
	ResponsesPerSecond float64
	// Slip: every Slip-th limited response is sent truncated and empty
	// instead of dropped; 1 truncates them all, a negative value drops
	// them all. 0 is the default, 2 (BIND's and NSD's).
	Slip int
	// Window is how long a netblock's excess is remembered: a client that
	// flooded stays limited until it has been quiet for it. The default
	// is 15 s (BIND's).
	Window time.Duration
	// IPv4Prefix and IPv6Prefix are the netblocks' lengths. The defaults
	// are 24 and 56 (BIND's).
	IPv4Prefix, IPv6Prefix int
	// Exempt are networks never limited (a monitoring host, the
	// operator's own resolvers).
	Exempt []netip.Prefix
}

// Validate fills in the defaults and checks the values.
func (r *RRL) Validate() error {
	if r.ResponsesPerSecond == 0 {
		r.ResponsesPerSecond = 200
	}
	if r.Slip == 0 {
		r.Slip = 2
	}
	if r.Window == 0 {
		r.Window = 15 * time.Second
	}
	if r.IPv4Prefix == 0 {
		r.IPv4Prefix = 24
	}
	if r.IPv6Prefix == 0 {
		r.IPv6Prefix = 56
	}
	switch {
	case r.IPv4Prefix < 1 || r.IPv4Prefix > 32:
		return fmt.Errorf("ipv4_prefix: /%d, want 1 to 32", r.IPv4Prefix)
	case r.IPv6Prefix < 1 || r.IPv6Prefix > 128:
		return fmt.Errorf("ipv6_prefix: /%d, want 1 to 128", r.IPv6Prefix)
	case r.Window < 0:
		return fmt.Errorf("window: %s is negative", r.Window)
	}
	return nil
}

// rrlAction is what to do with a response.
type rrlAction uint8

const (
	rrlSend rrlAction = iota
	rrlDrop
	rrlSlip
)

// The classes of alike responses.
const (
	classAnswer   = iota // NOERROR (with or without records): by name and type
	classNXDomain        // by zone
	classError           // any error: one account per netblock
)

type rrlKey struct {
	block netip.Prefix
	class uint8
	hash  uint64
}

// rrlAccount is BIND's: credit for a second of responses, spent one a
// response, refilled with time, and owed down to a window's worth.
type rrlAccount struct {
	balance float64
	last    time.Time
	limited uint64 // responses limited so far (for the slip)
}

const rrlShards = 64

// limiter is the table of accounts.
type limiter struct {
	cfg    RRL
	seed   maphash.Seed
	shards [rrlShards]struct {
		sync.Mutex
		m map[rrlKey]*rrlAccount
	}
	dropped, slipped atomic.Uint64
}

func newLimiter(cfg RRL) (*limiter, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	l := &limiter{cfg: cfg, seed: maphash.MakeSeed()}
	for i := range l.shards {
		l.shards[i].m = map[rrlKey]*rrlAccount{}
	}
	return l, nil
}

// netblock is addr's netblock, and whether addr is exempt.
func (l *limiter) netblock(addr net.Addr) (netip.Prefix, bool) {
	ua, ok := addr.(*net.UDPAddr)
	if !ok {
		return netip.Prefix{}, false // TCP: never limited
	}
	ip, _ := netip.AddrFromSlice(ua.IP)
	ip = ip.Unmap()
	for _, e := range l.cfg.Exempt {
		if e.Contains(ip) {
			return netip.Prefix{}, false
		}
	}
	bits := l.cfg.IPv4Prefix
	if ip.Is6() {
		bits = l.cfg.IPv6Prefix
	}
	p, err := ip.Prefix(bits)
	return p, err == nil
}

// action decides the fate of a response of rcode to (qname, qtype) in
// zone sent to addr.
func (l *limiter) action(addr net.Addr, rcode int, qname string, qtype uint16, zone string, now time.Time) rrlAction {
	if l == nil || l.cfg.ResponsesPerSecond < 0 {
		return rrlSend
	}
	block, limited := l.netblock(addr)
	if !limited {
		return rrlSend
	}
	k := rrlKey{block: block}
	var h maphash.Hash
	h.SetSeed(l.seed)
	switch {
	case rcode == 0:
		k.class = classAnswer
		h.WriteString(qname)
		h.WriteByte(byte(qtype >> 8))
		h.WriteByte(byte(qtype))
	case rcode == 3: // NXDOMAIN
		k.class = classNXDomain
		h.WriteString(zone)
	default:
		k.class = classError
	}
	k.hash = h.Sum64()
	sh := &l.shards[k.hash%rrlShards]
	sh.Lock()
	defer sh.Unlock()
	a := sh.m[k]
	rate := l.cfg.ResponsesPerSecond
	if a == nil {
		a = &rrlAccount{balance: rate, last: now}
		sh.m[k] = a
	}
	a.balance = min(rate, a.balance+now.Sub(a.last).Seconds()*rate)
	a.last = now
	a.balance = max(a.balance-1, -rate*l.cfg.Window.Seconds())
	if a.balance >= 0 {
		return rrlSend
	}
	a.limited++
	if l.cfg.Slip > 0 && a.limited%uint64(l.cfg.Slip) == 0 {
		l.slipped.Add(1)
		return rrlSlip
	}
	l.dropped.Add(1)
	return rrlDrop
}

// sweep forgets the accounts that are whole again and quiet.
func (l *limiter) sweep(now time.Time) {
	for i := range l.shards {
		sh := &l.shards[i]
		sh.Lock()
		for k, a := range sh.m {
			if now.Sub(a.last) > l.cfg.Window+time.Second {
				delete(sh.m, k)
			}
		}
		sh.Unlock()
	}
}

// slipReply is the reply a limited response slips out as: truncated and
// empty, so the client asks again over TCP.
func slipReply(req *dns.Msg) []byte {
	m := new(dns.Msg)
	m.SetReply(req)
	m.Authoritative = true
	m.Truncated = true
	b, err := m.Pack()
	if err != nil {
		return nil
	}
	return b
}

// lastLabel is the namespace of a name: the zone a missing name counts
// in.
func lastLabel(qname string) string {
	qname = strings.TrimSuffix(qname, ".")
	if i := strings.LastIndexByte(qname, '.'); i >= 0 {
		return qname[i+1:]
	}
	return qname
}

// Limited is how many responses were dropped and slipped (truncated).
func (s *Server) Limited() (dropped, slipped uint64) {
	if s.rrl == nil {
		return 0, 0
	}
	return s.rrl.dropped.Load(), s.rrl.slipped.Load()
}
