package httpapi

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/btcsuite/btcd/address/v2/base58"

	"github.com/zonemirror/zonemirror/mirror"
	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/subdomain"
	"github.com/zonemirror/zonemirror/namedb/wire"
)

// Subdomains (alice.id.blockstack) are answered on the routes of names,
// as the original's rpc.py answered them, from namedb's subdomain state;
// /v1/subdomains… and the subdomain parts of /v1/addresses and
// /v1/dids too.

// SubdomainDB is what the API reads of subdomains (*namedb.DB).
type SubdomainDB interface {
	Subdomain(ctx context.Context, fqn string) (*namedb.SubdomainRecord, error)
	SubdomainHistory(ctx context.Context, fqn string) ([]*namedb.SubdomainRecord, error)
	SubdomainHasZonefile(ctx context.Context, fqn string, h wire.Hash160) (bool, error)
	SubdomainsOwnedBy(ctx context.Context, addr string) ([]string, error)
	SubdomainsOf(ctx context.Context, name string, offset, limit int) ([]string, error)
	AllSubdomains(ctx context.Context, offset, limit int) ([]string, error)
	SubdomainsAtTx(ctx context.Context, txid string) ([]*namedb.SubdomainRecord, error)
	SubdomainCount() int64
	SubdomainDID(ctx context.Context, fqn string) (creator string, index int, ok bool, err error)
	SubdomainOfDID(ctx context.Context, creator string, index int) (string, error)
	DomainResolver(ctx context.Context, name string) (string, error)
}

func isSubdomain(name string) bool {
	_, _, ok := subdomain.SplitFQN(name)
	return ok
}

// subdomainJSON is the original's Subdomain.to_json.
func subdomainJSON(r *namedb.SubdomainRecord) map[string]any {
	m := map[string]any{
		"address": r.Owner, "domain": r.Domain, "block_number": r.Height, "sequence": r.Seq, "txid": r.TxID,
		"value_hash": r.ZoneFileHash.String(), "zonefile": base64.StdEncoding.EncodeToString(r.ZoneFile), "name": r.FQN,
	}
	if r.Resolver != "" {
		m["resolver"] = r.Resolver
	}
	return m
}

// subdomainDID is make_DID('subdomain', creator, index): the creator's
// address with the subdomain version bytes (p2pkh if its version is the
// network's p2pkh one, else multisig).
func (a *API) subdomainDID(ctx context.Context, fqn string) (string, bool, error) {
	creator, index, ok, err := a.sub.SubdomainDID(ctx, fqn)
	if err != nil || !ok {
		return "", false, err
	}
	p := a.db.Network().Wire
	payload, v, err := base58.CheckDecode(creator)
	if err != nil {
		return "", false, nil // an owner that is not an address has no DID
	}
	versions := subdomainDIDVersions[p == wire.MainnetParams]
	dv := versions[1]
	if v == p.PubKeyHashAddrID {
		dv = versions[0]
	}
	return fmt.Sprintf("did:stack:v0:%s-%d", base58.CheckEncode(payload, dv), index), true, nil
}

// subdomainReply answers a subdomain on a route of names: kind is
// "record", "zonefile" or "zonefile-raw".
func (a *API) subdomainReply(ctx context.Context, fqn, kind, ifNoneMatch string) reply {
	_, height, consensus := a.m.Tip()
	ans, err := a.m.SubdomainAnswer(ctx, fqn, kind, a.subdomainAnswer(kind))
	if err != nil {
		return errorReply(500, err.Error())
	}
	if ifNoneMatch != "" && ifNoneMatch == ans.ETag {
		return reply{status: http.StatusNotModified, etag: ans.ETag, height: height, consensus: consensus}
	}
	return reply{status: ans.Status, contentType: ans.ContentType, body: ans.Body, etag: ans.ETag, location: ans.Location,
		height: height, consensus: consensus}
}

func jsonAnswer(status int, v any) *mirror.Answer {
	b, _ := json.Marshal(v)
	return &mirror.Answer{Body: b, Status: status, ContentType: "application/json"}
}

