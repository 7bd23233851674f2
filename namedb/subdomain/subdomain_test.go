package subdomain

import (
	"bytes"
	"encoding/base64"
	"math/rand"
	"strings"
	"testing"

	"github.com/btcsuite/btcd/address/v2/base58"
	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/txscript/v2"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

var params = wire.MainnetParams

// The cases are worked through CPython 2.7's binascii.a2b_base64.
func TestDecodeBase64Py2(t *testing.T) {
	for _, c := range []struct {
		in, want string
		bad      bool
	}{
		{in: "", want: ""},
		{in: "QUJD", want: "ABC"},
		{in: "QQ==", want: "A"},
		{in: "QUE=", want: "AA"[:1] + "A"},
		{in: "QQ=", bad: true},             // a lone pad at the third place is skipped: 2 characters left over
		{in: "Q", bad: true},               // 6 bits
		{in: "QUJ", bad: true},             // 18 bits
		{in: "Q Q\r\n==", want: "A"},       // spaces and line ends are skipped
		{in: "QQ==QUJD", want: "A"},        // a pad ends the input
		{in: "QQ=x=", want: "A\x0c"},       // the first '=' is not followed by another: skipped; 'x' makes 3, then '=' ends
		{in: "Q!Q#==", want: "A"},          // bytes outside the alphabet are skipped
		{in: "=QQ==", want: "A"},           // a pad at the start is skipped
		{in: "QUJD\xffRA==", want: "ABCD"}, // non-ASCII skipped
	} {
		got, err := a2bBase64(c.in)
		if fast, ferr := decodeBase64Py2(c.in); (ferr == nil) != (err == nil) || string(fast) != string(got) {
			t.Errorf("%q: %q, %v from the fast path; %q, %v from Python 2's", c.in, fast, ferr, got, err)
		}
		if c.bad {
			if err == nil {
				t.Errorf("%q: %q, want incorrect padding", c.in, got)
			}
			continue
		}
		if err != nil || string(got) != c.want {
			t.Errorf("%q: %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestDeserializeScript(t *testing.T) {
	// OP_0, a push of 2, OP_3, OP_CHECKMULTISIG, a push cut short
	s := []byte{0x00, 0x02, 0xaa, 0xbb, 0x53, 0xae, 0x05, 0x01}
	p := deserializeScript(s)
	if len(p) != 5 || !p[0].isNone || !bytes.Equal(p[1].data, []byte{0xaa, 0xbb}) || p[2].num != 3 || p[3].num != txscript.OP_CHECKMULTISIG || !bytes.Equal(p[4].data, []byte{0x01}) {
		t.Fatalf("%+v", p)
	}
	// OP_PUSHDATA1 with its length byte missing: an empty push
	if p := deserializeScript([]byte{0x4c}); len(p) != 1 || !p[0].isData || len(p[0].data) != 0 {
		t.Fatalf("%+v", p)
	}
	// bytes that are all hex digits are read as hex first
	if p := deserializeScript([]byte("0102ab")); len(p) != 2 || p[0].data[0] != 0x02 || p[1].num != 0xab {
		t.Fatalf("%+v", p)
	}
}

func key(b byte, compressed bool) Key {
	k, _ := btcec.PrivKeyFromBytes(bytes.Repeat([]byte{b}, 32))
	return Key{Private: k, Compressed: compressed}
}

func p2pkh(k Key) string { return base58.CheckEncode(hash160(k.PublicKey()), params.PubKeyHashAddrID) }

func multisig(t *testing.T, m int, keys ...Key) ([]byte, string) {
	b := txscript.NewScriptBuilder().AddInt64(int64(m))
	for _, k := range keys {
		b.AddData(k.PublicKey())
	}
	redeem, err := b.AddInt64(int64(len(keys))).AddOp(txscript.OP_CHECKMULTISIG).Script()
	if err != nil {
		t.Fatal(err)
	}
	return redeem, base58.CheckEncode(hash160(redeem), params.ScriptHashAddrID)
}

func TestSignAndVerify(t *testing.T) {
	const text = "alice,owner=1abc,seqn=1,parts=0"
	for _, compressed := range []bool{true, false} {
		k := key(1, compressed)
		sig, err := SignSingle(k, text)
		if err != nil {
			t.Fatal(err)
		}
		if !Verify(params, p2pkh(k), text, sig) {
			t.Fatalf("compressed=%v: own signature refused", compressed)
		}
		// the testnet form of the same address is the same owner
		tn := base58.CheckEncode(hash160(k.PublicKey()), wire.TestnetParams.PubKeyHashAddrID)
		if !Verify(params, tn, text, sig) {
			t.Fatal("testnet form refused")
		}
		if Verify(params, p2pkh(k), text+"x", sig) {
			t.Fatal("signature over another text accepted")
		}
		if Verify(params, p2pkh(key(2, compressed)), text, sig) {
			t.Fatal("another owner accepted")
		}
		if Verify(params, p2pkh(key(1, !compressed)), text, sig) {
			t.Fatal("the address of the key's other form accepted")
		}
	}
	k := key(1, true)
	sig, _ := SignSingle(k, text)
	raw, _ := base64.StdEncoding.DecodeString(sig)
	// high s is accepted, as the original's verifier does
	var s btcec.ModNScalar
	s.SetByteSlice(raw[1+32 : 1+64])
	s.Negate()
	hs := s.Bytes()
	high := append(append(append([]byte(nil), raw[:1+32]...), hs[:]...), raw[1+64:]...)
	if !Verify(params, p2pkh(k), text, base64.StdEncoding.EncodeToString(high)) {
		t.Fatal("high-s signature refused")
	}
	for name, bad := range map[string]string{
		"not base64 (padding)": "QQ=",
		"empty":                "",
		"the sig of None":      "None",
		"one element":          base64.StdEncoding.EncodeToString(raw[:1+64]),
		"a 65-byte signature":  base64.StdEncoding.EncodeToString(append([]byte{65}, append(append(raw[1:65:65], 0), raw[65:]...)...)),
	} {
		if Verify(params, p2pkh(k), text, bad) {
			t.Errorf("%s: accepted", name)
		}
	}
	if Verify(params, "not-an-address", text, sig) {
		t.Error("owner that is no address accepted")
	}

	// 2 of 3
	k1, k2, k3 := key(1, true), key(2, true), key(3, false)
	redeem, addr := multisig(t, 2, k1, k2, k3)
	for _, signers := range [][]Key{{k1, k2}, {k1, k3}, {k2, k3}, {k3, k1}} {
		sig, err := SignMulti(signers, redeem, text)
		if err != nil {
			t.Fatal(err)
		}
		if !Verify(params, addr, text, sig) {
			t.Fatalf("multisig by %v refused", signers)
		}
	}
	if _, err := SignMulti([]Key{k1}, redeem, text); err == nil {
		t.Fatal("1 of the 2 keys signed")
	}
	// signatures out of the keys' order do not verify
	sa, _ := SignSingle(k1, text)
	sb, _ := SignSingle(k2, text)
	ra, _ := base64.StdEncoding.DecodeString(sa)
	rb, _ := base64.StdEncoding.DecodeString(sb)
	swapped, _ := txscript.NewScriptBuilder().AddOp(txscript.OP_0).AddData(rb[1:65]).AddData(ra[1:65]).AddData(redeem).Script()
	if Verify(params, addr, text, base64.StdEncoding.EncodeToString(swapped)) {
		t.Fatal("signatures in the wrong order accepted")
	}
	inOrder, _ := txscript.NewScriptBuilder().AddOp(txscript.OP_0).AddData(ra[1:65]).AddData(rb[1:65]).AddData(redeem).Script()
	if !Verify(params, addr, text, base64.StdEncoding.EncodeToString(inOrder)) {
		t.Fatal("the same signatures in order refused")
	}
	// a p2pkh signature for the multisig address, and the reverse
	if Verify(params, addr, text, sa) || Verify(params, p2pkh(k1), text, base64.StdEncoding.EncodeToString(inOrder)) {
		t.Fatal("signature of the other kind accepted")
	}
}

func rec(fqn, domain, owner string, seq int64) *Record {
	return &Record{FQN: fqn, Domain: domain, Owner: owner, Seq: seq, ZoneFile: []byte("$ORIGIN " + fqn + "\n"),
		Independent: !strings.HasSuffix(fqn, "."+domain)}
}

func signed(t *testing.T, r *Record, by ...Key) *Record {
	t.Helper()
	var err error
	if len(by) == 1 {
		r.Sig, err = SignSingle(by[0], r.Plaintext())
	} else {
		redeem, _ := multisig(t, 2, by...)
		r.Sig, err = SignMulti(by[:2], redeem, r.Plaintext())
	}
	if err != nil {
		t.Fatal(err)
	}
	r.HasSig = true
	return r
}

func TestAccept(t *testing.T) {
	a, b := key(1, true), key(2, true)
	const fqn, dom = "alice.id.blockstack", "id.blockstack"
	create := rec(fqn, dom, p2pkh(a), 0)
	update := signed(t, rec(fqn, dom, p2pkh(a), 1), a)
	transfer := signed(t, rec(fqn, dom, p2pkh(b), 2), a)
	byNewOwner := signed(t, rec(fqn, dom, p2pkh(b), 3), b)
	byOldOwner := signed(t, rec(fqn, dom, p2pkh(a), 3), a)
	unsigned := rec(fqn, dom, p2pkh(b), 3)
	skipped := signed(t, rec(fqn, dom, p2pkh(b), 5), b)
	indepUpdate := signed(t, rec(fqn, "other.id", p2pkh(b), 4), b)
	indepTransfer := signed(t, rec(fqn, "other.id", p2pkh(a), 4), b)
	for _, c := range []struct {
		name string
		hist []*Record
		want []string
	}{
		{"create, update, transfer, update by the new owner", []*Record{create, update, transfer, byNewOwner}, []string{"", "", "", ""}},
		{"update by the old owner after a transfer", []*Record{create, update, transfer, byOldOwner}, []string{"", "", "", RefusedSignature}},
		{"unsigned update", []*Record{create, update, transfer, unsigned}, []string{"", "", "", RefusedSignature}},
		{"replay", []*Record{create, update, update}, []string{"", "", RefusedSequence}},
		{"creation twice", []*Record{create, create}, []string{"", RefusedNotFirst}},
		{"skipped seqn", []*Record{create, update, transfer, skipped}, []string{"", "", "", RefusedSequence}},
		{"update before the creation", []*Record{update, create}, []string{RefusedNotFirst, ""}},
		{"independent creation", []*Record{rec(fqn, "other.id", p2pkh(a), 0), create}, []string{RefusedIndependent, ""}},
		{"independent update keeping the owner", []*Record{create, update, transfer, byNewOwner, indepUpdate}, []string{"", "", "", "", ""}},
		{"independent transfer", []*Record{create, update, transfer, byNewOwner, indepTransfer}, []string{"", "", "", "", RefusedIndependent}},
	} {
		hist := make([]Entry, len(c.hist))
		for i, r := range c.hist {
			hist[i] = Entry{Record: r, Index: int64(10 * (i + 1))}
		}
		// the order they come in does not matter: Index does
		rand.New(rand.NewSource(int64(len(c.name)))).Shuffle(len(hist), func(i, j int) { hist[i], hist[j] = hist[j], hist[i] })
		why := Accept(params, hist)
		got := make([]string, len(why))
		for i, e := range hist {
			got[e.Index/10-1] = why[i]
		}
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	// a multisig owner
	k1, k2, k3 := key(1, true), key(2, true), key(3, true)
	_, maddr := multisig(t, 2, k1, k2, k3)
	mc := rec(fqn, dom, maddr, 0)
	mu := signed(t, rec(fqn, dom, maddr, 1), k1, k2, k3)
	if why := Accept(params, []Entry{{mc, 1}, {mu, 2}}); why[1] != "" {
		t.Errorf("multisig update: %q", why[1])
	}
}

func TestPackAndTXT(t *testing.T) {
	zf := bytes.Repeat([]byte("x"), 200) // 268 base64 characters: 2 pieces
	r := &Record{FQN: "bob.id.blockstack", Domain: "id.blockstack", Owner: "1Owner", Seq: 2, ZoneFile: zf, Sig: "c2ln", HasSig: true}
	enc := base64.StdEncoding.EncodeToString(zf)
	want := "bob,owner=1Owner,seqn=2,parts=2,zf0=" + enc[:250] + ",zf1=" + strings.ReplaceAll(enc[250:], "=", `\=`)
	if got := r.Plaintext(); got != want {
		t.Fatalf("plaintext\n%s\nwant\n%s", got, want)
	}
	if got := r.TXT(); got != `bob TXT "owner=1Owner" "seqn=2" "parts=2" "zf0=`+enc[:250]+`" "zf1=`+strings.ReplaceAll(enc[250:], "=", `\=`)+`" "sig=c2ln"` {
		t.Fatalf("TXT: %s", got)
	}
	r.Independent, r.Domain = true, "other.id"
	if !strings.HasPrefix(r.Plaintext(), "bob.id.blockstack,") {
		t.Fatal("an independent record signs its full name")
	}
	if e := (&Record{FQN: "a.b.c", ZoneFile: nil}).strings(false); e[3] != "parts=0" || len(e) != 4 {
		t.Fatalf("empty zone file: %q", e)
	}
}

func TestSplitFQN(t *testing.T) {
	for fqn, ok := range map[string]bool{
		"alice.id.blockstack": true, "a+b.id.blockstack": true, "a.b+c.id": false, "alice.id": false,
		"a.b.c.d": false, "Alice.id.blockstack": false, ".id.blockstack": false, "a.id.": false,
		strings.Repeat("x", 100) + ".id.blockstack": true, "a." + strings.Repeat("n", 34) + ".id": true, "a." + strings.Repeat("n", 35) + ".id": false,
	} {
		if _, _, got := SplitFQN(fqn); got != ok {
			t.Errorf("%q: %v, want %v", fqn, got, ok)
		}
	}
}
