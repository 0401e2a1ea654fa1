#include "server/auth.h"

#include <semaphore>

#include "server/password.h"

namespace arxivflow::server {

SessionStore::Created SessionStore::Create(const std::string& username, const std::string& role) {
  Created c{RandomHex(32), RandomHex(32)};
  auto now = Clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  if (sessions_.size() >= max_sessions_) {
    // Drop expired sessions first, then the least recently used one.
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      if (now - it->second.last_used > idle_timeout_ || now - it->second.created > max_age_) {
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
    if (sessions_.size() >= max_sessions_) {
      auto oldest = sessions_.begin();
      for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
        if (it->second.last_used < oldest->second.last_used) oldest = it;
      }
      sessions_.erase(oldest);
    }
  }
  sessions_[KeyedDigest(c.token)] = Session{username, role, c.csrf_token, now, now};
  return c;
}

std::optional<Principal> SessionStore::Lookup(const std::string& token) {
  if (token.size() != 64) return std::nullopt;
  std::string key = KeyedDigest(token);
  auto now = Clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) return std::nullopt;
  if (now - it->second.last_used > idle_timeout_ || now - it->second.created > max_age_) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_used = now;
  return Principal{it->second.username, it->second.role, true, it->second.csrf_token};
}

void SessionStore::Remove(const std::string& token) {
  std::string key = KeyedDigest(token);
  std::lock_guard<std::mutex> lock(mu_);
  sessions_.erase(key);
}

size_t SessionStore::size() {
  std::lock_guard<std::mutex> lock(mu_);
  return sessions_.size();
}

namespace {
// Each Argon2id check takes ~64 MiB for ~0.1 s: at most four at once, so a
// flood of logins queues instead of exhausting memory.
std::counting_semaphore<4> g_hash_slots(4);

struct HashSlot {
  HashSlot() { g_hash_slots.acquire(); }
  ~HashSlot() { g_hash_slots.release(); }
};
}  // namespace

Result<Principal> Authenticator::CheckCredentials(const std::string& username, const std::string& password) {
  HashSlot slot;
  auto user = backend_.FindUser(username);
  if (!user.ok()) {
    if (user.status().code() != Status::Code::kNotFound) return user.status();
    CheckPassword("", password);  // same cost as a real check
    return Status::PermissionDenied("invalid user name or password");
  }
  if (!CheckPassword(user->password_hash, password)) {
    return Status::PermissionDenied("invalid user name or password");
  }
  return Principal{user->username, user->role, false, ""};
}

std::optional<Principal> Authenticator::Identify(const HttpRequest& request) {
  if (auto token = request.Cookie(kSessionCookie)) {
    if (auto p = sessions_.Lookup(*token)) return p;
  }
  std::string auth = request.Header("Authorization");
  if (auth.size() > 6 && (auth.compare(0, 6, "Basic ") == 0 || auth.compare(0, 6, "basic ") == 0)) {
    return FromBasic(auth.substr(6));
  }
  return std::nullopt;
}

std::optional<Principal> Authenticator::FromBasic(const std::string& encoded) {
  if (encoded.size() > 4096) return std::nullopt;
  auto decoded = Base64Decode(encoded);
  if (!decoded) return std::nullopt;
  size_t colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  std::string username = decoded->substr(0, colon);
  std::string password = decoded->substr(colon + 1);
  std::string key = KeyedDigest(*decoded);
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    auto it = basic_cache_.find(key);
    if (it != basic_cache_.end()) {
      if (it->second.expires > now) return Principal{it->second.username, it->second.role, false, ""};
      basic_cache_.erase(it);
    }
  }
  auto p = CheckCredentials(username, password);
  if (!p.ok()) return std::nullopt;
  std::lock_guard<std::mutex> lock(cache_mu_);
  if (basic_cache_.size() > 1000) basic_cache_.clear();
  basic_cache_[key] = CachedBasic{p->username, p->role, now + std::chrono::seconds(60)};
  return *p;
}

std::optional<std::string> Base64Decode(const std::string& text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string s = text;
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r' || s.back() == '\n')) s.pop_back();
  while (!s.empty() && s.back() == '=') s.pop_back();
  if (s.size() % 4 == 1) return std::nullopt;
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    int v = value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

}  // namespace arxivflow::server
