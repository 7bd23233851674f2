// Package driverpb is the generated Go code of the storage-driver protocol
// (driver.proto beside it): the messages and the gRPC client and server of
// service zonemirror.driver.v1.Driver. Regenerate with `make proto` (which
// runs gen.sh); never edit the .pb.go files by hand.
//
// Go drivers do not use this package directly: package plugins wraps it in
// the Driver interface and serves it over hashicorp/go-plugin.
package driverpb
