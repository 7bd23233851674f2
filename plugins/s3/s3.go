package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"strings"
	"time"

	"github.com/zonemirror/zonemirror/internal/s3client"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/zonemirror/zonemirror/plugins"
)

// Version is the driver's version, reported by Stat.
const Version = "1"

// Driver is the s3 driver: one object per record, named prefix + 40 hex.
type Driver struct {
	c      Config
	client *s3.Client
	logger *slog.Logger
}

var _ plugins.Driver = (*Driver)(nil)

// Open is the driver's plugins.OpenFunc.
func Open(ctx context.Context, s plugins.Setup) (plugins.Driver, error) {
	var c Config
	if err := plugins.DecodeConfig(s.Config, &c); err != nil {
		return nil, fmt.Errorf("s3 driver %q: %w", s.Name, err)
	}
	d, err := New(ctx, c, s.Logger)
	if err != nil {
		return nil, fmt.Errorf("s3 driver %q: %w", s.Name, err)
	}
	return d, nil
}

// New makes the driver. It does not need the bucket to be reachable yet
// (Stat reports that), but logs a warning when it is not.
func New(ctx context.Context, c Config, logger *slog.Logger) (*Driver, error) {
	if err := c.defaults(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.Default()
	}
	client, err := s3client.New(ctx, s3client.Options{Endpoint: c.Endpoint, Region: c.Region, PathStyle: c.PathStyle,
		AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, Profile: c.Profile,
		WhenSupported: c.Checksums == "when_supported",
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = c.MaxAttempts
				o.MaxBackoff = time.Duration(c.MaxBackoff)
				// No client-side retry quota: a mirror keeps trying its
				// tiers; the host's per-tier timeout bounds the wait.
				o.RateLimiter = ratelimit.None
			})
		}})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", plugins.ErrBadConfig, err)
	}
	d := &Driver{c: c, client: client, logger: logger}
	hctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if _, err := client.HeadBucket(hctx, &s3.HeadBucketInput{Bucket: aws.String(c.Bucket)},
		func(o *s3.Options) { o.RetryMaxAttempts = 1 }); err != nil {
		logger.Warn("bucket not reachable yet", "bucket", c.Bucket, "endpoint", c.Endpoint, "err", err)
	}
	return d, nil
}

func (d *Driver) object(k plugins.Key) *string { return aws.String(d.c.Prefix + k.String()) }

// Get implements plugins.Driver.
func (d *Driver) Get(ctx context.Context, key plugins.Key) ([]byte, error) {
	out, err := d.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(d.c.Bucket), Key: d.object(key)})
	if err != nil {
		if s3client.NotFound(err) {
			return nil, fmt.Errorf("s3 get %s: %w", key, plugins.ErrNotFound)
		}
		return nil, fmt.Errorf("s3 get %s: %w", key, classify(err, false))
	}
	defer out.Body.Close()
	var buf bytes.Buffer
	if out.ContentLength != nil && *out.ContentLength >= 0 && *out.ContentLength <= plugins.MaxValueSize {
		buf.Grow(int(*out.ContentLength))
	}
	if _, err := buf.ReadFrom(io.LimitReader(out.Body, plugins.MaxValueSize+1)); err != nil {
		return nil, fmt.Errorf("s3 get %s: reading the object: %w", key, classify(err, false))
	}
	if buf.Len() > plugins.MaxValueSize {
		return nil, fmt.Errorf("s3 get %s: %w: the object is over %d bytes", key, plugins.ErrTooLarge, plugins.MaxValueSize)
	}
	return buf.Bytes(), nil
}

// Has implements plugins.Driver.
func (d *Driver) Has(ctx context.Context, key plugins.Key) (bool, error) {
	_, err := d.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(d.c.Bucket), Key: d.object(key)})
	if err != nil {
		if s3client.NotFound(err) {
			return false, nil
		}
		return false, fmt.Errorf("s3 has %s: %w", key, classify(err, false))
	}
	return true, nil
}

// Put implements plugins.Driver. The body is a bytes.Reader: the SDK needs
// a seekable body to sign it and to retry.
func (d *Driver) Put(ctx context.Context, key plugins.Key, value []byte) error {
	if err := plugins.CheckValue(key, value); err != nil {
		return fmt.Errorf("s3 put: %w", err)
	}
	if d.c.ReadOnly {
		return fmt.Errorf("s3 put %s: %w (read_only is set)", key, plugins.ErrReadOnly)
	}
	in := &s3.PutObjectInput{
		Bucket:        aws.String(d.c.Bucket),
		Key:           d.object(key),
		Body:          bytes.NewReader(value),
		ContentLength: aws.Int64(int64(len(value))),
		ContentType:   aws.String("application/octet-stream"),
	}
	if d.c.StorageClass != "" {
		in.StorageClass = types.StorageClass(d.c.StorageClass)
	}
	if _, err := d.client.PutObject(ctx, in); err != nil {
		return fmt.Errorf("s3 put %s: %w", key, classify(err, true))
	}
	return nil
}

