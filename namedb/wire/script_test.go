package wire

import (
	"bytes"
	"testing"

	"github.com/btcsuite/btcd/txscript/v2"
)

// The original's tokenizer reads every script Bitcoin's own parser reads
// as Bitcoin does (the same tokens, the same pushed bytes); it differs only
// where Bitcoin's parser fails (a push cut short), where it still yields
// tokens. It never panics.
func FuzzTokenize(f *testing.F) {
	for _, s := range [][]byte{
		{txscript.OP_RETURN, 3, 'i', 'd', '?'},
		{txscript.OP_RETURN, txscript.OP_PUSHDATA1, 80, 1, 2},
		{txscript.OP_RETURN, txscript.OP_PUSHDATA4, 0xff, 0xff, 0xff, 0xff},
		{txscript.OP_0, 2, 0xaa, 0xbb, txscript.OP_16, txscript.OP_CHECKSIG},
		{},
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, script []byte) {
		toks := tokenize(script)
		tok := txscript.MakeScriptTokenizer(0, script)
		i := 0
		for tok.Next() {
			if i >= len(toks) {
				t.Fatalf("%x: ours ends after %d tokens, Bitcoin's goes on", script, i)
			}
			got := toks[i]
			if got.op != tok.Opcode() {
				t.Fatalf("%x token %d: opcode %#x, Bitcoin's %#x", script, i, got.op, tok.Opcode())
			}
			isPush := tok.Opcode() != txscript.OP_0 && tok.Opcode() <= txscript.OP_PUSHDATA4
			if got.isData != isPush || isPush && !bytes.Equal(got.data, tok.Data()) {
				t.Fatalf("%x token %d: %+v, Bitcoin's data %x", script, i, got, tok.Data())
			}
			i++
		}
		if tok.Err() == nil && i != len(toks) {
			t.Fatalf("%x: %d tokens, Bitcoin's %d", script, len(toks), i)
		}
	})
}
