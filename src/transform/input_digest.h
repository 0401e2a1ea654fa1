// The fingerprints of the bytes an input returned, for the manifest.
//
// Contract:
// - Update() is fed every byte a RawInput returns, in order.
// - CRC-32 always: zlib's crc32() (the gzip polynomial, as Parquet's page
//   checksums; parquet::Crc32Update, folded with carry-less multiply, about
//   6.3 GB/s per core here). It tells a changed or damaged snapshot from the
//   one a lake was made from.
// - SHA-256 only when asked (EnableSha256() before the first Update;
//   OpenSSL EVP): about 1.3 GB/s per core here, a tenth of a full-scale
//   transform's CPU, for a fingerprint to match against a published digest.
// - Errors: EnableSha256() fails only if OpenSSL cannot set SHA-256 up.
// - Not thread-safe; owned by the one reader of its input. Not copyable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/status.h"

namespace arxivflow::transform {

class InputDigest {
 public:
  InputDigest() = default;
  ~InputDigest();
  InputDigest(const InputDigest&) = delete;
  InputDigest& operator=(const InputDigest&) = delete;

  Status EnableSha256();
  bool sha256_enabled() const { return md_ctx_ != nullptr; }

  void Update(const char* data, size_t n);

  // zlib's crc32() of the bytes so far, as 8 lowercase hex digits.
  std::string Crc32Hex() const;
  // Hex SHA-256 of the bytes so far; "" when not enabled. Call once, at the end.
  std::string FinishSha256();

 private:
  uint32_t crc_ = 0;
  void* md_ctx_ = nullptr;  // EVP_MD_CTX*, when enabled
};

}  // namespace arxivflow::transform
