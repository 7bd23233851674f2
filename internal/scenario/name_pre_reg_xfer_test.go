package scenario_test

import (
	"fmt"
	"testing"

	"github.com/zonemirror/zonemirror/internal/scenario"
)

// The name_pre_reg_xfer* family: a name preordered, registered and
// transferred, then updated, renewed, revoked, transferred again —
// one operation a block, or many in one block ("condensed").

// More wallet keys of this family.
var (
	w5K5hDu = "5K5hDuynZ6EQrZ4efrchCwy6DLhdsEzuJtTDAf3hqdsCKbxfoeD"
	w5J39aX = "5J39aXEeHh9LwfQ4Gy5Vieo7sbqiUMBXkPH7SaMHixJhSSBpAqz"
	w5K9LmM = "5K9LmMQskQ9jP1p7dyieLDAeB6vsAj4GK8dmGNJAXS1qHDqnWhP"
	w5KcNen = "5KcNen67ERBuvz2f649t9F2o1ddTjC5pVUEqcMtbxNgHqgxG2gZ"
	w5Jyq6R = "5Jyq6RH7H42aPasyrvobvLvZGPDGYrq9m2Gq5qPEkAwDD7fqNHu"
	w5KBc5x = "5KBc5xk9Rk3qmYg1PXPzsJ1kPfJkvzShK5ZGEn3q4Gzw4JWqMuy"
	w5K6Nou = "5K6Nou64uUXg8YzuiVuRQswuGRfH1tdb9GUC9NBEV1xmKxWMJ54"
)

// The multisig wallets of the multisig scenarios (2 of 3 each).
func xferMultisigA() *scenario.W {
	return scenario.MultisigWallet(2, "5JfHdMq9XnZ9mwW5H6LsfVCn9u6iGAj2FCVYtfhcHn72Tphvm5P", "5JaqLZaKD7cgkfsxSZBNiu6gaFxo1XAiTXw1mhtatipNNCtZBZG", "5KNsAkiHRDZb5Yyedxov2Fncr6CcNPV52yqJbzQ8M2W6dkg2qJp")
}

func xferMultisigB() *scenario.W {
	return scenario.MultisigWallet(2, "5JPrkpfLT3rDf1Lgm1DpA2Cfepwf9wCtEbDx1HSEdd4J2R5YMxZ", "5JiALcfvzFsKcvLnHf7ECgLdp6FxbcAXB1GPvEYP7HeigbDCQ9E", "5KScD5XL5Hj83Yjvm3u4HD78vSYwFRyq9StTLPnrWrCTGiqTvVP")
}

func xferMultisigC() *scenario.W {
	return scenario.MultisigWallet(2, "5JPR5iVN8KGMdU9JfzoTCsipXazUcZPRY8zp7f3g8FRff2HBaAV", "5KTTwEyATY8v12MjNdoeA1u2ZGqgjnBNcyZjk3YSkiVJWYxqBSm", "5KQ1s8UEYz3oyFRUejBvb1imMdtpoP98w6NQYGxQsSo3u6DmztZ")
}

func xferMultisigD() *scenario.W {
	return scenario.MultisigWallet(2, "5JpAkdEJuzF8E74UptksRLiB6Bf9QnwxGQutJTRWo5EAGVZfXmY", "5Hyc4wreVpZyzcfb56Zt1ymovda2xGucGZsAwoQz34iYK6aEKhR", "5JypKiQGiaD8AN6X86xtnuQYj7nnpLvp4VfcTVdDh4yFkLewAGx")
}

// xferStart5 starts a scenario with the five usual wallets.
func xferStart5(t *testing.T, env scenario.Env) *scenario.S {
	return scenario.Start(t, env, stdWallets()...)
}

// xferStart7 starts a scenario with the five usual wallets and two more
// (the update_transfer scenarios).
func xferStart7(t *testing.T) *scenario.S {
	return scenario.Start(t, nil, scenario.Wallet(w5JesPi), scenario.Wallet(w5KHqsi), scenario.Wallet(w5Kg5kJ),
		scenario.Wallet(w5JuVso), scenario.Wallet(w5KEpiS), scenario.Wallet(w5K9LmM), scenario.Wallet(w5KcNen))
}

// xferStart12 starts a scenario with the twelve wallets of the
// expire/re-register scenarios.
func xferStart12(t *testing.T, env scenario.Env) *scenario.S {
	var ws []*scenario.W
	for _, k := range []string{w5JesPi, w5KHqsi, w5Kg5kJ, w5JuVso, w5KEpiS, w5K5hDu, w5J39aX, w5K9LmM, w5KcNen, w5Jyq6R, w5KBc5x, w5K6Nou} {
		ws = append(ws, scenario.Wallet(k))
	}
	return scenario.Start(t, env, ws...)
}

// xferPreReg is the opening of most of the family: the namespace "test"
// (lifetime 52595) made ready, then foo.test preordered by wallets[2]
// for wallets[3] and registered, a block each.
func xferPreReg(s *scenario.S) {
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
}

// xferCheckRegistered is the check most of the family opens with: "test"
// ready and not revealed, foo.test no longer preordered by payer for
// recipient, and foo.test registered (get_name not None). It returns the
// name's record.
func xferCheckRegistered(t *testing.T, s *scenario.S, payer *scenario.W, recipient string) scenario.Rec {
	t.Helper()
	checkNamespaceReady(t, s, "test")
	if p := s.GetNamePreorder("foo.test", scenario.PaymentScript(payer.Addr), recipient); p != nil {
		t.Fatalf("'foo.test' still preordered: %v", p)
	}
	rec := s.GetName("foo.test")
	if rec == nil {
		t.Fatal("'foo.test' not registered")
	}
	return rec
}

// xferValueHash fails t unless the record's value hash is want ("" for
// None).
func xferValueHash(t *testing.T, rec scenario.Rec, want string) {
	t.Helper()
	if want == "" {
		if !rec.Null("value_hash") {
			t.Fatalf("'foo.test' invalid value hash %q, want None", rec.S("value_hash"))
		}
		return
	}
	if rec.Null("value_hash") || rec.S("value_hash") != want {
		t.Fatalf("'foo.test' invalid value hash %v, want %s", rec["value_hash"], want)
	}
}

