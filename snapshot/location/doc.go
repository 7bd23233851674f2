// Package location opens the place where a snapshot of the name database
// lives — a local file or an S3 object — as a stream.
//
// # Where it sits
//
// Package snapshot encodes the database into a stream and decodes it back;
// it does not care where the bytes go. This package is the other half: a
// snapshot is written to [Create], and a mirror that bootstraps from one
// reads it from [Open], usually after [List] has picked the newest snapshot
// of a bucket or a folder. Nothing here knows the snapshot format except its name ending,
// [Ext].
//
// # Locations
//
// A location is written as a string, as a user gives it on the command line
// or in a config file:
//
//	s3://bucket/key/with/slashes.zmsnap   an S3 object
//	/var/lib/zonemirror/snap.zmsnap       a file (relative paths too)
//	file:///var/lib/zonemirror/snap.zmsnap  the same file
//
// [Parse] reads one that names a single snapshot; [ParseDir] reads one that
// names a folder or an S3 prefix (s3://bucket and s3://bucket/ are the whole
// bucket), for [List]. [Location.String] gives the string back; the two
// round-trip. Only the s3:// and file:// schemes are known: any other
// "scheme://" is refused rather than taken for a relative path, since it is
// surely a mistake.
//
// # Writing
//
// [Create] returns a [Writer]. Nothing appears at the location until Close
// returns nil, and then the whole stream is there: readers never see a
// half-written snapshot.
//
//   - A file is written to a temporary file (".NAME.tmp-RANDOM") in the same
//     folder, synced, and renamed into place on Close. The folder is made
//     if it is missing. A failed write, Abort, or a cancelled context (seen
//     at the next Write or Close) removes the temporary file.
//   - An S3 object is sent as a streaming multipart upload (the SDK's
//     transfermanager) fed through an io.Pipe: parts of [PartSize] bytes, at
//     most [Concurrency] of them in flight, so memory stays bounded at a few
//     parts whatever the size of the stream. S3 makes the object visible only
//     when the upload is completed, which Close does; a failure or Abort
//     aborts the multipart upload so its parts are not kept (and billed). A
//     stream shorter than one part is sent with a single PutObject. With
//     8 MiB parts and S3's limit of 10,000 parts, a stream may be up to
//     about 78 GiB.
//
// Abort(err) is how a producer that failed half-way says so: it throws the
// partial output away and makes Close return an error wrapping err. A
// deferred Abort after a successful Close does nothing, so
//
//	w, err := location.Create(ctx, loc, opts)
//	if err != nil { ... }
//	defer w.Abort(errors.New("snapshot not finished"))
//	if err := snapshot.Write(ctx, w, db); err != nil { return err }
//	return w.Close()
//
// is the pattern.
//
// If the process dies mid-upload, S3 keeps the parts of the unfinished
// upload until a lifecycle rule (AbortIncompleteMultipartUpload) removes
// them; buckets that receive snapshots should have one.
//
// # Reading
//
// [Open] returns the stream and its size (-1 if unknown). A missing file or
// S3 object gives an error for which errors.Is(err, fs.ErrNotExist) holds; a
// missing bucket does not (it is a configuration error, not a missing
// snapshot). An S3 stream reads from the GetObject response, whose body
// stays tied to the context given to Open.
//
// [List] lists the snapshots (names ending in [Ext]) directly in a folder
// or under an S3 prefix — not in subfolders — sorted by name, so that the
// last one is the newest when names sort by time or height.
//
// # Reaching S3
//
// [S3Options] says how to reach S3. Every empty field falls back to the
// standard AWS chain: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
// AWS_SESSION_TOKEN, AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_S3 and
// AWS_ENDPOINT_URL, the shared config and credentials files, then the
// container and instance roles. The region defaults to us-east-1. MinIO and
// most other S3 servers need PathStyle. As in the s3 storage driver
// (plugins/s3), request checksums are computed only when an operation
// requires them, which every S3-compatible server accepts.
package location