// subdomainAnswer builds the answers of rpc.py's GET /v1/names/<name>
// (kind "record") and …/zonefile for a subdomain.
func (a *API) subdomainAnswer(kind string) mirror.SubdomainBuilder {
	return func(ctx context.Context, fqn string, rec *namedb.SubdomainRecord) (*mirror.Answer, bool, error) {
		if rec == nil {
			if kind != "record" {
				return jsonAnswer(404, map[string]string{"error": "Failed to load subdomain"}), true, nil
			}
			// the original sends the client to the parent's resolver;
			// the parent's standing changes with blocks: not cached
			ans, err := a.parentRedirect(ctx, fqn)
			return ans, false, err
		}
		switch kind {
		case "zonefile-raw":
			return &mirror.Answer{Body: rec.ZoneFile, Status: 200, ContentType: "application/octet-stream"}, true, nil
		case "zonefile":
			return jsonAnswer(200, map[string]string{"zonefile": string(rec.ZoneFile)}), true, nil
		}
		body := map[string]any{
			"status": "registered_subdomain", "zonefile": string(rec.ZoneFile), "zonefile_hash": rec.ZoneFileHash.String(),
			"address": rec.Owner, "blockchain": "bitcoin", "last_txid": rec.TxID,
		}
		did, ok, err := a.subdomainDID(ctx, fqn)
		if err != nil {
			return nil, false, err
		}
		if ok {
			body["did"] = did
		} else {
			body["did"] = map[string]string{"error": "Not supported for this name"}
		}
		return jsonAnswer(200, body), true, nil
	}
}

// parentRedirect is the original's answer for a subdomain it does not
// have: a 301 to the resolver of the name it would live under, or a 404
// saying why there is none.
func (a *API) parentRedirect(ctx context.Context, fqn string) (*mirror.Answer, error) {
	_, parent, _ := subdomain.SplitFQN(fqn)
	info, err := a.db.Name(ctx, parent)
	if err != nil {
		return nil, err
	}
	if info == nil || info.Status == namedb.StatusExpired {
		return jsonAnswer(404, map[string]string{"status": "available", "more": "failed to look up parent domain"}), nil
	}
	resolver, err := a.sub.DomainResolver(ctx, parent)
	if err != nil {
		return nil, err
	}
	if resolver == "" {
		return jsonAnswer(404, map[string]string{"status": "available", "more": "failed to find parent domain's resolver"}), nil
	}
	ans := jsonAnswer(301, map[string]string{"status": "redirect"})
	ans.Location = resolver + "/v1/names/" + fqn
	return ans, nil
}

// subdomainHistory answers GET /v1/names/<subdomain>/history as the
// original's get_subdomain_history(reverse=True) paged it: the records
// that hold, oldest first, grouped by block; page p holds records p·20 to
// (p+1)·20 (the original asked for (p+1)·20 from p·20: its pages grow).
func (a *API) subdomainHistory(w http.ResponseWriter, r *http.Request, fqn string, p int) {
	hist, err := a.sub.SubdomainHistory(r.Context(), fqn)
	if err != nil {
		writeError(w, 500, err.Error())
		return
	}
	var held []*namedb.SubdomainRecord
	for _, h := range hist {
		if h.Refused == "" {
			held = append(held, h)
		}
	}
	from, to := min(p*20, len(held)), min(p*20+(p+1)*20, len(held))
	if from == to {
		writeError(w, 404, "Not found")
		return
	}
	out := map[string][]map[string]any{}
	for _, h := range held[from:to] {
		k := strconv.FormatInt(h.Height, 10)
		out[k] = append(out[k], subdomainJSON(h))
	}
	writeJSON(w, 200, out)
}

// subdomainZonefileByHash answers GET /v1/names/<subdomain>/zonefile/<hash>.
func (a *API) subdomainZonefileByHash(w http.ResponseWriter, r *http.Request, fqn string, hash wire.Hash160) {
	had, err := a.sub.SubdomainHasZonefile(r.Context(), fqn, hash)
	if err != nil {
		writeError(w, 500, err.Error())
		return
	}
	if !had {
		writeError(w, 404, "No such zonefile")
		return
	}
	zf, err := a.m.Zonefile(r.Context(), hash)
	if err != nil {
		absence(w, "Blockstack does not have this zonefile.  Try again later.", err)
		return
	}
	writeJSON(w, 200, map[string]string{"zonefile": string(zf)})
}

