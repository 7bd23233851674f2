package s3

import (
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/zonemirror/zonemirror/plugins"
)

// Config is the s3 driver's config (the `config:` keys of its tier).
type Config struct {
	// Bucket holds the records. Required; it must exist.
	Bucket string `json:"bucket"`
	// Prefix is put before every object name (prefix + 40 hex). The
	// default is "" (records at the top of the bucket).
	Prefix string `json:"prefix,omitempty"`
	// Endpoint is the S3 API's base URL, e.g. "http://127.0.0.1:9000" for
	// MinIO. The default ("") is AWS's endpoint for Region.
	Endpoint string `json:"endpoint,omitempty"`
	// Region of the bucket. The default is the region of the AWS
	// environment or profile, else "us-east-1".
	Region string `json:"region,omitempty"`
	// PathStyle addresses the bucket in the path (endpoint/bucket/key)
	// rather than the host name; MinIO and most S3-compatible servers want
	// true. The default is false.
	PathStyle bool `json:"path_style,omitempty"`
	// StorageClass of new objects, e.g. "STANDARD_IA". The default ("") is
	// the bucket's default.
	StorageClass string `json:"storage_class,omitempty"`
	// AccessKeyID and SecretAccessKey (with SessionToken, optional) are
	// static credentials. The default (all empty) is the usual AWS chain:
	// AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, the shared config and
	// credentials files (Profile), web identity, container and instance
	// roles.
	AccessKeyID     string `json:"access_key_id,omitempty"`
	SecretAccessKey string `json:"secret_access_key,omitempty"`
	SessionToken    string `json:"session_token,omitempty"`
	// Profile is the shared-config profile to use. The default is
	// AWS_PROFILE, else "default".
	Profile string `json:"profile,omitempty"`
	// Checksums selects when request checksums are computed and response
	// checksums validated: "when_required" (the default, works with AWS
	// and with S3-compatible servers that do not know the newer checksum
	// headers) or "when_supported" (the SDK's default: AWS, and servers
	// that know the CRC headers — the pinned MinIO does — but not all).
	Checksums string `json:"checksums,omitempty"`
	// MaxAttempts is how many times a request is tried (the first try
	// included) on throttling, 5xx and connection errors, with jittered
	// exponential backoff up to MaxBackoff. The defaults are 5 and "5s".
	MaxAttempts int              `json:"max_attempts,omitempty"`
	MaxBackoff  plugins.Duration `json:"max_backoff,omitempty"`
	// ReadOnly refuses Put and Delete (a shared bucket that another mirror
	// fills). The default is false.
	ReadOnly bool `json:"read_only,omitempty"`
}

// defaults fills in the defaults and validates c once, with errors that
// name the key.
func (c *Config) defaults() error {
	bad := func(key, format string, args ...any) error {
		return fmt.Errorf("%w: key %q: %s", plugins.ErrBadConfig, key, fmt.Sprintf(format, args...))
	}
	if c.Bucket == "" {
		return bad("bucket", "required")
	}
	if c.Checksums == "" {
		c.Checksums = "when_required"
	}
	if c.Checksums != "when_required" && c.Checksums != "when_supported" {
		return bad("checksums", "want when_required or when_supported, got %q", c.Checksums)
	}
	if c.StorageClass != "" && !slices.Contains(types.StorageClass("").Values(), types.StorageClass(c.StorageClass)) {
		return bad("storage_class", "%q is not an S3 storage class (%v)", c.StorageClass, types.StorageClass("").Values())
	}
	if (c.AccessKeyID == "") != (c.SecretAccessKey == "") {
		return bad("secret_access_key", "access_key_id and secret_access_key go together")
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = 5
	}
	if c.MaxAttempts < 1 || c.MaxAttempts > 20 {
		return bad("max_attempts", "want 1 to 20, got %d", c.MaxAttempts)
	}
	if c.MaxBackoff == 0 {
		c.MaxBackoff = plugins.Duration(5 * time.Second)
	}
	if c.MaxBackoff < 0 {
		return bad("max_backoff", "negative")
	}
	if len(c.Prefix) > 512 {
		return bad("prefix", "longer than 512 bytes")
	}
	return nil
}