// xferRenewed is check()'s "renewed": last_renewed > first_registered.
func xferRenewed(t *testing.T, rec scenario.Rec) {
	t.Helper()
	if rec.I("last_renewed") <= rec.I("first_registered") {
		t.Fatalf("not renewed: last_renewed %d, first_registered %d", rec.I("last_renewed"), rec.I("first_registered"))
	}
}

// xferConsensusIs is scenario()'s check between blocks: get_name's
// consensus_hash is want.
func xferConsensusIs(t *testing.T, s *scenario.S, want, what string) {
	t.Helper()
	rec := s.GetName("foo.test")
	if rec == nil {
		t.Fatal("'foo.test' not registered")
	}
	if rec.S("consensus_hash") != want {
		t.Fatalf("wrong consensus hash %s: expected %s (%s)", rec.S("consensus_hash"), want, what)
	}
}

// xferWhois is scenario()'s whois check: no error, the zone-file hash
// (empty or missing when zonefile is ""), the owner address.
func xferWhois(t *testing.T, s *scenario.S, zonefile, owner string) {
	t.Helper()
	res := s.Whois("foo.test")
	if _, ok := res["error"]; ok {
		t.Fatalf("whois: %v", res)
	}
	zf, _ := res["zonefile_hash"].(string)
	if zonefile == "" && zf != "" {
		t.Fatalf("whois: zone-file hash %q, want none: %v", zf, res)
	}
	if zonefile != "" && zf != zonefile {
		t.Fatalf("whois: zone-file hash %q, want %s: %v", zf, zonefile, res)
	}
	if a, _ := res["owner_address"].(string); a != scenario.AddrReencode(owner) {
		t.Fatalf("whois: owner %q, want %s: %v", a, owner, res)
	}
}

// name_pre_reg_xfer: preorder, register, transfer (keep data) to a new
// owner.
func TestNamePreRegXfer(t *testing.T) {
	t.Parallel()
	s := xferStart5(t, nil)
	w := s.Wallets
	xferPreReg(s)
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()

	rec := xferCheckRegistered(t, s, w[2], w[3].Addr)
	checkOwner(t, rec, w[4].Addr)
}

// name_pre_reg_xfer_cantforce: a transfer signed by someone who does not
// own the name (sent with safety checks off) is refused; the owner keeps
// it.
func TestNamePreRegXferCantforce(t *testing.T) {
	t.Parallel()
	s := xferStart5(t, nil)
	w := s.Wallets
	xferPreReg(s)
	// should fail; wrong key (safety_checks=False: sent)
	s.NameTransfer("foo.test", w[0].Addr, true, w[4])
	s.NextBlock()

	rec := xferCheckRegistered(t, s, w[2], w[3].Addr)
	// NOT transferred
	checkOwner(t, rec, w[3].Addr)
}

// name_pre_reg_xfer_nokeepdata: a transfer that does not keep the data
// leaves the name with no value hash.
func TestNamePreRegXferNokeepdata(t *testing.T) {
	t.Parallel()
	s := xferStart5(t, nil)
	w := s.Wallets
	xferPreReg(s)
	s.NameTransfer("foo.test", w[4].Addr, false, w[3])
	s.NextBlock()

	rec := xferCheckRegistered(t, s, w[2], w[3].Addr)
	xferValueHash(t, rec, "")
	checkOwner(t, rec, w[4].Addr)
}

// name_pre_reg_xfer_nokeepdata_update: after a transfer that drops the
// data, the new owner can update the name.
func TestNamePreRegXferNokeepdataUpdate(t *testing.T) {
	t.Parallel()
	s := xferStart5(t, nil)
	w := s.Wallets
	xferPreReg(s)
	s.NameTransfer("foo.test", w[4].Addr, false, w[3])
	s.NextBlock()
	s.NameUpdate("foo.test", hx("11", 20), w[4])
	s.NextBlock()

	rec := xferCheckRegistered(t, s, w[2], w[3].Addr)
	xferValueHash(t, rec, hx("11", 20))
	checkOwner(t, rec, w[4].Addr)
}

// name_pre_reg_xfer_nokeepdata_update_cantforce: after the transfer, the
// previous owner's update (sent with safety checks off) is refused.
func TestNamePreRegXferNokeepdataUpdateCantforce(t *testing.T) {
	t.Parallel()
	s := xferStart5(t, nil)
	w := s.Wallets
	xferPreReg(s)
	s.NameTransfer("foo.test", w[4].Addr, false, w[3])
	s.NextBlock()
	// original owner *can't* update (safety_checks=False: sent)
	s.NameUpdate("foo.test", hx("11", 20), w[3])
	s.NextBlock()

	rec := xferCheckRegistered(t, s, w[2], w[3].Addr)
	// NOT updated
	xferValueHash(t, rec, "")
	checkOwner(t, rec, w[4].Addr)
}

// name_pre_reg_xfer_renew: the new owner renews the name.
func TestNamePreRegXferRenew(t *testing.T) {
	t.Parallel()
	s := xferStart5(t, nil)
	w := s.Wallets
	xferPreReg(s)
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()
	s.NameRenew("foo.test", w[4])
	s.NextBlock()

	rec := xferCheckRegistered(t, s, w[2], w[3].Addr)
	checkOwner(t, rec, w[4].Addr)
	xferRenewed(t, rec)
	xferValueHash(t, rec, "")
}

// name_pre_reg_xfer_renew_update: the new owner renews, then updates.
func TestNamePreRegXferRenewUpdate(t *testing.T) {
	t.Parallel()
	s := xferStart5(t, nil)
	w := s.Wallets
	xferPreReg(s)
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()
	s.NameRenew("foo.test", w[4])
	s.NextBlock()
	s.NameUpdate("foo.test", hx("11", 20), w[4])
	s.NextBlock()

	rec := xferCheckRegistered(t, s, w[2], w[3].Addr)
	checkOwner(t, rec, w[4].Addr)
	xferRenewed(t, rec)
	xferValueHash(t, rec, hx("11", 20))
}

