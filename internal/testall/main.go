// Command testall is zonemirror's whole test suite in one command:
//
//	go run ./internal/testall
//
// It checks formatting (gofmt), runs go vet, then runs every test of the
// module with the race detector and prints a closing line
// "N passed, N failed, N skipped". A skipped test fails the suite: a test
// that did not run proves nothing. It needs only Go (and a C compiler for
// the race detector; without one it says so and runs without -race).
//
// Flags: -short passes -short to go test; -run and -pkg narrow the run.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

func main() {
	short := flag.Bool("short", false, "pass -short to go test")
	run := flag.String("run", "", "pass -run to go test")
	pkg := flag.String("pkg", "./...", "packages to test")
	timeout := flag.Duration("timeout", 20*time.Minute, "go test -timeout")
	flag.Parse()
	os.Exit(suite(*short, *run, *pkg, *timeout))
}

func step(name string) func() {
	start := time.Now()
	fmt.Printf("==> %s\n", name)
	return func() { fmt.Printf("    %s took %s\n", name, time.Since(start).Round(time.Millisecond)) }
}

func suite(short bool, run, pkg string, timeout time.Duration) int {
	start := time.Now()
	done := step("gofmt")
	gofmt := filepath.Join(goEnv("GOROOT"), "bin", "gofmt")
	out, err := exec.Command(gofmt, "-l", ".").CombinedOutput()
	if err != nil {
		fmt.Printf("gofmt failed: %v\n%s", err, out)
		return 1
	}
	if files := strings.TrimSpace(string(out)); files != "" {
		fmt.Printf("these files need gofmt -w:\n%s\n", files)
		return 1
	}
	done()

	done = step("go vet")
	if err := runGo("vet", "./..."); err != nil {
		fmt.Printf("go vet: %v\n", err)
		return 1
	}
	done()

	args := []string{"test", "-json", "-count=1", "-timeout", timeout.String()}
	if raceAvailable() {
		args = append(args, "-race")
	} else {
		fmt.Println("NOTE: no C compiler found (cgo off): running the tests WITHOUT the race detector")
	}
	if short {
		args = append(args, "-short")
	}
	if run != "" {
		args = append(args, "-run", run)
	}
	args = append(args, pkg)
	done = step("go " + strings.Join(args, " "))
	res, err := goTest(args)
	done()
	if err != nil {
		fmt.Printf("go test: %v\n", err)
	}
	for _, p := range res.buildFailures {
		fmt.Printf("FAIL (build or package-level failure): %s\n", p)
	}
	if len(res.skipped) > 0 {
		sort.Strings(res.skipped)
		fmt.Printf("skipped tests (a skipped test fails the suite):\n  %s\n", strings.Join(res.skipped, "\n  "))
	}
	fmt.Printf("suite took %s\n", time.Since(start).Round(time.Second))
	fmt.Printf("%d passed, %d failed, %d skipped\n", res.passed, res.failed, len(res.skipped))
	if res.failed > 0 || len(res.skipped) > 0 || len(res.buildFailures) > 0 || err != nil || res.passed == 0 {
		return 1
	}
	return 0
}

func goEnv(key string) string {
	out, err := exec.Command("go", "env", key).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func raceAvailable() bool {
	if goEnv("CGO_ENABLED") != "1" {
		return false
	}
	cc := goEnv("CC")
	if cc == "" {
		cc = "gcc"
	}
	_, err := exec.LookPath(strings.Fields(cc)[0])
	return err == nil
}

func runGo(args ...string) error {
	cmd := exec.Command("go", args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

type results struct {
	passed, failed int
	skipped        []string
	buildFailures  []string
}

// goTest runs go test -json, prints a line per package and the output of
// every failed test, and counts tests.
func goTest(args []string) (results, error) {
	var res results
	cmd := exec.Command("go", args...)
	var stderr bytes.Buffer
	cmd.Stderr = io.MultiWriter(os.Stderr, &stderr)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return res, err
	}
	if err := cmd.Start(); err != nil {
		return res, err
	}
	output := map[string]*strings.Builder{} // package/test -> output
	failedTests := map[string]bool{}        // packages with a failed test
	// the last lines of each package's output, whatever test wrote them:
	// what a package that failed without a failing test (a race report or
	// an exit after its test passed) printed last
	tails := map[string][]string{}
	const tailLines = 150
	key := func(e event) string { return e.Package + "/" + e.Test }
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			fmt.Println(sc.Text()) // build output and the like
			continue
		}
		switch e.Action {
		case "output":
			t := append(tails[e.Package], e.Output)
			if len(t) > tailLines {
				t = t[len(t)-tailLines:]
			}
			tails[e.Package] = t
			b := output[key(e)]
			if b == nil {
				b = &strings.Builder{}
				output[key(e)] = b
			}
			b.WriteString(e.Output)
		case "pass", "fail", "skip":
			if e.Test == "" {
				status := strings.ToUpper(e.Action)
				if e.Action == "skip" {
					status = "NO TESTS"
				}
				if e.Action == "fail" {
					if out := output[key(e)]; out != nil {
						fmt.Print(out.String())
					}
					if !failedTests[e.Package] {
						res.buildFailures = append(res.buildFailures, e.Package)
						fmt.Printf("--- the last %d lines %s printed, by any test:\n%s--- end of %s\n", len(tails[e.Package]), e.Package, strings.Join(tails[e.Package], ""), e.Package)
					}
				}
				fmt.Printf("%-8s %s (%.1fs)\n", status, e.Package, e.Elapsed)
				continue
			}
			switch e.Action {
			case "pass":
				res.passed++
			case "fail":
				res.failed++
				failedTests[e.Package] = true
				fmt.Printf("--- FAIL: %s %s\n", e.Package, e.Test)
				if out := output[key(e)]; out != nil {
					fmt.Print(out.String())
				}
			case "skip":
				res.skipped = append(res.skipped, e.Package+" "+e.Test)
			}
			delete(output, key(e))
		}
	}
	err = cmd.Wait()
	// A package whose tests failed is counted through its tests; keep only
	// packages that failed without a failing test (build errors, panics).
	if res.failed > 0 && err != nil {
		err = nil
	}
	return res, err
}
