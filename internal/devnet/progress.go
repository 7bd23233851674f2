package devnet

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progress prints the set-up steps and their times.
type progress struct {
	w    io.Writer
	mu   sync.Mutex
	line string // the status step's line, redrawn by update
}

// step prints a step and returns the function that marks it done.
func (p *progress) step(what string) func() {
	start := time.Now()
	fmt.Fprintf(p.w, "▸ %s … ", what)
	return func() { fmt.Fprintf(p.w, "done (%s)\n", time.Since(start).Round(100*time.Millisecond)) }
}

// counter prints a step with a count that moves; it returns the function
// that reports the count.
func (p *progress) counter(what string, total int) func(int) {
	start := time.Now()
	fmt.Fprintf(p.w, "▸ %s: 0/%d", what, total)
	return func(n int) {
		fmt.Fprintf(p.w, "\r▸ %s: %d/%d", what, n, total)
		if n >= total {
			fmt.Fprintf(p.w, " done (%s)\n", time.Since(start).Round(100*time.Millisecond))
		}
	}
}

// status prints a step whose detail changes (update); the returned
// function marks it done.
func (p *progress) status(what string) func() {
	start := time.Now()
	p.mu.Lock()
	p.line = "▸ " + what
	fmt.Fprint(p.w, p.line)
	p.mu.Unlock()
	return func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		fmt.Fprintf(p.w, "\r\033[K%s: done (%s)\n", p.line, time.Since(start).Round(100*time.Millisecond))
	}
}

// update redraws the status step's line with detail.
func (p *progress) update(detail string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(detail) > 100 {
		detail = detail[:100] + "…"
	}
	fmt.Fprintf(p.w, "\r\033[K%s: %s", p.line, detail)
}
