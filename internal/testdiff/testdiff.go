// Package testdiff says where two long texts that tests compare (dumps of
// databases, a mirror's answers) first part, so that a failure names the
// line instead of printing both.
package testdiff

import (
	"fmt"
	"strings"
)

// Lines is the first line where got and want differ, or their line counts
// when one is the other's beginning.
func Lines(got, want string) string {
	gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range min(len(gl), len(wl)) {
		if gl[i] != wl[i] {
			return fmt.Sprintf("line %d:\n got  %s\n want %s", i, gl[i], wl[i])
		}
	}
	return fmt.Sprintf("lengths %d vs %d lines", len(gl), len(wl))
}
