// Notification: the facts of one event (a task instance or a DAG run that
// failed, is retried, succeeded or missed its SLA) and the forms every
// notifier sends them in.
//
// Contract: pure functions of the Notification; thread-safe.
// - WebhookJson: {"event", "dag_id", "run_id", "task_id", "try_number",
//   "state", "start_date", "end_date", "duration", "log_url", "error",
//   "text"} — `text` is one Slack-compatible line (mrkdwn-safe: &, < and >
//   escaped as Slack wants) so a Slack incoming webhook shows it as is.
// - Subject / PlainText / Html: the e-mail forms; Html escapes every value.
// - Environment: ARXIVFLOW_* variables for the command notifier
//   (ARXIVFLOW_EVENT, ARXIVFLOW_DAG_ID, ARXIVFLOW_RUN_ID, ARXIVFLOW_TASK_ID,
//   ARXIVFLOW_TRY_NUMBER, ARXIVFLOW_STATE, ARXIVFLOW_START_DATE,
//   ARXIVFLOW_END_DATE, ARXIVFLOW_DURATION, ARXIVFLOW_LOG_URL,
//   ARXIVFLOW_ERROR), each "NAME=value", control characters of the values
//   replaced by spaces.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace arxivflow::notify {

struct Notification {
  std::string event;    // "failure", "retry", "success", "sla_miss"
  std::string dag_id;
  std::string run_id;
  std::string task_id;  // "" for an event of the DAG run itself
  int try_number = 0;
  std::string state;    // the task instance's or run's state
  std::string start_date;  // ISO 8601 UTC, "" when unknown
  std::string end_date;
  std::optional<double> duration;  // seconds
  std::string log_url;
  std::string error;    // a short summary; "" when none

  std::string Subject() const;
  std::string PlainText() const;
  std::string Html() const;
  std::string SlackText() const;
  nlohmann::json WebhookJson() const;
  std::vector<std::string> Environment() const;
};

std::string HtmlEscape(const std::string& text);

}  // namespace arxivflow::notify
