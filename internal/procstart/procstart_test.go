package procstart

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// A child started through Do outlives the goroutine (and the locked
// thread) that asked for it.
func TestChildOutlivesItsCaller(t *testing.T) {
	cmd := exec.Command("sleep", "30")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // this thread ends when the goroutine returns
		done <- Do(cmd.Start)
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	time.Sleep(300 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.Signal(0)); err != nil {
		t.Fatalf("the child died with the thread that asked for it: %v", err)
	}
	// The control: forked on the locked thread itself, it dies with it.
	// Not on the main thread, though: a goroutine that ends locked to it
	// wedges it rather than ending it, and no signal comes. A goroutine
	// that finds itself there keeps it (until the test ends) so that the
	// next one lands elsewhere.
	ctl := exec.Command("sleep", "30")
	ctl.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	release := make(chan struct{})
	defer close(release)
	errMainThread := errors.New("on the main thread")
	for {
		go func() {
			runtime.LockOSThread()
			if syscall.Gettid() == os.Getpid() {
				done <- errMainThread
				<-release
				runtime.UnlockOSThread()
				return
			}
			done <- ctl.Start()
		}()
		err := <-done
		if err == errMainThread {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		break
	}
	waited := make(chan error, 1)
	go func() { waited <- ctl.Wait() }()
	select {
	case <-waited:
	case <-time.After(5 * time.Second):
		ctl.Process.Kill()
		t.Fatal("the control outlived its thread: the test shows nothing")
	}
}

// Terminate ends a command with SIGTERM, or with SIGKILL after the grace
// when it ignores SIGTERM.
func TestTerminate(t *testing.T) {
	polite := exec.Command("sleep", "30")
	stubborn := exec.Command("sh", "-c", `trap "" TERM; while :; do sleep 0.1; done`)
	for _, c := range []*exec.Cmd{polite, stubborn} {
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(100 * time.Millisecond) // the shell sets its trap
	start := time.Now()
	Terminate(polite, 10*time.Second)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("a command that obeys SIGTERM took %s", d)
	}
	if ws := polite.ProcessState.Sys().(syscall.WaitStatus); !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
		t.Errorf("polite: %v", polite.ProcessState)
	}
	Terminate(stubborn, 200*time.Millisecond)
	if ws := stubborn.ProcessState.Sys().(syscall.WaitStatus); !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Errorf("stubborn: %v", stubborn.ProcessState)
	}
}
