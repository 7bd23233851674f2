package namedb

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/zonemirror/zonemirror/internal/testdiff"
)

// crashChildEnv names the database a crash-test child applies blocks to.
const crashChildEnv = "ZONEMIRROR_NAMEDB_CRASH_CHILD"

func TestMain(m *testing.M) {
	if path := os.Getenv(crashChildEnv); path != "" {
		os.Exit(crashChild(path))
	}
	if arg := os.Getenv(subCrashChildEnv); arg != "" {
		os.Exit(subCrashChild(arg))
	}
	os.Exit(m.Run())
}

// childTB is the harness's tb for a child process: a failure ends it.
type childTB struct{}

func (childTB) Helper()                      {}
func (childTB) Logf(format string, a ...any) { fmt.Fprintf(os.Stderr, format+"\n", a...) }
func (childTB) Errorf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", a...)
	os.Exit(3)
}
func (childTB) Fatalf(format string, a ...any) { childTB{}.Errorf(format, a...) }
func (childTB) Fatal(a ...any)                 { childTB{}.Errorf("%s", fmt.Sprint(a...)) }

// crashChild reopens the database at path and drives the random chain on
// to randomBlocks, printing each height once its block has committed, with
// the height known durable, until it is done or killed.
func crashChild(path string) int {
	ctx := context.Background()
	// Sync often, so that kills land before, during and after syncs.
	db, err := Open(ctx, path, randomNet(), WithSyncEvery(5*time.Millisecond))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	c := &chain{t: childTB{}, db: db, net: db.net}
	g := newGenerator(c)
	out := bufio.NewWriter(os.Stdout)
	for h := c.tip() + 1; h <= randomBlocks; h++ {
		g.block(c, h)
		ops := c.pending
		c.pending = nil
		if _, err := c.minePending(ops); err != nil {
			fmt.Fprintf(os.Stderr, "block %d: %v\n", h, err)
			return 2
		}
		fmt.Fprintln(out, h, db.Durable())
		out.Flush()
	}
	if err := db.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	return 0
}

// A child process applying blocks is killed with SIGKILL at random moments;
// every reopen keeps every block the child reported durable (blocks after
// that may be lost, never half of one), has exactly the state of an
// uninterrupted run at its tip, and the last run ends byte-identical to
// the uninterrupted run.
func TestCrash(t *testing.T) {
	ctx := context.Background()
	straight := newChain(t, randomNet())
	newGenerator(straight).driveTo(straight, randomBlocks)
	want := dump(t, straight.db)

	// Chains are driven to the end, again from an empty database each, until
	// at least kills kills have landed.
	chains := 0
	path := filepath.Join(t.TempDir(), "names0")
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 1))
	const kills = 24
	var committed int64 // the highest height a child reported durable
	killed, midBlock := 0, 0
	for run := 0; ; run++ {
		if run > 20*kills {
			t.Fatalf("%d kills after %d starts", killed, run)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
		cmd.Stderr = os.Stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		type report struct{ applied, durable int64 }
		heights := make(chan report)
		go func() {
			defer close(heights)
			s := bufio.NewScanner(stdout)
			for s.Scan() {
				var r report
				if _, err := fmt.Sscan(s.Text(), &r.applied, &r.durable); err == nil {
					heights <- r
				}
			}
		}()
		// Most kills land after k blocks of this run, a random fraction of
		// a block later (inside the next block's rules or commit); some
		// land while the child is still starting or reopening.
		k := 1 + r.IntN(8)
		if r.IntN(4) == 0 {
			k = 0
		}
		if killed >= kills {
			k = -1 // let the last run finish
		}
		seen := 0
		kill := func() {
			time.Sleep(time.Duration(r.IntN(300)) * time.Microsecond)
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
		}
		if k == 0 {
			kill()
		}
		for r := range heights {
			committed = max(committed, r.durable)
			seen++
			if seen == k {
				kill()
			}
		}
		err = cmd.Wait()
		if err != nil {
			if k < 0 {
				t.Fatalf("last child failed: %v", err)
			}
			if ee, ok := err.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("child failed: %v", err)
			}
			killed++
		}
		db, err := Open(ctx, path, randomNet())
		if err != nil {
			t.Fatalf("reopen after kill %d: %v", killed, err)
		}
		tip, _ := db.Tip()
		if tip < committed {
			t.Fatalf("kill %d: reopened at %d, but block %d was durable", killed, tip, committed)
		}
		if tip > committed {
			midBlock++ // blocks past the last reported sync survived too
		}
		gotCH, _ := db.ConsensusHashAt(tip)
		wantCH, _ := straight.db.ConsensusHashAt(tip)
		if gotCH != wantCH {
			t.Fatalf("kill %d: consensus hash at %d is %s, want %s", killed, tip, gotCH, wantCH)
		}
		if tip == randomBlocks {
			if got := dump(t, db); got != want {
				t.Fatalf("after %d kills the database differs from an uninterrupted run:\n%s", killed, testdiff.Lines(got, want))
			}
			db.Close()
			chains++
			if killed >= kills {
				break
			}
			path, committed = filepath.Join(t.TempDir(), fmt.Sprint("names", chains)), 0
			continue
		}
		db.Close()
	}
	t.Logf("%d kills over %d chains; %d reopens were ahead of the last height reported durable", killed, chains, midBlock)
}
