// LoginThrottle: backoff after failed logins, per user name and per client
// address, kept in the metadata DB (Backend::*LoginFailures) so it holds
// across restarts and across server processes.
//
// Contract: within a window (kWindowSeconds since the last failure), the
// first free_failures failures of a scope cost nothing; each further one
// blocks the scope for base_delay * 2^(n - free_failures - 1) seconds, at most
// max_delay. While a user name or an address is blocked, no password is
// checked for it — not even the right one — and the caller answers 429 with
// Retry-After. A successful login clears its user name's count (not the
// address's: one good account must not reset the guessing of others).
// Throttling a user name lets an attacker delay that user's logins by up to
// max_delay; docs/security.md says so. Store failures fail open (logged):
// throttling must not lock everyone out when the DB is busy. Thread-safe.
#pragma once

#include <mutex>
#include <string>

#include "server/backend.h"

namespace arxivflow::server {

struct ThrottlePolicy {
  int free_failures;
  double base_delay;  // seconds
  double max_delay;   // seconds
};

class LoginThrottle {
 public:
  static constexpr double kWindowSeconds = 900;
  static constexpr ThrottlePolicy kUserPolicy{5, 2, 300};
  static constexpr ThrottlePolicy kAddressPolicy{20, 2, 900};

  explicit LoginThrottle(Backend& backend) : backend_(backend) {}

  // Whole seconds to wait before a password may be checked for this user
  // name from this address; 0 = go ahead.
  int RetryAfter(const std::string& username, const std::string& address, double now);
  void RecordFailure(const std::string& username, const std::string& address, double now);
  void RecordSuccess(const std::string& username);

 private:
  double BlockedUntil(const std::string& scope, const std::string& subject);
  void Fail(const std::string& scope, const std::string& subject, const ThrottlePolicy& policy, double now);

  Backend& backend_;
  std::mutex mu_;  // read-modify-write of the counters
};

}  // namespace arxivflow::server
