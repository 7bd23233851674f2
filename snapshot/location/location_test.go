package location

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zonemirror/zonemirror/internal/s3client"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/zonemirror/zonemirror/internal/testminio"
)

func TestParse(t *testing.T) {
	good := []struct {
		in   string
		want Location
		str  string
	}{
		{"s3://snaps/key", Location{Bucket: "snaps", Key: "key"}, "s3://snaps/key"},
		{"s3://my.bucket-1/a/b/c/000123.zmsnap", Location{Bucket: "my.bucket-1", Key: "a/b/c/000123.zmsnap"}, "s3://my.bucket-1/a/b/c/000123.zmsnap"},
		{"S3://snaps/k", Location{Bucket: "snaps", Key: "k"}, "s3://snaps/k"},
		{"s3://snaps//double", Location{Bucket: "snaps", Key: "/double"}, "s3://snaps//double"},
		{"/var/lib/zm/snap.zmsnap", Location{Path: "/var/lib/zm/snap.zmsnap"}, "/var/lib/zm/snap.zmsnap"},
		{"snap.zmsnap", Location{Path: "snap.zmsnap"}, "snap.zmsnap"},
		{"./dir/snap.zmsnap", Location{Path: "./dir/snap.zmsnap"}, "./dir/snap.zmsnap"},
		{"file:///var/lib/zm/snap.zmsnap", Location{Path: "/var/lib/zm/snap.zmsnap"}, "/var/lib/zm/snap.zmsnap"},
		{"file://rel/snap.zmsnap", Location{Path: "rel/snap.zmsnap"}, "rel/snap.zmsnap"},
		{"dir/a://b", Location{Path: "dir/a://b"}, "dir/a://b"},
	}
	for _, c := range good {
		l, err := Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if l != c.want || l.String() != c.str {
			t.Errorf("Parse(%q) = %+v (%q), want %+v (%q)", c.in, l, l, c.want, c.str)
		}
		if again, err := Parse(l.String()); err != nil || again != l {
			t.Errorf("Parse(%q) again = %+v, %v; want %+v", l.String(), again, err, l)
		}
		if l.IsS3() != strings.HasPrefix(c.str, "s3://") {
			t.Errorf("Parse(%q).IsS3() = %v", c.in, l.IsS3())
		}
	}

	bad := []struct{ in, err string }{
		{"", "location: empty (want s3://bucket/key or a file path)"},
		{"s3://", `location "s3://": no bucket after s3:// (want s3://bucket/key)`},
		{"s3:///key", `location "s3:///key": no bucket after s3:// (want s3://bucket/key)`},
		{"s3://snaps", `location "s3://snaps": no key after the bucket (want s3://bucket/key)`},
		{"s3://snaps/", `location "s3://snaps/": no key after the bucket (want s3://bucket/key)`},
		{"s3://snaps/dir/", `location "s3://snaps/dir/": the key ends in /, which names a prefix, not an object`},
		{"s3://ab/k", `location "s3://ab/k": bucket "ab": 2 characters long; a bucket name has 3 to 63`},
		{"s3://" + strings.Repeat("b", 64) + "/k", `bucket "` + strings.Repeat("b", 64) + `": 64 characters long; a bucket name has 3 to 63`},
		{"s3://My_Bucket/k", `location "s3://My_Bucket/k": bucket "My_Bucket": 'M' is not allowed; a bucket name has lowercase letters, digits, dots and hyphens`},
		{"s3://-snaps/k", `bucket "-snaps": a bucket name starts and ends with a letter or digit`},
		{"s3://snaps/" + strings.Repeat("k", 1025), "the key is 1025 bytes long; S3 allows 1024"},
		{"s3://snaps/\xff", "the key is not valid UTF-8"},
		{"gs://snaps/k", `location "gs://snaps/k": unknown scheme "gs" (want s3://bucket/key or a file path)`},
		{"https://example.com/snap.zmsnap", `unknown scheme "https"`},
		{"file://", `location "file://": no path after file://`},
		{"/var/lib/zm/", `location "/var/lib/zm/": the path ends in /, which names a folder, not a file`},
	}
	for _, c := range bad {
		l, err := Parse(c.in)
		if err == nil {
			t.Errorf("Parse(%q) = %+v, want an error", c.in, l)
			continue
		}
		if !strings.Contains(err.Error(), c.err) {
			t.Errorf("Parse(%q): %q, want it to contain %q", c.in, err, c.err)
		}
	}
}

