// Bearer tokens for scripts and API clients: short-lived HS256 JWTs (jwt.h)
// issued from a user name and password by POST /auth/token, as Airflow 3's
// simple auth manager does, and accepted in `Authorization: Bearer <token>`
// on the REST API.
//
// Contract:
// - Issue() signs {sub, role, iat, exp, ufp} for a Principal whose password
//   was just checked; `lifetime` (default 1 h) is how long it is valid.
// - A token is bound to its user as they were when it was issued: `ufp` is a
//   keyed digest of the user's name, role and password hash. Verify() refuses
//   a token whose user was deleted or whose password or role changed since
//   (checked against the store whenever Backend::AuthGeneration() moved,
//   else from a small cache), so such tokens die with the change, in every
//   server process, without a token table.
// - A bearer token is not a browser credential: requests carrying one need
//   no CSRF token.
// - Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "server/auth.h"
#include "server/backend.h"

namespace arxivflow::server {

class BearerTokens {
 public:
  // `key`: the signing key (jwt.h, at least 32 bytes).
  BearerTokens(Backend& backend, std::string key, std::chrono::seconds lifetime);

  struct Issued {
    std::string token;
    int64_t expires_in = 0;  // seconds
  };
  Result<Issued> Issue(const Principal& user);

  // The principal of a valid token; kPermissionDenied (with a short reason)
  // for a malformed, forged, expired or revoked one.
  Result<Principal> Verify(const std::string& token);

  std::chrono::seconds lifetime() const { return lifetime_; }

 private:
  // The user's current fingerprint, or nullopt when the user is gone.
  Result<std::optional<std::string>> Fingerprint(const std::string& username, std::string* role);

  Backend& backend_;
  std::string key_;
  std::chrono::seconds lifetime_;
  std::mutex mu_;
  struct CachedUser {
    int64_t generation = 0;
    std::optional<std::string> fingerprint;
    std::string role;
  };
  std::map<std::string, CachedUser> users_;
};

}  // namespace arxivflow::server
