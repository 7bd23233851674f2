package procstart

import (
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
	ctl := exec.Command("sleep", "30")
	ctl.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	go func() {
		runtime.LockOSThread()
		done <- ctl.Start()
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
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
