// Encryption at rest for connection passwords/extras and variable values.
//
// Contract: SecretBox holds a 32-byte key (libsodium crypto_secretbox,
// XSalsa20-Poly1305) read from $ARXIVFLOW_HOME/secret.key. CreateKeyFile
// writes a fresh random key with mode 0600 and refuses to overwrite one.
// Encrypt returns nonce||ciphertext (a new random nonce each call); Decrypt
// fails with Corruption on a wrong key or tampered bytes. Thread-safe after
// construction.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace arxivflow::orchestrator {

class SecretBox {
 public:
  static Status CreateKeyFile(const std::string& path);
  static Result<SecretBox> Load(const std::string& path);

  std::vector<uint8_t> Encrypt(std::string_view plaintext) const;
  Result<std::string> Decrypt(const std::vector<uint8_t>& sealed) const;

 private:
  std::vector<uint8_t> key_;
};

// Web users' passwords are hashed by the server (server/password.h).

}  // namespace arxivflow::orchestrator
