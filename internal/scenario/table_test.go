package scenario_test

import (
	"bufio"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// originalScenarios is the number of entries in the original suite's
// scenarios folder at v21.0.0.5 (337 scenario files, __init__.py,
// testlib.py and attic/): SCENARIOS.md lists every one.
const originalScenarios = 340

// SCENARIOS.md is the table of the original's scenarios: every entry once,
// each "ported" (by the test it names, which exists here) or "skipped"
// (with a reason); every scenario test of this package is in the table.
func TestScenarioTable(t *testing.T) {
	f, err := os.Open("SCENARIOS.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tests := scenarioTests(t)
	listed := map[string]bool{}
	seen := map[string]bool{}
	ported, skipped := 0, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| scenario |") || strings.HasPrefix(line, "| ---") {
			continue
		}
		cols := strings.Split(strings.Trim(line, "| "), "|")
		for i := range cols {
			cols[i] = strings.TrimSpace(cols[i])
		}
		if len(cols) != 4 {
			t.Errorf("row %q: want 4 columns (scenario, status, test, note)", line)
			continue
		}
		name, status, test, note := cols[0], cols[1], cols[2], cols[3]
		if seen[name] {
			t.Errorf("%s is listed twice", name)
		}
		seen[name] = true
		switch status {
		case "ported":
			ported++
			if !tests[test] {
				t.Errorf("%s: test %s does not exist in this package", name, test)
			}
			if listed[test] {
				t.Errorf("%s: test %s is listed for two scenarios", name, test)
			}
			listed[test] = true
			if strings.Contains(note, "FAILS") {
				t.Errorf("%s: the table still says it fails: %s", name, note)
			}
		case "skipped":
			skipped++
			if strings.TrimSpace(note) == "" || note == "-" {
				t.Errorf("%s: skipped without a reason", name)
			}
		default:
			t.Errorf("%s: status %q, want ported or skipped", name, status)
		}
	}
	if len(seen) != originalScenarios {
		t.Errorf("the table lists %d scenarios, the original has %d", len(seen), originalScenarios)
	}
	for name := range tests {
		if !listed[name] {
			t.Errorf("%s is a scenario port the table does not list", name)
		}
	}
	t.Logf("%d ported, %d skipped", ported, skipped)
}

// scenarioTests are the Test functions of this package's scenario files:
// every _test.go file but the layer's own tests.
func scenarioTests(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	fset := token.NewFileSet()
	for _, path := range files {
		if path == "table_test.go" || path == "harness_test.go" || path == "layer_test.go" {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && strings.HasPrefix(fn.Name.Name, "Test") {
				out[fn.Name.Name] = true
			}
		}
	}
	return out
}
