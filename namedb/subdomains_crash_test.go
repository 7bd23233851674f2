package namedb

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/zonemirror/zonemirror/internal/testdiff"
)

// subCrashChildEnv names, for a crash-test child, the database and the
// folder of zone files ("db|folder") whose pending entries it processes.
const subCrashChildEnv = "ZONEMIRROR_NAMEDB_SUBDOMAIN_CRASH_CHILD"

// subCrashChild processes the pending entries of the database with the
// zone files of the folder (named by hash), printing each index once
// processed, until done or killed.
func subCrashChild(arg string) int {
	path, folder, _ := strings.Cut(arg, "|")
	ctx := context.Background()
	db, err := Open(ctx, path, testNet(), WithSyncEvery(5*time.Millisecond))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	out := bufio.NewWriter(os.Stdout)
	es, err := db.SubdomainsPending(ctx, 0, 1<<20)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	for _, e := range es {
		zf, err := os.ReadFile(filepath.Join(folder, e.Hash.String()))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		if _, err := db.ProcessZoneFile(ctx, e.Index, zf); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		fmt.Fprintln(out, e.Index)
		out.Flush()
	}
	if err := db.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	return 0
}

// crashChain is a registrar whose 24 zone files create 40 subdomains each,
// then update and transfer them (signed), and a few records that do not
// hold; the zone files are written to folder.
func crashChain(t *testing.T, folder string) *subChain {
	c := newSubChain(t)
	p := c.net.Wire
	creator, launcher, reg := newActor(p, "creator"), newActor(p, "launcher"), newActor(p, "registrar")
	c.launch(creator, launcher, "id", 100000)
	c.claim(reg, "reg.id")
	a, b := subKey("a"), subKey("b")
	A, B := subAddr(p, a), subAddr(p, b)
	for z := 0; z < 24; z++ {
		var lines []string
		for i := 0; i < 40; i++ {
			label := fmt.Sprintf("s%02d-%02d", z%8, i)
			switch {
			case z < 8:
				lines = append(lines, txt(t, label, "reg.id", A, 0, "created "+label, nil))
			case z < 16:
				lines = append(lines, txt(t, label, "reg.id", B, 1, "to b "+label, &a))
			case i%5 == 0:
				lines = append(lines, txt(t, label, "reg.id", B, 2, "not by b "+label, &a)) // refused: a no longer owns it
			default:
				lines = append(lines, txt(t, label, "reg.id", B, 2, "updated "+label, &b))
			}
		}
		c.announce(reg, "reg.id", zoneOf("reg.id", lines...))
		c.mustAccept(c.mine(), 1)
	}
	for h, zf := range c.zonefiles {
		if err := os.WriteFile(filepath.Join(folder, h.String()), zf, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// A child processing zone files is killed with SIGKILL at random moments:
// every reopen holds whole zone files only (each entry marked processed
// has all its records, no record lacks its mark), and the state after the
// last run equals an uninterrupted run's.
func TestSubdomainCrash(t *testing.T) {
	ctx := context.Background()
	folder := t.TempDir()
	c := crashChain(t, folder)
	base := c.dir
	if err := c.db.Close(); err != nil {
		t.Fatal(err)
	}
	// the uninterrupted run, on a copy
	straight := filepath.Join(t.TempDir(), "straight")
	if err := copyDir(base, straight); err != nil {
		t.Fatal(err)
	}
	if code := runSubCrashChild(t, straight, folder, nil); code != 0 {
		t.Fatalf("uninterrupted run: exit %d", code)
	}
	sdb, err := Open(ctx, straight, testNet())
	if err != nil {
		t.Fatal(err)
	}
	want := dumpSubdomains(t, sdb)
	sdb.Close()

	path := filepath.Join(t.TempDir(), "killed")
	if err := copyDir(base, path); err != nil {
		t.Fatal(err)
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 2))
	const kills = 12
	killed := 0
	for run := 0; ; run++ {
		if run > 10*kills {
			t.Fatalf("%d kills after %d starts", killed, run)
		}
		var k int // kill after k processed entries (and a little more); -1: never
		if killed < kills {
			k = r.IntN(4)
		} else {
			k = -1
		}
		code := runSubCrashChild(t, path, folder, func(seen int, kill func()) {
			if seen == k {
				time.Sleep(time.Duration(r.IntN(2000)) * time.Microsecond)
				kill()
			}
		})
		if code == -int(syscall.SIGKILL) {
			killed++
		} else if code != 0 {
			t.Fatalf("child exit %d", code)
		}
		db, err := Open(ctx, path, testNet())
		if err != nil {
			t.Fatalf("reopen after kill %d: %v", killed, err)
		}
		wholeZonefiles(t, db)
		pending, _ := db.SubdomainsPending(ctx, 0, 1<<20)
		db.Close()
		if len(pending) == 0 {
			if k >= 0 && killed < kills {
				// done before the kills ran out: start over from the base
				if err := os.RemoveAll(path); err != nil {
					t.Fatal(err)
				}
				if err := copyDir(base, path); err != nil {
					t.Fatal(err)
				}
				continue
			}
			break
		}
	}
	db, err := Open(ctx, path, testNet())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := dumpSubdomains(t, db); got != want {
		t.Fatalf("after %d kills the subdomain state differs from an uninterrupted run:\n%s", killed, testdiff.Lines(got, want))
	}
	t.Logf("%d kills", killed)
}

// runSubCrashChild runs a child on db; each processed entry is reported to
// watch with a kill function. It returns the exit code, or -SIGKILL.
func runSubCrashChild(t *testing.T, db, folder string, watch func(seen int, kill func())) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), subCrashChildEnv+"="+db+"|"+folder)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	kill := func() { cmd.Process.Signal(syscall.SIGKILL) } //nolint:errcheck // it may have exited
	if watch != nil {
		watch(0, kill)
	}
	s := bufio.NewScanner(stdout)
	seen := 0
	for s.Scan() {
		seen++
		if watch != nil {
			watch(seen, kill)
		}
	}
	err = cmd.Wait()
	if ee, ok := err.(*exec.ExitError); ok {
		if ws := ee.Sys().(syscall.WaitStatus); ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			return -int(syscall.SIGKILL)
		}
		return ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0
}

// wholeZonefiles checks that each entry marked processed has exactly the
// records its mark counts, and that no record belongs to an unmarked one.
func wholeZonefiles(t *testing.T, db *DB) {
	t.Helper()
	records := map[int64]int{}
	err := db.scan([]byte{pSubZone}, nil, func(k, _ []byte) (bool, error) {
		records[int64(beUint(k[1:9]))]++
		return true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	marked := map[int64]bool{}
	err = db.scan([]byte{pSubDone}, nil, func(k, v []byte) (bool, error) {
		var z subZoneRow
		if err := json.Unmarshal(v, &z); err != nil {
			return false, err
		}
		idx := int64(beUint(k[1:]))
		marked[idx] = true
		if records[idx] != z.Records {
			t.Errorf("entry %d marked with %d records, has %d", idx, z.Records, records[idx])
		}
		return true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for idx := range records {
		if !marked[idx] {
			t.Errorf("entry %d has records but is not marked processed", idx)
		}
	}
}

// copyDir copies a closed database folder.
func copyDir(from, to string) error {
	_, err := vfs.Clone(vfs.Default, vfs.Default, from, to)
	return err
}
