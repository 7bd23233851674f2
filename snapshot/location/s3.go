package location

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/zonemirror/zonemirror/internal/s3client"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

const (
	// PartSize is the size of the parts of an S3 upload. With S3's limit
	// of 10,000 parts it bounds a snapshot at about 78 GiB; the size of a
	// stream is not known in advance, so the part size cannot grow to fit.
	PartSize = 8 << 20
	// Concurrency is how many parts of an S3 upload are sent at once.
	// Memory held by an upload is about (Concurrency+2)*PartSize.
	Concurrency = 2
	// abortTimeout bounds the AbortMultipartUpload of a failed upload,
	// which runs on a context of its own since the upload's may be the
	// reason it failed.
	abortTimeout = 30 * time.Second
)

// S3Options says how to reach S3. Every empty field falls back to the
// standard AWS chain (environment, shared config and credentials files,
// container and instance roles).
type S3Options struct {
	// Endpoint is the S3 API's base URL, such as http://127.0.0.1:9000 for
	// a MinIO. Default: AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL, else the
	// profile's endpoint_url, else AWS's endpoint for the region.
	Endpoint string
	// Region is the bucket's region. Default: AWS_REGION, else the
	// profile's region, else us-east-1.
	Region string
	// PathStyle puts the bucket in the URL's path (host/bucket/key) rather
	// than in the host name; MinIO and most S3-compatible servers need it.
	// Default false (virtual-hosted style, as AWS prefers).
	PathStyle bool
	// AccessKeyID, SecretAccessKey and SessionToken are static credentials;
	// SessionToken only with temporary ones. Default: AWS_ACCESS_KEY_ID,
	// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, else the profile's
	// credentials, else the container or instance role.
	AccessKeyID, SecretAccessKey, SessionToken string
	// Profile is the profile of the shared config and credentials files
	// (~/.aws/config, ~/.aws/credentials). Default: AWS_PROFILE, else
	// "default".
	Profile string
}

func (o S3Options) validate() error {
	if o.AccessKeyID == "" && (o.SecretAccessKey != "" || o.SessionToken != "") {
		return errors.New("S3Options: SecretAccessKey or SessionToken is set without AccessKeyID")
	}
	if o.AccessKeyID != "" && o.SecretAccessKey == "" {
		return errors.New("S3Options: AccessKeyID is set without SecretAccessKey")
	}
	return nil
}

// NewS3Client makes the S3 client that Create, Open and List use for opts,
// the way the s3 storage driver does: checksums only when an operation
// requires them, the region defaulting to us-east-1.
func NewS3Client(ctx context.Context, opts S3Options) (*s3.Client, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	return s3client.New(ctx, s3client.Options{Endpoint: opts.Endpoint, Region: opts.Region, PathStyle: opts.PathStyle,
		AccessKeyID: opts.AccessKeyID, SecretAccessKey: opts.SecretAccessKey, SessionToken: opts.SessionToken, Profile: opts.Profile})
}

// s3Writer feeds a transfermanager upload through a pipe. Write and Close
// hold wmu (they use buf); Abort does not, so that it can stop a Write
// blocked on a stalled upload.
type s3Writer struct {
	loc    Location
	client *s3.Client
	buf    *bufio.Writer // in front of pw
	pw     *io.PipeWriter
	cancel context.CancelFunc
	stop   func() bool   // unregisters the context.AfterFunc
	done   chan struct{} // closed when UploadObject has returned
	upErr  error         // UploadObject's error; read after done

	wmu    sync.Mutex
	mu     sync.Mutex // guards err and closed
	err    error      // sticky: the first failure, or the abort
	closed bool       // Close succeeded
}

