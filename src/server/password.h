// Password hashing for web users: Argon2id through libsodium's
// crypto_pwhash_str (salted, self-describing "$argon2id$v=19$m=...,t=...,p=1$..."
// strings), and generated passwords.
//
// Contract: HashUserPassword fails (kInvalidArgument) on a password shorter
// than kMinPasswordLength characters or longer than 1024 bytes, kInternal
// when memory runs out. CheckPassword
// never throws and takes the same time whether or not the hash is well formed.
// RandomPassword uses the OS CSPRNG (common/random.h, which also makes
// tokens). All thread-safe.
#pragma once

#include <cstddef>
#include <string>

#include "common/status.h"

namespace arxivflow::server {

inline constexpr size_t kMinPasswordLength = 8;

Result<std::string> HashUserPassword(const std::string& password);
bool CheckPassword(const std::string& hash, const std::string& password);

// A random password of `length` characters from [A-Za-z0-9] (no look-alikes).
std::string RandomPassword(size_t length);

// Keyed BLAKE2b-256 of `text` (hex) under a per-process random key: used to
// key the basic-auth cache, so a memory dump does not reveal credentials.
std::string KeyedDigest(const std::string& text);

// SHA-256 of `text` as lowercase hex: how session tokens are stored in the
// metadata DB (they are 256 random bits, so an unkeyed digest suffices and
// survives restarts).
std::string Sha256Hex(const std::string& text);

// Constant-time comparison.
bool SecureEquals(const std::string& a, const std::string& b);

}  // namespace arxivflow::server
