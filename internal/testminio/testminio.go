package testminio

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/zonemirror/zonemirror/internal/testdir"

	"github.com/zonemirror/zonemirror/internal/procstart"
	"github.com/zonemirror/zonemirror/internal/toolbin"
)

// Server is a running MinIO.
type Server struct {
	// Endpoint is the S3 API's base URL, http://127.0.0.1:PORT.
	Endpoint string
	// AccessKey and SecretKey are the root credentials.
	AccessKey, SecretKey string
	// Region is the region MinIO answers for.
	Region string

	cmd  *exec.Cmd
	done chan struct{}
	logs *bytes.Buffer
}

// Binary returns the path of the pinned MinIO, building it on first use.
func Binary() (string, error) { return toolbin.Path("minio") }

// freePort returns a port that was free on 127.0.0.1 a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Start starts a MinIO for t and stops it when t ends. It fails t, saying
// why, if MinIO cannot be built or does not come up.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := Binary()
	if err != nil {
		t.Fatal(err)
	}
	dir := testdir.Mem(t) // tmpfs where there is one: tests are not bound by fsync on a shared disk
	var last error
	for try := 0; try < 3; try++ { // a port taken between freePort and bind: try again
		s, err := start(bin, filepath.Join(dir, fmt.Sprint(try)))
		if err == nil {
			t.Cleanup(s.Stop)
			return s
		}
		last = err
	}
	t.Fatalf("testminio: MinIO did not start: %v", last)
	return nil
}

func start(bin, dir string) (*Server, error) {
	api, err := freePort()
	if err != nil {
		return nil, err
	}
	console, err := freePort()
	if err != nil {
		return nil, err
	}
	key := make([]byte, 12)
	_, _ = rand.Read(key)
	s := &Server{
		Endpoint:  fmt.Sprintf("http://127.0.0.1:%d", api),
		AccessKey: "zonemirror-test",
		SecretKey: hex.EncodeToString(key),
		Region:    "us-east-1",
		done:      make(chan struct{}),
		logs:      &bytes.Buffer{},
	}
	s.cmd = exec.Command(bin, "server", filepath.Join(dir, "data"),
		"--address", fmt.Sprintf("127.0.0.1:%d", api),
		"--console-address", fmt.Sprintf("127.0.0.1:%d", console),
		"--certs-dir", filepath.Join(dir, "certs"), "--quiet")
	s.cmd.Env = append(os.Environ(),
		"MINIO_ROOT_USER="+s.AccessKey, "MINIO_ROOT_PASSWORD="+s.SecretKey,
		"MINIO_BROWSER=off", "MINIO_UPDATE=off", "MINIO_REGION="+s.Region, "HOME="+dir)
	s.cmd.Stdout, s.cmd.Stderr = s.logs, s.logs
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := procstart.Do(s.cmd.Start); err != nil {
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	go func() { _ = s.cmd.Wait(); close(s.done) }()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return nil, fmt.Errorf("minio exited: %s", s.logs.String())
		default:
		}
		resp, err := http.Get(s.Endpoint + "/minio/health/live")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.Stop()
	return nil, fmt.Errorf("minio not live after 60 s: %s", s.logs.String())
}

// Stop stops the server (SIGTERM, then SIGKILL after 5 s).
func (s *Server) Stop() {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// Kill stops the server at once (SIGKILL), as an outage would.
func (s *Server) Kill() {
	_ = s.cmd.Process.Kill()
	<-s.done
}

// Client returns an S3 client for the server (path-style, root
// credentials).
func (s *Server) Client() *s3.Client {
	return s3.New(s3.Options{
		BaseEndpoint: aws.String(s.Endpoint),
		Region:       s.Region,
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, ""),
	})
}

// CreateBucket creates a bucket, failing t on error.
func (s *Server) CreateBucket(t testing.TB, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := s.Client().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("testminio: create bucket %s: %v", name, err)
	}
}

// DriverConfig returns the s3 driver's config for bucket and prefix on
// this server, as a JSON-ready map.
func (s *Server) DriverConfig(bucket, prefix string) map[string]any {
	return map[string]any{
		"endpoint": s.Endpoint, "region": s.Region, "path_style": true,
		"bucket": bucket, "prefix": prefix,
		"access_key_id": s.AccessKey, "secret_access_key": s.SecretKey,
		"max_attempts": 2, "max_backoff": "100ms",
	}
}