func createS3(ctx context.Context, loc Location, opts S3Options) (Writer, error) {
	client, err := NewS3Client(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("location: create %s: %w", loc, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("location: create %s: %w", loc, err)
	}
	tm := transfermanager.New(client, func(o *transfermanager.Options) {
		o.PartSizeBytes = PartSize
		// The first read buffers up to the threshold; at one part it holds
		// no more than the parts that follow.
		o.MultipartUploadThreshold = PartSize
		o.Concurrency = Concurrency
		// The transfer manager's own setting, which overrides the client's
		// and defaults to a CRC32 on every part.
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		// Without it the AbortMultipartUpload of a cancelled upload is sent
		// on the cancelled context, fails, and leaves the parts behind.
		o.FailTimeout = abortTimeout
	})
	uctx, cancel := context.WithCancel(ctx)
	pr, pw := io.Pipe()
	w := &s3Writer{
		loc: loc, client: client, pw: pw, cancel: cancel,
		buf:  bufio.NewWriterSize(pw, bufSize),
		done: make(chan struct{}),
	}
	// The upload reads the pipe without looking at its context, and a
	// Write waits for the upload: a cancelled context must break both.
	w.stop = context.AfterFunc(uctx, func() { pr.CloseWithError(context.Cause(uctx)) })
	go func() {
		defer close(w.done)
		_, err := tm.UploadObject(uctx, &transfermanager.UploadObjectInput{
			Bucket:      aws.String(loc.Bucket),
			Key:         aws.String(loc.Key),
			Body:        pr,
			ContentType: aws.String("application/octet-stream"),
		})
		if err != nil {
			// Writes still coming get the upload's error.
			pr.CloseWithError(err)
			w.upErr = err
			w.cleanUp(err)
		}
	}()
	return w, nil
}

// cleanUp makes sure a failed multipart upload is aborted. The transfer
// manager has tried already, but does not report whether it managed to;
// a second abort of an aborted upload is a cheap NoSuchUpload.
func (w *s3Writer) cleanUp(err error) {
	var mu transfermanager.MultipartUploadError
	if !errors.As(err, &mu) || mu.UploadID() == "" {
		return // a single PutObject, or no upload was created
	}
	ctx, cancel := context.WithTimeout(context.Background(), abortTimeout)
	defer cancel()
	_, aerr := w.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{
		Bucket: aws.String(w.loc.Bucket), Key: aws.String(w.loc.Key), UploadId: aws.String(mu.UploadID()),
	})
	var nsu *types.NoSuchUpload
	if aerr != nil && !errors.As(aerr, &nsu) && s3client.APICode(aerr) != "NoSuchUpload" {
		slog.Warn("location: a failed upload could not be aborted; its parts stay in the bucket until a lifecycle rule removes them",
			"location", w.loc.String(), "upload_id", mu.UploadID(), "err", aerr)
	}
}

// fail records err (if none is yet) and returns the recorded error.
func (w *s3Writer) fail(err error) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err == nil {
		w.err = err
	}
	return w.err
}

// teardown ends the upload with err and waits until it is gone.
func (w *s3Writer) teardown(err error) {
	w.pw.CloseWithError(err)
	w.cancel()
	<-w.done
	w.stop()
}

func (w *s3Writer) Write(p []byte) (int, error) {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	w.mu.Lock()
	err, closed := w.err, w.closed
	w.mu.Unlock()
	switch {
	case err != nil:
		return 0, err
	case closed:
		return 0, fmt.Errorf("location: write %s: %w", w.loc, os.ErrClosed)
	}
	n, err := w.buf.Write(p)
	if err != nil {
		err = w.fail(fmt.Errorf("location: write %s: %w", w.loc, err))
		w.teardown(err)
		return n, err
	}
	return n, nil
}

func (w *s3Writer) Close() error {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	w.mu.Lock()
	err, closed := w.err, w.closed
	w.mu.Unlock()
	switch {
	case closed:
		return nil
	case err != nil:
		w.teardown(err)
		return err
	}
	if err := w.buf.Flush(); err != nil {
		err = w.fail(fmt.Errorf("location: close %s: %w", w.loc, err))
		w.teardown(err)
		return err
	}
	w.pw.Close() // EOF: the upload sends its last part and completes
	<-w.done
	w.stop()
	w.cancel()
	if w.upErr != nil {
		return w.fail(fmt.Errorf("location: close %s: %w", w.loc, w.upErr))
	}
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	return nil
}

func (w *s3Writer) Abort(err error) {
	if err == nil {
		err = ErrAborted
	}
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	if w.err == nil {
		w.err = fmt.Errorf("location: %s: %w", w.loc, err)
	}
	err = w.err
	w.mu.Unlock()
	w.teardown(err)
}

var _ Writer = (*s3Writer)(nil)

func openS3(ctx context.Context, loc Location, opts S3Options) (io.ReadCloser, int64, error) {
	client, err := NewS3Client(ctx, opts)
	if err != nil {
		return nil, -1, fmt.Errorf("location: open %s: %w", loc, err)
	}
	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(loc.Bucket), Key: aws.String(loc.Key)})
	if err != nil {
		if s3client.NotFound(err) {
			return nil, -1, fmt.Errorf("location: open %s: %w: %w", loc, fs.ErrNotExist, err)
		}
		return nil, -1, fmt.Errorf("location: open %s: %w", loc, err)
	}
	size := int64(-1)
	if out.ContentLength != nil {
		size = *out.ContentLength
	}
	return out.Body, size, nil
}

func listS3(ctx context.Context, dir Location, opts S3Options) ([]Location, error) {
	client, err := NewS3Client(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("location: list %s: %w", dir, err)
	}
	prefix := dir.Key
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/" // a folder, not a name prefix: s3://b/snaps is not s3://b/snapshots-old
	}
	// The delimiter keeps "subfolders" out, as a folder listing does.
	p := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{
		Bucket: aws.String(dir.Bucket), Prefix: aws.String(prefix), Delimiter: aws.String("/"),
	})
	var out []Location
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("location: list %s: %w", dir, err)
		}
		for _, o := range page.Contents {
			k := aws.ToString(o.Key)
			if strings.HasSuffix(k, Ext) {
				out = append(out, Location{Bucket: dir.Bucket, Key: k})
			}
		}
	}
	// S3 lists in UTF-8 byte order already; some compatible servers may not.
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}
