// JSON Web Tokens (RFC 7519) for the API's bearer tokens: HS256 only
// (HMAC-SHA256 through OpenSSL), compact serialisation, issued by
// POST /auth/token and accepted on /api/v2 and /api/v1.
//
// Contract:
// - SignJwt() makes "<header>.<payload>.<signature>" with header
//   {"alg":"HS256","typ":"JWT"} over `claims` (any JSON object).
// - VerifyJwt() is strict and bounded: at most kMaxJwtBytes, exactly three
//   base64url parts without padding, a header whose "alg" is exactly "HS256"
//   ("none", "HS512", "RS256", a missing or non-string alg: refused), header
//   and payload JSON objects of bounded size and nesting, a signature
//   compared in constant time, "exp" and "iat" numbers, "sub" a string, now
//   before exp (a few seconds of leeway) and iat not in the future. Every
//   failure is kPermissionDenied with a short reason that never echoes the
//   token.
// - The key is at least 32 bytes. LoadOrCreateJwtKey() keeps it in a file
//   created on first use with mode 0600 (exclusively, so two processes
//   starting at once agree on one key), and refuses a key file that others
//   may read or that is too short.
// - Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace arxivflow::server {

inline constexpr size_t kMaxJwtBytes = 4096;
inline constexpr size_t kMinJwtKeyBytes = 32;

struct JwtClaims {
  std::string sub;   // the user name
  std::string role;  // "admin" or "viewer" when issued
  double iat = 0;    // Unix seconds
  double exp = 0;
  nlohmann::json all;  // every claim of the payload
};

std::string SignJwt(const nlohmann::json& claims, const std::string& key);

Result<JwtClaims> VerifyJwt(std::string_view token, const std::string& key, double now);

// Base64url (RFC 4648 section 5) without padding; decoding refuses padding,
// other alphabets, impossible lengths and inputs over `max_len` characters.
std::string Base64UrlEncode(std::string_view bytes);
Result<std::string> Base64UrlDecode(std::string_view text, size_t max_len);

// The signing key kept at `path` (32 random bytes, hex), created 0600 when
// missing.
Result<std::string> LoadOrCreateJwtKey(const std::string& path);

}  // namespace arxivflow::server
