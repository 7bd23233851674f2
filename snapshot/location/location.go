package location

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Ext is the name ending of a snapshot; List returns only names with it.
const Ext = ".zmsnap"

// Location is a file or an S3 object (or, for List, a folder or an S3
// prefix). Exactly one of Path and Bucket is set.
type Location struct {
	// Bucket is the S3 bucket; empty for a file.
	Bucket string
	// Key is the S3 object's key, without a leading slash. For List it is
	// the prefix, read as a folder ("" is the whole bucket).
	Key string
	// Path is the file (or folder) path; empty for S3.
	Path string
}

// IsS3 says whether l is in S3.
func (l Location) IsS3() bool { return l.Bucket != "" }

// String gives the location back in the form Parse reads: s3://bucket/key,
// or the file path (without file://).
func (l Location) String() string {
	if l.IsS3() {
		return "s3://" + l.Bucket + "/" + l.Key
	}
	return l.Path
}

// Join returns the location named name inside l, a folder or an S3 prefix:
// where Create writes a new snapshot of a given name next to those List
// finds.
func (l Location) Join(name string) Location {
	if l.IsS3() {
		k := l.Key
		if k != "" && !strings.HasSuffix(k, "/") {
			k += "/"
		}
		return Location{Bucket: l.Bucket, Key: k + name}
	}
	return Location{Path: filepath.Join(l.Path, name)}
}

// Name is the last element of the location: the file or object name.
func (l Location) Name() string {
	if l.IsS3() {
		return path.Base(l.Key)
	}
	return filepath.Base(l.Path)
}

// Parse reads a location that names one snapshot: s3://bucket/key, or a
// file path, with or without file://. Errors name what is wrong.
func Parse(s string) (Location, error) {
	l, err := parse(s)
	if err != nil {
		return Location{}, err
	}
	if l.IsS3() {
		switch {
		case l.Key == "":
			return Location{}, fmt.Errorf("location %q: no key after the bucket (want s3://bucket/key)", s)
		case strings.HasSuffix(l.Key, "/"):
			return Location{}, fmt.Errorf("location %q: the key ends in /, which names a prefix, not an object", s)
		}
	} else if strings.HasSuffix(l.Path, "/") {
		return Location{}, fmt.Errorf("location %q: the path ends in /, which names a folder, not a file", s)
	}
	return l, nil
}

// ParseDir reads a location that names a folder or an S3 prefix, for List:
// s3://bucket, s3://bucket/, s3://bucket/some/prefix (a trailing slash or
// none), or a folder path with or without file://.
func ParseDir(s string) (Location, error) { return parse(s) }

func parse(s string) (Location, error) {
	if s == "" {
		return Location{}, errors.New("location: empty (want s3://bucket/key or a file path)")
	}
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok || strings.ContainsAny(scheme, "/\\") {
		return Location{Path: s}, nil // a path with "://" further on is still a path
	}
	switch strings.ToLower(scheme) {
	case "file":
		if rest == "" {
			return Location{}, fmt.Errorf("location %q: no path after file://", s)
		}
		return Location{Path: rest}, nil
	case "s3":
	default:
		return Location{}, fmt.Errorf("location %q: unknown scheme %q (want s3://bucket/key or a file path)", s, scheme)
	}
	bucket, key, _ := strings.Cut(rest, "/")
	if bucket == "" {
		return Location{}, fmt.Errorf("location %q: no bucket after s3:// (want s3://bucket/key)", s)
	}
	if err := checkBucket(bucket); err != nil {
		return Location{}, fmt.Errorf("location %q: bucket %q: %w", s, bucket, err)
	}
	if !utf8.ValidString(key) {
		return Location{}, fmt.Errorf("location %q: the key is not valid UTF-8", s)
	}
	if len(key) > 1024 {
		return Location{}, fmt.Errorf("location %q: the key is %d bytes long; S3 allows 1024", s, len(key))
	}
	return Location{Bucket: bucket, Key: key}, nil
}

// checkBucket applies S3's rules for bucket names, which MinIO follows too:
// 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending
// with a letter or digit.
func checkBucket(b string) error {
	if len(b) < 3 || len(b) > 63 {
		return fmt.Errorf("%d characters long; a bucket name has 3 to 63", len(b))
	}
	for _, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return fmt.Errorf("%q is not allowed; a bucket name has lowercase letters, digits, dots and hyphens", c)
		}
	}
	if alnum := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }; !alnum(b[0]) || !alnum(b[len(b)-1]) {
		return errors.New("a bucket name starts and ends with a letter or digit")
	}
	return nil
}

// Writer is a snapshot being written: see Create.
type Writer interface {
	// Write, Close: Close makes the snapshot appear at its location, whole,
	// and returns nil only if it did.
	io.WriteCloser
	// Abort throws away what was written: the snapshot does not appear, and
	// Close and Write return an error wrapping err (a generic one if err is
	// nil). It returns once the partial output is gone. After a successful
	// Close it does nothing; it may be called more than once.
	Abort(err error)
}

// ErrAborted is what Close and Write return (wrapped) after Abort(nil).
var ErrAborted = errors.New("aborted")

// Create starts writing a snapshot to loc. Nothing appears at loc until the
// Writer's Close returns nil; cancelling ctx before then fails the Writer
// and throws away what was written. opts is used for S3 only.
func Create(ctx context.Context, loc Location, opts S3Options) (Writer, error) {
	if err := loc.checkObject(); err != nil {
		return nil, fmt.Errorf("location: create: %w", err)
	}
	if loc.IsS3() {
		return createS3(ctx, loc, opts)
	}
	return createFile(ctx, loc)
}

// Open opens the snapshot at loc for reading and returns its size in bytes,
// -1 if unknown. A missing file or object gives an error that
// errors.Is(err, fs.ErrNotExist). An S3 stream stays tied to ctx.
func Open(ctx context.Context, loc Location, opts S3Options) (io.ReadCloser, int64, error) {
	if err := loc.checkObject(); err != nil {
		return nil, -1, fmt.Errorf("location: open: %w", err)
	}
	if loc.IsS3() {
		return openS3(ctx, loc, opts)
	}
	return openFile(ctx, loc)
}

// List returns the snapshots (names ending in Ext) directly in the folder
// or S3 prefix dir, sorted by name. A missing folder gives an error that
// errors.Is(err, fs.ErrNotExist); an S3 prefix with nothing under it is
// merely empty, as S3 has no folders.
func List(ctx context.Context, dir Location, opts S3Options) ([]Location, error) {
	switch {
	case dir.IsS3():
		return listS3(ctx, dir, opts)
	case dir.Path == "":
		return nil, errors.New("location: list: an empty location")
	}
	return listFile(ctx, dir)
}

// checkObject refuses a Location that cannot name one snapshot (a zero
// value, or one from ParseDir).
func (l Location) checkObject() error {
	switch {
	case l.IsS3() && (l.Key == "" || strings.HasSuffix(l.Key, "/")):
		return fmt.Errorf("%s names an S3 prefix, not an object", l)
	case !l.IsS3() && l.Path == "":
		return errors.New("an empty location")
	}
	return nil
}
