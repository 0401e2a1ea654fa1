// The three ways a notification leaves the process: an HTTP(S) POST, an
// e-mail over SMTP, a command. Each makes one attempt, bounded by `timeout`
// seconds; retries belong to the dispatcher (dispatcher.h).
//
// Contract: blocking; call them from a worker thread, never from a loop that
// must stay responsive. Thread-safe (each call has its own libcurl handle).
// Errors are kUnavailable (could not connect, timed out, the receiver
// answered non-2xx / refused) or kInvalidArgument (a bad target); messages
// carry no URL path, password or token — callers still pass them through a
// SecretMasker before logging.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace arxivflow::notify {

struct WebhookTarget {
  std::string url;           // http:// or https://
  std::string bearer_token;  // "Authorization: Bearer ..." when set
  std::string basic_login;   // with basic_password: HTTP basic auth
  std::string basic_password;
  std::string ca_file;       // extra CA bundle (self-signed receivers)
};

struct SmtpTarget {
  std::string host;
  int port = 25;
  std::string login;
  std::string password;
  bool starttls = true;   // require STARTTLS (refuse to send in the clear)
  bool ssl = false;       // implicit TLS (smtps, port 465)
  std::string from;
  std::string ca_file;
};

// POSTs `json_body` with Content-Type: application/json; 2xx is success.
// Redirects are not followed; the response body is read and dropped (at most
// 64 KiB).
Status PostWebhook(const WebhookTarget& target, const std::string& json_body, double timeout);

// A multipart/alternative message (text/plain and text/html, both base64).
Status SendEmail(const SmtpTarget& target, const std::vector<std::string>& to, const std::string& subject,
                 const std::string& plain, const std::string& html, double timeout);

// The MIME message SendEmail sends (for tests).
std::string BuildMimeMessage(const std::string& from, const std::vector<std::string>& to, const std::string& subject,
                             const std::string& plain, const std::string& html, const std::string& boundary);

// Runs argv (no shell; argv[0] searched in PATH) with the process's
// environment minus ARXIVFLOW_CONN_* (connection URIs hold secrets) plus
// `extra_env`, stdin/stdout/stderr on /dev/null, in its own process group.
// Exit status 0 is success; past `timeout` the group is killed. The command
// is started by a small forked relay that reports its status through a pipe,
// so a parent that reaps with waitpid(-1) (the scheduler's executor) cannot
// take the status away.
Status RunCommand(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env, double timeout);

}  // namespace arxivflow::notify