func TestParseDirJoinName(t *testing.T) {
	cases := []struct {
		in   string
		want Location
		join string // Join("x.zmsnap").String()
	}{
		{"s3://snaps", Location{Bucket: "snaps"}, "s3://snaps/x.zmsnap"},
		{"s3://snaps/", Location{Bucket: "snaps"}, "s3://snaps/x.zmsnap"},
		{"s3://snaps/daily", Location{Bucket: "snaps", Key: "daily"}, "s3://snaps/daily/x.zmsnap"},
		{"s3://snaps/daily/", Location{Bucket: "snaps", Key: "daily/"}, "s3://snaps/daily/x.zmsnap"},
		{"/srv/snaps", Location{Path: "/srv/snaps"}, "/srv/snaps/x.zmsnap"},
		{"/srv/snaps/", Location{Path: "/srv/snaps/"}, "/srv/snaps/x.zmsnap"},
		{"file://snaps", Location{Path: "snaps"}, "snaps/x.zmsnap"},
	}
	for _, c := range cases {
		l, err := ParseDir(c.in)
		if err != nil || l != c.want {
			t.Errorf("ParseDir(%q) = %+v, %v; want %+v", c.in, l, err, c.want)
			continue
		}
		j := l.Join("x.zmsnap")
		if j.String() != c.join || j.Name() != "x.zmsnap" {
			t.Errorf("ParseDir(%q).Join = %q (name %q), want %q", c.in, j, j.Name(), c.join)
		}
		if _, err := Parse(j.String()); err != nil {
			t.Errorf("Parse(%q): %v", j, err)
		}
	}
	for _, s := range []string{"", "s3://", "s3://x/", "ftp://h/p"} {
		if l, err := ParseDir(s); err == nil {
			t.Errorf("ParseDir(%q) = %+v, want an error", s, l)
		}
	}
	// A Location from ParseDir does not name an object.
	for _, s := range []string{"s3://snaps", "s3://snaps/daily/"} {
		l, _ := ParseDir(s)
		if _, err := Create(context.Background(), l, S3Options{}); err == nil || !strings.Contains(err.Error(), "names an S3 prefix, not an object") {
			t.Errorf("Create(%q): %v, want a refusal", s, err)
		}
		if _, _, err := Open(context.Background(), l, S3Options{}); err == nil || !strings.Contains(err.Error(), "names an S3 prefix, not an object") {
			t.Errorf("Open(%q): %v, want a refusal", s, err)
		}
	}
	if _, err := Create(context.Background(), Location{}, S3Options{}); err == nil {
		t.Error("Create of the zero Location succeeded")
	}
}

