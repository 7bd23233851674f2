#!/usr/bin/env bash
# The mirror's serving benchmarks (issue 8), side by side in one run:
#   HTTP: wrk against /v1/names/{name}/zonefile and /v1/zonefiles/{hash}
#         over 10,000 names, and against nginx serving the same bytes as
#         static files and against a bare net/http server from a map (same
#         wrk settings: 2 threads, 64 connections, 10 s; three rounds with the
#         servers in turn, medians reported).
#   DNS:  dnsperf against the mirror's DNS and against nsd serving the same
#         names as one zone (10 s, 100 queries outstanding).
# Installs wrk, nginx-light, dnsperf and nsd from Debian when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local
missing=()
for t in wrk:wrk nginx:nginx-light dnsperf:dnsperf nsd:nsd; do
	command -v "${t%%:*}" >/dev/null || missing+=("${t##*:}")
done
if ((${#missing[@]})); then
	sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
fi
go test -run '^$' -bench 'BenchmarkVersusNginx' -benchtime 1x -timeout 20m ./mirror/httpapi | grep -E '^(Benchmark|ok|FAIL)'
go test -run '^$' -bench 'BenchmarkVersusNSD' -benchtime 1x -timeout 20m ./mirror/dnsserver | grep -E '^(Benchmark|ok|FAIL)'
go test -run '^$' -bench 'BenchmarkHandler' ./mirror/httpapi | grep -E '^(Benchmark|ok|FAIL)'
