#include "server/json_codec.h"

#include <algorithm>
#include <functional>
#include <cctype>

#include "common/json_limits.h"
#include "common/secret_names.h"

namespace arxivflow::server {

using nlohmann::json;

namespace {
json NullIfEmpty(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }
}  // namespace

json TiStateToJson(TiState state) {
  return state == TiState::kNone ? json(nullptr) : json(orchestrator::StateName(state));
}

json TaskToJson(const TaskInfo& task) {
  return {
      {"task_id", task.task_id},
      {"operator_name", task.operator_name},
      {"class_ref", {{"class_name", task.operator_name}, {"module_path", "arxivflow.operators"}}},
      {"upstream_task_ids", task.upstream},
      {"downstream_task_ids", task.downstream},
      {"trigger_rule", task.trigger_rule},
      {"retries", task.retries},
  };
}

json DagToJson(const DagInfo& dag) {
  json tags = json::array();
  for (const auto& t : dag.tags) tags.push_back({{"name", t}});
  json schedule = nullptr;
  if (!dag.schedule.empty() && dag.schedule != "none") {
    schedule = {{"__type", "CronExpression"}, {"value", dag.schedule}};
  }
  return {
      {"dag_id", dag.dag_id},
      {"description", NullIfEmpty(dag.description)},
      {"fileloc", dag.fileloc},
      {"is_paused", dag.is_paused},
      {"is_active", dag.is_active},
      {"schedule_interval", schedule},
      {"timetable_description", dag.schedule.empty() ? std::string("none") : dag.schedule},
      {"tags", tags},
      {"owners", json::array()},
      {"max_active_runs", dag.max_active_runs},
      {"task_count", dag.tasks.size()},
  };
}

json DagRunToJson(const DagRunInfo& run) {
  return {
      {"dag_id", run.dag_id},
      {"dag_run_id", run.run_id},
      {"state", orchestrator::StateName(run.state)},
      {"run_type", run.run_type},
      {"logical_date", NullIfEmpty(run.logical_date)},
      {"execution_date", NullIfEmpty(run.logical_date)},
      {"queued_at", NullIfEmpty(run.queued_at)},
      {"start_date", NullIfEmpty(run.start_date)},
      {"end_date", NullIfEmpty(run.end_date)},
      {"conf", run.conf.is_null() ? json::object() : run.conf},
      {"external_trigger", run.external_trigger},
  };
}

json TaskInstanceToJson(const TaskInstanceInfo& ti) {
  return {
      {"dag_id", ti.dag_id},
      {"dag_run_id", ti.run_id},
      {"task_id", ti.task_id},
      {"state", TiStateToJson(ti.state)},
      {"try_number", ti.try_number},
      {"max_tries", ti.max_tries},
      {"operator", ti.operator_name},
      {"queued_when", NullIfEmpty(ti.queued_dttm)},
      {"start_date", NullIfEmpty(ti.start_date)},
      {"end_date", NullIfEmpty(ti.end_date)},
      {"duration", ti.duration ? json(*ti.duration) : json(nullptr)},
      {"hostname", ti.hostname},
      {"pid", ti.pid ? json(*ti.pid) : json(nullptr)},
      {"result", ti.result},
      {"progress", ti.progress},
  };
}

namespace {
// Masks secret-looking keys inside a connection's extra JSON.
std::string MaskExtra(const std::string& extra) {
  if (extra.empty()) return extra;
  auto parsed = ParseJsonBounded(extra, "connection extra");
  if (!parsed.ok()) return "***";  // unparseable: could be anything
  json& doc = *parsed;
  std::function<void(json&)> walk = [&](json& j) {
    if (j.is_object()) {
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (IsSecretName(it.key())) {
          it.value() = "***";
        } else {
          walk(it.value());
        }
      }
    } else if (j.is_array()) {
      for (auto& e : j) walk(e);
    }
  };
  walk(doc);
  return doc.dump();
}
}  // namespace

json ConnectionToJson(const ConnectionInfo& c, bool with_extra) {
  json j = {
      {"connection_id", c.conn_id},
      {"conn_type", c.conn_type},
      {"description", NullIfEmpty(c.description)},
      {"host", NullIfEmpty(c.host)},
      {"login", NullIfEmpty(c.login)},
      {"schema", NullIfEmpty(c.schema)},
      {"port", c.port ? json(*c.port) : json(nullptr)},
      {"has_password", c.has_password},
  };
  if (with_extra) j["extra"] = c.extra.empty() ? json(nullptr) : json(MaskExtra(c.extra));
  return j;
}

