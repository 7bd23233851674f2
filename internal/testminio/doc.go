// Package testminio runs a real MinIO server for tests: built from the
// version pinned in tools/go.mod (`go tool -modfile=tools/go.mod -n minio`
// builds it into Go's cache on first use, about two minutes cold, and
// prints its path), listening on 127.0.0.1 only, on random ports, with its
// data in a temp folder (on /dev/shm where there is one), stopped when the test ends. The server process
// gets a parent-death signal, so a killed test run leaves no MinIO behind.
package testminio
