package scenario_test

import (
	"testing"

	"github.com/zonemirror/zonemirror/internal/scenario"
)

// virtualchain_bad_opcodes: data-bearing transactions that are no
// operations (no magic, only the magic, an unknown opcode) change nothing
// and stop nothing.
func TestVirtualchainBadOpcodes(t *testing.T) {
	t.Parallel()
	s := scenario.Start(t, nil, scenario.Wallet(w5JesPi), scenario.Wallet(w5KHqsi))
	w := s.Wallets
	var sent []*scenario.Sent
	for _, msg := range []string{"eg", "id", "id{"} {
		sent = append(sent, s.SendData(w[0], []byte(msg), 5500, w[1].Addr))
		s.NextBlock()
	}
	for _, x := range sent {
		if st, _ := s.TxStatus(x); st != "" {
			t.Errorf("%s is an operation (%s)", x.TxID, st)
		}
	}
	refused := s.SyncStatus().Refused
	// "eg" and "id" carry no opcode: not Blockstack's, not counted
	if refused["ErrUnknownOpcode"] != 1 || len(refused) != 1 {
		t.Errorf("the decoder refused %v, want one unknown opcode (\"id{\")", refused)
	}
}
