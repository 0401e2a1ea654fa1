// AWS Signature Version 4: pure functions that sign an HTTP request.
//
// Contract:
// - Everything here is a pure function of its arguments (no clock, no
//   environment, no I/O), so signing is reproducible and testable against the
//   published AWS test vectors (tests/data/aws-sig-v4-test-suite).
// - Paths and query parameters are given DECODED; the signer applies AWS's
//   URI encoding (RFC 3986 unreserved characters kept, everything else %XX,
//   upper-case hex). The caller builds the wire URL with the same encoding
//   (CanonicalUri / CanonicalQueryString), so what is signed is what is sent.
// - The secret key is only ever used as HMAC key material; it is never
//   copied into any output string. MaskAuthorization() hides a signature for
//   printing (--dry-run, logs).
// - Thread-safe (no shared state).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace arxivflow::remote {

// Access key, secret key and optional session token (STS).
struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty when not using temporary credentials
  std::string source;         // where they came from, for messages ("environment", "profile default in ~/.aws/credentials")

  bool empty() const { return access_key_id.empty() || secret_access_key.empty(); }
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;
using QueryList = std::vector<std::pair<std::string, std::string>>;

// The SHA-256 of the empty string, hex: the payload hash of a body-less request.
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
// S3 only: the body is not part of the signature (large streamed uploads).
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

struct SigningInput {
  std::string method;          // "GET", "PUT", ...
  std::string path = "/";      // decoded, starts with '/'
  QueryList query;             // decoded names and values, any order
  HeaderList headers;          // must include "host"; any case, any order, duplicates allowed
  std::string payload_sha256;  // hex SHA-256 of the body, or kUnsignedPayload
};

struct SigningScope {
  std::string region;    // "us-east-1"
  std::string service;   // "s3", "redshift", "elasticmapreduce", ...
  std::string amz_date;  // "YYYYMMDDTHHMMSSZ" (UTC); its first 8 chars are the scope date
  // Remove "." and ".." segments and collapse "//" before encoding. AWS does
  // this for every service except S3, whose keys are taken literally.
  bool normalize_path = true;
};

struct SigningResult {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;  // "host;x-amz-date"
  std::string signature;       // 64 hex chars
  std::string authorization;   // the full Authorization header value
};

// Signs `input`. Headers are used as given (the caller adds x-amz-date,
// x-amz-content-sha256 and x-amz-security-token to the request first; see
// AddAwsAuthHeaders for the usual sequence).
SigningResult SignV4(const SigningInput& input, const SigningScope& scope,
                     const AwsCredentials& credentials);

// Adds x-amz-date, x-amz-security-token (when the credentials carry one) and,
// for S3, x-amz-content-sha256 to input->headers, signs, and appends the
// Authorization header. Returns the signing result.
SigningResult AddAwsAuthHeaders(SigningInput* input, const SigningScope& scope,
                                const AwsCredentials& credentials);

// --- building blocks (exposed for tests and for callers building URLs) ---

std::string Sha256Hex(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string HexEncode(std::string_view bytes);

// AWS URI encoding: unreserved characters (A-Z a-z 0-9 - . _ ~) kept, '/'
// kept when `keep_slash`, every other byte %XX with upper-case hex.
std::string AwsUriEncode(std::string_view text, bool keep_slash);

// The canonical URI of a decoded path (encoded, normalised when asked).
std::string CanonicalUri(std::string_view path, bool normalize_path);

// "a=1&b=2": names and values encoded, sorted by name then value. Also the
// query string to put on the wire.
std::string CanonicalQueryString(const QueryList& query);

// The signing key: HMAC chain over date, region, service, "aws4_request".
std::string DeriveSigningKey(std::string_view secret_access_key, std::string_view date,
                             std::string_view region, std::string_view service);

// "AWS4-HMAC-SHA256 Credential=AKID.../..., SignedHeaders=..., Signature=abcd…(masked)":
// keeps the first 4 hex digits of the signature and the access key id.
std::string MaskAuthorization(std::string_view authorization);

// "AKIDEXAMPLE" -> "AKID*******": for messages that must say which key was used.
std::string MaskSecret(std::string_view secret, size_t keep = 4);

// Seconds since the epoch -> "YYYYMMDDTHHMMSSZ".
std::string FormatAmzDate(long long unix_seconds);

}  // namespace arxivflow::remote
