package dnsserver

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"

	"github.com/zonemirror/zonemirror/internal/bytecache"
	"github.com/zonemirror/zonemirror/mirror"
	"github.com/zonemirror/zonemirror/mirror/zonefile"
	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// Namespaces lists the ready namespaces (*namedb.DB).
type Namespaces interface {
	Namespaces() []string
}

// Options configure a Server.
type Options struct {
	// Nameserver is the NS and SOA primary of every served zone. The
	// default is "ns1.zonemirror.invalid.".
	Nameserver string
	// Hostmaster is the SOA's responsible mailbox. The default is
	// "hostmaster.zonemirror.invalid.".
	Hostmaster string
	// TTL of synthesized records and of zone-file records without one.
	// The default is 3600.
	TTL uint32
	// NegativeTTL is the SOA minimum: how long resolvers keep a negative
	// answer. The default is 60.
	NegativeTTL uint32
	// MaxConcurrent bounds the queries answered at once. The default is 256.
	MaxConcurrent int
	// RRL limits the alike responses sent over UDP to one client
	// netblock (rrl.go); the zero value takes BIND's and NSD's defaults.
	RRL RRL
	// NoRateLimit turns response rate limiting off (benchmarks).
	NoRateLimit bool
	// UDPSize is the EDNS0 payload size the server advertises. The
	// default is 1232.
	UDPSize uint16
	// CacheBytes bounds each of the caches of parsed zone files and of
	// answers. The default is 32 MiB.
	CacheBytes int64
	// Observe, when set, is called for every answer (metrics).
	Observe func(qtype uint16, rcode int, took time.Duration)
}

// Server answers DNS queries from the mirror.
type Server struct {
	m    *mirror.Mirror
	ns   Namespaces
	opts Options
	sem  chan struct{}

	zones struct {
		sync.RWMutex
		tip  int64
		list map[string]bool
	}
	parsed  *bytecache.Cache[parsedKey, []dns.RR]
	answers *bytecache.Cache[answerKey, *cached]

	rrl *limiter
}

type answerKey struct {
	qname string
	qtype uint16
}

// cached is an answer and what it depends on.
type cached struct {
	version uint64 // the name's version (0: the name does not exist)
	exists  bool
	tip     int64 // for apex answers: the block height
	// subGen is the subdomain generation an answer below a name (where a
	// subdomain may live) was made at.
	subGen uint64
	rcode  int
	answer []dns.RR
	ns     []dns.RR
	// packed holds the answer in wire form once sent, by variant
	// (noEDNS, withEDNS).
	packed [2]atomic.Pointer[packedMsg]
}

// New returns a server over the mirror m; ns lists the served zones.
func New(m *mirror.Mirror, ns Namespaces, opts Options) *Server {
	if opts.Nameserver == "" {
		opts.Nameserver = "ns1.zonemirror.invalid."
	}
	if opts.Hostmaster == "" {
		opts.Hostmaster = "hostmaster.zonemirror.invalid."
	}
	if opts.TTL == 0 {
		opts.TTL = 3600
	}
	if opts.NegativeTTL == 0 {
		opts.NegativeTTL = 60
	}
	if opts.MaxConcurrent <= 0 {
		opts.MaxConcurrent = 256
	}
	if opts.UDPSize == 0 {
		opts.UDPSize = 1232
	}
	if opts.CacheBytes <= 0 {
		opts.CacheBytes = 32 << 20
	}
	s := &Server{m: m, ns: ns, opts: opts, sem: make(chan struct{}, opts.MaxConcurrent),
		parsed: bytecache.New[parsedKey, []dns.RR](opts.CacheBytes), answers: bytecache.New[answerKey, *cached](opts.CacheBytes)}
	if !opts.NoRateLimit && opts.RRL.ResponsesPerSecond >= 0 {
		var err error
		if s.rrl, err = newLimiter(opts.RRL); err != nil {
			// the config was validated (daemon); default what is out of range
			slog.Warn("dns: response rate limit: using the defaults", "err", err)
			s.rrl, _ = newLimiter(RRL{})
		}
	}
	return s
}

// Serve answers on conn (UDP) and ln (TCP) until ctx ends.
func (s *Server) Serve(ctx context.Context, conn net.PacketConn, ln net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	tcp := &dns.Server{Listener: ln, Handler: s, ReadTimeout: 5 * time.Second, WriteTimeout: 5 * time.Second}
	errs := make(chan error, 2)
	if uc, ok := conn.(*net.UDPConn); ok {
		go func() { errs <- s.serveUDP(ctx, uc) }()
	} else {
		udp := &dns.Server{PacketConn: conn, Handler: s, UDPSize: int(s.opts.UDPSize)}
		go func() { errs <- udp.ActivateAndServe() }()
		defer udp.Shutdown()
	}
	go func() { errs <- tcp.ActivateAndServe() }()
	defer tcp.Shutdown()
	go s.sweep(ctx)
	select {
	case <-ctx.Done():
		return nil
	case err := <-errs:
		if err == nil {
			err = errors.New("stopped")
		}
		return fmt.Errorf("dns server: %w", err)
	}
}

