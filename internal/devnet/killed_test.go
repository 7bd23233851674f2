package devnet

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zonemirror/zonemirror/plugins/host/hosttest"
)

// childEnv makes the test binary run a devnet (in the folder it names)
// instead of the tests: TestDevnetKilled kills it.
const childEnv = "ZONEMIRROR_DEVNET_TEST_CHILD"

// runChild runs the devnet of a child process until it is killed.
func runChild(dir string) {
	ho := hosttest.Options(builtins)
	err := Run(context.Background(), Options{Data: dir, Names: 5, Peers: 3, HTTP: "127.0.0.1:0", DNS: "127.0.0.1:0",
		Builtins: builtins, Self: ho.Self, DriverEnv: ho.Env, Up: func(Info) { fmt.Println("DEVNET UP") }})
	fmt.Fprintln(os.Stderr, "devnet:", err)
	os.Exit(1)
}

// descendants are the processes below pid (from /proc).
func descendants(pid int) []int {
	parent := map[int]int{}
	dirs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, f := range dirs {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may hold spaces: cut at the last ')'.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		fields := strings.Fields(s[i+1:])
		p, _ := strconv.Atoi(strings.Fields(s)[0])
		if len(fields) > 1 {
			parent[p], _ = strconv.Atoi(fields[1])
		}
	}
	var out []int
	var walk func(int)
	walk = func(p int) {
		for c, pp := range parent {
			if pp == p {
				out = append(out, c)
				walk(c)
			}
		}
	}
	walk(pid)
	return out
}

// A devnet killed with SIGKILL leaves no process behind: btcd and the
// driver processes die with it.
func TestDevnetKilled(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+t.TempDir())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	up := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if sc.Text() == "DEVNET UP" {
				up <- true
			}
		}
		up <- false
	}()
	select {
	case ok := <-up:
		if !ok {
			cmd.Wait()
			t.Fatalf("the devnet child exited: %s", stderr.String())
		}
	case <-time.After(3 * time.Minute):
		cmd.Process.Kill()
		t.Fatalf("the devnet child is not up in 3 minutes: %s", stderr.String())
	}
	kids := descendants(cmd.Process.Pid)
	if len(kids) < 3 { // btcd, the disk driver, the dht driver
		t.Fatalf("the devnet runs %d child processes, want btcd and two drivers at least", len(kids))
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for _, pid := range kids {
		for syscall.Kill(pid, 0) == nil {
			if b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); strings.Contains(string(b), ") Z ") {
				break // a zombie: dead, waiting for its reaper
			}
			if time.Now().After(deadline) {
				cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
				t.Fatalf("process %d (%s) outlived the killed devnet", pid, strings.ReplaceAll(string(cmdline), "\x00", " "))
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}
