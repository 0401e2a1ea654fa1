#include "server/backend_records.h"

#include <algorithm>

#include "common/json_limits.h"
#include "orchestrator/time_util.h"

namespace arxivflow::server {

namespace orch = arxivflow::orchestrator;
using nlohmann::json;

namespace {
std::string Opt(const std::optional<std::string>& s) { return s ? *s : std::string(); }
}  // namespace

DagRunInfo ToDagRunInfo(const orch::DagRun& r) {
  DagRunInfo out;
  out.dag_id = r.dag_id;
  out.run_id = r.run_id;
  out.state = r.state;
  out.run_type = r.run_type;
  out.logical_date = r.logical_date;
  out.queued_at = r.queued_at;
  out.start_date = Opt(r.start_date);
  out.end_date = Opt(r.end_date);
  out.external_trigger = r.run_type == "manual";
  auto conf = ParseJsonBounded(r.conf, "conf");
  out.conf = conf.ok() && conf->is_object() ? std::move(*conf) : json::object();
  return out;
}

TaskInstanceInfo ToTaskInstanceInfo(const orch::TaskInstance& t, double now) {
  TaskInstanceInfo ti;
  ti.dag_id = t.key.dag_id;
  ti.run_id = t.key.run_id;
  ti.task_id = t.key.task_id;
  ti.state = t.state;
  ti.try_number = t.try_number;
  ti.max_tries = t.max_tries;
  ti.operator_name = t.operator_name;
  ti.queued_dttm = Opt(t.queued_dttm);
  ti.start_date = Opt(t.start_date);
  ti.end_date = Opt(t.end_date);
  if (t.duration) {
    ti.duration = *t.duration;
  } else if (t.state == TiState::kRunning && t.start_date) {
    if (auto start = orch::ParseIso(*t.start_date)) ti.duration = std::max(0.0, now - *start);
  }
  if (t.pid > 0) ti.pid = t.pid;
  ti.hostname = t.hostname;
  if (t.result) {
    auto r = ParseJsonBounded(*t.result, "task result");
    ti.result = r.ok() ? std::move(*r) : json(*t.result);
  }
  return ti;
}

DagInfo ToDagInfo(const orch::DagRow& r, const orch::DagSpec* spec) {
  DagInfo d;
  d.dag_id = r.dag_id;
  d.description = r.description;
  d.fileloc = r.fileloc;
  d.schedule = r.schedule;
  d.is_paused = r.is_paused;
  d.is_active = r.is_active;
  d.max_active_runs = r.max_active_runs;
  if (spec) {
    d.tags = spec->tags;
    for (const auto& t : spec->tasks) {
      TaskInfo ti;
      ti.task_id = t.task_id;
      ti.operator_name = t.operator_name;
      ti.upstream = t.upstream;
      ti.downstream = t.downstream;
      ti.trigger_rule = orch::TriggerRuleName(t.trigger_rule);
      ti.retries = t.policy.retries;
      d.tasks.push_back(std::move(ti));
    }
  }
  return d;
}

ConnectionInfo ToConnectionInfo(const orch::Connection& c) {
  ConnectionInfo i;
  i.conn_id = c.conn_id;
  i.conn_type = c.conn_type;
  i.description = c.description;
  i.host = c.host;
  i.schema = c.schema;
  i.login = c.login;
  if (c.port != 0) i.port = c.port;
  if (c.extra.is_object() && !c.extra.empty()) i.extra = c.extra.dump();
  i.has_password = !c.password.empty();
  return i;
}

Status ApplyConnectionInput(const ConnectionInput& in, orch::Connection& c) {
  if (in.conn_type) c.conn_type = *in.conn_type;
  if (in.description) c.description = *in.description;
  if (in.host) c.host = *in.host;
  if (in.schema) c.schema = *in.schema;
  if (in.login) c.login = *in.login;
  if (in.port) c.port = *in.port;
  if (in.clear_port) c.port = 0;
  if (in.password) c.password = *in.password;
  if (in.extra) {
    if (in.extra->empty()) {
      c.extra = json::object();
    } else {
      auto parsed = ParseJsonBounded(*in.extra, "connection extra");
      if (!parsed.ok()) return parsed.status();
      json e = std::move(*parsed);
      if (!e.is_object()) return Status::InvalidArgument("connection extra must be a JSON object");
      // Masked values sent back unchanged keep their stored secret.
      for (auto it = e.begin(); it != e.end(); ++it) {
        if (it.value() == "***" && c.extra.contains(it.key())) it.value() = c.extra[it.key()];
      }
      c.extra = e;
    }
  }
  if (c.conn_type.empty()) return Status::InvalidArgument("connection type must not be empty");
  return Status::OK();
}

ImportErrorInfo ToImportErrorInfo(const orch::ImportError& e) { return {e.id, e.filename, e.message, e.timestamp}; }

std::string NormalizeRole(const std::string& role) {
  std::string lower = role;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower == "admin" ? "admin" : "viewer";
}

orch::SessionRow ToSessionRow(const SessionRecord& s) {
  return {s.token_hash, s.username, s.role, s.csrf_token, s.created, s.expires, s.last_seen};
}

SessionRecord ToSessionRecord(const orch::SessionRow& r) {
  return {r.token_hash, r.username, NormalizeRole(r.role), r.csrf_token, r.created, r.expires, r.last_seen};
}

}  // namespace arxivflow::server
