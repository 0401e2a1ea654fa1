// The API's JSON shapes (Airflow's stable REST API v1 field names), and the
// helpers that read request bodies and query parameters.
//
// Contract: To*Json never include secrets (ConnectionInfo has no password;
// connection extras and, when `mask` is set, variable values whose name is a
// secret name (common/secret_names.h) are masked).
// ParseJsonBody returns kInvalidArgument with a short description for bad
// JSON, JSON nested deeper than kMaxJsonDepth (common/json_limits.h) or a
// non-object body. ParsePaging reads limit/offset
// (defaults 100/0, limit capped at `max_limit`) and fails kInvalidArgument on
// negative or non-numeric values. All pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "server/backend.h"
#include "server/http_types.h"

namespace arxivflow::server {

// A task instance's state as the API shows it: null for "no state yet",
// else the state's name (Airflow's one representation).
nlohmann::json TiStateToJson(TiState state);

nlohmann::json DagToJson(const DagInfo& dag);
nlohmann::json TaskToJson(const TaskInfo& task);
nlohmann::json DagRunToJson(const DagRunInfo& run);
nlohmann::json TaskInstanceToJson(const TaskInstanceInfo& ti);
nlohmann::json ConnectionToJson(const ConnectionInfo& conn, bool with_extra);
nlohmann::json VariableToJson(const VariableInfo& var, bool mask);
nlohmann::json ImportErrorToJson(const ImportErrorInfo& err);
nlohmann::json PaperToJson(const PaperHit& paper);

Result<nlohmann::json> ParseJsonBody(const std::string& body);

// Reads the connection fields present in `body` (conn_type, description,
// host, schema, login, password, port, extra: Airflow's names) into `in`;
// "" on success, else what is wrong. Shared by API v1 and v2.
std::string ReadConnectionFields(const nlohmann::json& body, ConnectionInput& in);

struct Paging {
  int64_t limit = 100;
  int64_t offset = 0;
};
Result<Paging> ParsePaging(const HttpRequest& request, int64_t max_limit = 1000);

// The event-log filters both API versions take as single query parameters:
// dag_id, task_id, run_id, event, owner, before, after, order_by (absent =
// no filter, default order). Paging and the event-name lists are the
// caller's: their forms differ between v1 and v2.
orchestrator::AuditQuery AuditQueryFilters(const HttpRequest& request);

// Parses a non-negative integer query value; kInvalidArgument names `name`.
Result<int64_t> ParseNonNegative(const std::string& name, const std::string& text);

// JSON response with status 200 (or `status`).
HttpResponse JsonResponse(const nlohmann::json& body, int status = 200);

// Ids of DAGs, connections and variables: 1..250 of [A-Za-z0-9_.-].
bool IsValidId(const std::string& id);

}  // namespace arxivflow::server
