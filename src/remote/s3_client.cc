#include "remote/s3_client.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>

#include "remote/s3_uri.h"
#include "remote/xml_lite.h"

namespace arxivflow::remote {

struct S3Client::Call {
  std::string operation;  // "PutObject", for messages
  std::string method;
  std::string bucket;
  std::string key;
  QueryList query;
  HeaderList headers;
  std::string_view body;
  bool idempotent = true;  // safe to retry
};

namespace {

bool IsRetryableStatus(long status) { return status >= 500 || status == 429; }

Status::Code CodeFor(long http_status, const std::string& s3_code) {
  if (s3_code == "NoSuchBucket" || s3_code == "NoSuchKey" || s3_code == "NoSuchUpload") return Status::Code::kNotFound;
  if (s3_code == "AccessDenied" || s3_code == "InvalidAccessKeyId" || s3_code == "SignatureDoesNotMatch" ||
      s3_code == "ExpiredToken" || s3_code == "InvalidToken") {
    return Status::Code::kPermissionDenied;
  }
  if (s3_code == "BucketAlreadyOwnedByYou" || s3_code == "BucketAlreadyExists") return Status::Code::kAlreadyExists;
  if (s3_code == "InvalidBucketName" || s3_code == "InvalidArgument" || s3_code == "EntityTooSmall" ||
      s3_code == "InvalidPart" || s3_code == "InvalidPartOrder" || s3_code == "InvalidRange") {
    return Status::Code::kInvalidArgument;
  }
  if (http_status == 404) return Status::Code::kNotFound;
  if (http_status == 403 || http_status == 401) return Status::Code::kPermissionDenied;
  if (http_status == 409) return Status::Code::kAlreadyExists;
  if (http_status >= 500 || http_status == 429) return Status::Code::kUnavailable;
  return Status::Code::kIOError;
}

Status MakeStatus(Status::Code code, std::string msg) {
  switch (code) {
    case Status::Code::kNotFound: return Status::NotFound(std::move(msg));
    case Status::Code::kPermissionDenied: return Status::PermissionDenied(std::move(msg));
    case Status::Code::kAlreadyExists: return Status::AlreadyExists(std::move(msg));
    case Status::Code::kInvalidArgument: return Status::InvalidArgument(std::move(msg));
    case Status::Code::kUnavailable: return Status::Unavailable(std::move(msg));
    default: return Status::IOError(std::move(msg));
  }
}

std::string DefaultHint(const std::string& s3_code) {
  if (s3_code == "SignatureDoesNotMatch") return " (check the secret access key and the region)";
  if (s3_code == "InvalidAccessKeyId") return " (check the access key id)";
  if (s3_code == "AccessDenied") return " (the credentials lack permission for this bucket or key)";
  return "";
}

}  // namespace

Result<S3ClientOptions> S3ClientOptionsFromEnvironment(const EnvLookup& env) {
  S3ClientOptions o;
  o.region = ResolveAwsRegion(env);
  if (auto e = ResolveS3Endpoint(env)) o.endpoint = *e;
  AF_ASSIGN_OR_RETURN(o.credentials, LoadAwsCredentials(env));
  // AWS_MAX_ATTEMPTS as in the AWS SDKs; the backoff base only so tests of the
  // retry path stay short.
  auto positive = [&](const char* name, int max) -> std::optional<int> {
    auto v = env(name);
    if (!v || v->empty()) return std::nullopt;
    char* end = nullptr;
    const long n = std::strtol(v->c_str(), &end, 10);
    if (*end != '\0' || n < 1 || n > max) return std::nullopt;
    return static_cast<int>(n);
  };
  if (auto n = positive("AWS_MAX_ATTEMPTS", 20)) o.max_attempts = *n;
  if (auto n = positive("ARXIVFLOW_S3_RETRY_BASE_MS", 60000)) o.initial_backoff_ms = *n;
  return o;
}

S3Client::S3Client(S3ClientOptions options) : options_(std::move(options)) {
  if (options_.max_attempts < 1) options_.max_attempts = 1;
  if (!options_.endpoint.empty()) {
    auto parts = SplitUrl(options_.endpoint);
    if (parts.ok()) {
      scheme_ = parts->scheme;
      endpoint_authority_ = parts->authority;
      endpoint_path_ = parts->path;
      while (!endpoint_path_.empty() && endpoint_path_.back() == '/') endpoint_path_.pop_back();
    }
    path_style_ = true;
  } else {
    scheme_ = "https";
    path_style_ = options_.force_path_style;
  }
}

std::string S3Client::ObjectUrl(const std::string& bucket, const std::string& key) const {
  std::string host, path;
  if (!options_.endpoint.empty()) {
    host = endpoint_authority_;
    path = endpoint_path_ + "/" + bucket + (key.empty() ? "" : "/" + key);
  } else if (path_style_ || bucket.find('.') != std::string::npos) {
    host = "s3." + options_.region + ".amazonaws.com";
    path = "/" + bucket + (key.empty() ? "" : "/" + key);
  } else {
    host = bucket + ".s3." + options_.region + ".amazonaws.com";
    path = "/" + key;
  }
  return scheme_ + "://" + host + AwsUriEncode(path, true);
}

Result<HttpResponse> S3Client::ExecuteOnce(const Call& call, const BodyCallback& on_body) const {
  if (!options_.endpoint.empty() && endpoint_authority_.empty()) {
    AF_RETURN_IF_ERROR(SplitUrl(options_.endpoint).status().WithContext("S3 endpoint"));
  }
  if (options_.credentials.empty()) {
    return Status::InvalidArgument("S3 " + call.operation + ": no AWS credentials configured");
  }
  // Host and decoded path, as signed and as sent.
  std::string host, path;
  if (!options_.endpoint.empty()) {
    host = endpoint_authority_;
    path = endpoint_path_ + "/" + call.bucket + (call.key.empty() ? "" : "/" + call.key);
  } else if (path_style_ || call.bucket.find('.') != std::string::npos) {
    host = "s3." + options_.region + ".amazonaws.com";
    path = "/" + call.bucket + (call.key.empty() ? "" : "/" + call.key);
  } else {
    host = call.bucket + ".s3." + options_.region + ".amazonaws.com";
    path = "/" + call.key;
  }
  SigningInput in;
  in.method = call.method;
  in.path = path;
  in.query = call.query;
  in.headers = call.headers;
  in.headers.emplace_back("host", host);
  in.payload_sha256 = call.body.empty() ? std::string(kEmptyPayloadSha256) : Sha256Hex(call.body);
  SigningScope scope{options_.region, "s3", options_.amz_date ? options_.amz_date() : CurrentAmzDate(), false};
  AddAwsAuthHeaders(&in, scope, options_.credentials);

  HttpRequest req;
  req.method = call.method;
  req.url = scheme_ + "://" + host + CanonicalUri(path, false);
  std::string qs = CanonicalQueryString(call.query);
  if (!qs.empty()) req.url += "?" + qs;
  req.headers = std::move(in.headers);
  req.body = call.body;
  req.connect_timeout_seconds = options_.connect_timeout_seconds;
  req.timeout_seconds = options_.request_timeout_seconds;
  return SendHttp(req, on_body);
}

Status S3Client::ErrorFromResponse(const Call& call, const HttpResponse& response) const {
  S3ErrorInfo info = ParseS3Error(response.body);
  std::string target = "s3://" + call.bucket + (call.key.empty() ? "" : "/" + call.key);
  std::string msg = "S3 " + call.operation + " " + target + ": ";
  if (!info.code.empty()) {
    msg += info.code + ": " + (info.message.empty() ? "(no message)" : info.message) + DefaultHint(info.code);
  } else if (response.status == 404) {
    msg += call.key.empty() ? "NoSuchBucket: the bucket does not exist" : "NotFound: no such object or bucket";
  } else if (response.status == 403) {
    msg += "Forbidden: access denied (check the credentials)";
  } else {
    msg += "unexpected response";
  }
  msg += " (HTTP " + std::to_string(response.status);
  if (!info.request_id.empty()) msg += ", request id " + info.request_id;
  msg += ")";
  return MakeStatus(CodeFor(response.status, info.code), msg);
}

Result<HttpResponse> S3Client::Execute(const Call& call, const BodyCallback& on_body) const {
  std::mt19937 rng(std::random_device{}());
  int backoff = options_.initial_backoff_ms;
  Status last;
  int attempts = 1;
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    auto r = ExecuteOnce(call, on_body);
    if (r.ok()) {
      if (r->status >= 200 && r->status < 300) return r;
      Status err = ErrorFromResponse(call, *r);
      if (!IsRetryableStatus(r->status)) return err;
      last = err;
    } else if (r.status().code() == Status::Code::kUnavailable) {
      last = r.status();
    } else {
      return r.status();  // a callback or configuration error: not retryable
    }
    attempts = attempt;
    if (!call.idempotent || attempt == options_.max_attempts) break;
    int sleep_ms = backoff / 2 + static_cast<int>(rng() % static_cast<unsigned>(backoff / 2 + 1));
    spdlog::debug("S3 {} s3://{}/{}: attempt {} failed ({}); retrying in {} ms", call.operation, call.bucket,
                  call.key, attempt, last.message(), sleep_ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
    backoff = std::min(backoff * 2, options_.max_backoff_ms);
  }
  if (attempts == 1) return last;
  return MakeStatus(last.code(), "after " + std::to_string(attempts) + " attempts: " + last.message());
}

Status S3Client::CreateBucket(const std::string& bucket) const {
  AF_RETURN_IF_ERROR(ValidateBucketName(bucket));
  std::string body;
  if (options_.region != "us-east-1" && options_.endpoint.empty()) {
    body = "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>" +
           XmlEscape(options_.region) + "</LocationConstraint></CreateBucketConfiguration>";
  }
  Call c{"CreateBucket", "PUT", bucket, "", {}, {}, body, true};
  if (!body.empty()) c.headers.emplace_back("content-type", "application/xml");
  return Execute(c).status();
}

Status S3Client::HeadBucket(const std::string& bucket) const {
  return Execute(Call{"HeadBucket", "HEAD", bucket, "", {}, {}, {}, true}).status();
}

Status S3Client::DeleteBucket(const std::string& bucket) const {
  return Execute(Call{"DeleteBucket", "DELETE", bucket, "", {}, {}, {}, true}).status();
}

Result<S3ObjectInfo> S3Client::HeadObject(const std::string& bucket, const std::string& key) const {
  AF_ASSIGN_OR_RETURN(HttpResponse r, Execute(Call{"HeadObject", "HEAD", bucket, key, {}, {}, {}, true}));
  S3ObjectInfo info;
  std::string len = r.Header("content-length");
  info.size = len.empty() ? 0 : std::stoull(len);
  info.etag = r.Header("etag");
  info.last_modified = r.Header("last-modified");
  info.content_type = r.Header("content-type");
  return info;
}

Status S3Client::GetObject(const std::string& bucket, const std::string& key, std::optional<ByteRange> range,
                           const BodyCallback& on_data) const {
  if (range && range->length == 0) return Status::OK();
  uint64_t delivered = 0;
  BodyCallback counting = [&](std::string_view chunk) {
    delivered += chunk.size();
    return on_data(chunk);
  };
  // Retried here rather than in Execute(): after a break-off the next
  // attempt must ask only for the bytes not yet delivered.
  std::mt19937 rng(std::random_device{}());
  int backoff = options_.initial_backoff_ms;
  Status last;
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    Call c{"GetObject", "GET", bucket, key, {}, {}, {}, /*idempotent=*/false};
    if (range) {
      uint64_t first = range->offset + delivered;
      uint64_t last_byte = range->offset + range->length - 1;
      c.headers.emplace_back("range", "bytes=" + std::to_string(first) + "-" + std::to_string(last_byte));
    } else if (delivered > 0) {
      c.headers.emplace_back("range", "bytes=" + std::to_string(delivered) + "-");
    }
    auto r = Execute(c, counting);
    if (r.ok()) {
      if (range && delivered != range->length) {
        return Status::IOError("S3 GetObject s3://" + bucket + "/" + key + ": asked for bytes " +
                               std::to_string(range->offset) + ".." + std::to_string(range->offset + range->length) +
                               " but got " + std::to_string(delivered) + " bytes (object shorter?)");
      }
      return Status::OK();
    }
    last = r.status();
    if (last.code() != Status::Code::kUnavailable) return last;  // 4xx or a callback error
    if (attempt == options_.max_attempts) break;
    int sleep_ms = backoff / 2 + static_cast<int>(rng() % static_cast<unsigned>(backoff / 2 + 1));
    std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
    backoff = std::min(backoff * 2, options_.max_backoff_ms);
  }
  return MakeStatus(last.code(), "after " + std::to_string(options_.max_attempts) + " attempts: " + last.message());
}