// sweep forgets the rate-limit accounts of clients gone quiet.
func (s *Server) sweep(ctx context.Context) {
	if s.rrl == nil {
		return
	}
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			s.rrl.sweep(now)
		}
	}
}

// ServeDNS answers one query.
func (s *Server) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	start := time.Now()
	_, udp := w.RemoteAddr().(*net.UDPAddr)
	resp, c := s.answer(req)
	size, variant := replyLimit(req)
	var out []byte
	if c != nil {
		if out = c.fromPacked(req, size, variant, udp); out == nil {
			resp = c.reply(req)
		}
	}
	if out == nil {
		if variant == withEDNS {
			resp.SetEdns0(s.opts.UDPSize, false)
		}
		if udp {
			resp.Truncate(size)
		} else {
			// Over TCP, the most a DNS message holds (the TCP writer
			// refuses more, and the client would hear nothing).
			resp.Truncate(dns.MaxMsgSize)
		}
		b, err := resp.Pack()
		if err != nil {
			resp = new(dns.Msg)
			resp.SetRcode(req, dns.RcodeServerFailure)
			b, _ = resp.Pack()
		} else if c != nil && !resp.Truncated {
			c.packed[variant].Store(&packedMsg{qname: req.Question[0].Name, b: b})
		}
		out = b
	}
	if udp && len(req.Question) == 1 {
		q := req.Question[0]
		qname := strings.ToLower(q.Name)
		switch s.rrl.action(w.RemoteAddr(), int(out[3]&0x0f), qname, q.Qtype, lastLabel(qname), time.Now()) {
		case rrlDrop:
			return
		case rrlSlip:
			if out = slipReply(req); out == nil {
				return
			}
		}
	}
	// Counted before it is sent, so a client that got an answer sees it
	// in the metrics.
	if s.opts.Observe != nil {
		var qtype uint16
		if len(req.Question) == 1 {
			qtype = req.Question[0].Qtype
		}
		s.opts.Observe(qtype, int(out[3]&0x0f), time.Since(start))
	}
	w.Write(out) //nolint:errcheck // the client went away
}

// The flags of a DNS header a reply copies from its query: RD in the third
// byte, CD in the fourth.
const (
	flagRD = 0x01
	flagCD = 0x10
)

func boolBit(b bool, bit byte) byte {
	if b {
		return bit
	}
	return 0
}

// packedMsg is an answer in wire form, for queries of exactly qname.
type packedMsg struct {
	qname string
	b     []byte
}

// The two packed forms of an answer: to queries without EDNS0, and with.
const (
	noEDNS = iota
	withEDNS
)

// replyLimit returns the size a UDP reply to req may have and which
// packed form answers it.
func replyLimit(req *dns.Msg) (size, variant int) {
	if opt := req.IsEdns0(); opt != nil {
		return max(int(opt.UDPSize()), dns.MinMsgSize), withEDNS
	}
	return dns.MinMsgSize, noEDNS
}

// fromPacked is the answer c, packed once, as the reply to req: only the
// ID and the flags copied from the query differ. It is nil when c has no
// packed form for req's exact name or (over UDP) it is over size.
func (c *cached) fromPacked(req *dns.Msg, size, variant int, udp bool) []byte {
	p := c.packed[variant].Load()
	if p == nil || p.qname != req.Question[0].Name || (udp && len(p.b) > size) {
		return nil
	}
	return p.reply(req)
}

// reply is a copy of the answer with req's ID and flags.
func (p *packedMsg) reply(req *dns.Msg) []byte {
	out := make([]byte, len(p.b))
	copy(out, p.b)
	binary.BigEndian.PutUint16(out, req.Id)
	out[2] = out[2]&^flagRD | boolBit(req.RecursionDesired, flagRD)
	out[3] = out[3]&^flagCD | boolBit(req.CheckingDisabled, flagCD)
	return out
}

// reply is the answer c as a reply to req.
func (c *cached) reply(req *dns.Msg) *dns.Msg {
	resp := new(dns.Msg)
	resp.SetReply(req)
	resp.Authoritative = true
	resp.Rcode = c.rcode
	resp.Answer = c.answer
	resp.Ns = c.ns
	return resp
}

