#include "server/password.h"

#include <sodium.h>

#include <mutex>
#include <vector>

#include "common/random.h"

namespace arxivflow::server {

namespace {
void EnsureSodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) abort();  // no randomness source: nothing is safe
  });
}

const unsigned char* ProcessKey() {
  static unsigned char key[crypto_generichash_KEYBYTES];
  static std::once_flag once;
  std::call_once(once, [] {
    EnsureSodium();
    randombytes_buf(key, sizeof key);
  });
  return key;
}

// A valid hash of a random password: verifying against it costs the same as
// a real check, so an unknown user name is not revealed by timing.
const std::string& DummyHash() {
  static std::string hash = [] {
    EnsureSodium();
    char out[crypto_pwhash_STRBYTES];
    std::string pw = RandomHex(16);
    if (crypto_pwhash_str(out, pw.data(), pw.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
      return std::string();
    }
    return std::string(out);
  }();
  return hash;
}
}  // namespace

Result<std::string> HashUserPassword(const std::string& password) {
  EnsureSodium();
  size_t characters = 0;
  for (unsigned char c : password) characters += (c & 0xC0) != 0x80;  // UTF-8 lead bytes
  if (characters < kMinPasswordLength) {
    return Status::InvalidArgument("a password needs at least " + std::to_string(kMinPasswordLength) + " characters");
  }
  if (password.size() > 1024) return Status::InvalidArgument("password longer than 1024 bytes");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Status::Internal("password hashing ran out of memory");
  }
  return std::string(out);
}

bool CheckPassword(const std::string& hash, const std::string& password) {
  EnsureSodium();
  if (password.size() > 1024) return false;
  bool well_formed = hash.size() < crypto_pwhash_STRBYTES && hash.rfind("$argon2", 0) == 0;
  const std::string& h = well_formed ? hash : DummyHash();
  bool ok = crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
  return ok && well_formed;
}

std::string RandomPassword(size_t length) {
  return RandomString(length, "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789");
}

std::string KeyedDigest(const std::string& text) {
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                     ProcessKey(), crypto_generichash_KEYBYTES);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex, 64);
}

std::string Sha256Hex(const std::string& text) {
  EnsureSodium();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char hex[2 * crypto_hash_sha256_BYTES + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex, 2 * crypto_hash_sha256_BYTES);
}

bool SecureEquals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  EnsureSodium();
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace arxivflow::server
