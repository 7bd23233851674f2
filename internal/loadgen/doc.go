// Package loadgen drives a fixed number of calls from concurrent callers
// and records each call's latency: the load loop of zonemirror's
// benchmarks (plugins/bench, bench/disklayout).
package loadgen
