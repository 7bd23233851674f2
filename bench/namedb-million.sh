#!/usr/bin/env bash
# The namedb figures of issue 4 on a database of 1,000,000 registered names:
# disk and memory size (BenchmarkNameTable), then name lookups at 1 and 8
# goroutines on it (BenchmarkNameLookup). Building the table applies
# 2,000,000 operations: expect several minutes per benchmark on 2 cores.
# NAMES=100000 bench/namedb-million.sh for a quicker look.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local
names="${NAMES:-1000000}"
run() { go test -run '^$' -timeout 3h "$@" ./namedb -names="$names" | grep -E '^(Benchmark|ok|FAIL)|names,'; }
run -bench '^BenchmarkNameTable$' -benchtime 1x
run -bench '^BenchmarkNameLookup$' -benchtime 200000x