// answer returns the answer to req: a cached one (c, cached across queries;
// resp is nil) or one made for this query alone (resp).
func (s *Server) answer(req *dns.Msg) (resp *dns.Msg, c *cached) {
	fail := func(rcode int) (*dns.Msg, *cached) {
		resp := new(dns.Msg)
		resp.SetRcode(req, rcode)
		resp.Authoritative = rcode != dns.RcodeRefused && rcode != dns.RcodeServerFailure && rcode != dns.RcodeNotImplemented
		return resp, nil
	}
	if req.Opcode != dns.OpcodeQuery {
		return fail(dns.RcodeNotImplemented)
	}
	if len(req.Question) != 1 {
		return fail(dns.RcodeFormatError)
	}
	select {
	case s.sem <- struct{}{}:
	default:
		t := time.NewTimer(100 * time.Millisecond)
		select {
		case s.sem <- struct{}{}:
			t.Stop()
		case <-t.C:
			return fail(dns.RcodeServerFailure)
		}
	}
	defer func() { <-s.sem }()
	q := req.Question[0]
	if q.Qclass != dns.ClassINET && q.Qclass != dns.ClassANY {
		return fail(dns.RcodeRefused)
	}
	c = s.lookup(strings.ToLower(q.Name), q.Qtype)
	if c.rcode == dns.RcodeRefused || c.rcode == dns.RcodeServerFailure {
		return fail(c.rcode) // made afresh for each query: not cached
	}
	return nil, c
}

// zone returns the served zone (namespace id) of qname, "" if none.
func (s *Server) zone(qname string) string {
	labels := dns.SplitDomainName(qname)
	if len(labels) == 0 {
		return ""
	}
	id := labels[len(labels)-1]
	tip, _, _ := s.m.Tip()
	s.zones.RLock()
	fresh := s.zones.list != nil && s.zones.tip == tip
	ok := s.zones.list[id]
	s.zones.RUnlock()
	if fresh {
		if ok {
			return id
		}
		return ""
	}
	list := map[string]bool{}
	for _, n := range s.ns.Namespaces() {
		list[n] = true
	}
	s.zones.Lock()
	s.zones.tip, s.zones.list = tip, list
	s.zones.Unlock()
	if list[id] {
		return id
	}
	return ""
}

func (s *Server) soa(zone string, tip int64) dns.RR {
	return &dns.SOA{Hdr: dns.RR_Header{Name: zone + ".", Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: s.opts.NegativeTTL},
		Ns: s.opts.Nameserver, Mbox: s.opts.Hostmaster, Serial: uint32(tip), Refresh: 3600, Retry: 600, Expire: 604800, Minttl: s.opts.NegativeTTL}
}

// size approximates the memory of an answer.
func (c *cached) size(qname string) int64 {
	n := int64(len(qname)) + 128
	for _, rr := range append(c.answer, c.ns...) {
		n += int64(dns.Len(rr)) + 64
	}
	return n
}

// cachedAnswer returns the cached answer to qname/qtype if what it
// depends on is unchanged: the tip for the apex and absent names, the
// name's version for the others.
func (s *Server) cachedAnswer(qname string, qtype uint16) (*cached, bool) {
	zone := s.zone(qname)
	if zone == "" {
		return nil, false
	}
	c, ok := s.answers.Get(answerKey{qname, qtype})
	if !ok {
		return nil, false
	}
	tip, _, _ := s.m.Tip()
	labels := dns.SplitDomainName(qname)
	if len(labels) == 1 {
		return c, c.tip == tip
	}
	if len(labels) >= 3 && c.subGen != s.m.Names().SubdomainGen() {
		return c, false // a subdomain may have come, gone or changed
	}
	st, exists := s.m.Names().NameStamp(labels[len(labels)-2] + "." + zone)
	live := exists && st.Status == namedb.StatusRegistered
	return c, c.exists == live && (!live || c.version == st.Version) && (live || c.tip == tip)
}

