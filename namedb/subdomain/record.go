package subdomain

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// Record is one subdomain record found in a name's zone file: a creation
// (Seq 0), an update or a transfer.
type Record struct {
	// FQN is the subdomain's fully qualified name (alice.id.blockstack);
	// Domain is the name whose zone file carried the record. They differ
	// in more than the label for an independent record.
	FQN, Domain string
	// Owner is the owner= address as written (base58check, not checked).
	Owner string
	Seq   int64
	// ZoneFile is the subdomain's own zone file (the decoded zf parts).
	ZoneFile []byte
	// Sig is the sig= string (a base64 scriptSig), HasSig whether there
	// was one.
	Sig    string
	HasSig bool
	// Independent: the FQN does not end in "." + Domain.
	Independent bool
	// Offset is the record's position among the zone file's records that
	// parsed (the original's zonefile_offset); Resolver is the zone file's
	// _resolver URI target, if any.
	Offset   int
	Resolver string
}

// label is the part of the FQN before its first dot.
func (r *Record) label() string {
	label, _, _ := strings.Cut(r.FQN, ".")
	return label
}

// strings is the record as the original packs it, in signing order: the
// name (the label, or the FQN if independent), owner=, seqn=, parts=, the
// zf pieces (the zone file's base64 in 250-character pieces) and, if
// withSig, sig=. A '=' in a value is written "\=".
func (r *Record) strings(withSig bool) []string {
	name := r.label()
	if r.Independent {
		name = r.FQN
	}
	enc := base64.StdEncoding.EncodeToString(r.ZoneFile)
	pieces := len(enc) / 250
	if len(enc)%250 != 0 || len(enc) == 0 && false {
		pieces++
	}
	out := make([]string, 0, 5+pieces)
	out = append(out, name, keyValue("owner", r.Owner), keyValue("seqn", strconv.FormatInt(r.Seq, 10)),
		keyValue("parts", strconv.Itoa(pieces)))
	for i := 0; i < pieces; i++ {
		out = append(out, keyValue("zf"+strconv.Itoa(i), enc[i*250:min(len(enc), (i+1)*250)]))
	}
	if withSig {
		out = append(out, keyValue("sig", r.Sig))
	}
	return out
}

// keyValue is txt_encode_key_value.
func keyValue(k, v string) string { return k + "=" + strings.ReplaceAll(v, "=", `\=`) }

// Plaintext is what the owner signs: the record's strings without sig,
// joined by commas (get_plaintext_to_sign).
func (r *Record) Plaintext() string { return strings.Join(r.strings(false), ",") }

// TXT is the record as a zone-file line (serialize_to_txt): the name, TXT
// and each string quoted, with ';' written "\;".
func (r *Record) TXT() string {
	s := r.strings(r.HasSig)
	var b strings.Builder
	b.WriteString(s[0])
	b.WriteString(" TXT")
	for _, v := range s[1:] {
		b.WriteString(` "`)
		b.WriteString(strings.ReplaceAll(v, ";", `\;`))
		b.WriteByte('"')
	}
	return b.String()
}

// SplitFQN is the original's is_address_subdomain: a fully qualified
// subdomain name is label.name.namespace — exactly two dots, a label of
// [a-z0-9-_+] (of any length) and a valid on-chain name.
func SplitFQN(fqn string) (label, domain string, ok bool) {
	if strings.Count(fqn, ".") != 2 {
		return "", "", false
	}
	label, domain, _ = strings.Cut(fqn, ".")
	if label == "" {
		return "", "", false
	}
	for i := 0; i < len(label); i++ {
		c := label[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '+') {
			return "", "", false
		}
	}
	if wire.CheckName(domain) != nil {
		return "", "", false
	}
	return label, domain, true
}
