#include "server/auth.h"

#include <algorithm>
#include <semaphore>

#include "common/logging.h"
#include "common/random.h"
#include "orchestrator/time_util.h"
#include "server/password.h"

namespace arxivflow::server {

namespace orch = arxivflow::orchestrator;

namespace {

// Backend::AuthGeneration(), or -1 when it cannot be read: then nothing
// cached is trusted (everything is checked against the store).
int64_t CurrentGeneration(Backend& backend) {
  auto generation = backend.AuthGeneration();
  if (!generation.ok()) {
    spdlog::warn("reading the auth generation: {}", generation.status().ToString());
    return -1;
  }
  return *generation;
}

bool IsHexToken(const std::string& token) {
  if (token.size() != 64) return false;
  for (char c : token) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

Result<SessionStore::Created> SessionStore::Create(const std::string& username, const std::string& role) {
  Created c{RandomHex(32), RandomHex(32)};
  int64_t generation = CurrentGeneration(backend_);
  double now = orch::NowEpoch();
  double expires = now + static_cast<double>(std::min(idle_timeout_, max_age_).count());
  SessionRecord rec{Sha256Hex(c.token), username, role, c.csrf_token, orch::FormatIso(now), orch::FormatIso(expires),
                    orch::FormatIso(now)};
  // Logins are rare (each costs an Argon2id check): prune here, not on reads.
  AF_RETURN_IF_ERROR(backend_.PruneSessions(orch::FormatIso(now), static_cast<int64_t>(max_sessions_) - 1));
  AF_RETURN_IF_ERROR(backend_.PutSession(rec));
  std::lock_guard<std::mutex> lock(mu_);
  CacheLocked(rec.token_hash, Cached{username, role, c.csrf_token, expires, Clock::now(), generation});
  return c;
}

std::optional<Principal> SessionStore::Lookup(const std::string& token) {
  if (!IsHexToken(token)) return std::nullopt;
  std::string hash = Sha256Hex(token);
  double now = orch::NowEpoch();
  int64_t generation = CurrentGeneration(backend_);
  auto fresh = [&]() -> std::optional<Principal> {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end() && now < it->second.expires && Clock::now() - it->second.verified < kRevalidateAfter &&
        generation >= 0 && it->second.generation == generation) {
      return Principal{it->second.username, it->second.role, true, it->second.csrf_token};
    }
    return std::nullopt;
  };
  if (auto p = fresh()) return p;
  std::lock_guard<std::mutex> store_lock(store_mu_);
  // Many requests of one browser (or benchmark) miss together when the entry
  // gets due: the first re-reads the store, the others then find it fresh.
  if (auto p = fresh()) return p;
  {
    std::lock_guard<std::mutex> lock(mu_);
    cache_.erase(hash);
  }
  auto rec = backend_.GetSession(hash);
  if (!rec.ok()) {
    spdlog::warn("reading a web session: {}", rec.status().ToString());
    return std::nullopt;
  }
  if (!*rec) return std::nullopt;
  const SessionRecord& r = **rec;
  auto created = orch::ParseIso(r.created);
  if (r.expires <= orch::FormatIso(now) || !created) {
    Status st = backend_.DeleteSession(hash);
    if (!st.ok()) spdlog::warn("deleting an expired web session: {}", st.ToString());
    return std::nullopt;
  }
  // In use: push the idle expiry (never past max_age) and record last_seen.
  double expires = std::min(*created + static_cast<double>(max_age_.count()),
                            now + static_cast<double>(idle_timeout_.count()));
  Status st = backend_.TouchSession(hash, orch::FormatIso(now), orch::FormatIso(expires));
  if (!st.ok()) spdlog::warn("recording a web session's use: {}", st.ToString());
  std::lock_guard<std::mutex> lock(mu_);
  CacheLocked(hash, Cached{r.username, r.role, r.csrf_token, expires, Clock::now(), generation});
  return Principal{r.username, r.role, true, r.csrf_token};
}

void SessionStore::CacheLocked(const std::string& hash, Cached entry) {
  if (cache_.size() >= kMaxCached && !cache_.count(hash)) {
    // Evict the entry verified longest ago; it is re-read from the store if used again.
    auto oldest = cache_.begin();
    for (auto it = cache_.begin(); it != cache_.end(); ++it) {
      if (it->second.verified < oldest->second.verified) oldest = it;
    }
    cache_.erase(oldest);
  }
  cache_[hash] = std::move(entry);
}

void SessionStore::Remove(const std::string& token) {
  if (!IsHexToken(token)) return;
  std::string hash = Sha256Hex(token);
  std::lock_guard<std::mutex> store_lock(store_mu_);
  Status st = backend_.DeleteSession(hash);
  if (!st.ok()) spdlog::warn("deleting a web session: {}", st.ToString());
  std::lock_guard<std::mutex> lock(mu_);
  cache_.erase(hash);
}

void SessionStore::ForgetUser(const std::string& username) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = cache_.begin(); it != cache_.end();) {
    it = it->second.username == username ? cache_.erase(it) : std::next(it);
  }
}

