// The operator registry: every operator a DAG file may name, in one place.
//
// Contract: FindOperator returns a static, immutable definition or nullptr.
// `validate` checks a task's raw (untemplated) args when the DAG file is
// parsed, so a typo fails at parse time with the task named. `execute` runs in
// the task's own process (`arxivflow tasks run`); it renders its args through
// ctx.render, writes progress through ctx.log (already masked of secrets) and
// returns OK on success. Operators that start processes use execvp with an
// argv (never a shell) and record the child's pid in ctx.child_pid so the
// heartbeat can stop it. Adding an operator = one entry in operators.cc.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "orchestrator/dag.h"

namespace arxivflow::orchestrator {

struct Connection;

struct TaskContext {
  const DagSpec* dag = nullptr;
  const TaskSpec* task = nullptr;
  std::string run_id;
  double logical_date = 0;
  int try_number = 1;
  std::string home;
  // Renders one templated string. allow_secrets=true permits
  // {{ conn.ID.password }} (only for environment values of processes).
  std::function<Result<std::string>(const std::string& text, bool allow_secrets)> render;
  // Replaces every secret rendered so far with "***".
  std::function<std::string(const std::string& text)> mask;
  // Writes one log line (the text is masked first).
  std::function<void(const std::string& line)> log;
  std::function<Result<Connection>(const std::string& conn_id)> get_connection;
  std::atomic<pid_t>* child_pid = nullptr;
  // Records the task's result, stored in task_instances.result (small JSON:
  // counts and outcomes, never secrets; the last call wins). May be empty.
  std::function<void(const nlohmann::json& result)> set_result;
  // Where an arxivflow command started by the operator writes its result
  // (ARXIVFLOW_TASK_RESULT_FILE, common/task_result.h); read by the task
  // runner after execute(), and preferred over set_result. May be empty.
  std::string result_file;
  // Where such a command writes its latest progress
  // (ARXIVFLOW_TASK_PROGRESS_FILE, orchestrator/task_progress.h); read by the
  // server while the task runs. May be empty.
  std::string progress_file;
};

struct OperatorDef {
  const char* name;
  const char* summary;
  Status (*validate)(const nlohmann::json& args);
  Status (*execute)(TaskContext& ctx);
};

const OperatorDef* FindOperator(const std::string& name);
const std::vector<OperatorDef>& AllOperators();

// Runs argv as a child process (execvp, no shell) with `env` (full
// environment, "K=V") and optional cwd, streaming its stdout+stderr line by
// line through ctx.log. Returns OK on exit status 0. `exit_code`, when
// given, receives the exit code (-1 if it did not run or was killed).
Status RunProcess(TaskContext& ctx, const std::vector<std::string>& argv,
                  const std::vector<std::string>& env, const std::string& cwd,
                  int* exit_code = nullptr);

// The path of the running arxivflow binary (resolved /proc/self/exe).
std::string SelfExecutable();

}  // namespace arxivflow::orchestrator
