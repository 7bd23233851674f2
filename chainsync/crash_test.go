package chainsync

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/zonemirror/zonemirror/namedb"
)

const crashChildEnv = "ZONEMIRROR_CHAINSYNC_CRASH_CHILD"

func TestMain(m *testing.M) {
	if cfg := os.Getenv(crashChildEnv); cfg != "" {
		os.Exit(crashChild(cfg))
	}
	os.Exit(m.Run())
}

// childConfig is what the crash-test child syncs.
type childConfig struct {
	Node   NodeConfig
	DB     string
	Target int64
}

// crashChild syncs the database to the target height and exits, printing
// the durable height as it goes.
func crashChild(cfgJSON string) int {
	var cfg childConfig
	if err := json.Unmarshal([]byte(cfgJSON), &cfg); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, err := namedb.Open(ctx, cfg.DB, testNet(), namedb.WithSyncEvery(10*time.Millisecond))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	s := New(Config{Node: cfg.Node, PollEvery: 10 * time.Millisecond}, db)
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	out := bufio.NewWriter(os.Stdout)
	for {
		if tip, _ := db.Tip(); tip >= cfg.Target {
			cancel()
			<-done
			if err := db.Close(); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 2
			}
			return 0
		}
		fmt.Fprintln(out, db.Durable())
		out.Flush()
		time.Sleep(2 * time.Millisecond)
	}
}

// The syncer process is killed with SIGKILL at random moments mid-sync,
// at least 10 times; each restart resumes from what was durable, and the
// last run ends with the consensus hashes of an uninterrupted sync.
func TestSyncerCrash(t *testing.T) {
	ctx := context.Background()
	c := newTestChain(t, testNet())
	c.buildNames("crash", 30, 40) // 3,600 operations over 90 blocks
	target, _ := c.db.Tip()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d; chain of %d blocks", seed, target)
	r := rand.New(rand.NewPCG(seed, 2))
	const kills = 12
	killed, chains, runs := 0, 0, 0
	path := filepath.Join(t.TempDir(), "names0")
	var durable int64
	var reopened []int64 // the tip at each reopen
	for killed < kills || chains == 0 {
		runs++
		if runs > 20*kills {
			t.Fatalf("%d kills after %d runs", killed, runs)
		}
		cfg, _ := json.Marshal(childConfig{Node: nodeConfig(c.node), DB: path, Target: target})
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+string(cfg))
		cmd.Stderr = os.Stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		kill := killed < kills
		if kill {
			delay := time.Duration(r.IntN(400)) * time.Millisecond
			time.AfterFunc(delay, func() { cmd.Process.Signal(syscall.SIGKILL) })
		}
		s := bufio.NewScanner(stdout)
		for s.Scan() {
			var d int64
			if _, err := fmt.Sscan(s.Text(), &d); err == nil {
				durable = max(durable, d)
			}
		}
		err = cmd.Wait()
		if err != nil {
			ee, ok := err.(*exec.ExitError)
			if !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("child failed: %v", err)
			}
			killed++
		}
		db, err := namedb.Open(ctx, path, testNet())
		if err != nil {
			t.Fatalf("reopen after %d kills: %v", killed, err)
		}
		tip, _ := db.Tip()
		reopened = append(reopened, tip)
		if tip < durable {
			t.Fatalf("reopened at %d, but %d was durable", tip, durable)
		}
		if tip >= c.net.FirstBlock {
			got, _ := db.ConsensusHashAt(tip)
			want, _ := c.db.ConsensusHashAt(tip)
			if got != want {
				t.Fatalf("after %d kills: consensus hash at %d is %s, want %s", killed, tip, got, want)
			}
		}
		db.Close()
		if tip == target {
			chains++
			path, durable = filepath.Join(t.TempDir(), fmt.Sprint("names", chains)), 0
		}
	}
	t.Logf("%d kills in %d runs over %d complete syncs; reopened at %v", killed, runs, chains, reopened)
	mid := 0
	for _, h := range reopened {
		if h > c.net.FirstBlock && h < target {
			mid++
		}
	}
	if mid < kills/2 {
		t.Errorf("only %d of %d reopens were mid-sync", mid, len(reopened))
	}
}