// Delete implements plugins.Driver.
func (d *Driver) Delete(ctx context.Context, key plugins.Key) error {
	if d.c.ReadOnly {
		return fmt.Errorf("s3 delete %s: %w (read_only is set)", key, plugins.ErrReadOnly)
	}
	_, err := d.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(d.c.Bucket), Key: d.object(key)})
	if err != nil && !s3client.NotFound(err) {
		return fmt.Errorf("s3 delete %s: %w", key, classify(err, true))
	}
	return nil
}

// List implements plugins.Driver with ListObjectsV2: S3 lists in UTF-8
// byte order, which for hex names is key order; StartAfter resumes.
func (d *Driver) List(ctx context.Context, opt plugins.ListOptions, fn func([]plugins.Key) error) error {
	in := &s3.ListObjectsV2Input{Bucket: aws.String(d.c.Bucket), Prefix: aws.String(d.c.Prefix)}
	if opt.After != nil {
		in.StartAfter = d.object(*opt.After)
	}
	left := opt.Limit
	var batch []plugins.Key
	p := s3.NewListObjectsV2Paginator(d.client, in)
	for p.HasMorePages() {
		if left > 0 && left < 1000 {
			in.MaxKeys = aws.Int32(int32(left))
		}
		page, err := p.NextPage(ctx, func(o *s3.Options) {})
		if err != nil {
			return fmt.Errorf("s3 list: %w", classify(err, false))
		}
		batch = batch[:0]
		for _, obj := range page.Contents {
			name := strings.TrimPrefix(aws.ToString(obj.Key), d.c.Prefix)
			k, err := plugins.ParseKey(name)
			if err != nil {
				continue // not a record of ours (another prefix's nested object)
			}
			batch = append(batch, k)
			if opt.Limit > 0 {
				if left--; left == 0 {
					break
				}
			}
		}
		if len(batch) > 0 {
			if err := fn(batch); err != nil {
				return err
			}
		}
		if opt.Limit > 0 && left == 0 {
			return nil
		}
	}
	return nil
}

// Allow implements plugins.Driver. The bucket is written only by hosts,
// which verify every record, so whitelist additions are not needed.
func (d *Driver) Allow(_ context.Context, keys iter.Seq[plugins.Key]) (int, error) {
	return plugins.CountKeys(keys), nil
}

// Stat implements plugins.Driver: healthy when the bucket answers
// HeadBucket. Counting objects would mean listing them all: -1.
func (d *Driver) Stat(ctx context.Context) (plugins.Status, error) {
	st := plugins.Status{
		Info:    plugins.Info{Driver: "s3", Version: Version, ReadOnly: d.c.ReadOnly},
		Healthy: true, Records: -1, Bytes: -1, FreeBytes: -1,
	}
	// One try, one second: Stat says how the bucket is now, and must answer
	// the host's health check even while S3 does not.
	hctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	_, err := d.client.HeadBucket(hctx, &s3.HeadBucketInput{Bucket: aws.String(d.c.Bucket)},
		func(o *s3.Options) { o.RetryMaxAttempts = 1 })
	if err != nil {
		st.Healthy, st.Message = false, fmt.Sprintf("bucket %s: %v", d.c.Bucket, err)
	}
	return st, nil
}

// Close implements plugins.Driver.
func (d *Driver) Close() error { return nil }

// classify wraps S3 errors in the driver error kinds. write says whether
// the request was a write (a refusal of a write is ErrReadOnly).
func classify(err error, write bool) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	switch code := s3client.APICode(err); {
	case code == "XMinioStorageFull" || code == "QuotaExceeded" || code == "EntityTooLarge":
		return fmt.Errorf("%w: %w", plugins.ErrFull, err)
	case write && (code == "AccessDenied" || code == "XMinioServerNotInitialized" || code == "XMinioAdminBucketQuotaExceeded"):
		return fmt.Errorf("%w: %w", plugins.ErrReadOnly, err)
	case code != "":
		var re *awshttp.ResponseError
		if errors.As(err, &re) && re.HTTPStatusCode() >= 500 {
			return fmt.Errorf("%w: %w", plugins.ErrUnavailable, err)
		}
		return err
	}
	// No API error: the request never got an answer (connection refused,
	// DNS, retries used up on a network error).
	return fmt.Errorf("%w: %w", plugins.ErrUnavailable, err)
}
