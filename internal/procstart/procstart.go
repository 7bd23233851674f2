// Package procstart starts child processes that must die with zonemirror.
//
// A child started with a parent-death signal (SysProcAttr.Pdeathsig) gets
// it when the OS thread that forked it exits — on Linux that is the
// thread, not the process. Go moves goroutines between threads and ends
// threads (one locked by a goroutine that returns is ended), so a child
// forked from an arbitrary goroutine can be killed at any moment: a btcd
// forked on a thread that the plugin host later locked and ended at Close
// lost its last blocks that way. Do runs the fork on one thread locked for
// the life of the process instead, so the signal comes only when the
// process dies, as meant.
package procstart

import (
	"os/exec"
	"runtime"
	"sync"
	"syscall"
	"time"
)

type req struct {
	f    func() error
	done chan error
}

var (
	once sync.Once
	reqs = make(chan req)
)

// Do runs f — the call that forks, e.g. cmd.Start — on the process's
// forking thread and returns its error.
func Do(f func() error) error {
	once.Do(func() {
		go func() {
			runtime.LockOSThread() // never unlocked, never returns
			for r := range reqs {
				r.done <- r.f()
			}
		}()
	})
	done := make(chan error, 1)
	reqs <- req{f: f, done: done}
	return <-done
}

// Terminate stops a started command the way a server wants to be stopped:
// SIGTERM, so that a master process stops its workers (a killed master
// leaves them running, orphaned), then SIGKILL if it has not exited after
// grace. It returns when the command has exited.
func Terminate(cmd *exec.Cmd, grace time.Duration) {
	cmd.Process.Signal(syscall.SIGTERM) //nolint:errcheck // it may have exited
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }() //nolint:errcheck // how it ended is not asked
	select {
	case <-done:
	case <-time.After(grace):
		cmd.Process.Kill() //nolint:errcheck // as above
		<-done
	}
}
