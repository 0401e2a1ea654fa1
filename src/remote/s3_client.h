// S3 client: the object operations arxivflow needs, over HTTP(S) with AWS
// Signature V4, for AWS S3 and S3-protocol servers (s3rver, MinIO, ...).
//
// Contract:
// - Addressing: with no endpoint, AWS virtual-hosted style
//   (https://<bucket>.s3.<region>.amazonaws.com/<key>); with an endpoint
//   (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL or S3ClientOptions::endpoint),
//   path style (<endpoint>/<bucket>/<key>).
// - Every request is signed (SigV4, service "s3"); bodies are hashed into the
//   signature (x-amz-content-sha256). Secrets never appear in URLs, messages
//   or logs.
// - Retries: transport failures (refused, reset, timeout), HTTP 5xx and 429
//   are retried up to max_attempts with exponential backoff and jitter, then
//   fail with Status::Unavailable / IOError naming the operation, the
//   s3:// URI and the last cause. 4xx errors are not retried: the S3 <Error>
//   body becomes the message ("NoSuchBucket: The specified bucket does not
//   exist"). Codes: NoSuchBucket/NoSuchKey/404 -> NotFound; AccessDenied,
//   InvalidAccessKeyId, SignatureDoesNotMatch/403 -> PermissionDenied;
//   BucketAlreadyOwnedByYou/BucketAlreadyExists -> AlreadyExists.
// - GetObject streams: the body goes to a callback chunk by chunk (memory
//   bounded); if the connection drops mid-body the read resumes with a range
//   from the first undelivered byte, so the callback sees each byte once.
// - Thread-safe: an S3Client is immutable after construction and each thread
//   uses its own connection (kept alive between that thread's requests), so
//   one client may serve many threads. Calls may be made from inside a
//   GetObject callback (e.g. to stream one object into another).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "remote/aws_config.h"
#include "remote/aws_sigv4.h"
#include "remote/http_client.h"
#include "remote/s3_xml.h"

namespace arxivflow::remote {

struct S3ClientOptions {
  std::string endpoint;  // "" = AWS; else "http(s)://host[:port]" (path style)
  std::string region = "us-east-1";
  AwsCredentials credentials;
  bool force_path_style = false;
  int max_attempts = 4;           // total attempts for retryable failures
  int initial_backoff_ms = 200;   // doubled per attempt, capped at max_backoff_ms
  int max_backoff_ms = 5000;
  long connect_timeout_seconds = 10;
  long request_timeout_seconds = 900;
  // Signing time; empty = the clock (or ARXIVFLOW_AWS_FIXED_TIME).
  std::function<std::string()> amz_date;
};

// Options from the environment: endpoint, region and credentials as in
// aws_config.h; AWS_MAX_ATTEMPTS (1..20) sets max_attempts and
// ARXIVFLOW_S3_RETRY_BASE_MS the first backoff. Fails when no credentials
// are found.
Result<S3ClientOptions> S3ClientOptionsFromEnvironment(const EnvLookup& env = ProcessEnvironment());

struct S3ObjectInfo {
  uint64_t size = 0;
  std::string etag;
  std::string last_modified;
  std::string content_type;
};

// Inclusive-exclusive byte range [offset, offset + length).
struct ByteRange {
  uint64_t offset = 0;
  uint64_t length = 0;
};

class S3Client {
 public:
  explicit S3Client(S3ClientOptions options);

  const S3ClientOptions& options() const { return options_; }

  // Creates `bucket` (with a LocationConstraint outside us-east-1). An
  // existing bucket owned by the caller is AlreadyExists.
  Status CreateBucket(const std::string& bucket) const;
  // NotFound when the bucket is missing.
  Status HeadBucket(const std::string& bucket) const;
  Status DeleteBucket(const std::string& bucket) const;

  // NotFound when the object (or bucket) is missing.
  Result<S3ObjectInfo> HeadObject(const std::string& bucket, const std::string& key) const;

  // Streams the object (or `range` of it) into `on_data`.
  Status GetObject(const std::string& bucket, const std::string& key, std::optional<ByteRange> range,
                   const BodyCallback& on_data) const;
  Result<std::string> GetObjectToString(const std::string& bucket, const std::string& key,
                                        std::optional<ByteRange> range = std::nullopt) const;

  // Single-request upload (up to 5 GiB; use multipart above ~16 MiB).
  Status PutObject(const std::string& bucket, const std::string& key, std::string_view data,
                   const std::string& content_type = "application/octet-stream") const;

  // Multipart upload. Parts are numbered from 1; every part but the last must
  // be at least 5 MiB. Complete takes the parts' ETags in order.
  Result<std::string> CreateMultipartUpload(const std::string& bucket, const std::string& key) const;
  Result<std::string> UploadPart(const std::string& bucket, const std::string& key, const std::string& upload_id,
                                 int part_number, std::string_view data) const;
  Status CompleteMultipartUpload(const std::string& bucket, const std::string& key, const std::string& upload_id,
                                 const std::vector<std::string>& etags) const;
  Status AbortMultipartUpload(const std::string& bucket, const std::string& key,
                              const std::string& upload_id) const;

  // One page of ListObjectsV2 under `prefix` (no delimiter: recursive).
  Result<S3ListPage> ListObjectsV2(const std::string& bucket, const std::string& prefix,
                                   const std::string& continuation_token = "", int max_keys = 1000) const;
  // Every object under `prefix`, following continuation tokens.
  Result<std::vector<S3ObjectSummary>> ListAll(const std::string& bucket, const std::string& prefix) const;

  // Deleting a missing key succeeds (S3 semantics).
  Status DeleteObject(const std::string& bucket, const std::string& key) const;

  // The URL a request for bucket/key goes to (no query). For messages and tests.
  std::string ObjectUrl(const std::string& bucket, const std::string& key) const;

 private:
  struct Call;
  Result<HttpResponse> Execute(const Call& call, const BodyCallback& on_body = nullptr) const;
  Result<HttpResponse> ExecuteOnce(const Call& call, const BodyCallback& on_body) const;
  Status ErrorFromResponse(const Call& call, const HttpResponse& response) const;

  S3ClientOptions options_;
  std::string scheme_;
  std::string endpoint_authority_;  // host[:port] of a custom endpoint
  std::string endpoint_path_;       // path prefix of a custom endpoint ("" usually)
  bool path_style_ = false;
};

}  // namespace arxivflow::remote
