package subdomain

import "github.com/zonemirror/zonemirror/namedb/bzones"

// Decode is the original's decode_zonefile_subdomains: the subdomain
// records that zonefile, the zone file of the on-chain name domain,
// carries, in zone-file order, and the refusals of its other TXT records
// by reason (Record… constants). A *ZoneError says why the zone file
// yields none: it does not parse as the original's parser reads it, is
// not a user zone file, names another $ORIGIN, or a record in it raises
// what the original does not catch.
func Decode(domain string, zonefile []byte) ([]*Record, map[string]int, error) {
	z, err := bzones.Parse(zonefile)
	if err != nil {
		return nil, nil, &ZoneError{ZoneUnparsable, err}
	}
	u, err := z.ValidateUser()
	if err != nil {
		return nil, nil, &ZoneError{ZoneInvalid, err}
	}
	v := &zoneView{Origin: u.Origin, TXT: make([]txtRecord, len(u.TXT))}
	for i, t := range u.TXT {
		v.TXT[i] = txtRecord{Name: t.Name, Strings: t.Strings, Multi: t.Multi}
	}
	for _, r := range u.URI {
		if r.Name == "_resolver" {
			v.Resolver = r.Target
			break
		}
	}
	return decodeView(domain, v)
}
