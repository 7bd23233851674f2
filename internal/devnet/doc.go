// Package devnet is `zonemirror devnet`: the whole system on one machine
// in one command, for a newcomer to watch a name go from a Bitcoin
// transaction to the HTTP and DNS answers.
//
// It starts a btcd on simnet (which keeps its chain across restarts),
// built from the version pinned in tools/go.mod, with a throwaway wallet
// key that receives the coinbases; mines a block whenever transactions
// wait; creates the namespace "id" and registers real names (the zone
// files of internal/realdata) through real transactions; and runs the
// mirror (mirror/daemon) on it. Everything lives in one data folder, which
// a second start resumes (--fresh starts over). Every process it starts
// dies with it (a parent-death signal), even after a kill -9.
//
// While it runs, Client acts on it — register, update, transfer — from
// another process, through the files it leaves in the data folder.
package devnet