// name_pre_reg_xfer_renew_xfer: transfer, renew, transfer back; a
// transfer stores its own consensus hash (no update before it), a renewal
// keeps the transfer's.
func TestNamePreRegXferRenewXfer(t *testing.T) {
	t.Parallel()
	s := xferStart5(t, nil)
	w := s.Wallets
	xferPreReg(s)
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()
	// consensus hash should be the one from the last NAME_TRANSFER
	xferConsensusIs(t, s, s.GetConsensusAt(s.GetCurrentBlock()-1), "the transfer's")
	transferCH := s.GetName("foo.test").S("consensus_hash")
	s.NameRenew("foo.test", w[4])
	s.NextBlock()
	// consensus hash should be the one from the last NAME_TRANSFER
	xferConsensusIs(t, s, transferCH, "the transfer's, after the renewal")
	s.NameTransfer("foo.test", w[3].Addr, true, w[4])
	s.NextBlock()
	// consensus hash should be the one from the last NAME_TRANSFER
	xferConsensusIs(t, s, s.GetConsensusAt(s.GetCurrentBlock()-1), "the second transfer's")

	rec := xferCheckRegistered(t, s, w[2], w[3].Addr)
	checkOwner(t, rec, w[3].Addr)
	xferRenewed(t, rec)
}

// name_pre_reg_xfer_renew_xfer_update: transfer, renew, transfer back,
// update; the consensus hash as the name goes.
func TestNamePreRegXferRenewXferUpdate(t *testing.T) {
	t.Parallel()
	s := xferStart5(t, nil)
	w := s.Wallets
	xferPreReg(s)
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()
	// consensus hash should be the one from the last NAME_TRANSFER
	xferConsensusIs(t, s, s.GetConsensusAt(s.GetCurrentBlock()-1), "the transfer's")
	transferCH := s.GetName("foo.test").S("consensus_hash")
	s.NameRenew("foo.test", w[4])
	s.NextBlock()
	// consensus hash should be the one from the last NAME_TRANSFER
	xferConsensusIs(t, s, transferCH, "the transfer's, after the renewal")
	s.NameTransfer("foo.test", w[3].Addr, true, w[4])
	s.NextBlock()
	// consensus hash should be the one from the last NAME_TRANSFER
	xferConsensusIs(t, s, s.GetConsensusAt(s.GetCurrentBlock()-1), "the second transfer's")
	s.NameUpdate("foo.test", hx("11", 20), w[3])
	// (asked before the update is mined, as the original did: still the
	// second transfer's)
	xferConsensusIs(t, s, s.GetConsensusAt(s.GetCurrentBlock()-1), "the second transfer's, update not mined")
	s.NextBlock()

	rec := xferCheckRegistered(t, s, w[2], w[3].Addr)
	checkOwner(t, rec, w[3].Addr)
	xferRenewed(t, rec)
	xferValueHash(t, rec, hx("11", 20))
}

// name_pre_reg_xfer_renewxferup_multi: in epoch 3 from the start,
// renewals that also transfer (a recipient) and update (a zone-file
// hash), alternating with transfers, seen through whois after each block.
func TestNamePreRegXferRenewxferupMulti(t *testing.T) {
	t.Parallel()
	s := xferStart5(t, scenario.Env{
		"BLOCKSTACK_EPOCH_1_END_BLOCK":                     "682",
		"BLOCKSTACK_EPOCH_2_END_BLOCK":                     "683",
		"BLOCKSTACK_EPOCH_2_NAMESPACE_LIFETIME_MULTIPLIER": "1",
	})
	w := s.Wallets
	xferPreReg(s)

	// renew
	s.NameRenew("foo.test", w[3])
	s.NextBlock()
	xferWhois(t, s, "", w[3].Addr)

	// transfer
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()
	xferWhois(t, s, "", w[4].Addr)

	// renew/update
	s.NameRenew("foo.test", w[4], scenario.ZonefileHash(hx("11", 20)), scenario.Recipient(w[4].Addr))
	s.NextBlock()
	xferWhois(t, s, hx("11", 20), w[4].Addr)

	// transfer
	s.NameTransfer("foo.test", w[1].Addr, true, w[4])
	s.NextBlock()
	xferWhois(t, s, hx("11", 20), w[1].Addr)

	// renew/update/transfer
	s.NameRenew("foo.test", w[1], scenario.ZonefileHash(hx("22", 20)), scenario.Recipient(w[0].Addr))
	s.NextBlock()
	xferWhois(t, s, hx("22", 20), w[0].Addr)

	// transfer
	s.NameTransfer("foo.test", w[2].Addr, true, w[0])
	s.NextBlock()
	xferWhois(t, s, hx("22", 20), w[2].Addr)

	// renew/transfer: no zone-file hash given; the client looked up the
	// name's zone file (never stored) and sent the renewal without one
	s.NameRenew("foo.test", w[2], scenario.Recipient(w[1].Addr))
	s.NextBlock()
	xferWhois(t, s, hx("22", 20), w[1].Addr)

	checkNamespaceReady(t, s, "test")
	for _, p := range [][2]*scenario.W{{w[2], w[3]}, {w[3], w[0]}, {w[0], w[1]}} {
		if r := s.GetNamePreorder("foo.test", scenario.PaymentScript(p[0].Addr), p[1].Addr); r != nil {
			t.Fatalf("'foo.test' preordered by %s for %s: %v", p[0].Addr, p[1].Addr, r)
		}
	}
	rec := s.GetName("foo.test")
	if rec == nil {
		t.Fatal("'foo.test' not registered")
	}
	checkOwner(t, rec, w[1].Addr)
	// renewed (7 blocks difference)
	if rec.I("last_renewed")-7 != rec.I("first_registered") {
		t.Fatalf("last_renewed %d, first_registered %d: want 7 blocks apart", rec.I("last_renewed"), rec.I("first_registered"))
	}
}

// name_pre_reg_xfer_revoke: the new owner revokes the name; it stays
// the new owner's, revoked, without data.
func TestNamePreRegXferRevoke(t *testing.T) {
	t.Parallel()
	s := xferStart5(t, nil)
	w := s.Wallets
	xferPreReg(s)
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()
	s.NameRevoke("foo.test", w[4])
	s.NextBlock()

	rec := xferCheckRegistered(t, s, w[2], w[3].Addr)
	if !rec.B("revoked") {
		t.Fatal("not revoked")
	}
	// data is NOT preserved
	xferValueHash(t, rec, "")
	checkOwner(t, rec, w[4].Addr)
}

