// API v2's JSON shapes: Airflow 3's response bodies (DAGResponse,
// DAGRunResponse, TaskInstanceResponse, ...) from the Backend's records.
// Fields Airflow 3 requires but arxivflow has no notion of get Airflow's
// neutral value (pool "default_pool", map_index -1, empty lists).
//
// Contract: pure, thread-safe; never includes secrets (connections come
// without their password, secret-looking extras and variables masked, as in
// json_codec.h).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "server/backend.h"

namespace arxivflow::server {

nlohmann::json DagV2(const DagInfo& dag);
nlohmann::json DagDetailsV2(const DagInfo& dag);
nlohmann::json TaskV2(const TaskInfo& task);
nlohmann::json DagRunV2(const DagRunInfo& run);
// `run` gives the logical date and run_after (Airflow's run fields on a TI).
nlohmann::json TaskInstanceV2(const TaskInstanceInfo& ti, const DagRunInfo& run);
nlohmann::json TaskTryV2(const TaskInstanceInfo& ti, const TaskTryInfo& attempt);
nlohmann::json ConnectionV2(const ConnectionInfo& conn);
nlohmann::json VariableV2(const VariableInfo& var);
nlohmann::json ImportErrorV2(const ImportErrorInfo& err);

// A stable UUID for a task instance (Airflow 3's `id`), derived from its key.
std::string TaskInstanceUuid(const std::string& dag_id, const std::string& run_id, const std::string& task_id);

}  // namespace arxivflow::server
