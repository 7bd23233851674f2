// Package s3 is the s3 storage driver: records as objects in an S3 bucket
// (AWS, or any S3-compatible server such as MinIO), named prefix + the
// record's key in 40 lowercase hex. It uses aws-sdk-go-v2's s3 client with
// the endpoint, region, path-style addressing, storage class and
// credentials of its config (or the usual AWS environment and profile
// chain), retries with jittered exponential backoff, and checksums computed
// only when required by default, which both AWS and S3-compatible servers
// accept. Request bodies are bytes.Readers, seekable for signing and
// retries.
//
// Served by the host as `zonemirror driver s3`; see README.md for its
// config keys. Several mirrors may share one bucket: records are immutable
// and content-addressed, so concurrent writers of one key write the same
// bytes.
package s3
