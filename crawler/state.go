package crawler

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// state is what the state file keeps: how far the crawler has checked the
// whitelist, and the hash of the entry there (to tell a rewind that was
// refilled with other entries).
type state struct {
	Version      int    `json:"version"`
	Position     int64  `json:"position"`
	PositionHash string `json:"position_hash"`
	hash         wire.Hash160
}

const stateVersion = 1

// loadState reads the state file; a missing file is position 0.
func loadState(path string) (state, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return state{Version: stateVersion}, nil
	}
	if err != nil {
		return state{}, fmt.Errorf("crawler state: %w", err)
	}
	return decodeState(b, path)
}

// decodeState reads the state file's bytes.
func decodeState(b []byte, path string) (state, error) {
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		return state{}, fmt.Errorf("crawler state %s: %w", path, err)
	}
	if st.Version != stateVersion {
		return state{}, fmt.Errorf("crawler state %s: version %d, this crawler reads version %d", path, st.Version, stateVersion)
	}
	if st.Position < 0 {
		return state{}, fmt.Errorf("crawler state %s: negative position %d", path, st.Position)
	}
	if st.Position > 0 {
		h, err := hex.DecodeString(st.PositionHash)
		if err != nil || len(h) != len(st.hash) {
			return state{}, fmt.Errorf("crawler state %s: position_hash %q is not 40 hex characters", path, st.PositionHash)
		}
		copy(st.hash[:], h)
	}
	return st, nil
}

// saveState replaces the state file atomically.
func saveState(path string, pos int64, h wire.Hash160) error {
	b, _ := json.Marshal(state{Version: stateVersion, Position: pos, PositionHash: hex.EncodeToString(h[:])})
	tmp := path + ".tmp"
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("crawler state: %w", err)
	}
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("crawler state: %w", err)
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("crawler state: %w", err)
	}
	return nil
}