json VariableToJson(const VariableInfo& v, bool mask) {
  bool masked = mask && IsSecretName(v.key);
  return {
      {"key", v.key},
      {"value", masked ? std::string("***") : v.value},
      {"description", NullIfEmpty(v.description)},
      {"masked", masked},
  };
}

json ImportErrorToJson(const ImportErrorInfo& e) {
  return {
      {"import_error_id", e.import_error_id},
      {"filename", e.filename},
      {"stack_trace", e.stack_trace},
      {"timestamp", NullIfEmpty(e.timestamp)},
  };
}

json PaperToJson(const PaperHit& p) {
  return {
      {"id", p.id},
      {"title", p.title},
      {"authors", p.authors},
      {"categories", p.categories},
      {"abstract", p.abstract},
      {"updatedate", NullIfEmpty(p.updatedate)},
      {"url", "https://arxiv.org/abs/" + p.id},
  };
}

std::string ReadConnectionFields(const json& b, ConnectionInput& in) {
  auto str = [&](const char* key, std::optional<std::string>& out) -> std::string {
    if (!b.contains(key)) return "";
    if (b[key].is_null()) {
      out = std::string();
      return "";
    }
    if (!b[key].is_string()) return std::string("field '") + key + "' must be a string";
    out = b[key].get<std::string>();
    if (out->size() > 65536) return std::string("field '") + key + "' is longer than 65536 bytes";
    return "";
  };
  for (auto [key, field] : std::initializer_list<std::pair<const char*, std::optional<std::string>*>>{
           {"conn_type", &in.conn_type},
           {"description", &in.description},
           {"host", &in.host},
           {"schema", &in.schema},
           {"login", &in.login},
           {"password", &in.password}}) {
    std::string err = str(key, *field);
    if (!err.empty()) return err;
  }
  if (b.contains("port")) {
    if (b["port"].is_null()) {
      in.clear_port = true;
    } else if (b["port"].is_number_integer() && b["port"].get<int64_t>() >= 0 && b["port"].get<int64_t>() <= 65535) {
      in.port = b["port"].get<int>();
    } else {
      return "field 'port' must be an integer from 0 to 65535 or null";
    }
  }
  if (b.contains("extra")) {
    const json& e = b["extra"];
    if (e.is_null()) {
      in.extra = std::string();
    } else if (e.is_object()) {
      in.extra = e.dump();
    } else if (e.is_string()) {
      std::string text = e.get<std::string>();
      if (!text.empty()) {
        auto parsed = ParseJsonBounded(text, "field 'extra'");
        if (!parsed.ok()) return parsed.status().message();
        if (!parsed->is_object()) return "field 'extra' must hold a JSON object";
      }
      in.extra = text;
    } else {
      return "field 'extra' must be a JSON object or a string holding one";
    }
  }
  return "";
}

Result<json> ParseJsonBody(const std::string& body) {
  if (body.empty()) return Status::InvalidArgument("request body is empty; a JSON object is expected");
  AF_ASSIGN_OR_RETURN(json doc, ParseJsonBounded(body, "request body"));
  if (!doc.is_object()) return Status::InvalidArgument("request body must be a JSON object");
  return doc;
}

Result<int64_t> ParseNonNegative(const std::string& name, const std::string& text) {
  if (text.empty() || text.size() > 12 ||
      !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return Status::InvalidArgument("query parameter '" + name + "' must be a non-negative integer");
  }
  return static_cast<int64_t>(std::stoll(text));
}

orchestrator::AuditQuery AuditQueryFilters(const HttpRequest& request) {
  orchestrator::AuditQuery q;
  q.dag_id = request.Query("dag_id");
  q.task_id = request.Query("task_id");
  q.run_id = request.Query("run_id");
  q.event = request.Query("event");
  q.owner = request.Query("owner");
  q.before = request.Query("before");
  q.after = request.Query("after");
  q.order_by = request.Query("order_by");  // "-when" = newest first (audit_log.h)
  return q;
}

Result<Paging> ParsePaging(const HttpRequest& request, int64_t max_limit) {
  Paging p;
  if (request.HasQuery("limit")) {
    AF_ASSIGN_OR_RETURN(p.limit, ParseNonNegative("limit", request.Query("limit")));
    if (p.limit > max_limit) p.limit = max_limit;
  }
  if (request.HasQuery("offset")) {
    AF_ASSIGN_OR_RETURN(p.offset, ParseNonNegative("offset", request.Query("offset")));
  }
  return p;
}

HttpResponse JsonResponse(const json& body, int status) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

bool IsValidId(const std::string& id) {
  if (id.empty() || id.size() > 250) return false;
  return std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '.' || c == '-';
  });
}

}  // namespace arxivflow::server
