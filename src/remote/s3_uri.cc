#include "remote/s3_uri.h"

namespace arxivflow::remote {

bool IsS3Uri(std::string_view text) { return text.substr(0, 5) == "s3://"; }

Status ValidateBucketName(std::string_view bucket) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("bucket name '" + std::string(bucket) + "' " + why);
  };
  if (bucket.size() < 3 || bucket.size() > 63) return bad("must be 3 to 63 characters long");
  for (char c : bucket) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) {
      return bad("may contain only lower-case letters, digits, '.' and '-'");
    }
  }
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(bucket.front()) || !alnum(bucket.back())) return bad("must start and end with a letter or digit");
  if (bucket.find("..") != std::string_view::npos) return bad("must not contain '..'");
  return Status::OK();
}

Result<S3Uri> ParseS3Uri(std::string_view uri) {
  if (!IsS3Uri(uri)) return Status::InvalidArgument("'" + std::string(uri) + "' is not an s3:// URI");
  std::string_view rest = uri.substr(5);
  size_t slash = rest.find('/');
  S3Uri out;
  out.bucket = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) out.key = std::string(rest.substr(slash + 1));
  Status st = ValidateBucketName(out.bucket);
  if (!st.ok()) return st.WithContext(std::string(uri));
  if (out.key.find('\0') != std::string::npos) {
    return Status::InvalidArgument(std::string(uri.substr(0, 5 + slash)) + ": key contains a NUL byte");
  }
  if (out.key.size() > 1024) return Status::InvalidArgument(out.bucket + ": key longer than 1024 bytes");
  return out;
}

}  // namespace arxivflow::remote