size_t SessionStore::cached() {
  std::lock_guard<std::mutex> lock(mu_);
  return cache_.size();
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

Result<Principal> Authenticator::CheckCredentials(const std::string& username, const std::string& password,
                                                  const std::string& address, const char* via, int* retry_after) {
  // Throttled by the name as given (bounded: names are at most 64 characters).
  std::string subject = username.substr(0, 256);
  double now = orch::NowEpoch();
  if (int wait = throttle_.RetryAfter(subject, address, now); wait > 0) {
    spdlog::warn("refused a {} for {} bytes of user name from {} unchecked: too many failed logins (retry in {} s)",
                 via, username.size(), address, wait);
    if (retry_after) *retry_after = wait;
    return Status::Unavailable("too many failed logins; retry in " + std::to_string(wait) + " s");
  }
  bool known = false, ok = false;
  Principal principal;
  {
    HashSlot slot;
    auto user = backend_.FindUser(username);
    if (!user.ok()) {
      if (user.status().code() != Status::Code::kNotFound) return user.status();
      CheckPassword("", password);  // same cost as a real check
    } else {
      known = true;
      ok = CheckPassword(user->password_hash, password);
      principal = Principal{user->username, user->role, false, ""};
    }
  }
  if (!ok) {
    throttle_.RecordFailure(subject, address, orch::NowEpoch());
    // The name only when it is a user's: a mistyped password often lands there.
    if (known) {
      spdlog::warn("failed {} for user '{}' from {}", via, username, address);
    } else {
      spdlog::warn("failed {} for an unknown user name ({} bytes) from {}", via, username.size(), address);
    }
    // The audit log folds repeats and caps its failed_login rows (audit_log.h).
    Status audited = backend_.RecordLoginEvent("failed_login", known ? username : "", username.size(), address);
    if (!audited.ok()) spdlog::error("audit log: could not record a failed {}: {}", via, audited.message());
    return Status::PermissionDenied("invalid user name or password");
  }
  throttle_.RecordSuccess(subject);
  return principal;
}

std::optional<Principal> Authenticator::Identify(const HttpRequest& request, int* retry_after) {
  if (auto token = request.Cookie(kSessionCookie)) {
    if (auto p = sessions_.Lookup(*token)) return p;
  }
  std::string auth = request.Header("Authorization");
  if (auth.size() > 6 && (auth.compare(0, 6, "Basic ") == 0 || auth.compare(0, 6, "basic ") == 0)) {
    return FromBasic(auth.substr(6), request.remote_addr, retry_after);
  }
  return std::nullopt;
}

void Authenticator::ForgetUser(const std::string& username) {
  std::lock_guard<std::mutex> lock(cache_mu_);
  for (auto it = basic_cache_.begin(); it != basic_cache_.end();) {
    it = it->second.username == username ? basic_cache_.erase(it) : std::next(it);
  }
}

std::optional<Principal> Authenticator::FromBasic(const std::string& encoded, const std::string& address,
                                                  int* retry_after) {
  if (encoded.size() > 4096) return std::nullopt;
  auto decoded = Base64Decode(encoded);
  if (!decoded) return std::nullopt;
  size_t colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  std::string username = decoded->substr(0, colon);
  std::string password = decoded->substr(colon + 1);
  std::string key = KeyedDigest(*decoded);
  int64_t generation = CurrentGeneration(backend_);
  std::shared_ptr<PendingCheck> pending;
  {
    std::unique_lock<std::mutex> lock(cache_mu_);
    auto now = std::chrono::steady_clock::now();
    auto it = basic_cache_.find(key);
    if (it != basic_cache_.end()) {
      if (it->second.expires > now && generation >= 0 && it->second.generation == generation) {
        return Principal{it->second.username, it->second.role, false, ""};
      }
      basic_cache_.erase(it);
    }
    // A script's concurrent requests (a benchmark's 50 connections) all miss
    // when the entry expires: one checks the password, the others wait for it
    // instead of queueing 50 Argon2id checks.
    auto p = pending_checks_.find(key);
    if (p != pending_checks_.end()) {
      std::shared_ptr<PendingCheck> other = p->second;
      check_done_.wait(lock, [&] { return other->done; });
      if (retry_after) *retry_after = other->retry_after;
      return other->principal;
    }
    pending = std::make_shared<PendingCheck>();
    pending_checks_[key] = pending;
  }
  std::optional<Principal> result;
  int wait = 0;
  try {
    auto p = CheckCredentials(username, password, address, "basic auth", &wait);
    if (p.ok()) result = *p;
  } catch (...) {
    result.reset();  // waiters see a failed check; this request fails below
  }
  if (retry_after) *retry_after = wait;
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    if (result) {
      if (basic_cache_.size() > 1000) basic_cache_.clear();
      basic_cache_[key] = CachedBasic{result->username, result->role,
                                      std::chrono::steady_clock::now() + std::chrono::seconds(60), generation};
    }
    pending->principal = result;
    pending->retry_after = wait;
    pending->done = true;
    pending_checks_.erase(key);
  }
  check_done_.notify_all();
  return result;
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