Result<std::string> S3Client::GetObjectToString(const std::string& bucket, const std::string& key,
                                                std::optional<ByteRange> range) const {
  std::string out;
  AF_RETURN_IF_ERROR(GetObject(bucket, key, range, [&](std::string_view chunk) {
    out.append(chunk);
    return Status::OK();
  }));
  return out;
}

Status S3Client::PutObject(const std::string& bucket, const std::string& key, std::string_view data,
                           const std::string& content_type) const {
  Call c{"PutObject", "PUT", bucket, key, {}, {{"content-type", content_type}}, data, true};
  return Execute(c).status();
}

Result<std::string> S3Client::CreateMultipartUpload(const std::string& bucket, const std::string& key) const {
  Call c{"CreateMultipartUpload", "POST", bucket, key, {{"uploads", ""}}, {}, {}, false};
  AF_ASSIGN_OR_RETURN(HttpResponse r, Execute(c));
  auto id = ParseInitiateMultipartUpload(r.body);
  if (!id.ok()) return id.status().WithContext("s3://" + bucket + "/" + key);
  return id;
}

Result<std::string> S3Client::UploadPart(const std::string& bucket, const std::string& key,
                                         const std::string& upload_id, int part_number,
                                         std::string_view data) const {
  Call c{"UploadPart", "PUT", bucket, key,
         {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}}, {}, data, true};
  AF_ASSIGN_OR_RETURN(HttpResponse r, Execute(c));
  std::string etag = r.Header("etag");
  if (etag.empty()) {
    return Status::IOError("S3 UploadPart s3://" + bucket + "/" + key + " part " + std::to_string(part_number) +
                           ": response has no ETag");
  }
  return etag;
}