// stream writes size pseudo-random bytes (from seed) to w in writes of 1
// to 4,096 bytes, and returns their SHA-256.
func stream(t *testing.T, w io.Writer, seed uint64, size int) [32]byte {
	t.Helper()
	rng := rand.New(rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8)}))
	h := sha256.New()
	buf := make([]byte, 4096)
	for left := size; left > 0; {
		n := min(left, 1+rng.IntN(len(buf)))
		for i := range buf[:n] {
			buf[i] = byte(rng.Uint32())
		}
		if _, err := w.Write(buf[:n]); err != nil {
			t.Fatalf("write at %d: %v", size-left, err)
		}
		h.Write(buf[:n])
		left -= n
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

// readAll opens loc and returns the SHA-256 of its content, its length and
// the size Open reported.
func readAll(t *testing.T, ctx context.Context, loc Location, opts S3Options) (sum [32]byte, n, size int64) {
	t.Helper()
	r, size, err := Open(ctx, loc, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", loc, err)
	}
	defer r.Close()
	h := sha256.New()
	n, err = io.Copy(h, r)
	if err != nil {
		t.Fatalf("reading %s: %v", loc, err)
	}
	copy(sum[:], h.Sum(nil))
	return sum, n, size
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

func TestFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()

	t.Run("RoundTrip", func(t *testing.T) {
		loc, err := Parse("file://" + filepath.Join(dir, "rt", "a.zmsnap")) // the folder is made
		if err != nil {
			t.Fatal(err)
		}
		w, err := Create(ctx, loc, S3Options{})
		if err != nil {
			t.Fatal(err)
		}
		const size = 3<<20 + 17
		sum := stream(t, w, 1, size)
		if got := names(t, filepath.Dir(loc.Path)); len(got) != 1 || !strings.HasPrefix(got[0], ".a.zmsnap.tmp-") {
			t.Errorf("before Close the folder holds %q, want one temporary file", got)
		}
		if _, err := os.Stat(loc.Path); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("before Close: Stat = %v, want it missing", err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Errorf("a second Close: %v", err)
		}
		w.Abort(errors.New("late")) // does nothing after Close
		if got := names(t, filepath.Dir(loc.Path)); !slices.Equal(got, []string{"a.zmsnap"}) {
			t.Errorf("after Close the folder holds %q", got)
		}
		if fi, err := os.Stat(loc.Path); err != nil || fi.Mode().Perm() != 0o644 {
			t.Errorf("Stat = %v, %v; want mode 0644", fi, err)
		}
		got, n, sz := readAll(t, ctx, loc, S3Options{})
		if got != sum || n != size || sz != size {
			t.Errorf("read %d bytes (size %d), sum equal %v; want %d", n, sz, got == sum, size)
		}
		if _, err := w.Write([]byte("x")); err == nil {
			t.Error("Write after Close succeeded")
		}
	})

	t.Run("ReplaceIsAtomic", func(t *testing.T) {
		loc := Location{Path: filepath.Join(dir, "replace.zmsnap")}
		if err := os.WriteFile(loc.Path, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		w, err := Create(ctx, loc, S3Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(bytes.Repeat([]byte("new"), 1<<18)); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(loc.Path); string(b) != "old" {
			t.Errorf("before Close the file holds %d bytes, want the old 3", len(b))
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(loc.Path); len(b) != 3<<18 {
			t.Errorf("after Close the file holds %d bytes, want %d", len(b), 3<<18)
		}
	})

	t.Run("Abort", func(t *testing.T) {
		sub := filepath.Join(dir, "abort")
		loc := Location{Path: filepath.Join(sub, "b.zmsnap")}
		w, err := Create(ctx, loc, S3Options{})
		if err != nil {
			t.Fatal(err)
		}
		stream(t, w, 2, 1<<20)
		cause := errors.New("encoder failed")
		w.Abort(cause)
		w.Abort(nil)
		if got := names(t, sub); len(got) != 0 {
			t.Errorf("after Abort the folder holds %q", got)
		}
		if _, err := w.Write([]byte("x")); !errors.Is(err, cause) {
			t.Errorf("Write after Abort: %v, want the cause", err)
		}
		if err := w.Close(); !errors.Is(err, cause) {
			t.Errorf("Close after Abort: %v, want the cause", err)
		}
		if got := names(t, sub); len(got) != 0 {
			t.Errorf("after Close the folder holds %q", got)
		}

		w, err = Create(ctx, loc, S3Options{})
		if err != nil {
			t.Fatal(err)
		}
		w.Abort(nil)
		if err := w.Close(); !errors.Is(err, ErrAborted) {
			t.Errorf("Close after Abort(nil): %v, want ErrAborted", err)
		}
	})

	t.Run("Cancelled", func(t *testing.T) {
		sub := filepath.Join(dir, "cancel")
		cctx, cancel := context.WithCancel(ctx)
		w, err := Create(cctx, Location{Path: filepath.Join(sub, "c.zmsnap")}, S3Options{})
		if err != nil {
			t.Fatal(err)
		}
		stream(t, w, 3, 1000)
		cancel()
		if err := w.Close(); !errors.Is(err, context.Canceled) {
			t.Errorf("Close after cancel: %v, want context.Canceled", err)
		}
		if got := names(t, sub); len(got) != 0 {
			t.Errorf("the folder holds %q", got)
		}
	})

	t.Run("Missing", func(t *testing.T) {
		_, _, err := Open(ctx, Location{Path: filepath.Join(dir, "none.zmsnap")}, S3Options{})
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Open of a missing file: %v, want fs.ErrNotExist", err)
		}
		if _, _, err := Open(ctx, Location{Path: dir}, S3Options{}); err == nil || !strings.Contains(err.Error(), "is a folder") {
			t.Errorf("Open of a folder: %v", err)
		}
		if _, err := List(ctx, Location{Path: filepath.Join(dir, "none")}, S3Options{}); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("List of a missing folder: %v, want fs.ErrNotExist", err)
		}
	})

	t.Run("List", func(t *testing.T) {
		sub := filepath.Join(dir, "list")
		for _, n := range []string{"002.zmsnap", "010.zmsnap", "001.zmsnap", "notes.txt", ".hidden.zmsnap", "001.zmsnap.tmp-123"} {
			if err := os.MkdirAll(sub, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(sub, n), []byte(n), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.MkdirAll(filepath.Join(sub, "folder.zmsnap", "003.zmsnap"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("010.zmsnap", filepath.Join(sub, "latest.zmsnap")); err != nil {
			t.Fatal(err)
		}
		w, err := Create(ctx, Location{Path: filepath.Join(sub, "004.zmsnap")}, S3Options{}) // in progress
		if err != nil {
			t.Fatal(err)
		}
		defer w.Abort(nil)
		d, err := ParseDir(sub)
		if err != nil {
			t.Fatal(err)
		}
		got, err := List(ctx, d, S3Options{})
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, l := range got {
			s = append(s, l.Name())
		}
		if want := []string{"001.zmsnap", "002.zmsnap", "010.zmsnap", "latest.zmsnap"}; !slices.Equal(s, want) {
			t.Errorf("List = %q, want %q", s, want)
		}
		if got[0].Path != filepath.Join(sub, "001.zmsnap") {
			t.Errorf("List()[0] = %+v", got[0])
		}
	})
}

func TestS3(t *testing.T) {
	srv := testminio.Start(t)
	srv.CreateBucket(t, "snaps")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	opts := S3Options{
		Endpoint: srv.Endpoint, Region: srv.Region, PathStyle: true,
		AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey,
	}
	client := srv.Client()
	head := func(key string) (*s3.HeadObjectOutput, error) {
		return client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("snaps"), Key: aws.String(key)})
	}
	// gone checks that key is neither an object nor an unfinished upload.
	uploads := func(t *testing.T, key string) int {
		t.Helper()
		out, err := client.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String("snaps"), Prefix: aws.String(key)})
		if err != nil {
			t.Fatal(err)
		}
		return len(out.Uploads)
	}
	gone := func(t *testing.T, key string) {
		t.Helper()
		if _, err := head(key); !s3client.NotFound(err) {
			t.Errorf("HeadObject(%s): %v, want not found", key, err)
		}
		if n := uploads(t, key); n != 0 {
			t.Errorf("%d unfinished multipart uploads of %s are left", n, key)
		}
	}

	t.Run("RoundTrip40MiB", func(t *testing.T) {
		loc, err := Parse("s3://snaps/rt/big.zmsnap")
		if err != nil {
			t.Fatal(err)
		}
		w, err := Create(ctx, loc, opts)
		if err != nil {
			t.Fatal(err)
		}
		const size = 40<<20 + 12345
		sum := stream(t, w, 4, size/2)
		// Two parts are sent by now: the object must not show yet.
		if _, err := head(loc.Key); !s3client.NotFound(err) {
			t.Errorf("HeadObject before Close: %v, want not found", err)
		}
		rest := stream(t, w, 5, size-size/2)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		w.Abort(errors.New("late")) // does nothing after Close
		out, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("snaps"), Key: aws.String(loc.Key), PartNumber: aws.Int32(1)})
		if err != nil {
			t.Fatal(err)
		}
		// 40 MiB in 8 MiB parts: 6 parts, the last 12,345 bytes.
		if pc := aws.ToInt32(out.PartsCount); pc != size/PartSize+1 {
			t.Errorf("the object has %d parts, want %d", pc, size/PartSize+1)
		}
		if etag := aws.ToString(out.ETag); !strings.HasSuffix(strings.Trim(etag, `"`), "-6") {
			t.Errorf("ETag %s is not that of a 6-part upload", etag)
		}
		r, sz, err := Open(ctx, loc, opts)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if sz != size {
			t.Errorf("Open reports %d bytes, want %d", sz, size)
		}
		h1, h2 := sha256.New(), sha256.New()
		if _, err := io.CopyN(h1, r, size/2); err != nil {
			t.Fatal(err)
		}
		if n, err := io.Copy(h2, r); err != nil || n != size-size/2 {
			t.Fatalf("read %d, %v", n, err)
		}
		if !bytes.Equal(h1.Sum(nil), sum[:]) || !bytes.Equal(h2.Sum(nil), rest[:]) {
			t.Error("the object read back differs from the stream written")
		}
	})

	t.Run("SmallAndEmpty", func(t *testing.T) {
		for _, size := range []int{0, 1, 100 << 10, PartSize} {
			loc := Location{Bucket: "snaps", Key: fmt.Sprintf("small/%d.zmsnap", size)}
			w, err := Create(ctx, loc, opts)
			if err != nil {
				t.Fatal(err)
			}
			sum := stream(t, w, 6, size)
			if err := w.Close(); err != nil {
				t.Fatalf("size %d: %v", size, err)
			}
			got, n, sz := readAll(t, ctx, loc, opts)
			if got != sum || n != int64(size) || sz != int64(size) {
				t.Errorf("size %d: read %d (size %d), sum equal %v", size, n, sz, got == sum)
			}
		}
	})

	t.Run("AbortMidUpload", func(t *testing.T) {
		loc := Location{Bucket: "snaps", Key: "abort/mid.zmsnap"}
		w, err := Create(ctx, loc, opts)
		if err != nil {
			t.Fatal(err)
		}
		stream(t, w, 7, 3*PartSize+1)
		if n := uploads(t, loc.Key); n != 1 {
			t.Errorf("%d multipart uploads in progress, want 1", n)
		}
		cause := errors.New("encoder failed")
		w.Abort(cause)
		gone(t, loc.Key)
		if _, err := w.Write([]byte("x")); !errors.Is(err, cause) {
			t.Errorf("Write after Abort: %v, want the cause", err)
		}
		if err := w.Close(); !errors.Is(err, cause) {
			t.Errorf("Close after Abort: %v, want the cause", err)
		}
		gone(t, loc.Key)
	})

	t.Run("AbortEarly", func(t *testing.T) {
		loc := Location{Bucket: "snaps", Key: "abort/early.zmsnap"}
		w, err := Create(ctx, loc, opts)
		if err != nil {
			t.Fatal(err)
		}
		stream(t, w, 8, 1000) // less than a part: nothing sent yet
		w.Abort(nil)
		if err := w.Close(); !errors.Is(err, ErrAborted) {
			t.Errorf("Close after Abort(nil): %v, want ErrAborted", err)
		}
		gone(t, loc.Key)
	})

	t.Run("Cancelled", func(t *testing.T) {
		loc := Location{Bucket: "snaps", Key: "abort/cancelled.zmsnap"}
		cctx, ccancel := context.WithCancel(ctx)
		w, err := Create(cctx, loc, opts)
		if err != nil {
			t.Fatal(err)
		}
		stream(t, w, 9, 2*PartSize+1)
		if n := uploads(t, loc.Key); n != 1 {
			t.Errorf("%d multipart uploads in progress, want 1", n)
		}
		ccancel()
		// Writes fail soon after: the cancel closes the pipe.
		var werr error
		for i := 0; i < 1000 && werr == nil; i++ {
			_, werr = w.Write(make([]byte, 64<<10))
		}
		if !errors.Is(werr, context.Canceled) {
			t.Errorf("Write after cancel: %v, want context.Canceled", werr)
		}
		if err := w.Close(); !errors.Is(err, context.Canceled) {
			t.Errorf("Close after cancel: %v, want context.Canceled", err)
		}
		gone(t, loc.Key)
	})

	t.Run("Missing", func(t *testing.T) {
		_, _, err := Open(ctx, Location{Bucket: "snaps", Key: "none.zmsnap"}, opts)
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Open of a missing key: %v, want fs.ErrNotExist", err)
		}
		_, _, err = Open(ctx, Location{Bucket: "no-such-bucket", Key: "a.zmsnap"}, opts)
		if err == nil || errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Open in a missing bucket: %v, want an error that is not fs.ErrNotExist", err)
		}
		if _, err := List(ctx, Location{Bucket: "no-such-bucket"}, opts); err == nil {
			t.Error("List of a missing bucket succeeded")
		}
		w, err := Create(ctx, Location{Bucket: "no-such-bucket", Key: "a.zmsnap"}, opts)
		if err != nil {
			t.Fatal(err)
		}
		stream(t, w, 10, 100)
		if err := w.Close(); err == nil {
			t.Error("Close of an upload to a missing bucket succeeded")
		}
	})

	t.Run("List", func(t *testing.T) {
		srv.CreateBucket(t, "listing")
		for _, k := range []string{"000.zmsnap", "daily/002.zmsnap", "daily/001.zmsnap", "daily/010.zmsnap", "daily/readme.txt",
			"daily/sub/003.zmsnap", "daily-old/004.zmsnap"} {
			if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("listing"), Key: aws.String(k), Body: strings.NewReader(k)}); err != nil {
				t.Fatal(err)
			}
		}
		w, err := Create(ctx, Location{Bucket: "listing", Key: "daily/005.zmsnap"}, opts) // in progress
		if err != nil {
			t.Fatal(err)
		}
		stream(t, w, 11, 2*PartSize)
		defer w.Abort(nil)
		for _, c := range []struct {
			dir  string
			want []string
		}{
			{"s3://listing/daily", []string{"daily/001.zmsnap", "daily/002.zmsnap", "daily/010.zmsnap"}},
			{"s3://listing/daily/", []string{"daily/001.zmsnap", "daily/002.zmsnap", "daily/010.zmsnap"}},
			{"s3://listing", []string{"000.zmsnap"}},
			{"s3://listing/nothing-here", nil},
		} {
			d, err := ParseDir(c.dir)
			if err != nil {
				t.Fatal(err)
			}
			got, err := List(ctx, d, opts)
			if err != nil {
				t.Fatalf("List(%s): %v", c.dir, err)
			}
			var keys []string
			for _, l := range got {
				if l.Bucket != "listing" {
					t.Errorf("List(%s) gave %+v", c.dir, l)
				}
				keys = append(keys, l.Key)
			}
			if !slices.Equal(keys, c.want) {
				t.Errorf("List(%s) = %q, want %q", c.dir, keys, c.want)
			}
		}
	})

	// Nothing in the options: the standard AWS chain finds the endpoint,
	// the region and the credentials in the environment, then in a profile
	// of the shared files.
	t.Run("AWSChain", func(t *testing.T) {
		home := t.TempDir()
		for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION"} {
			unsetenv(t, k)
		}
		t.Setenv("AWS_CONFIG_FILE", filepath.Join(home, "config"))
		t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(home, "credentials"))
		t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
		t.Setenv("AWS_ENDPOINT_URL_S3", srv.Endpoint)
		t.Setenv("AWS_REGION", srv.Region)
		t.Setenv("AWS_ACCESS_KEY_ID", srv.AccessKey)
		t.Setenv("AWS_SECRET_ACCESS_KEY", srv.SecretKey)
		roundTrip := func(t *testing.T, o S3Options, key string) {
			t.Helper()
			loc := Location{Bucket: "snaps", Key: key}
			w, err := Create(ctx, loc, o)
			if err != nil {
				t.Fatal(err)
			}
			sum := stream(t, w, 12, 5000)
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if got, n, _ := readAll(t, ctx, loc, o); got != sum || n != 5000 {
				t.Errorf("read back %d bytes, sum equal %v", n, got == sum)
			}
		}
		t.Run("Env", func(t *testing.T) { roundTrip(t, S3Options{PathStyle: true}, "chain/env.zmsnap") })
		t.Run("Profile", func(t *testing.T) {
			for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL_S3", "AWS_REGION"} {
				unsetenv(t, k)
			}
			cfg := "[profile snap]\nregion = " + srv.Region + "\nendpoint_url = " + srv.Endpoint + "\n"
			creds := "[snap]\naws_access_key_id = " + srv.AccessKey + "\naws_secret_access_key = " + srv.SecretKey + "\n"
			if err := os.WriteFile(filepath.Join(home, "config"), []byte(cfg), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(home, "credentials"), []byte(creds), 0o600); err != nil {
				t.Fatal(err)
			}
			roundTrip(t, S3Options{PathStyle: true, Profile: "snap"}, "chain/profile.zmsnap")
		})
		t.Run("BadSecret", func(t *testing.T) {
			o := opts
			o.SecretAccessKey = "wrong"
			if _, _, err := Open(ctx, Location{Bucket: "snaps", Key: "chain/env.zmsnap"}, o); err == nil || errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Open with a wrong secret: %v", err)
			}
		})
		t.Run("HalfCredentials", func(t *testing.T) {
			_, err := Create(ctx, Location{Bucket: "snaps", Key: "x.zmsnap"}, S3Options{SecretAccessKey: "s"})
			if err == nil || !strings.Contains(err.Error(), "SecretAccessKey or SessionToken is set without AccessKeyID") {
				t.Errorf("Create with a secret and no key id: %v", err)
			}
		})
	})
}

// unsetenv removes k from the environment until t ends (t.Setenv can only
// set it, and the SDK tells an empty AWS_ENDPOINT_URL from a missing one).
func unsetenv(t *testing.T, k string) {
	t.Setenv(k, "")
	os.Unsetenv(k)
}
