#!/usr/bin/env bash
# Regenerates the Go code of the storage-driver protocol (driver.proto) with
# the generators pinned in tools/go.mod (protoc-gen-go, protoc-gen-go-grpc)
# and protoc from Debian's protobuf-compiler, installed here if missing.
# Run from anywhere: `make proto` or `bash plugins/proto/gen.sh`.
set -euo pipefail
cd "$(dirname "$0")/../.."
export GOTOOLCHAIN=local

if ! command -v protoc >/dev/null 2>&1; then
	echo "protoc not found: installing Debian's protobuf-compiler" >&2
	SUDO=""
	if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
	$SUDO apt-get install -y protobuf-compiler >/dev/null ||
		{ $SUDO apt-get update >/dev/null && $SUDO apt-get install -y protobuf-compiler >/dev/null; }
fi

# Build the pinned generators into Go's cache; -n prints their paths.
gen_go="$(go tool -modfile=tools/go.mod -n protoc-gen-go)"
gen_grpc="$(go tool -modfile=tools/go.mod -n protoc-gen-go-grpc)"

protoc \
	--plugin=protoc-gen-go="$gen_go" \
	--plugin=protoc-gen-go-grpc="$gen_grpc" \
	--proto_path=plugins/proto \
	--go_out=plugins/proto --go_opt=paths=source_relative \
	--go-grpc_out=plugins/proto --go-grpc_opt=paths=source_relative \
	driver.proto
echo "regenerated plugins/proto/driver.pb.go and driver_grpc.pb.go ($(protoc --version))"
