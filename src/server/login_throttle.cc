#include "server/login_throttle.h"

#include <algorithm>
#include <cmath>

#include "common/logging.h"

namespace arxivflow::server {

namespace {
constexpr const char* kUserScope = "user";
constexpr const char* kAddressScope = "address";
}  // namespace

double LoginThrottle::BlockedUntil(const std::string& scope, const std::string& subject) {
  auto row = backend_.GetLoginFailures(scope, subject);
  if (!row.ok()) {
    spdlog::warn("reading failed logins: {}", row.status().ToString());
    return 0;
  }
  return *row ? (*row)->blocked_until : 0;
}

int LoginThrottle::RetryAfter(const std::string& username, const std::string& address, double now) {
  std::lock_guard<std::mutex> lock(mu_);
  double until = std::max(BlockedUntil(kUserScope, username), BlockedUntil(kAddressScope, address));
  return until > now ? static_cast<int>(std::ceil(until - now)) : 0;
}

void LoginThrottle::Fail(const std::string& scope, const std::string& subject, const ThrottlePolicy& policy,
                         double now) {
  auto row = backend_.GetLoginFailures(scope, subject);
  if (!row.ok()) {
    spdlog::warn("reading failed logins: {}", row.status().ToString());
    return;
  }
  LoginFailureRecord f;
  if (*row && now - (*row)->last_failure < kWindowSeconds) f = **row;
  f.failures += 1;
  f.last_failure = now;
  if (f.failures > policy.free_failures) {
    double exponent = std::min<double>(f.failures - policy.free_failures - 1, 30);
    f.blocked_until = now + std::min(policy.max_delay, policy.base_delay * std::pow(2.0, exponent));
  }
  Status st = backend_.PutLoginFailures(scope, subject, f);
  if (!st.ok()) spdlog::warn("recording a failed login: {}", st.ToString());
}

void LoginThrottle::RecordFailure(const std::string& username, const std::string& address, double now) {
  std::lock_guard<std::mutex> lock(mu_);
  Fail(kUserScope, username, kUserPolicy, now);
  Fail(kAddressScope, address, kAddressPolicy, now);
}

void LoginThrottle::RecordSuccess(const std::string& username) {
  std::lock_guard<std::mutex> lock(mu_);
  Status st = backend_.ClearLoginFailures(kUserScope, username);
  if (!st.ok()) spdlog::warn("clearing failed logins: {}", st.ToString());
}

}  // namespace arxivflow::server
