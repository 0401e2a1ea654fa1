// Small helpers every operator uses on a task's `args` (JSON from the DAG
// file): checking which keys are present and turning scalars into text.
//
// Contract: pure functions, thread-safe, no allocation beyond their results.
// Errors are Status::InvalidArgument naming the offending key, so a DAG file
// typo is reported at parse time with the task named by the caller.
#pragma once

#include <initializer_list>
#include <string>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace arxivflow::orchestrator {

// A string, number or boolean (what a templated argument may be).
bool IsScalar(const nlohmann::json& v);

// The text of a scalar: strings verbatim, booleans as true/false, numbers as
// JSON prints them.
std::string ScalarText(const nlohmann::json& v);

// OK when `args` is a map (or null: no args) whose keys are all in `keys`;
// else names the first unknown key and the expected ones.
Status CheckOnlyKeys(const nlohmann::json& args, std::initializer_list<const char*> keys);

// OK when args[key] is a non-empty string; `what` says what it should hold.
Status RequireString(const nlohmann::json& args, const char* key, const char* what);

// A file named in a task's args: an absolute path as given, a relative one
// relative to the folder of the DAG file `dag_fileloc` (empty: as given).
std::string DagRelativePath(const std::string& dag_fileloc, const std::string& path);

}  // namespace arxivflow::orchestrator