// name_pre_reg_xfer_sameblock: preorder, register and transfer in one
// block: the transfer fails (the name did not exist as of the last block
// processed); two operations are accepted in that block.
func TestNamePreRegXferSameblock(t *testing.T) {
	t.Parallel()
	s := xferStart5(t, nil)
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NamePreorder("foo.test", w[2], w[3].Addr)
	s.NameRegister("foo.test", w[2], w[3].Addr)
	// should fail (safety_checks=False: sent; the original's tx_fee=30000
	// only changes the fee, which the harness does not reproduce)
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()
	transferBlock := s.GetCurrentBlock()

	rec := xferCheckRegistered(t, s, w[2], w[3].Addr)
	// still owned by
	checkOwner(t, rec, w[3].Addr)
	// transfer did not go through
	if n := s.GetNumBlockstackOpsAt(transferBlock); n != 2 {
		t.Fatalf("wrong number of ops at %d: %d, want 2", transferBlock, n)
	}
}

// name_pre_reg_xfer_snv: preorder, register, transfer; the original then
// checks an SNV lookup of the name at the last block (left out: SNV
// lookups are out of scope).
func TestNamePreRegXferSnv(t *testing.T) {
	t.Parallel()
	s := xferStart5(t, nil)
	w := s.Wallets
	xferPreReg(s)
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()

	rec := xferCheckRegistered(t, s, w[2], w[3].Addr)
	checkOwner(t, rec, w[4].Addr)
	// snv_lookup("foo.test", last block, its consensus hash): left out
}

// name_pre_reg_xfer_transfer: two transfers in a row; no data.
func TestNamePreRegXferTransfer(t *testing.T) {
	t.Parallel()
	s := xferStart5(t, nil)
	w := s.Wallets
	xferPreReg(s)
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()
	s.NameTransfer("foo.test", w[0].Addr, true, w[4])
	s.NextBlock()

	rec := xferCheckRegistered(t, s, w[2], w[3].Addr)
	xferValueHash(t, rec, "")
	checkOwner(t, rec, w[0].Addr)
}

// name_pre_reg_xfer_transfer_nextepoch_transfer_multisig: in epoch 1 a
// name can be transferred to a p2sh address but the p2sh owner cannot
// transfer it on until epoch 2.
func TestNamePreRegXferTransferNextepochTransferMultisig(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "695"},
		scenario.Wallet(w5JesPi), scenario.Wallet(w5KHqsi), xferMultisigA(), xferMultisigB(), scenario.Wallet(w5KEpiS))
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	s.NamePreorder("foo.test", w[3], w[4].Addr)
	s.NextBlock()
	s.NameRegister("foo.test", w[3], w[4].Addr)
	s.NextBlock()
	// should succeed: to the p2sh address
	s.NameTransfer("foo.test", w[2].Addr, true, w[4])
	s.NextBlock()
	// should fail: a p2sh sender before F-day (safety_checks=False: sent)
	s.NameTransfer("foo.test", w[1].Addr, true, w[2])
	s.NextBlock()
	// next epoch: now this should succeed
	s.NameTransfer("foo.test", w[0].Addr, true, w[2])
	s.NextBlock()

	checkNamespaceReady(t, s, "test")
	if p := s.GetNamePreorderIncludeFailed("foo.test", scenario.PaymentScript(w[4].Addr), w[3].Addr); p != nil {
		t.Fatalf("preorder exists: %v", p)
	}
	rec := s.GetName("foo.test")
	if rec == nil {
		t.Fatal("name does not exist")
	}
	checkOwner(t, rec, w[0].Addr)
}

// name_pre_reg_xfer_transfer_update: two transfers, then an update; the
// update's consensus hash is stored.
func TestNamePreRegXferTransferUpdate(t *testing.T) {
	t.Parallel()
	s := xferStart5(t, nil)
	w := s.Wallets
	xferPreReg(s)
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()
	s.NameTransfer("foo.test", w[0].Addr, true, w[4])
	s.NextBlock()
	s.NameUpdate("foo.test", hx("11", 20), w[0])
	consensus := s.GetConsensusAt(s.GetCurrentBlock())
	s.NextBlock()

	rec := xferCheckRegistered(t, s, w[2], w[3].Addr)
	xferValueHash(t, rec, hx("11", 20))
	checkOwner(t, rec, w[0].Addr)
	// consensus is from update
	if rec.S("consensus_hash") != consensus {
		t.Fatalf("consensus hash from NAME_UPDATE not preserved: %s != %s", rec.S("consensus_hash"), consensus)
	}
}

// name_pre_reg_xfer_up_expire_rereg_delays_failure: in a namespace whose
// names live 10 blocks × the epoch's multiplier, a second preorder and
// register (sent while the name has not expired), a transfer and an update
// by the would-be owner all fail; the first owner keeps the name and its
// value hash.
func TestNamePreRegXferUpExpireReregDelaysFailure(t *testing.T) {
	t.Parallel()
	s := xferStart12(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "682", "BLOCKSTACK_EPOCH_2_PRICE_MULTIPLIER": "1.0"})
	w := s.Wallets
	s.NamespacePreorder("test", w[1].Addr, w[0])
	s.NextBlock()
	s.NamespaceReveal("test", w[1].Addr, 10, 250, 4, idBuckets, 10, 10, w[0])
	s.NextBlock()
	s.NamespaceReady("test", w[1])
	s.NextBlock()
	ch := s.GetConsensusAt(s.GetCurrentBlock())
	s.NextBlocks(2)

	// preorder, register, update, expire (twice, with incorrect assumption
	// about namespace lifetime); every operation with safety checks off
	for i := 2; i < 4; i++ {
		next := w[(i+1)%11]
		s.NamePreorder("foo.test", w[i], next.Addr, scenario.ConsensusHash(ch))
		s.NextBlock()
		ch = s.GetConsensusAt(s.GetCurrentBlock())
		s.NextBlocks(2)

		s.NameRegister("foo.test", w[i], next.Addr)
		s.NextBlock()
		ch = s.GetConsensusAt(s.GetCurrentBlock())
		s.NextBlocks(2)

		s.NameTransfer("foo.test", w[i].Addr, true, next, scenario.ConsensusHash(ch))
		s.NextBlock()
		ch = s.GetConsensusAt(s.GetCurrentBlock())
		s.NextBlocks(2)

		s.NameUpdate("foo.test", hx(fmt.Sprintf("%02x", i), 20), w[i], scenario.ConsensusHash(ch))
		s.NextBlock()
		if i == 3 {
			break
		}
		ch = s.GetConsensusAt(s.GetCurrentBlock())
		s.NextBlocks(2)
	}

	checkNamespaceReady(t, s, "test")
	if p := s.GetNamePreorder("foo.test", scenario.PaymentScript(w[2].Addr), w[3].Addr); p != nil {
		t.Fatalf("preordered: %v", p)
	}
	// registered to new owner
	rec := s.GetName("foo.test")
	if rec == nil {
		t.Fatal("name rec is None")
	}
	// updated
	xferValueHash(t, rec, hx("02", 20))
	// transferred
	checkOwner(t, rec, w[2].Addr)
}

