package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"

	"github.com/btcsuite/btcd/address/v2/base58"
	"github.com/miekg/dns"

	"github.com/zonemirror/zonemirror/mirror"
	"github.com/zonemirror/zonemirror/mirror/zonefile"
	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// Profiles and DIDs. The original resolved both in five steps: the name
// record, its zone file hash, the zone file, the zone file's URI records,
// then the signed token (a JWT) fetched from those URIs. The mirror takes
// the first four as the original did, answering each failure with the
// original's 404; it does not fetch the URIs (a public mirror that fetched
// any URL a registrant writes would be anyone's proxy, and the token is the
// client's to verify), so where the original would have fetched, it
// answers 501 with the URIs to fetch.

// profileSource is the zone file's hash and URIs of a name or DID, or
// the original's 404 error on the way to them.
type profileSource struct {
	hash string
	urls []string
	err  string
	// reason says why the zone file is absent (mirror.Absence), when so
	reason string
}

// writeSourceError writes the original's 404 for a failed step, with the
// mirror's reason for an absent zone file.
func writeSourceError(w http.ResponseWriter, src profileSource) {
	body := map[string]string{"error": src.err}
	if src.reason != "" {
		body["reason"] = src.reason
	}
	writeJSON(w, 404, body)
}

// profileSource takes the original's steps from a name record to the URIs
// of its zone file; who names the name or DID in the errors.
func (a *API) profileSource(ctx context.Context, rec *namedb.NameRecord, who string) (profileSource, error) {
	if rec.ValueHash == nil {
		return profileSource{err: "No zone file hash in name record for " + who}, nil
	}
	hash := rec.ValueHash.String()
	zf, err := a.m.Zonefile(ctx, *rec.ValueHash)
	if err != nil {
		var ab *mirror.Absence
		if !errors.As(err, &ab) {
			return profileSource{}, err
		}
		return profileSource{err: "Failed to get zone file for " + who, reason: ab.Reason}, nil
	}
	urls := zonefileURIs(rec.Name, zf)
	if len(urls) == 0 {
		return profileSource{err: fmt.Sprintf("No URI records in zone file %s for %s", hash, who)}, nil
	}
	return profileSource{hash: hash, urls: urls}, nil
}

// zonefileURIs are the targets of the URI records of name's zone file zf.
func zonefileURIs(name string, zf []byte) []string {
	var urls []string
	for _, rr := range zonefile.Parse(name, zf, 3600) {
		if u, ok := rr.(*dns.URI); ok {
			urls = append(urls, u.Target)
		}
	}
	return urls
}

// writeNotFetched is the answer where the original fetched the token.
func writeNotFetched(w http.ResponseWriter, what string, src profileSource) {
	writeJSON(w, http.StatusNotImplemented, map[string]any{
		"error":         "This mirror does not fetch profiles: " + what + " is in the signed token at the zone file's URIs, for the client to fetch and verify",
		"zonefile_hash": src.hash,
		"urls":          src.urls,
	})
}

// user answers GET /v1/users/{name} (the original's resolve_profile).
func (a *API) user(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if isSubdomain(name) {
		a.subdomainProfile(w, r, name)
		return
	}
	if !validName(name) {
		writeError(w, 400, "Invalid name or subdomain")
		return
	}
	a.tipHeaders(w)
	info, err := a.db.Name(r.Context(), name)
	switch {
	case err != nil:
		writeError(w, 500, err.Error())
		return
	case info == nil:
		writeError(w, 404, "Failed to get name record: Name not found")
		return
	case info.Status == namedb.StatusExpired:
		writeError(w, 404, "Failed to get name record: Name expired")
		return
	case info.GracePeriod:
		writeError(w, 404, fmt.Sprintf("Name %s is not yet expired, but is in the renewal grace period.", name))
		return
	}
	a.answerProfile(w, r, info.Record, name, "the profile of "+name)
}

// didPattern is the original's parse_DID: an address of 25 to 35
// base58 characters and an index.
var didPattern = regexp.MustCompile(`^did:stack:v0:([123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz]{25,35})-([0-9]+)$`)

// The version bytes of subdomain DIDs' addresses (the original's
// SUBDOMAIN_ADDRESS_VERSION_BYTE and _MULTISIG_): mainnet, then every
// other network.
var subdomainDIDVersions = map[bool][2]byte{true: {63, 50}, false: {127, 142}}

// did answers GET /v1/dids/{did} (the original's resolve_DID).
func (a *API) did(w http.ResponseWriter, r *http.Request) {
	did := r.PathValue("did")
	m := didPattern.FindStringSubmatch(did)
	if m == nil {
		writeError(w, 400, "Invalid DID")
		return
	}
	index, err := strconv.Atoi(m[2])
	if err != nil {
		writeError(w, 400, "Invalid DID")
		return
	}
	p := a.db.Network().Wire
	sub := subdomainDIDVersions[p == wire.MainnetParams]
	if payload, v, err := base58.CheckDecode(m[1]); err == nil && (v == sub[0] || v == sub[1]) {
		// a subdomain's: its creator's address in the network's form
		creator := base58.CheckEncode(payload, p.PubKeyHashAddrID)
		if v == sub[1] {
			creator = base58.CheckEncode(payload, p.ScriptHashAddrID)
		}
		a.subdomainDIDAnswer(w, r, did, creator, index)
		return
	}
	addr, err := p.Reencode(m[1])
	if err != nil {
		writeError(w, 400, "Invalid DID")
		return
	}
	a.tipHeaders(w)
	rec, err := a.db.NameOfDID(r.Context(), addr, index)
	if err != nil {
		writeError(w, 500, err.Error())
		return
	}
	if rec == nil {
		writeError(w, 404, "Failed to get DID record: Failed to resolve DID to a non-revoked name")
		return
	}
	nsID := rec.NamespaceID
	if _, ok := a.db.Namespace(nsID); !ok {
		writeError(w, 404, "Failed to get DID record: DID does not resolve to an existing name")
		return
	}
	a.answerProfile(w, r, rec, did, "the public key and document of "+did+" ("+rec.Name+")")
}

// answerProfile takes the steps from rec to its zone file's URIs and
// answers the original's 404 for a failed one, else the 501 with the URIs
// to fetch what the original fetched.
func (a *API) answerProfile(w http.ResponseWriter, r *http.Request, rec *namedb.NameRecord, who, what string) {
	src, err := a.profileSource(r.Context(), rec, who)
	switch {
	case err != nil:
		writeError(w, 500, err.Error())
	case src.err != "":
		writeSourceError(w, src)
	default:
		writeNotFetched(w, what, src)
	}
}

// notServed answers a route of the original's that the mirror does not
// serve, saying why.
func notServed(why string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusNotImplemented, map[string]string{"error": why})
	}
}
