package devnet

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcutil/v2"
	"github.com/btcsuite/btcd/chaincfg/v2"

	"github.com/zonemirror/zonemirror/chainsync/txbuild"
	"github.com/zonemirror/zonemirror/namedb/netparams"
)

// folderFormat is the format of a devnet folder: bumped whenever what a
// folder holds (its name database above all) would be wrong under this
// zonemirror. 2: the name database of format 7 (rules fixed to follow
// blockstack-core v21.0.0.5). 3: records, preorder hashes and answers in
// the testnet address form (m…/n…/2…), as the original's, not simnet's.
// 4: the registrar name and its subdomains are seeded (and the name
// database keeps subdomains: format 9).
const folderFormat = 4

// state is what a devnet keeps across starts (DATA/state.json).
type state struct {
	// Format is the folder's format (folderFormat when it was made; folders
	// made before formats were kept have none).
	Format int `json:"format"`
	// Wallet is the WIF of the throwaway key that mines and pays.
	Wallet string `json:"wallet"`
	// RPCUser and RPCPass are btcd's credentials.
	RPCUser string `json:"rpc_user"`
	RPCPass string `json:"rpc_pass"`
	// Seeded lists the names registered at set-up once they are.
	Seeded []string `json:"seeded,omitempty"`
}

// running is where a running devnet listens (DATA/running.json), for the
// devnet commands of other processes.
type running struct {
	PID  int    `json:"pid"`
	BTCD string `json:"btcd_rpc"`
	HTTP string `json:"http"`
	DNS  string `json:"dns"`
}

func network() *netparams.Network {
	n, _ := netparams.Named("simnet")
	return n
}

func loadState(dir string) (*state, error) {
	b, err := os.ReadFile(filepath.Join(dir, "state.json"))
	if errors.Is(err, os.ErrNotExist) {
		priv, err := btcec.NewPrivateKey()
		if err != nil {
			return nil, err
		}
		w, err := btcutil.NewWIF(priv, &chaincfg.SimNetParams, true)
		if err != nil {
			return nil, err
		}
		pass := make([]byte, 12)
		rand.Read(pass) //nolint:errcheck // crypto/rand does not fail
		s := &state{Format: folderFormat, Wallet: w.String(), RPCUser: "devnet", RPCPass: hex.EncodeToString(pass)}
		return s, s.save(dir)
	}
	if err != nil {
		return nil, fmt.Errorf("devnet state: %w", err)
	}
	s := &state{}
	if err := json.Unmarshal(b, s); err != nil {
		return nil, fmt.Errorf("devnet state %s: %w", filepath.Join(dir, "state.json"), err)
	}
	if s.Format != folderFormat {
		made := "an older"
		if s.Format > folderFormat {
			made = "a newer"
		}
		return nil, fmt.Errorf("the devnet folder %s was made by %s zonemirror (folder format %d, this one uses %d): its name database does not follow this version's rules, so it is not resumed. Start over with: zonemirror devnet --fresh (deletes %s)", dir, made, s.Format, folderFormat, dir)
	}
	return s, nil
}

func (s *state) save(dir string) error { return writeJSONFile(filepath.Join(dir, "state.json"), s) }

// writeJSONFile writes v atomically (temp file, rename).
func writeJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.Rename(tmp, path)
}

// wallet is the state's key.
func (s *state) wallet() (*txbuild.Key, error) { return txbuild.KeyFromWIF(s.Wallet, network().Wire) }

// owner is the i-th key that owns seeded names (20 each: the quota is 25).
func (s *state) owner(i int) *txbuild.Key {
	return txbuild.KeyFromSeed(fmt.Sprintf("%s owner %d", s.Wallet, i), network().Wire)
}