// name_pre_reg_xfer_up_renew_xfer: transfer, update, renew, transfer
// back: the update's consensus hash stays through the renewal and the
// transfer (the transfer quirk).
func TestNamePreRegXferUpRenewXfer(t *testing.T) {
	t.Parallel()
	s := xferStart5(t, nil)
	w := s.Wallets
	xferPreReg(s)
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()
	// consensus hash should be the one from the last NAME_TRANSFER
	xferConsensusIs(t, s, s.GetConsensusAt(s.GetCurrentBlock()-1), "the transfer's")
	s.NameUpdate("foo.test", hx("11", 20), w[4])
	s.NextBlock()
	// consensus hash should be the one from the last NAME_UPDATE
	xferConsensusIs(t, s, s.GetConsensusAt(s.GetCurrentBlock()-1), "the update's")
	updateCH := s.GetName("foo.test").S("consensus_hash")
	s.NameRenew("foo.test", w[4])
	s.NextBlock()
	// consensus hash should be the one from the last NAME_UPDATE
	xferConsensusIs(t, s, updateCH, "the update's, after the renewal")
	s.NameTransfer("foo.test", w[3].Addr, true, w[4])
	s.NextBlock()
	// consensus hash should be the one from the last NAME_UPDATE
	xferConsensusIs(t, s, updateCH, "the update's, after the second transfer")

	rec := xferCheckRegistered(t, s, w[2], w[3].Addr)
	checkOwner(t, rec, w[3].Addr)
	xferRenewed(t, rec)
	xferValueHash(t, rec, hx("11", 20))
}

// name_pre_reg_xfer_up_xfer_condensed_multi_single_delays: in epoch 2,
// a name owned by p2sh multisig wallets and a p2pkh wallet goes back and
// forth by many transfers and updates in one block, some transfers
// carrying an older consensus hash.
func TestNamePreRegXferUpXferCondensedMultiSingleDelays(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "682", "BLOCKSTACK_EPOCH_2_NAMESPACE_LIFETIME_MULTIPLIER": "1"},
		scenario.Wallet(w5JesPi), scenario.Wallet(w5KHqsi), xferMultisigA(), xferMultisigB(), xferMultisigC(), scenario.Wallet(w5Kg5kJ))
	w := s.Wallets
	readyNamespace(s, "test", 52595)
	ch := scenario.ConsensusHash(s.GetConsensusAt(s.GetCurrentBlock()))
	s.NamePreorder("foo.test", w[2], w[3].Addr, ch)
	s.NextBlock()
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()

	// every operation below with safety checks off
	// ping-ping a bit... 3 --> 4 --> 5 --> 4 --> 5 --> 4
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NameTransfer("foo.test", w[5].Addr, true, w[4])
	s.NameTransfer("foo.test", w[4].Addr, true, w[5])
	s.NameTransfer("foo.test", w[5].Addr, true, w[4])
	s.NameTransfer("foo.test", w[4].Addr, true, w[5])
	s.NextBlock()

	// update (4)
	s.NameUpdate("foo.test", hx("11", 20), w[4])
	// ping-ping a bit... 4 --> 5 --> 4 --> 5 --> 4 --> 5
	s.NameTransfer("foo.test", w[5].Addr, true, w[4], ch)
	s.NameTransfer("foo.test", w[4].Addr, true, w[5], ch)
	s.NameTransfer("foo.test", w[5].Addr, true, w[4], ch)
	s.NameTransfer("foo.test", w[4].Addr, true, w[5], ch)
	s.NameTransfer("foo.test", w[5].Addr, true, w[4], ch)
	// now update (5)
	s.NameUpdate("foo.test", hx("22", 20), w[5])
	s.NextBlock()

	// update transfer
	s.NameTransfer("foo.test", w[4].Addr, true, w[5])
	s.NameUpdate("foo.test", hx("33", 20), w[4])
	s.NextBlock()

	// update --> transfer --> transfer --> update
	s.NameUpdate("foo.test", hx("44", 20), w[4])
	s.NameTransfer("foo.test", w[5].Addr, true, w[4], ch)
	s.NameTransfer("foo.test", w[4].Addr, true, w[5], ch)
	s.NameUpdate("foo.test", hx("55", 20), w[4])
	s.NextBlock()

	// update --> transfer --> update --> transfer
	s.NameUpdate("foo.test", hx("66", 20), w[4])
	s.NameTransfer("foo.test", w[5].Addr, true, w[4])
	s.NameUpdate("foo.test", hx("11", 20), w[5])
	s.NextBlock()

	// transfer
	s.NameTransfer("foo.test", w[4].Addr, true, w[5], ch)
	s.NextBlock()

	rec := xferCheckRegistered(t, s, w[2], w[3].Addr)
	xferValueHash(t, rec, hx("11", 20))
	checkOwner(t, rec, w[4].Addr)
}

