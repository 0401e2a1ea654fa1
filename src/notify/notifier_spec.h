// NotifierSpec: one notifier named in a DAG file's on_failure / on_retry /
// on_success / on_sla_miss hooks, and its validation.
//
// DAG-file form (a single map or a list of maps):
//   on_failure:
//     - notifier: webhook        # HTTP(S) POST of a JSON document
//       conn_id: alerts_webhook  # the URL (and any token) come from this connection
//     - notifier: email          # SMTP from connection smtp_default (or conn_id)
//       to: [oncall@example.com]
//     - notifier: command        # an argv, no shell; the context in its environment
//       argv: [/usr/local/bin/page-oncall, --team, data]
//   Every notifier also takes timeout (seconds per attempt, default 10),
//   retries (default 2 for webhook and email, 0 for command) and retry_delay
//   (seconds before the first retry, doubled after each; default 2).
//
// Contract: ParseNotifiers validates and never throws; an error names the
// offending key ("on_failure[1]: unknown notifier 'sms'; expected webhook,
// email or command"). Bounded: at most kMaxNotifiersPerHook notifiers,
// kMaxArgs argv entries, kMaxRecipients recipients. Plain data; thread-safe.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace arxivflow::notify {

enum class NotifierKind { kWebhook, kEmail, kCommand };

const char* NotifierKindName(NotifierKind kind);

struct NotifierSpec {
  NotifierKind kind = NotifierKind::kWebhook;
  std::string conn_id;              // webhook: required; email: default smtp_default
  std::vector<std::string> to;      // email recipients
  std::vector<std::string> argv;    // command
  double timeout = 10;              // seconds per attempt
  int retries = 0;
  double retry_delay = 2;           // seconds, doubled after each retry
};

// The hooks of a DAG or a task. Task-level hooks come from default_args
// unless the task sets its own (a task's key replaces the inherited list).
struct Hooks {
  std::vector<NotifierSpec> on_failure;
  std::vector<NotifierSpec> on_retry;
  std::vector<NotifierSpec> on_success;
  std::vector<NotifierSpec> on_sla_miss;
};

inline constexpr size_t kMaxNotifiersPerHook = 16;
inline constexpr size_t kMaxArgs = 256;
inline constexpr size_t kMaxRecipients = 100;

// `hook` names the key in messages ("on_failure").
Result<std::vector<NotifierSpec>> ParseNotifiers(const nlohmann::json& value, const std::string& hook);

}  // namespace arxivflow::notify
