// Connections, variables, import errors, health, and the warehouse (table
// counts, last manifest, paper search). Users are in api_users.cc.
#include <algorithm>

#include "common/json_limits.h"

#include "server/json_codec.h"
#include "server/problem.h"
#include "server/web_app.h"

namespace arxivflow::server {

using nlohmann::json;

namespace {

Result<std::string> ReadVariableValue(const json& b) {
  if (!b.contains("value")) return Status::InvalidArgument("field 'value' is required");
  if (b["value"].is_string()) return b["value"].get<std::string>();
  return Status::InvalidArgument("field 'value' must be a string");
}

}  // namespace

void WebApp::AddConnectionRoutes() {
  Route("GET", "/api/v1/connections", "Connection", "List connections (never with passwords)", [this](ApiCall& c) {
    auto paging = ParsePaging(c.request);
    if (!paging.ok()) return Problem(400, paging.status().message());
    auto conns = backend_.ListConnections();
    if (!conns.ok()) return FromStatus(conns.status(), "listing connections");
    json list = json::array();
    for (size_t i = paging->offset; i < conns->size() && static_cast<int64_t>(list.size()) < paging->limit; ++i) {
      list.push_back(ConnectionToJson((*conns)[i], true));
    }
    return JsonResponse({{"connections", list}, {"total_entries", conns->size()}});
  });

  Route("POST", "/api/v1/connections", "Connection", "Create a connection", [this](ApiCall& c) {
    auto body = ParseJsonBody(c.request.body);
    if (!body.ok()) return Problem(400, body.status().message());
    const json& b = *body;
    if (!b.contains("connection_id") || !b["connection_id"].is_string() ||
        !IsValidId(b["connection_id"].get<std::string>())) {
      return Problem(400, "field 'connection_id' is required: 1-250 letters, digits, '_', '.' or '-'");
    }
    if (!b.contains("conn_type") || !b["conn_type"].is_string() || b["conn_type"].get<std::string>().empty()) {
      return Problem(400, "field 'conn_type' (non-empty string) is required");
    }
    ConnectionInput in;
    in.conn_id = b["connection_id"].get<std::string>();
    std::string err = ReadConnectionFields(b, in);
    if (!err.empty()) return Problem(400, err);
    Status st = backend_.CreateConnection(in, c.caller());
    if (!st.ok()) return FromStatus(st, "creating connection");
    auto conn = backend_.GetConnection(in.conn_id);
    if (!conn.ok()) return FromStatus(conn.status(), "reading connection");
    return JsonResponse(ConnectionToJson(*conn, true));
  });

  Route("GET", "/api/v1/connections/{connection_id}", "Connection", "Get a connection (never with its password)",
        [this](ApiCall& c) {
          auto conn = backend_.GetConnection(c.Param("connection_id"));
          if (!conn.ok()) return FromStatus(conn.status(), "reading connection");
          return JsonResponse(ConnectionToJson(*conn, true));
        });

  Route("PATCH", "/api/v1/connections/{connection_id}", "Connection",
        "Update a connection (fields present in the body; password omitted = unchanged)", [this](ApiCall& c) {
          auto body = ParseJsonBody(c.request.body);
          if (!body.ok()) return Problem(400, body.status().message());
          const json& b = *body;
          if (b.contains("connection_id") &&
              (!b["connection_id"].is_string() || b["connection_id"].get<std::string>() != c.Param("connection_id"))) {
            return Problem(400, "field 'connection_id' does not match the URL; connections cannot be renamed");
          }
          ConnectionInput in;
          in.conn_id = c.Param("connection_id");
          std::string err = ReadConnectionFields(b, in);
          if (!err.empty()) return Problem(400, err);
          Status st = backend_.UpdateConnection(in, c.caller());
          if (!st.ok()) return FromStatus(st, "updating connection");
          auto conn = backend_.GetConnection(in.conn_id);
          if (!conn.ok()) return FromStatus(conn.status(), "reading connection");
          return JsonResponse(ConnectionToJson(*conn, true));
        });

  Route("DELETE", "/api/v1/connections/{connection_id}", "Connection", "Delete a connection", [this](ApiCall& c) {
    Status st = backend_.DeleteConnection(c.Param("connection_id"), c.caller());
    if (!st.ok()) return FromStatus(st, "deleting connection");
    HttpResponse r;
    r.status = 204;
    r.content_type.clear();
    return r;
  });
}

void WebApp::AddVariableRoutes() {
  Route("GET", "/api/v1/variables", "Variable", "List variables (secret-looking values masked)", [this](ApiCall& c) {
    auto paging = ParsePaging(c.request);
    if (!paging.ok()) return Problem(400, paging.status().message());
    auto vars = backend_.ListVariables();
    if (!vars.ok()) return FromStatus(vars.status(), "listing variables");
    json list = json::array();
    for (size_t i = paging->offset; i < vars->size() && static_cast<int64_t>(list.size()) < paging->limit; ++i) {
      list.push_back(VariableToJson((*vars)[i], true));
    }
    return JsonResponse({{"variables", list}, {"total_entries", vars->size()}});
  });

  Route("POST", "/api/v1/variables", "Variable", "Create or replace a variable", [this](ApiCall& c) {
    auto body = ParseJsonBody(c.request.body);
    if (!body.ok()) return Problem(400, body.status().message());
    const json& b = *body;
    if (!b.contains("key") || !b["key"].is_string() || !IsValidId(b["key"].get<std::string>())) {
      return Problem(400, "field 'key' is required: 1-250 letters, digits, '_', '.' or '-'");
    }
    auto value = ReadVariableValue(b);
    if (!value.ok()) return Problem(400, value.status().message());
    VariableInfo v{b["key"].get<std::string>(), *value, ""};
    if (b.contains("description") && b["description"].is_string()) v.description = b["description"].get<std::string>();
    Status st = backend_.SetVariable(v, c.caller());
    if (!st.ok()) return FromStatus(st, "setting variable");
    return JsonResponse(VariableToJson(v, true));
  });

  Route("GET", "/api/v1/variables/{variable_key}", "Variable",
        "Get a variable (secret-looking values masked for viewers)", [this](ApiCall& c) {
          auto v = backend_.GetVariable(c.Param("variable_key"));
          if (!v.ok()) return FromStatus(v.status(), "reading variable");
          return JsonResponse(VariableToJson(*v, !c.user.is_admin()));
        });

  Route("PATCH", "/api/v1/variables/{variable_key}", "Variable", "Update a variable", [this](ApiCall& c) {
    auto body = ParseJsonBody(c.request.body);
    if (!body.ok()) return Problem(400, body.status().message());
    const json& b = *body;
    if (b.contains("key") && (!b["key"].is_string() || b["key"].get<std::string>() != c.Param("variable_key"))) {
      return Problem(400, "field 'key' does not match the URL; variables cannot be renamed");
    }
    std::optional<std::string> value, description;
    if (b.contains("value")) {
      auto read = ReadVariableValue(b);
      if (!read.ok()) return Problem(400, read.status().message());
      value = *read;
    }
    if (b.contains("description")) {
      if (!b["description"].is_string() && !b["description"].is_null()) {
        return Problem(400, "field 'description' must be a string");
      }
      description = b["description"].is_string() ? b["description"].get<std::string>() : "";
    }
    auto v = backend_.UpdateVariable(c.Param("variable_key"), value, description, c.caller());
    if (!v.ok()) return FromStatus(v.status(), "updating variable");
    return JsonResponse(VariableToJson(*v, true));
  });

  Route("DELETE", "/api/v1/variables/{variable_key}", "Variable", "Delete a variable", [this](ApiCall& c) {
    Status st = backend_.DeleteVariable(c.Param("variable_key"), c.caller());
    if (!st.ok()) return FromStatus(st, "deleting variable");
    HttpResponse r;
    r.status = 204;
    r.content_type.clear();
    return r;
  });
}

void WebApp::AddMiscRoutes() {
  Route("GET", "/api/v1/health", "Monitoring", "Health of the metadata DB and the scheduler (no login)",
        [this](ApiCall&) {
          HealthInfo h = backend_.Health();
          json scheduler = {{"status", h.scheduler_status.empty() ? json(nullptr) : json(h.scheduler_status)},
                            {"latest_scheduler_heartbeat", h.latest_scheduler_heartbeat.empty()
                                                               ? json(nullptr)
                                                               : json(h.latest_scheduler_heartbeat)},
                            {"heartbeat_age_seconds",
                             h.scheduler_heartbeat_age ? json(*h.scheduler_heartbeat_age) : json(nullptr)}};
          json body = {{"metadatabase", {{"status", h.metadatabase_ok ? "healthy" : "unhealthy"}}},
                       {"scheduler", scheduler}};
          if (h.log_bytes) body["logs"] = {{"files", h.log_files.value_or(0)}, {"bytes", *h.log_bytes}};
          return JsonResponse(body);
        });

  Route("GET", "/api/v1/version", "Monitoring", "Server version", [this](ApiCall&) {
    return JsonResponse({{"version", options_.version}, {"git_version", nullptr}});
  });

  Route("GET", "/api/v1/importErrors", "ImportError", "DAG files that failed to parse", [this](ApiCall& c) {
    auto paging = ParsePaging(c.request);
    if (!paging.ok()) return Problem(400, paging.status().message());
    auto errs = backend_.ListImportErrors();
    if (!errs.ok()) return FromStatus(errs.status(), "listing import errors");
    json list = json::array();
    for (size_t i = paging->offset; i < errs->size() && static_cast<int64_t>(list.size()) < paging->limit; ++i) {
      list.push_back(ImportErrorToJson((*errs)[i]));
    }
    return JsonResponse({{"import_errors", list}, {"total_entries", errs->size()}});
  });

  Route("GET", "/api/v1/importErrors/{import_error_id}", "ImportError", "One import error", [this](ApiCall& c) {
    auto id = ParseNonNegative("import_error_id", c.Param("import_error_id"));
    if (!id.ok()) return Problem(400, id.status().message());
    auto errs = backend_.ListImportErrors();
    if (!errs.ok()) return FromStatus(errs.status(), "listing import errors");
    for (const auto& e : *errs) {
      if (e.import_error_id == *id) return JsonResponse(ImportErrorToJson(e));
    }
    return Problem(404, "no import error " + std::to_string(*id));
  });

  Route("GET", "/api/v1/warehouse/tables", "Warehouse", "The six tables with their row counts", [this](ApiCall&) {
    auto info = backend_.WarehouseTables();
    if (!info.ok()) return FromStatus(info.status(), "counting warehouse rows");
    json tables = json::array();
    for (const auto& t : info->tables) {
      tables.push_back({{"table", t.table}, {"exists", t.exists}, {"rows", t.exists ? json(t.rows) : json(nullptr)}});
    }
    return JsonResponse({{"target", info->target}, {"tables", tables}});
  });

  Route("GET", "/api/v1/warehouse/manifest", "Warehouse",
        "The last transform's manifest (records read/accepted/rejected, sample of rejects)", [this](ApiCall&) {
          auto m = backend_.LastManifest();
          if (!m.ok()) return FromStatus(m.status(), "reading the manifest");
          return JsonResponse(*m);
        });

  Route("GET", "/api/v1/warehouse/search", "Warehouse", "Search paper titles and abstracts (q=words)",
        [this](ApiCall& c) {
          std::string q = c.request.Query("q");
          if (q.find_first_not_of(" \t") == std::string::npos) return Problem(400, "query parameter 'q' is required");
          if (q.size() > 500) return Problem(400, "query parameter 'q' is longer than 500 bytes");
          auto paging = ParsePaging(c.request, 100);
          if (!paging.ok()) return Problem(400, paging.status().message());
          int64_t limit = c.request.HasQuery("limit") ? paging->limit : 20;
          auto page = backend_.SearchPapers(q, limit, paging->offset);
          if (!page.ok()) return FromStatus(page.status(), "searching papers");
          json list = json::array();
          for (const auto& p : page->items) list.push_back(PaperToJson(p));
          return JsonResponse({{"papers", list},
                               {"total_entries", page->total},
                               {"total_entries_exact", page->total_exact},
                               {"q", q}});
        });
}

}  // namespace arxivflow::server
