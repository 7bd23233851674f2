// Package bench measures the storage drivers: Get and Put of 4 KB and
// 40 KB records from 1 and 16 concurrent callers, for the disk driver
// in-process, the disk driver through the plugin boundary (with go-plugin's
// AutoMTLS on, the default, and off), and the s3 driver through the
// boundary against a real MinIO (started by the benchmark). Each result
// reports ops/s and the p50 and p99 latency of a call.
//
//	go test -run '^$' -bench . -benchtime 2s ./plugins/bench
//
// BenchmarkBoundaryTarget puts the speed target in one line: the
// boundary's 4 KB Get rate at 16 callers as a percentage of the in-process
// rate (alternating rounds, same load) and the boundary's p99.
// ZONEMIRROR_DRIVER_CPUPROFILE=FILE profiles the driver processes
// (hosttest).
//
// The package has benchmarks only; its numbers are quoted in
// plugins/README.md.
package bench
