#include "transform/input_digest.h"

#include <openssl/evp.h>

#include <string_view>

#include "parquet/page_crc.h"

namespace arxivflow::transform {

namespace {
constexpr char kHex[] = "0123456789abcdef";
}  // namespace

InputDigest::~InputDigest() {
  if (md_ctx_ != nullptr) EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(md_ctx_));
}

Status InputDigest::EnableSha256() {
  if (md_ctx_ != nullptr) return Status::OK();
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr || EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1) {
    if (ctx != nullptr) EVP_MD_CTX_free(ctx);
    return Status::Internal("SHA-256 initialisation failed");
  }
  md_ctx_ = ctx;
  return Status::OK();
}

void InputDigest::Update(const char* data, size_t n) {
  crc_ = parquet::Crc32Update(crc_, std::string_view(data, n));
  if (md_ctx_ != nullptr) EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(md_ctx_), data, n);
}

std::string InputDigest::Crc32Hex() const {
  std::string hex(8, '0');
  for (int i = 0; i < 8; ++i) hex[i] = kHex[(crc_ >> (28 - 4 * i)) & 15];
  return hex;
}

std::string InputDigest::FinishSha256() {
  if (md_ctx_ == nullptr) return "";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(md_ctx_), digest, &len);
  std::string hex;
  for (unsigned i = 0; i < len; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 15]);
  }
  return hex;
}

}  // namespace arxivflow::transform
