// Package s3client is how zonemirror reaches S3 (AWS, or MinIO and other
// S3-compatible servers): the client the s3 storage driver and snapshot
// locations both use, and what an S3 error means (a missing object, the
// service's error code).
package s3client

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// Options say how to reach S3; empty fields take the AWS environment's
// (AWS_ACCESS_KEY_ID…, AWS_ENDPOINT_URL_S3, the shared config files).
type Options struct {
	// Endpoint is the S3 API's base URL (MinIO: http://127.0.0.1:9000).
	Endpoint string
	// Region defaults to the environment's, else us-east-1.
	Region string
	// PathStyle addresses the bucket in the path (MinIO wants it).
	PathStyle bool
	// Static credentials (all empty: the usual AWS chain), and the shared
	// config profile.
	AccessKeyID, SecretAccessKey, SessionToken string
	Profile                                    string
	// WhenSupported computes request checksums and validates response
	// ones whenever the SDK can (AWS, and servers that know the CRC
	// headers); the default is only when an operation requires them,
	// which every S3-compatible server accepts.
	WhenSupported bool
	// Retryer, when set, replaces the SDK's default retryer.
	Retryer func() aws.Retryer
}

// New makes the client.
func New(ctx context.Context, o Options) (*s3.Client, error) {
	reqSum, respSum := aws.RequestChecksumCalculationWhenRequired, aws.ResponseChecksumValidationWhenRequired
	if o.WhenSupported {
		reqSum, respSum = aws.RequestChecksumCalculationWhenSupported, aws.ResponseChecksumValidationWhenSupported
	}
	load := []func(*config.LoadOptions) error{
		config.WithRequestChecksumCalculation(reqSum),
		config.WithResponseChecksumValidation(respSum),
	}
	if o.Retryer != nil {
		load = append(load, config.WithRetryer(o.Retryer))
	}
	if o.Region != "" {
		load = append(load, config.WithRegion(o.Region))
	}
	if o.Profile != "" {
		load = append(load, config.WithSharedConfigProfile(o.Profile))
	}
	if o.AccessKeyID != "" {
		load = append(load, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(o.AccessKeyID, o.SecretAccessKey, o.SessionToken)))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, fmt.Errorf("loading the AWS config: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	return s3.NewFromConfig(cfg, func(so *s3.Options) {
		if o.Endpoint != "" {
			so.BaseEndpoint = aws.String(o.Endpoint)
		}
		so.UsePathStyle = o.PathStyle
	}), nil
}

// NotFound says whether err is a missing object (not a missing bucket,
// which is a configuration error).
func NotFound(err error) bool {
	var nsk *types.NoSuchKey
	var nf *types.NotFound
	if errors.As(err, &nsk) || errors.As(err, &nf) {
		return true
	}
	var re *awshttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound && APICode(err) != "NoSuchBucket"
}

// APICode is the service's error code of err ("" if it has none).
func APICode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}
