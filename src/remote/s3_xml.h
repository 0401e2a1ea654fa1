// S3 response bodies: error documents, ListObjectsV2 pages, multipart
// upload ids, and the CompleteMultipartUpload request body.
//
// Contract: parsers take untrusted bytes (from a server) and return
// Status::Corruption on malformed input, never crash (fuzzed by
// fuzz/remote_s3_xml_fuzz.cc). Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace arxivflow::remote {

struct S3ErrorInfo {
  std::string code;        // "NoSuchBucket", "SignatureDoesNotMatch", ...
  std::string message;     // the server's sentence
  std::string resource;    // BucketName / Key / Resource, when given
  std::string request_id;
};

// Parses an <Error> document. An empty or non-XML body gives an S3ErrorInfo
// with an empty code (the caller falls back to the HTTP status).
S3ErrorInfo ParseS3Error(std::string_view body);

struct S3ObjectSummary {
  std::string key;
  uint64_t size = 0;
  std::string etag;
  std::string last_modified;
};

struct S3ListPage {
  std::vector<S3ObjectSummary> objects;
  std::vector<std::string> common_prefixes;
  bool is_truncated = false;
  std::string next_continuation_token;
};

Result<S3ListPage> ParseListObjectsV2(std::string_view body);

// <InitiateMultipartUploadResult><UploadId>...</UploadId>
Result<std::string> ParseInitiateMultipartUpload(std::string_view body);

// CompleteMultipartUpload may answer 200 with an <Error> body; this returns
// that error, or OK for a <CompleteMultipartUploadResult>.
Status CheckCompleteMultipartUpload(std::string_view body);

// <CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>..</ETag></Part>...
std::string BuildCompleteMultipartUploadBody(const std::vector<std::string>& etags);

}  // namespace arxivflow::remote