// lookup answers qname/qtype, from the cache while what it depends on is
// unchanged.
func (s *Server) lookup(qname string, qtype uint16) *cached {
	if c, ok := s.cachedAnswer(qname, qtype); ok {
		return c
	}
	zone := s.zone(qname)
	if zone == "" {
		return &cached{rcode: dns.RcodeRefused}
	}
	tip, _, _ := s.m.Tip()
	labels := dns.SplitDomainName(qname)
	k := answerKey{qname, qtype}
	if len(labels) == 1 { // the namespace's apex
		c := &cached{tip: tip}
		apex := zone + "."
		switch qtype {
		case dns.TypeSOA:
			c.answer = []dns.RR{s.soa(zone, tip)}
		case dns.TypeNS:
			c.answer = []dns.RR{&dns.NS{Hdr: dns.RR_Header{Name: apex, Rrtype: dns.TypeNS, Class: dns.ClassINET, Ttl: s.opts.TTL}, Ns: s.opts.Nameserver}}
		case dns.TypeANY:
			c.answer = []dns.RR{s.soa(zone, tip), &dns.NS{Hdr: dns.RR_Header{Name: apex, Rrtype: dns.TypeNS, Class: dns.ClassINET, Ttl: s.opts.TTL}, Ns: s.opts.Nameserver}}
		default:
			c.ns = []dns.RR{s.soa(zone, tip)}
		}
		s.answers.Put(k, c, c.size(qname))
		return c
	}
	name := labels[len(labels)-2] + "." + zone
	st, exists := s.m.Names().NameStamp(name)
	live := exists && st.Status == namedb.StatusRegistered
	c := &cached{exists: live, version: st.Version, tip: tip}
	if len(labels) >= 3 {
		// a subdomain (label.name.namespace) answers from its own zone
		// file, at and below its name
		c.subGen = s.m.Names().SubdomainGen()
		fqn := labels[len(labels)-3] + "." + name
		rec, err := s.m.Names().Subdomain(context.Background(), strings.ToLower(fqn))
		if err != nil {
			return &cached{rcode: dns.RcodeServerFailure}
		}
		if rec != nil {
			s.answerFrom(c, qname, qtype, fqn, s.subdomainRecords(rec), zone, tip)
			s.answers.Put(k, c, c.size(qname))
			return c
		}
	}
	if !live {
		c.rcode, c.ns = dns.RcodeNameError, []dns.RR{s.soa(zone, tip)}
		s.answers.Put(k, c, c.size(qname))
		return c
	}
	rrs, err := s.records(name)
	if err != nil {
		// registered, but the zone file is not here (yet): not an answer
		return &cached{rcode: dns.RcodeServerFailure}
	}
	s.answerFrom(c, qname, qtype, name, rrs, zone, tip)
	s.answers.Put(k, c, c.size(qname))
	return c
}

// answerFrom fills c with the records of rrs (the zone file of name, a
// name or a subdomain) that answer qname/qtype: NODATA for an empty
// non-terminal or name itself, NXDOMAIN for an owner the zone file does
// not have.
func (s *Server) answerFrom(c *cached, qname string, qtype uint16, name string, rrs []dns.RR, zone string, tip int64) {
	owner := qname
	found := false
	for _, rr := range rrs {
		h := rr.Header()
		if !strings.EqualFold(h.Name, owner) {
			if strings.HasSuffix(strings.ToLower(h.Name), "."+strings.ToLower(owner)) {
				found = true // an empty non-terminal: NODATA, not NXDOMAIN
			}
			continue
		}
		found = true
		if qtype == dns.TypeANY || h.Rrtype == qtype || h.Rrtype == dns.TypeCNAME {
			c.answer = append(c.answer, rr)
		}
	}
	if len(c.answer) == 0 {
		c.ns = []dns.RR{s.soa(zone, tip)}
		if !found && !strings.EqualFold(owner, name+".") {
			c.rcode = dns.RcodeNameError
		}
	}
}

// subdomainRecords returns the parsed records of a subdomain's zone file.
func (s *Server) subdomainRecords(rec *namedb.SubdomainRecord) []dns.RR {
	k := parsedKey{rec.ZoneFileHash, rec.FQN}
	if rrs, ok := s.parsed.Get(k); ok {
		return rrs
	}
	rrs := zonefile.Parse(rec.FQN, rec.ZoneFile, s.opts.TTL)
	s.parsed.Put(k, rrs, int64(2*len(rec.ZoneFile)+64+rrSize*len(rrs)))
	return rrs
}

// parsedKey names a zone file's records as read for one name: the same
// zone file gives other records under another origin.
type parsedKey struct {
	hash wire.Hash160
	name string
}

// rrSize approximates the memory of a parsed record beyond the zone file's
// text.
const rrSize = 128

// records returns the parsed records of name's zone file, keeping only
// those inside the name's own domain.
func (s *Server) records(name string) ([]dns.RR, error) {
	ctx := context.Background()
	info, err := s.m.Names().Name(ctx, name)
	if err != nil || info == nil {
		return nil, errors.New("no record")
	}
	if info.Record.ValueHash == nil {
		return nil, nil // a name without a zone file has no records
	}
	h := *info.Record.ValueHash
	k := parsedKey{h, name}
	if rrs, ok := s.parsed.Get(k); ok {
		return rrs, nil
	}
	zf, err := s.m.Zonefile(ctx, h)
	if err != nil {
		return nil, err
	}
	rrs := zonefile.Parse(name, zf, s.opts.TTL)
	s.parsed.Put(k, rrs, int64(2*len(zf)+64+rrSize*len(rrs)))
	return rrs, nil
}