// name_pre_reg_xfer_up_xfer_condensed_multisig_singlesig: as
// ..._multi_single_delays, every operation with the current consensus
// hash.
func TestNamePreRegXferUpXferCondensedMultisigSinglesig(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "682", "BLOCKSTACK_EPOCH_2_NAMESPACE_LIFETIME_MULTIPLIER": "1"},
		scenario.Wallet(w5JesPi), scenario.Wallet(w5KHqsi), xferMultisigA(), xferMultisigB(), xferMultisigC(), scenario.Wallet(w5Kg5kJ))
	w := s.Wallets
	xferPreReg(s)
	xferCondensedPingPong(s)

	rec := xferCheckRegistered(t, s, w[2], w[3].Addr)
	xferValueHash(t, rec, hx("11", 20))
	checkOwner(t, rec, w[4].Addr)
}

// xferCondensedPingPong is the blocks the condensed scenarios share
// (..._multisig_singlesig and update_transfer_condensed_multisig): every
// operation with safety checks off and keeping the data, the name
// between wallets[4] and wallets[5].
func xferCondensedPingPong(s *scenario.S) {
	w := s.Wallets
	// ping-ping a bit... 3 --> 4 --> 5 --> 4 --> 5 --> 4
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NameTransfer("foo.test", w[5].Addr, true, w[4])
	s.NameTransfer("foo.test", w[4].Addr, true, w[5])
	s.NameTransfer("foo.test", w[5].Addr, true, w[4])
	s.NameTransfer("foo.test", w[4].Addr, true, w[5])
	s.NextBlock()

	// update (4)
	s.NameUpdate("foo.test", hx("11", 20), w[4])
	// ping-ping a bit... 4 --> 5 --> 4 --> 5 --> 4 --> 5
	s.NameTransfer("foo.test", w[5].Addr, true, w[4])
	s.NameTransfer("foo.test", w[4].Addr, true, w[5])
	s.NameTransfer("foo.test", w[5].Addr, true, w[4])
	s.NameTransfer("foo.test", w[4].Addr, true, w[5])
	s.NameTransfer("foo.test", w[5].Addr, true, w[4])
	// now update (5)
	s.NameUpdate("foo.test", hx("22", 20), w[5])
	s.NextBlock()

	// update transfer
	s.NameTransfer("foo.test", w[4].Addr, true, w[5])
	s.NameUpdate("foo.test", hx("33", 20), w[4])
	s.NextBlock()

	// update --> transfer --> transfer --> update
	s.NameUpdate("foo.test", hx("44", 20), w[4])
	s.NameTransfer("foo.test", w[5].Addr, true, w[4])
	s.NameTransfer("foo.test", w[4].Addr, true, w[5])
	s.NameUpdate("foo.test", hx("55", 20), w[4])
	s.NextBlock()

	// update --> transfer --> update --> transfer
	s.NameUpdate("foo.test", hx("66", 20), w[4])
	s.NameTransfer("foo.test", w[5].Addr, true, w[4])
	s.NameUpdate("foo.test", hx("11", 20), w[5])
	s.NextBlock()

	// transfer
	s.NameTransfer("foo.test", w[4].Addr, true, w[5])
	s.NextBlock()
}

// name_pre_reg_xfer_update: the new owner updates the name.
func TestNamePreRegXferUpdate(t *testing.T) {
	t.Parallel()
	s := xferStart5(t, nil)
	w := s.Wallets
	xferPreReg(s)
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()
	s.NameUpdate("foo.test", hx("11", 20), w[4])
	s.NextBlock()

	rec := xferCheckRegistered(t, s, w[2], w[3].Addr)
	xferValueHash(t, rec, hx("11", 20))
	checkOwner(t, rec, w[4].Addr)
}

// name_pre_reg_xfer_update_delays: every operation two blocks after the
// previous one, the name operations carrying the consensus hash of an
// older block.
func TestNamePreRegXferUpdateDelays(t *testing.T) {
	t.Parallel()
	s := xferStart5(t, nil)
	w := s.Wallets
	s.NamespacePreorder("test", w[1].Addr, w[0])
	s.NextBlock()
	s.NextBlocks(2)
	s.NamespaceReveal("test", w[1].Addr, 52595, 250, 4, idBuckets, 10, 10, w[0])
	s.NextBlock()
	s.NextBlocks(2)
	s.NamespaceReady("test", w[1])
	s.NextBlock()
	ch := s.GetConsensusAt(s.GetCurrentBlock())
	s.NextBlocks(2)
	s.NamePreorder("foo.test", w[2], w[3].Addr, scenario.ConsensusHash(ch))
	s.NextBlock()
	s.NextBlocks(2)
	s.NameRegister("foo.test", w[2], w[3].Addr)
	s.NextBlock()
	ch = s.GetConsensusAt(s.GetCurrentBlock())
	s.NextBlocks(2)
	s.NameTransfer("foo.test", w[4].Addr, true, w[3], scenario.ConsensusHash(ch))
	s.NextBlock()
	ch = s.GetConsensusAt(s.GetCurrentBlock())
	s.NextBlocks(2)
	s.NameUpdate("foo.test", hx("11", 20), w[4], scenario.ConsensusHash(ch))
	s.NextBlock()
	s.NextBlocks(2)

	rec := xferCheckRegistered(t, s, w[2], w[3].Addr)
	xferValueHash(t, rec, hx("11", 20))
	checkOwner(t, rec, w[4].Addr)
}

