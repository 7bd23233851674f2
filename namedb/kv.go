package namedb

import (
	"encoding/binary"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// Keys. The database is one ordered key space (pebble); each kind of row
// has a one-byte prefix, and integers are big-endian so that keys sort by
// height. Every value a block writes is also logged, with the value it
// replaced, under the block's undo key, which is what Rewind replays.
const (
	pMeta       = 'm' // m/<name>                      → text
	pBlock      = 'b' // b/<height>                    → blockRow
	pCH         = 'c' // c/<consensus hash>/<height>   → ""
	pName       = 'n' // n/<name>                      → nameHeader ‖ storedName (rowbin.go)
	pHistory    = 'h' // h/<name>\x00<height><vtx>     → state byte ‖ record (1: storedName, 0: PreorderRecord)
	pPreorder   = 'p' // p/<id>                        → preorderHeader ‖ PreorderRecord JSON
	pPending    = 'P' // P/<namespace flag><hash>      → PreorderRecord of a pending preorder (rowbin.go)
	pNamespace  = 'N' // N/<id>                        → storedNamespace JSON
	pWhitelist  = 'w' // w/<index>                     → whitelistRow
	pOp         = 'o' // o/<height><vtx>               → txid ‖ opcode ‖ record JSON, or opRowHistory ‖ name
	pRejection  = 'r' // r/<height><vtx>               → rejectionRow
	pTx         = 't' // t/<txid>                      → height ‖ vtx ‖ accepted
	pRejections = 'R' // R/<code>                      → count
	pUndo       = 'u' // u/<height>                    → undo log of the block
	pCreation   = 'C' // C/<address>\x00<height><vtx> → name: names an address created
	pCreated    = 'D' // D/<name>                      → its latest creation: height ‖ vtx ‖ address
	pCarried    = 'O' // O/<preorder hash>             → name: the name whose record got this preorder_hash
	pInput      = 'I' // I/<height>                    → the block's operations as applied (input.go)
	// subdomains (subdomains.go): not written by blocks, so not in undo logs
	pSubRecord  = 'S' // S/<fqn>\x00<index>            → subRow JSON: a record a zone file carried
	pSubState   = 's' // s/<name>\x00<label>            → index of its current record (label.name)
	pSubOwner   = 'A' // A/<owner>\x00<fqn>            → "": current owners
	pSubZone    = 'Z' // Z/<index><offset>             → fqn: the records of an entry's zone file
	pSubDone    = 'X' // X/<index>                     → subZoneRow JSON: the entry is processed
	pSubTx      = 'T' // T/<txid>                      → index of the processed entry it announced
	pSubRefused = 'Q' // Q/<reason>                    → count
	pSubCreator = 'K' // K/<owner>\x00<index><offset>  → fqn: creations (seqn 0) by owner string, for DIDs
	pSubHash    = 'H' // H/<zone file hash><index><fqn> → "": subdomain zone files by hash
	pSubCarrier = 'V' // V/<name>\x00<index><offset>   → seq ‖ holds ‖ resolver: records a name's zone files carried
)

// opRowHistory starts the record of an operation row whose API record is
// the name record it wrote: the name's history row at the operation's
// height and vtxindex (JSON never starts with it).
const opRowHistory = 0x01

// Meta keys.
const (
	metaSchema       = "schema_version"
	metaNetwork      = "network"
	metaNextPreorder = "next_preorder" // the id the next preorder gets
	metaInputsFrom   = "inputs_from"   // the first block whose operations are kept (absent: the first block)
	metaUndoFrom     = "undo_from"     // the first block whose undo log is kept (absent: the first block)
)

func key(prefix byte, parts ...[]byte) []byte {
	n := 1
	for _, p := range parts {
		n += len(p)
	}
	k := make([]byte, 0, n)
	k = append(k, prefix)
	for _, p := range parts {
		k = append(k, p...)
	}
	return k
}

func be64(v int64) []byte              { return binary.BigEndian.AppendUint64(nil, uint64(v)) }
func be32(v int) []byte                { return binary.BigEndian.AppendUint32(nil, uint32(v)) }
func metaKey(m string) []byte          { return key(pMeta, []byte(m)) }
func blockKey(h int64) []byte          { return key(pBlock, be64(h)) }
func nameKey(name string) []byte       { return key(pName, []byte(name)) }
func namespaceKey(id string) []byte    { return key(pNamespace, []byte(id)) }
func preorderKeyOf(id int64) []byte    { return key(pPreorder, be64(id)) }
func whitelistKey(i int64) []byte      { return key(pWhitelist, be64(i)) }
func undoKey(h int64) []byte           { return key(pUndo, be64(h)) }
func rejectionsKey(code string) []byte { return key(pRejections, []byte(code)) }

// historyPrefix is the prefix of every history row of name (names never
// contain NUL).
func historyPrefix(name string) []byte { return key(pHistory, []byte(name), []byte{0}) }
func historyKey(name string, h int64, vtx int) []byte {
	return append(historyPrefix(name), append(be64(h), be32(vtx)...)...)
}

func opKey(h int64, vtx int) []byte         { return key(pOp, be64(h), be32(vtx)) }
func rejectionKey(h int64, vtx int) []byte  { return key(pRejection, be64(h), be32(vtx)) }
func txKey(txid string) []byte              { return key(pTx, []byte(txid)) }
func chKey(ch wire.Hash128, h int64) []byte { return key(pCH, ch[:], be64(h)) }

func pendingKey(k preorderKey) []byte {
	ns := byte(0)
	if k.namespace {
		ns = 1
	}
	return key(pPending, []byte{ns}, k.hash[:])
}

func creationPrefix(addr string) []byte { return key(pCreation, []byte(addr), []byte{0}) }
func creationKey(addr string, h int64, vtx int) []byte {
	return append(creationPrefix(addr), append(be64(h), be32(vtx)...)...)
}
func createdKey(name string) []byte    { return key(pCreated, []byte(name)) }
func carriedKey(h wire.Hash160) []byte { return key(pCarried, h[:]) }

// prefixEnd is the first key after every key that starts with prefix.
func prefixEnd(prefix []byte) []byte {
	end := append([]byte(nil), prefix...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}
