// Who is asking: web sessions (cookie) and HTTP basic auth (scripts).
//
// Contract:
// - A session token is 256 random bits sent to the browser once, in an
//   HttpOnly, SameSite=Strict cookie; the metadata DB (Backend's sessions)
//   keeps only its SHA-256, so sessions survive a restart. Each session
//   carries its own CSRF token (also 256 bits), which cookie-authenticated
//   POST/PATCH/DELETE must echo in the X-CSRF-Token header. Sessions expire
//   after `idle_timeout` without use and after `max_age`; at most
//   `max_sessions` live (the least recently seen are dropped). A bounded
//   in-process cache answers the hot path without SQLite; a cached session is
//   re-read from the store every kRevalidateAfter, so a logout through
//   another server process takes effect here within that time (at once here).
// - Basic auth checks the password (Argon2id) once, then remembers the
//   success for 60 s under a keyed digest of the credentials, so scripts do
//   not pay the hash on every request. Failures are never cached (but
//   concurrent requests with the same credentials share one check). At most
//   four password checks run at once (each needs ~64 MiB).
// - A session or a cached Basic success is bound to its user as they were:
//   both remember Backend::AuthGeneration() when verified, and when any
//   process deleted or changed a user since (the generation moved), they are
//   checked again against the store. Deleting a user, or changing their
//   password or role, deletes their sessions; ForgetUser() also drops this
//   process's cached entries for them at once.
// - Every password check (login or Basic) first asks LoginThrottle; a
//   blocked user name or address gets no check at all. Every failed check is
//   logged with the client address and recorded in the audit log
//   (Backend::RecordLoginEvent, which folds repeats).
// - Roles: "admin" may do everything; "viewer" only reads.
// - All methods are thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "server/backend.h"
#include "server/http_types.h"
#include "server/login_throttle.h"

namespace arxivflow::server {

struct Principal {
  std::string username;
  std::string role;
  bool via_session = false;  // cookie: needs CSRF on state-changing requests
  std::string csrf_token;    // only for sessions
  bool is_admin() const { return role == "admin"; }
};

inline constexpr const char* kSessionCookie = "af_session";
inline constexpr const char* kCsrfCookie = "af_csrf";
inline constexpr const char* kCsrfHeader = "X-CSRF-Token";

class SessionStore {
 public:
  using Clock = std::chrono::steady_clock;
  struct Created {
    std::string token;
    std::string csrf_token;
  };

  // Sessions live in `backend` (the metadata DB's sessions table).
  explicit SessionStore(Backend& backend, std::chrono::seconds idle_timeout = std::chrono::hours(12),
                        std::chrono::seconds max_age = std::chrono::hours(24 * 7), size_t max_sessions = 10000)
      : backend_(backend), idle_timeout_(idle_timeout), max_age_(max_age), max_sessions_(max_sessions) {}

  // Fails when the session cannot be stored.
  Result<Created> Create(const std::string& username, const std::string& role);
  // nullopt for an unknown, expired or logged-out token (and when the store
  // cannot be read: fail closed).
  std::optional<Principal> Lookup(const std::string& token);
  // Logs out: deletes the stored session.
  void Remove(const std::string& token);
  // Drops this process's cached sessions of `username` (their rows are
  // deleted by the store when the user changes).
  void ForgetUser(const std::string& username);
  size_t cached();

  // How long a cached session is trusted before it is read again from the
  // store (which also records last_seen and pushes the idle expiry).
  static constexpr std::chrono::seconds kRevalidateAfter{30};
  static constexpr size_t kMaxCached = 4096;

 private:
  struct Cached {
    std::string username;
    std::string role;
    std::string csrf_token;
    double expires = 0;  // Unix seconds
    Clock::time_point verified;
    int64_t generation = 0;  // Backend::AuthGeneration() when verified
  };
  void CacheLocked(const std::string& hash, Cached entry);

  Backend& backend_;
  std::chrono::seconds idle_timeout_;
  std::chrono::seconds max_age_;
  size_t max_sessions_;
  std::mutex mu_;                                 // guards cache_
  std::unordered_map<std::string, Cached> cache_;  // keyed by Sha256Hex(token)
  // Serialises store reads of cache misses with logouts, so a logout racing a
  // revalidation cannot leave the session cached.
  std::mutex store_mu_;
};

class Authenticator {
 public:
  Authenticator(Backend& backend, SessionStore& sessions)
      : backend_(backend), sessions_(sessions), throttle_(backend) {}

  // Checks a user name and password against the users table, for a client at
  // `address` (`via`: "login" or "basic auth", for the log). Fails with
  // kPermissionDenied (one message for unknown user and wrong password), or
  // kUnavailable "too many failed logins" when throttled; then
  // *retry_after (if given) is the number of seconds to wait.
  Result<Principal> CheckCredentials(const std::string& username, const std::string& password,
                                     const std::string& address, const char* via, int* retry_after = nullptr);

  // The caller of `request`: a valid session cookie, else valid basic auth,
  // else nullopt. A request carrying bad basic credentials is nullopt too;
  // when it was refused unchecked because of throttling, *retry_after (if
  // given) is set to the seconds to wait.
  std::optional<Principal> Identify(const HttpRequest& request, int* retry_after = nullptr);

  // Drops this process's cached Basic successes of `username`.
  void ForgetUser(const std::string& username);

 private:
  std::optional<Principal> FromBasic(const std::string& header, const std::string& address, int* retry_after);

  Backend& backend_;
  SessionStore& sessions_;
  LoginThrottle throttle_;
  std::mutex cache_mu_;
  struct CachedBasic {
    std::string username;
    std::string role;
    std::chrono::steady_clock::time_point expires;
    int64_t generation = 0;
  };
  std::map<std::string, CachedBasic> basic_cache_;
  struct PendingCheck {
    bool done = false;
    std::optional<Principal> principal;  // nullopt = the check failed
    int retry_after = 0;
  };
  std::map<std::string, std::shared_ptr<PendingCheck>> pending_checks_;  // by credential digest
  std::condition_variable check_done_;
};

// Decodes standard base64 (with or without padding); nullopt when invalid.
std::optional<std::string> Base64Decode(const std::string& text);

}  // namespace arxivflow::server
