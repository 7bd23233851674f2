// Package realdata holds real Blockstack data for tests and the devnet:
// the 1,631 zone files of the Stacks 2.0 genesis export (state at Bitcoin
// block 665749), from stacks-network/stacks-core's stx-genesis (see
// shared/data/README.md), embedded as published.
package realdata

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

//go:embed name_zonefiles.txt
var zonefilesTxt string

// Zonefile is a real name and its zone file.
type Zonefile struct {
	// Name is the zone file's $ORIGIN (e.g. muneeb.id).
	Name string
	Hash wire.Hash160
	Data []byte
}

var (
	once   sync.Once
	parsed []Zonefile
	err    error
)

// Zonefiles returns the 1,631 zone files in the file's order (by name),
// each checked against its hash.
func Zonefiles() ([]Zonefile, error) {
	once.Do(func() {
		lines := strings.Split(strings.TrimSuffix(zonefilesTxt, "\n"), "\n")
		if len(lines)%2 != 0 {
			err = fmt.Errorf("realdata: %d lines, want pairs", len(lines))
			return
		}
		for i := 0; i < len(lines); i += 2 {
			data := []byte(strings.ReplaceAll(lines[i+1], `\n`, "\n"))
			h := wire.SumHash160(data)
			if h.String() != lines[i] {
				err = fmt.Errorf("realdata: zone file %d hashes to %s, not %s", i/2, h, lines[i])
				return
			}
			f := strings.Fields(strings.SplitN(string(data), "\n", 2)[0])
			if len(f) < 2 || f[0] != "$ORIGIN" {
				err = fmt.Errorf("realdata: zone file %d has no $ORIGIN", i/2)
				return
			}
			parsed = append(parsed, Zonefile{Name: f[1], Hash: h, Data: data})
		}
	})
	return parsed, err
}
