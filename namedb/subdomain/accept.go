package subdomain

import (
	"sort"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// Entry is a record with the whitelist position of the zone file that
// carried it.
type Entry struct {
	*Record
	// Index is the zone file's whitelist index (the original's
	// parent_zonefile_index): the order of the on-chain operations that
	// announced the zone files.
	Index int64
}

// Why a record of a history does not hold.
const (
	RefusedNotFirst    = "not_first"    // a creation (seqn 0) after the subdomain exists, or a change before it does
	RefusedIndependent = "independent"  // an independent record creates, or changes the owner
	RefusedSequence    = "bad_sequence" // seqn is not the last held one's + 1
	RefusedSignature   = "bad_signature"
	RefusedOwner       = "bad_owner" // the new owner is not a base58check address
)

// Reasons are every reason a zone file, a TXT record or a record of a
// history is refused for (metrics list them all, zeros too).
var Reasons = []string{ZoneUnparsable, ZoneInvalid, ZoneOrigin, ZoneMissingTwice, ZoneEntryNoEquals, ZoneMissingPart, ZoneBase64,
	RecordDuplicateKey, RecordParts, RecordSeqn, RecordName, RecordShadowed,
	RefusedNotFirst, RefusedIndependent, RefusedSequence, RefusedSignature, RefusedOwner}

// Accept decides which records of one subdomain's history hold, and why
// the others do not (a reason per record, "" if it holds). The history
// is taken in the order of the zone files (Index; one record per zone
// file): the first record must be a creation — seqn 0 and not
// independent — and each later record holds if its seqn is the last held
// one's + 1, the last held owner signed it, and, if it is independent, it
// keeps the owner.
//
// Accept sorts hist by Index. The result depends only on the records, so
// a zone file that arrives late changes the state to what it would have
// been had it been there from the start.
func Accept(p wire.Params, hist []Entry) []string { return AcceptWith(p, hist, Verify) }

// AcceptWith is Accept with verify checking the signatures (a cache of
// Verify's answers).
func AcceptWith(p wire.Params, hist []Entry, verify func(p wire.Params, owner, plaintext, sig string) bool) []string {
	sort.SliceStable(hist, func(i, j int) bool { return hist[i].Index < hist[j].Index })
	why := make([]string, len(hist))
	last := -1
	for i, e := range hist {
		if last < 0 {
			switch {
			case e.Seq != 0:
				why[i] = RefusedNotFirst
			case e.Independent:
				why[i] = RefusedIndependent
			default:
				last = i
			}
			continue
		}
		if why[i] = transition(p, hist[last].Record, e.Record, verify); why[i] == "" {
			last = i
		}
	}
	return why
}

// transition is check_subdomain_transition: may rec follow cur?
func transition(p wire.Params, cur, rec *Record, verify func(p wire.Params, owner, plaintext, sig string) bool) string {
	if rec.Seq == 0 {
		return RefusedNotFirst
	}
	if rec.Seq != cur.Seq+1 {
		return RefusedSequence
	}
	if !rec.HasSig || !verify(p, cur.Owner, rec.Plaintext(), rec.Sig) {
		return RefusedSignature
	}
	newOwner, err := p.Reencode(rec.Owner)
	if err != nil {
		return RefusedOwner
	}
	curOwner, _ := p.Reencode(cur.Owner) // Verify re-encoded it
	if rec.Independent && newOwner != curOwner {
		return RefusedIndependent
	}
	return ""
}
