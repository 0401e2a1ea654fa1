// The environment a shell task's process starts with.
//
// Contract: the scheduler's environment holds what tasks must not see
// (ARXIVFLOW_CONN_* URIs with passwords, ARXIVFLOW_VAR_*, AWS keys, ...), so
// a shell task gets a scrubbed environment: only kInheritedVariables (PATH,
// HOME, USER, LOGNAME, SHELL, LANG, LANGUAGE, LC_*, TZ, TMPDIR, TERM), then the
// variables the DAG names in `pass_env`, then its `env:` values (the caller
// adds those). With `append_env: false` only PATH is inherited. Pure
// functions over "NAME=value" lists; thread-safe.
#pragma once

#include <string>
#include <vector>

namespace arxivflow::orchestrator {

// "NAME=value" entries of the current process (environ).
std::vector<std::string> CurrentEnvironment();

// True for the names every shell task inherits.
bool IsInheritedVariable(const std::string& name);

// The scrubbed base environment of a shell task: the inherited variables of
// `from` (only PATH when !inherit_defaults), plus the `pass_env` names that
// are set in `from`.
std::vector<std::string> TaskEnvironment(const std::vector<std::string>& from, bool inherit_defaults,
                                         const std::vector<std::string>& pass_env);

// Sets (or replaces) NAME in `env`.
void SetEnvironmentValue(std::vector<std::string>& env, const std::string& name, const std::string& value);

// A valid environment variable name: [A-Za-z_][A-Za-z0-9_]*, at most 256 bytes.
bool IsValidEnvironmentName(const std::string& name);

}  // namespace arxivflow::orchestrator
