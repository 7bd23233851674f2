package chainsync

import (
	"container/list"

	btcwire "github.com/btcsuite/btcd/wire/v2"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// outpointCache remembers the script and value of recently created p2pkh
// and p2sh outputs — the only kinds a name operation may spend — so the
// sender of an operation is known without asking the node. It is bounded
// (least recently added go first); a miss falls back to
// getrawtransaction (txindex).
type outpointCache struct {
	max int
	lru *list.List // of *outpointEntry, front = newest
	m   map[btcwire.OutPoint]*list.Element
}

type outpointEntry struct {
	op btcwire.OutPoint
	p  wire.Prevout
}

func newOutpointCache(max int) *outpointCache {
	return &outpointCache{max: max, lru: list.New(), m: map[btcwire.OutPoint]*list.Element{}}
}

func (c *outpointCache) get(op btcwire.OutPoint) (wire.Prevout, bool) {
	el := c.m[op]
	if el == nil {
		return wire.Prevout{}, false
	}
	return el.Value.(*outpointEntry).p, true
}

// addTx remembers the p2pkh and p2sh outputs of tx.
func (c *outpointCache) addTx(tx *btcwire.MsgTx) {
	if c.max <= 0 {
		return
	}
	h := tx.TxHash()
	for i, o := range tx.TxOut {
		if !senderScript(o.PkScript) {
			continue
		}
		op := btcwire.OutPoint{Hash: h, Index: uint32(i)}
		if _, ok := c.m[op]; ok {
			continue
		}
		c.m[op] = c.lru.PushFront(&outpointEntry{op: op, p: wire.Prevout{Script: o.PkScript, Value: o.Value}})
		for c.lru.Len() > c.max {
			el := c.lru.Back()
			c.lru.Remove(el)
			delete(c.m, el.Value.(*outpointEntry).op)
		}
	}
}

// senderScript reports whether s is p2pkh or p2sh.
func senderScript(s []byte) bool {
	p2pkh := len(s) == 25 && s[0] == 0x76 && s[1] == 0xa9 && s[2] == 0x14 && s[23] == 0x88 && s[24] == 0xac
	p2sh := len(s) == 23 && s[0] == 0xa9 && s[1] == 0x14 && s[22] == 0x87
	return p2pkh || p2sh
}