Status S3Client::CompleteMultipartUpload(const std::string& bucket, const std::string& key,
                                         const std::string& upload_id,
                                         const std::vector<std::string>& etags) const {
  std::string body = BuildCompleteMultipartUploadBody(etags);
  Call c{"CompleteMultipartUpload", "POST", bucket, key, {{"uploadId", upload_id}},
         {{"content-type", "application/xml"}}, body, true};
  AF_ASSIGN_OR_RETURN(HttpResponse r, Execute(c));
  Status st = CheckCompleteMultipartUpload(r.body);
  return st.WithContext("s3://" + bucket + "/" + key);
}

Status S3Client::AbortMultipartUpload(const std::string& bucket, const std::string& key,
                                      const std::string& upload_id) const {
  Call c{"AbortMultipartUpload", "DELETE", bucket, key, {{"uploadId", upload_id}}, {}, {}, true};
  return Execute(c).status();
}

Result<S3ListPage> S3Client::ListObjectsV2(const std::string& bucket, const std::string& prefix,
                                           const std::string& continuation_token, int max_keys) const {
  Call c{"ListObjectsV2", "GET", bucket, "", {{"list-type", "2"}, {"max-keys", std::to_string(max_keys)}}, {}, {}, true};
  if (!prefix.empty()) c.query.emplace_back("prefix", prefix);
  if (!continuation_token.empty()) c.query.emplace_back("continuation-token", continuation_token);
  AF_ASSIGN_OR_RETURN(HttpResponse r, Execute(c));
  auto page = ParseListObjectsV2(r.body);
  if (!page.ok()) return page.status().WithContext("s3://" + bucket + "/" + prefix);
  return page;
}

Result<std::vector<S3ObjectSummary>> S3Client::ListAll(const std::string& bucket, const std::string& prefix) const {
  std::vector<S3ObjectSummary> all;
  std::string token;
  for (int pages = 0; pages < 1000000; ++pages) {
    AF_ASSIGN_OR_RETURN(S3ListPage page, ListObjectsV2(bucket, prefix, token));
    for (auto& o : page.objects) all.push_back(std::move(o));
    if (!page.is_truncated) return all;
    if (page.next_continuation_token == token) {
      return Status::Corruption("S3 ListObjectsV2 s3://" + bucket + "/" + prefix + ": continuation token repeats");
    }
    token = page.next_continuation_token;
  }
  return Status::Aborted("S3 ListObjectsV2 s3://" + bucket + "/" + prefix + ": too many pages");
}

Status S3Client::DeleteObject(const std::string& bucket, const std::string& key) const {
  Status st = Execute(Call{"DeleteObject", "DELETE", bucket, key, {}, {}, {}, true}).status();
  if (st.code() == Status::Code::kNotFound && st.message().find("NoSuchKey") != std::string::npos) return Status::OK();
  return st;
}

}  // namespace arxivflow::remote
