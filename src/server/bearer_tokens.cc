#include "server/bearer_tokens.h"

#include <cmath>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "orchestrator/time_util.h"
#include "server/jwt.h"
#include "server/password.h"

namespace arxivflow::server {

namespace {

constexpr size_t kMaxCachedUsers = 1024;

std::string UserFingerprint(const std::string& key, const UserRecord& user) {
  std::string data = "user\n" + user.username + "\n" + user.role + "\n" + user.password_hash;
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(out), 16));
}

}  // namespace

BearerTokens::BearerTokens(Backend& backend, std::string key, std::chrono::seconds lifetime)
    : backend_(backend), key_(std::move(key)), lifetime_(lifetime) {}

Result<std::optional<std::string>> BearerTokens::Fingerprint(const std::string& username, std::string* role) {
  AF_ASSIGN_OR_RETURN(int64_t generation, backend_.AuthGeneration());
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = users_.find(username);
    if (it != users_.end() && it->second.generation == generation) {
      *role = it->second.role;
      return it->second.fingerprint;
    }
  }
  CachedUser entry;
  entry.generation = generation;
  auto user = backend_.FindUser(username);
  if (user.ok()) {
    entry.fingerprint = UserFingerprint(key_, *user);
    entry.role = user->role;
  } else if (user.status().code() != Status::Code::kNotFound) {
    return user.status();
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (users_.size() >= kMaxCachedUsers) users_.clear();
  users_[username] = entry;
  *role = entry.role;
  return entry.fingerprint;
}

Result<BearerTokens::Issued> BearerTokens::Issue(const Principal& user) {
  std::string role;
  AF_ASSIGN_OR_RETURN(auto fingerprint, Fingerprint(user.username, &role));
  if (!fingerprint) return Status::PermissionDenied("no such user");
  double now = std::floor(orchestrator::NowEpoch());
  nlohmann::json claims = {{"sub", user.username},
                           {"role", role},
                           {"iat", static_cast<int64_t>(now)},
                           {"nbf", static_cast<int64_t>(now)},
                           {"exp", static_cast<int64_t>(now) + lifetime_.count()},
                           {"iss", "arxivflow"},
                           {"ufp", *fingerprint}};
  return Issued{SignJwt(claims, key_), lifetime_.count()};
}

Result<Principal> BearerTokens::Verify(const std::string& token) {
  AF_ASSIGN_OR_RETURN(JwtClaims claims, VerifyJwt(token, key_, orchestrator::NowEpoch()));
  auto ufp = claims.all.find("ufp");
  if (ufp == claims.all.end() || !ufp->is_string()) return Status::PermissionDenied("invalid token: not bound to a user");
  std::string role;
  auto fingerprint = Fingerprint(claims.sub, &role);
  if (!fingerprint.ok()) return Status::Unavailable("cannot check the token's user");
  if (!*fingerprint || !SecureEquals(**fingerprint, ufp->get<std::string>())) {
    return Status::PermissionDenied("invalid token: the user was deleted or changed since it was issued");
  }
  Principal p;
  p.username = claims.sub;
  p.role = role;
  return p;
}

}  // namespace arxivflow::server
