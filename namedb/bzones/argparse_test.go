package bzones

import (
	"reflect"
	"strings"
	"testing"
)

// TestMatchPlain checks the arithmetic of matchPlain against argparse's
// regular expressions, for every parser, every run of its positionals and
// every plain pattern of up to 12 arguments.
func TestMatchPlain(t *testing.T) {
	all := map[string]*parser{"(main)": mainParser}
	for k, p := range parsers {
		all[k] = p
	}
	checked := 0
	for name, p := range all {
		for k := range p.pos {
			positionals := p.pos[k:]
			for n := 0; n <= 12; n++ {
				pat := strings.Repeat("A", n)
				var want []int
				for i := len(positionals); i > 0 && want == nil; i-- {
					if m := p.match[k][i-1].FindStringSubmatchIndex(pat); m != nil {
						want = []int{}
						for g := 1; g <= i; g++ {
							want = append(want, m[2*g+1]-m[2*g])
						}
					}
				}
				got := matchPlain(positionals, pat)
				if len(want) == 0 && len(got) == 0 {
					continue
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s positionals from %d, %d arguments: matchPlain %v, the regular expressions %v", name, k, n, got, want)
				}
				checked++
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d matches compared", checked)
	}
	if matchPlain(parsers["TXT"].pos, "AAO") != nil || matchPlain(parsers["TXT"].pos, "A-A") != nil {
		t.Error("a pattern with an option or a \"--\" is not plain")
	}
}
