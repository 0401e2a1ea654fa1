#include "notify/notification.h"

#include <cstdio>

namespace arxivflow::notify {

namespace {

std::string What(const Notification& n) {
  return n.task_id.empty() ? "DAG run " + n.run_id + " of " + n.dag_id
                           : "Task " + n.dag_id + "." + n.task_id + " (run " + n.run_id + ")";
}

std::string EventText(const std::string& event) {
  if (event == "failure") return "failed";
  if (event == "retry") return "is up for retry";
  if (event == "success") return "succeeded";
  if (event == "sla_miss") return "missed its SLA";
  return event;
}

std::string DurationText(const std::optional<double>& d) {
  if (!d) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", *d);
  return buf;
}

// The facts as (label, value) pairs, the ones without a value left out.
std::vector<std::pair<std::string, std::string>> Facts(const Notification& n) {
  std::vector<std::pair<std::string, std::string>> f = {{"DAG", n.dag_id}, {"Run", n.run_id}};
  if (!n.task_id.empty()) f.emplace_back("Task", n.task_id);
  if (n.try_number > 0) f.emplace_back("Try", std::to_string(n.try_number));
  f.emplace_back("State", n.state);
  if (!n.start_date.empty()) f.emplace_back("Start", n.start_date);
  if (!n.end_date.empty()) f.emplace_back("End", n.end_date);
  if (n.duration) f.emplace_back("Duration", DurationText(n.duration));
  if (!n.log_url.empty()) f.emplace_back("Log", n.log_url);
  if (!n.error.empty()) f.emplace_back("Error", n.error);
  return f;
}

std::string SlackEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

std::string NoControl(const std::string& s) {
  std::string out = s;
  for (char& c : out) if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return out;
}

}  // namespace

std::string HtmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Notification::Subject() const {
  return NoControl("[arxivflow] " + What(*this) + " " + EventText(event));
}

std::string Notification::PlainText() const {
  std::string out = What(*this) + " " + EventText(event) + ".\n\n";
  for (const auto& [k, v] : Facts(*this)) out += k + ": " + v + "\n";
  return out;
}

std::string Notification::Html() const {
  std::string out = "<!DOCTYPE html><html><body><p>" + HtmlEscape(What(*this) + " " + EventText(event)) +
                    ".</p>\n<table>\n";
  for (const auto& [k, v] : Facts(*this)) {
    std::string value = HtmlEscape(v);
    if (k == "Log" && (v.rfind("http://", 0) == 0 || v.rfind("https://", 0) == 0)) {
      value = "<a href=\"" + value + "\">" + value + "</a>";
    }
    out += "<tr><th align=\"left\">" + HtmlEscape(k) + "</th><td>" + value + "</td></tr>\n";
  }
  return out + "</table></body></html>\n";
}

std::string Notification::SlackText() const {
  std::string out = SlackEscape(What(*this) + " " + EventText(event));
  if (try_number > 0) out += " (try " + std::to_string(try_number) + ")";
  if (duration) out += " after " + DurationText(duration);
  if (!error.empty()) out += ": " + SlackEscape(error);
  if (!log_url.empty()) out += " <" + SlackEscape(log_url) + "|log>";
  return out;
}

nlohmann::json Notification::WebhookJson() const {
  nlohmann::json j = {{"event", event},          {"dag_id", dag_id},
                      {"run_id", run_id},        {"task_id", task_id.empty() ? nlohmann::json() : nlohmann::json(task_id)},
                      {"try_number", try_number}, {"state", state},
                      {"start_date", start_date.empty() ? nlohmann::json() : nlohmann::json(start_date)},
                      {"end_date", end_date.empty() ? nlohmann::json() : nlohmann::json(end_date)},
                      {"duration", duration ? nlohmann::json(*duration) : nlohmann::json()},
                      {"log_url", log_url.empty() ? nlohmann::json() : nlohmann::json(log_url)},
                      {"error", error.empty() ? nlohmann::json() : nlohmann::json(error)},
                      {"text", SlackText()}};
  return j;
}

std::vector<std::string> Notification::Environment() const {
  char dur[32] = "";
  if (duration) std::snprintf(dur, sizeof dur, "%.3f", *duration);
  return {"ARXIVFLOW_EVENT=" + NoControl(event),
          "ARXIVFLOW_DAG_ID=" + NoControl(dag_id),
          "ARXIVFLOW_RUN_ID=" + NoControl(run_id),
          "ARXIVFLOW_TASK_ID=" + NoControl(task_id),
          "ARXIVFLOW_TRY_NUMBER=" + std::to_string(try_number),
          "ARXIVFLOW_STATE=" + NoControl(state),
          "ARXIVFLOW_START_DATE=" + NoControl(start_date),
          "ARXIVFLOW_END_DATE=" + NoControl(end_date),
          "ARXIVFLOW_DURATION=" + std::string(dur),
          "ARXIVFLOW_LOG_URL=" + NoControl(log_url),
          "ARXIVFLOW_ERROR=" + NoControl(error)};
}

}  // namespace arxivflow::notify
