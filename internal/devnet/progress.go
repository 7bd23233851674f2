package devnet

import (
	"fmt"
	"io"
	"time"
)

// progress prints the set-up steps and their times.
type progress struct{ w io.Writer }

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
