// What a DAG run id may be, and how ids become file names.
//
// Contract: ValidateRunId accepts 1-250 characters of [A-Za-z0-9_.~:+-]
// (Airflow's default allowed_run_id_pattern), which covers the generated
// forms ("manual__2026-01-01T00:00:00+00:00"); anything else is
// kInvalidArgument with one message, the same for the CLI and the REST API.
// PathComponent maps an id to a file-name component injectively: bytes
// outside that set (and '%') become %XX, so two distinct ids — even ones
// stored before validation existed, such as "a/b" and "a_b" — never share a
// log or result file. The result never holds '/'; callers prefix it
// ("run_id=<component>"), so "." and ".." name nothing either. Pure;
// thread-safe.
#pragma once

#include <string>

#include "common/status.h"

namespace arxivflow::orchestrator {

inline constexpr size_t kMaxRunIdLength = 250;

Status ValidateRunId(const std::string& run_id);

std::string PathComponent(const std::string& id);

}  // namespace arxivflow::orchestrator
