// s3://bucket/key URIs.
//
// Contract: ParseS3Uri accepts "s3://bucket" and "s3://bucket/key..." where
// the bucket follows S3's naming rules (3-63 characters of a-z 0-9 . -,
// starting and ending with a letter or digit); the key is everything after
// the first '/' (may be empty, may contain any byte but NUL). Malformed input
// is Status::InvalidArgument quoting the URI. Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace arxivflow::remote {

struct S3Uri {
  std::string bucket;
  std::string key;  // no leading '/'; "" for the bucket itself

  std::string ToString() const { return "s3://" + bucket + (key.empty() ? "" : "/" + key); }
};

bool IsS3Uri(std::string_view text);  // starts with "s3://"
Result<S3Uri> ParseS3Uri(std::string_view uri);
Status ValidateBucketName(std::string_view bucket);

}  // namespace arxivflow::remote
