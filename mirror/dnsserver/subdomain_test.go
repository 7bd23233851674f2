package dnsserver

import (
	"context"
	"testing"

	"github.com/miekg/dns"

	"github.com/zonemirror/zonemirror/namedb/subdomain"
	"github.com/zonemirror/zonemirror/plugins"
)

// A subdomain answers from its own zone file, at its name and below; a
// name below a registrar's name that is no subdomain still answers from
// the registrar's zone file; and a subdomain created later is answered
// once it exists.
func TestSubdomainAnswers(t *testing.T) {
	sub := func(label, zf string) string {
		r := &subdomain.Record{FQN: label + ".reg.id", Domain: "reg.id", Owner: "1Owner", ZoneFile: []byte(zf)}
		return r.TXT()
	}
	aliceZF := "$ORIGIN alice.reg.id\n$TTL 60\n@ IN A 10.0.0.1\n_http._tcp IN URI 10 1 \"https://alice.example/\"\n"
	reg := "$ORIGIN reg.id\n$TTL 60\n@ IN A 10.0.0.9\nwww IN A 10.0.0.8\n" + sub("alice", aliceZF) + "\n"
	f := startWith(t, Options{}, map[string][]byte{"reg.id": []byte(reg)})
	ctx := context.Background()
	process := func() { f.IndexSubdomains(t) }
	// before processing, www is the registrar's; alice is not a name yet
	if r := f.ask(t, "udp", 0, "alice.reg.id", dns.TypeA); len(r.Answer) != 0 {
		t.Fatalf("alice before it exists: %v", r.Answer)
	}
	process()
	r := f.ask(t, "udp", 0, "alice.reg.id", dns.TypeA)
	if len(r.Answer) != 1 || r.Answer[0].(*dns.A).A.String() != "10.0.0.1" {
		t.Fatalf("alice: %v", r.Answer)
	}
	r = f.ask(t, "udp", 0, "_http._tcp.alice.reg.id", dns.TypeURI)
	if len(r.Answer) != 1 || r.Answer[0].(*dns.URI).Target != "https://alice.example/" {
		t.Fatalf("alice's URI: %v", r.Answer)
	}
	if r := f.ask(t, "udp", 0, "nothere.alice.reg.id", dns.TypeA); r.Rcode != dns.RcodeNameError {
		t.Errorf("below alice: %s", dns.RcodeToString[r.Rcode])
	}
	if r := f.ask(t, "udp", 0, "www.reg.id", dns.TypeA); len(r.Answer) != 1 || r.Answer[0].(*dns.A).A.String() != "10.0.0.8" {
		t.Errorf("www.reg.id: %v", r.Answer)
	}
	// a later zone file creates bob: answered once processed
	bobZF := "$ORIGIN bob.reg.id\n$TTL 60\n@ IN A 10.0.0.2\n"
	next := []byte("$ORIGIN reg.id\n$TTL 60\n" + sub("bob", bobZF) + "\n")
	if _, err := f.Store.Put(ctx, plugins.SumKey(next), next); err != nil {
		t.Fatal(err)
	}
	if r := f.ask(t, "udp", 0, "bob.reg.id", dns.TypeA); r.Rcode != dns.RcodeNameError {
		t.Errorf("bob before: %s %v", dns.RcodeToString[r.Rcode], r.Answer)
	}
	f.Chain.Update(f.Owner, "reg.id", next)
	f.Chain.Mine()
	process()
	if r := f.ask(t, "udp", 0, "bob.reg.id", dns.TypeA); len(r.Answer) != 1 || r.Answer[0].(*dns.A).A.String() != "10.0.0.2" {
		t.Errorf("bob after: %s %v", dns.RcodeToString[r.Rcode], r.Answer)
	}
}