// subdomains answers GET /v1/subdomains?page=N: 100 names a page.
func (a *API) subdomains(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !q.Has("page") {
		writeError(w, 400, "page= argument required")
		return
	}
	p, err := strconv.Atoi(q.Get("page"))
	if err != nil || p < 0 || p > 1<<32 {
		writeError(w, 400, "Invalid page= value")
		return
	}
	a.tipHeaders(w)
	names, err := a.sub.AllSubdomains(r.Context(), p*100, 100)
	if err != nil {
		writeError(w, 500, err.Error())
		return
	}
	if names == nil {
		names = []string{}
	}
	writeJSON(w, 200, names)
}

// subdomainsAtTx answers GET /v1/subdomains/{txid}: the records the zone
// file of that operation carried, as the original's rows.
func (a *API) subdomainsAtTx(w http.ResponseWriter, r *http.Request) {
	txid := strings.ToLower(r.PathValue("txid"))
	if b, err := hex.DecodeString(txid); err != nil || len(b) != 32 {
		writeError(w, 404, "No such endpoint") // the original's route takes 64 hex digits only
		return
	}
	a.tipHeaders(w)
	recs, err := a.sub.SubdomainsAtTx(r.Context(), txid)
	if err != nil {
		writeError(w, 500, err.Error())
		return
	}
	out := make([]map[string]any, len(recs)) // in zone-file order
	for i, rec := range recs {
		out[i] = rec.Row()
	}
	writeJSON(w, 200, out)
}

// subdomainsOfName answers GET /v1/names/{name}/subdomains?page=N (not
// the original's: the subdomains of one name, 100 a page, in name order).
func (a *API) subdomainsOfName(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	p, ok := page(r)
	if !validName(name) || !ok {
		writeError(w, 400, "Invalid name or page")
		return
	}
	a.tipHeaders(w)
	subs, err := a.sub.SubdomainsOf(r.Context(), name, p*100, 100)
	if err != nil {
		writeError(w, 500, err.Error())
		return
	}
	if subs == nil {
		subs = []string{}
	}
	writeJSON(w, 200, subs)
}

// subdomainDIDAnswer resolves a subdomain DID as the original's
// get_DID_subdomain did, then answers as a name's DID: the 404 of a failed
// step, or the 501 with the URIs of the subdomain's zone file.
func (a *API) subdomainDIDAnswer(w http.ResponseWriter, r *http.Request, did, creator string, index int) {
	a.tipHeaders(w)
	fqn, err := a.sub.SubdomainOfDID(r.Context(), creator, index)
	if err != nil {
		writeError(w, 500, err.Error())
		return
	}
	var rec *namedb.SubdomainRecord
	if fqn != "" {
		if rec, err = a.sub.Subdomain(r.Context(), fqn); err != nil {
			writeError(w, 500, err.Error())
			return
		}
	}
	if rec == nil {
		writeError(w, 404, "Failed to get DID record: Failed to load subdomain from "+did)
		return
	}
	answerSubdomainProfile(w, rec, did, "the public key and document of "+did+" ("+fqn+")")
}

// subdomainProfile answers GET /v1/users/<subdomain>.
func (a *API) subdomainProfile(w http.ResponseWriter, r *http.Request, fqn string) {
	a.tipHeaders(w)
	rec, err := a.sub.Subdomain(r.Context(), fqn)
	if err != nil {
		writeError(w, 500, err.Error())
		return
	}
	if rec == nil {
		writeError(w, 404, "Failed to get name record: Failed to load subdomain")
		return
	}
	answerSubdomainProfile(w, rec, fqn, "the profile of "+fqn)
}

// answerSubdomainProfile answers with the URIs of a subdomain's zone file,
// as answerProfile does for a name's.
func answerSubdomainProfile(w http.ResponseWriter, rec *namedb.SubdomainRecord, who, what string) {
	urls := zonefileURIs(rec.FQN, rec.ZoneFile)
	hash := rec.ZoneFileHash.String()
	if len(urls) == 0 {
		writeError(w, 404, fmt.Sprintf("No URI records in zone file %s for %s", hash, who))
		return
	}
	writeNotFetched(w, what, profileSource{hash: hash, urls: urls})
}