// name_pre_reg_xfer_update_expire_reregister_delays: three times, a
// name is preordered, registered, transferred and updated, then left to
// expire and preordered again by someone else; the history shows each
// transfer and update at its block.
func TestNamePreRegXferUpdateExpireReregisterDelays(t *testing.T) {
	t.Parallel()
	s := xferStart12(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "682", "BLOCKSTACK_EPOCH_2_PRICE_MULTIPLIER": "1.0"})
	w := s.Wallets
	// NAMESPACE_LIFETIME_MULTIPLIER =
	// get_epoch_namespace_lifetime_multiplier(EPOCH_1_END_BLOCK + 1, "test")
	multiplier := s.Net.EpochAt(682 + 1).LifetimeMultiplier
	var transferBlocks, updateBlocks []int64
	var transferRecipients, updateHashes []string

	s.NamespacePreorder("test", w[1].Addr, w[0])
	s.NextBlock()
	// note: lifetime of a name is 10 * NAMESPACE_LIFETIME_MULTIPLIER
	s.NamespaceReveal("test", w[1].Addr, 10, 250, 4, idBuckets, 10, 10, w[0])
	s.NextBlock()
	s.NamespaceReady("test", w[1])
	s.NextBlock()
	ch := s.GetConsensusAt(s.GetCurrentBlock())
	s.NextBlocks(2)

	// preorder, register, update, expire (multiple times)
	for i := 2; i < 5; i++ {
		next := w[(i+1)%11]
		s.NamePreorder("foo.test", w[i], next.Addr, scenario.ConsensusHash(ch))
		s.NextBlock()
		ch = s.GetConsensusAt(s.GetCurrentBlock())
		s.NextBlocks(2)

		s.NameRegister("foo.test", w[i], next.Addr)
		s.NextBlock()
		ch = s.GetConsensusAt(s.GetCurrentBlock())
		s.NextBlocks(2)

		s.NameTransfer("foo.test", w[i].Addr, true, next, scenario.ConsensusHash(ch))
		s.NextBlock()
		transferBlocks = append(transferBlocks, s.GetCurrentBlock())
		transferRecipients = append(transferRecipients, w[i].Addr)
		ch = s.GetConsensusAt(s.GetCurrentBlock())
		s.NextBlocks(2)

		hash := hx(fmt.Sprintf("%02x", i), 20)
		s.NameUpdate("foo.test", hash, w[i], scenario.ConsensusHash(ch))
		s.NextBlock()
		updateBlocks = append(updateBlocks, s.GetCurrentBlock())
		updateHashes = append(updateHashes, hash)
		ch = s.GetConsensusAt(s.GetCurrentBlock())
		s.NextBlocks(2)
		if i == 4 {
			break
		}
		s.NextBlock()

		// expire the name
		s.NextBlocks(int(10*multiplier - 9))
		ch = s.GetConsensusAt(s.GetCurrentBlock())
		s.NextBlocks(2)
	}

	checkNamespaceReady(t, s, "test")
	if p := s.GetNamePreorder("foo.test", scenario.PaymentScript(w[2].Addr), w[3].Addr); p != nil {
		t.Fatalf("preordered: %v", p)
	}
	// registered to new owner
	rec := s.GetName("foo.test")
	if rec == nil {
		t.Fatal("name rec is None")
	}
	// updated
	xferValueHash(t, rec, hx("04", 20))
	// transferred
	checkOwner(t, rec, w[4].Addr)

	// historically updated and transferred
	if len(transferBlocks) != len(updateBlocks) {
		t.Fatal("test bug: did not transfer or update the right amount of times")
	}
	for i, b := range transferBlocks {
		hist := s.GetNameAt("foo.test", b, true)
		if len(hist) == 0 {
			t.Fatalf("no name at %d", b)
		}
		h := hist[0]
		if h.S("opcode") != "NAME_TRANSFER" {
			t.Fatalf("was not transfered at %d: %v", b, h)
		}
		if h.S("address") != scenario.AddrReencode(transferRecipients[i]) || h.S("sender") != scenario.PaymentScript(transferRecipients[i]) {
			t.Fatalf("wrong address/sender at %d, got %s, %s", b, h.S("address"), h.S("sender"))
		}
	}
	for i, b := range updateBlocks {
		hist := s.GetNameAt("foo.test", b, true)
		if len(hist) == 0 {
			t.Fatalf("No name at %d", b)
		}
		h := hist[0]
		if h.S("opcode") != "NAME_UPDATE" {
			t.Fatalf("was not updated at %d: %v", b, h)
		}
		if h.Null("value_hash") || h.S("value_hash") != updateHashes[i] {
			t.Fatalf("wrong update hash at %d: expected %s, got %v", b, updateHashes[i], h["value_hash"])
		}
	}
}

// name_pre_reg_xfer_update_transfer: the name goes back and forth between
// two owners, one operation a block, with updates; the last update's
// consensus hash stays through the last transfer.
func TestNamePreRegXferUpdateTransfer(t *testing.T) {
	t.Parallel()
	s := xferStart7(t)
	w := s.Wallets
	xferPreReg(s)
	// ping-ping a bit... 3 --> 4 --> 5 --> 4 --> 5 --> 4 (safety checks off)
	for _, step := range [][2]int{{3, 4}, {4, 5}, {5, 4}, {4, 5}, {5, 4}} {
		s.NameTransfer("foo.test", w[step[1]].Addr, true, w[step[0]])
		s.NextBlock()
	}
	// update (4)
	s.NameUpdate("foo.test", hx("11", 20), w[4])
	s.NextBlock()
	// ping-ping a bit... 4 --> 5 --> 4 --> 5 --> 4 --> 5 (safety checks off)
	for _, step := range [][2]int{{4, 5}, {5, 4}, {4, 5}, {5, 4}, {4, 5}} {
		s.NameTransfer("foo.test", w[step[1]].Addr, true, w[step[0]])
		s.NextBlock()
	}
	// now update (5); from here on with safety checks, which pass: each
	// sender owns the name
	s.NameUpdate("foo.test", hx("22", 20), w[5])
	s.NextBlock()
	s.NameTransfer("foo.test", w[4].Addr, true, w[5])
	s.NextBlock()
	s.NameUpdate("foo.test", hx("33", 20), w[4])
	s.NextBlock()
	s.NameUpdate("foo.test", hx("44", 20), w[4])
	s.NextBlock()
	s.NameTransfer("foo.test", w[5].Addr, true, w[4])
	s.NextBlock()
	s.NameTransfer("foo.test", w[4].Addr, true, w[5])
	s.NextBlock()
	s.NameUpdate("foo.test", hx("55", 20), w[4])
	s.NextBlock()
	s.NameUpdate("foo.test", hx("66", 20), w[4])
	s.NextBlock()
	s.NameTransfer("foo.test", w[5].Addr, true, w[4])
	s.NextBlock()
	s.NameUpdate("foo.test", hx("11", 20), w[5])
	consensus := s.GetConsensusAt(s.GetCurrentBlock())
	s.NextBlock()
	s.NameTransfer("foo.test", w[4].Addr, true, w[5])
	s.NextBlock()

	rec := xferCheckRegistered(t, s, w[2], w[3].Addr)
	xferValueHash(t, rec, hx("11", 20))
	checkOwner(t, rec, w[4].Addr)
	// consensus from last NAME_UPDATE
	if rec.S("consensus_hash") != consensus {
		t.Fatalf("quirk not preserved: consensus hash %s != %s", rec.S("consensus_hash"), consensus)
	}
}

// name_pre_reg_xfer_update_transfer_condensed: transfers and updates
// between two owners, many in a block; the last update's value hash
// stays through the last transfers.
func TestNamePreRegXferUpdateTransferCondensed(t *testing.T) {
	t.Parallel()
	s := xferStart7(t)
	w := s.Wallets
	xferPreReg(s)
	keep := make([]bool, 17)
	for i := range keep {
		keep[i] = true
	}
	xferCondensedKeep(s, keep)

	rec := xferCheckRegistered(t, s, w[2], w[3].Addr)
	xferValueHash(t, rec, hx("99", 20))
	checkOwner(t, rec, w[4].Addr)
}

// xferCondensedKeep is the blocks of update_transfer_condensed and
// update_transfer_condensed_nokeepdata (every operation with safety
// checks off); keep are the 17 transfers' keep-data flags in send order.
func xferCondensedKeep(s *scenario.S, keep []bool) {
	w := s.Wallets
	k := 0
	xfer := func(to, from int) {
		s.NameTransfer("foo.test", w[to].Addr, keep[k], w[from])
		k++
	}
	// ping-ping a bit... 3 --> 4 --> 5 --> 4 --> 5 --> 4
	xfer(4, 3)
	xfer(5, 4)
	xfer(4, 5)
	xfer(5, 4)
	xfer(4, 5)
	s.NextBlock()

	// update (4)
	s.NameUpdate("foo.test", hx("11", 20), w[4])
	// ping-ping a bit... 4 --> 5 --> 4 --> 5 --> 4 --> 5
	xfer(5, 4)
	xfer(4, 5)
	xfer(5, 4)
	xfer(4, 5)
	xfer(5, 4)
	// now update (5)
	s.NameUpdate("foo.test", hx("22", 20), w[5])
	s.NextBlock()

	// transfer and update
	xfer(4, 5)
	s.NameUpdate("foo.test", hx("33", 20), w[4])
	s.NextBlock()

	// update, transfer, transfer, update
	s.NameUpdate("foo.test", hx("44", 20), w[4])
	xfer(5, 4)
	xfer(4, 5)
	s.NameUpdate("foo.test", hx("55", 20), w[4])
	s.NextBlock()

	// update, transfer, update
	s.NameUpdate("foo.test", hx("66", 20), w[4])
	xfer(5, 4)
	s.NameUpdate("foo.test", hx("11", 20), w[5])
	s.NextBlock()

	// transfer and update
	xfer(4, 5)
	s.NameUpdate("foo.test", hx("33", 20), w[4])
	s.NextBlock()

	// update, transfer
	s.NameUpdate("foo.test", hx("99", 20), w[4])
	xfer(5, 4)
	s.NextBlock()

	// transfer
	xfer(4, 5)
	s.NextBlock()
}

// name_pre_reg_xfer_update_transfer_condensed_multisig: the condensed
// back and forth between two p2sh multisig owners, in epoch 2.
func TestNamePreRegXferUpdateTransferCondensedMultisig(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, scenario.Env{"BLOCKSTACK_EPOCH_1_END_BLOCK": "682", "BLOCKSTACK_EPOCH_2_NAMESPACE_LIFETIME_MULTIPLIER": "1"},
		scenario.Wallet(w5JesPi), scenario.Wallet(w5KHqsi), xferMultisigA(), xferMultisigB(), xferMultisigC(), xferMultisigD())
	w := s.Wallets
	xferPreReg(s)
	xferCondensedPingPong(s)

	rec := xferCheckRegistered(t, s, w[2], w[3].Addr)
	xferValueHash(t, rec, hx("11", 20))
	checkOwner(t, rec, w[4].Addr)
}

// name_pre_reg_xfer_update_transfer_condensed_nokeepdata: as
// update_transfer_condensed, but the last transfer that follows the last
// update drops the data: no value hash.
func TestNamePreRegXferUpdateTransferCondensedNokeepdata(t *testing.T) {
	t.Parallel()
	s := xferStart7(t)
	w := s.Wallets
	xferPreReg(s)
	xferCondensedKeep(s, []bool{
		false, true, false, true, false, // block 1
		true, false, true, false, true, // block 2
		true,        // block 3
		false, true, // block 4
		false, // block 5
		true,  // block 6
		false, // block 7
		true,  // block 8
	})
	rec := xferCheckRegistered(t, s, w[2], w[3].Addr)
	// updated, and data is NOT preserved
	xferValueHash(t, rec, "")
	checkOwner(t, rec, w[4].Addr)
}

// name_pre_reg_xfer_xfer_renew_xfer: transfer, transfer back, renew,
// transfer: each transfer stores its own consensus hash, the renewal
// keeps the last transfer's.
func TestNamePreRegXferXferRenewXfer(t *testing.T) {
	t.Parallel()
	s := xferStart5(t, nil)
	w := s.Wallets
	xferPreReg(s)
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()
	// consensus hash should be the one from the last NAME_TRANSFER
	xferConsensusIs(t, s, s.GetConsensusAt(s.GetCurrentBlock()-1), "the first transfer's")
	s.NameTransfer("foo.test", w[3].Addr, true, w[4])
	s.NextBlock()
	// consensus hash should be the one from the last NAME_TRANSFER
	xferConsensusIs(t, s, s.GetConsensusAt(s.GetCurrentBlock()-1), "the second transfer's")
	transferCH := s.GetName("foo.test").S("consensus_hash")
	s.NameRenew("foo.test", w[3])
	s.NextBlock()
	// consensus hash should be the one from the last NAME_TRANSFER
	xferConsensusIs(t, s, transferCH, "the second transfer's, after the renewal")
	s.NameTransfer("foo.test", w[4].Addr, true, w[3])
	s.NextBlock()
	// consensus hash should be the one from the last NAME_TRANSFER
	xferConsensusIs(t, s, s.GetConsensusAt(s.GetCurrentBlock()-1), "the third transfer's")

	rec := xferCheckRegistered(t, s, w[2], w[3].Addr)
	checkOwner(t, rec, w[4].Addr)
	xferRenewed(t, rec)
}
