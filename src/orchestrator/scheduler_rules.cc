#include "orchestrator/scheduler_rules.h"

namespace arxivflow::orchestrator {

namespace {

TiState StateOf(const TaskStates& states, const std::string& task_id) {
  auto it = states.find(task_id);
  return it == states.end() ? TiState::kNone : it->second;
}

struct UpstreamCounts {
  int success = 0, skipped = 0, failed = 0, done = 0, total = 0;
};

UpstreamCounts Count(const TaskSpec& task, const TaskStates& states) {
  UpstreamCounts c;
  c.total = static_cast<int>(task.upstream.size());
  for (const auto& up : task.upstream) {
    TiState s = StateOf(states, up);
    if (s == TiState::kSuccess) ++c.success;
    else if (s == TiState::kSkipped) ++c.skipped;
    else if (IsFailure(s)) ++c.failed;
    if (IsFinished(s)) ++c.done;
  }
  return c;
}

// What each rule waits for, in words.
const char* Requirement(TriggerRule rule) {
  switch (rule) {
    case TriggerRule::kAllSuccess: return "all upstream tasks to succeed";
    case TriggerRule::kAllFailed: return "all upstream tasks to fail";
    case TriggerRule::kAllDone: return "all upstream tasks to finish";
    case TriggerRule::kOneFailed: return "one upstream task to fail";
    case TriggerRule::kOneSuccess: return "one upstream task to succeed";
    case TriggerRule::kNoneFailed: return "all upstream tasks to finish without a failure";
    case TriggerRule::kAlways: return "nothing";
  }
  return "";
}

// Would this upstream state, by itself, hold the task back under `rule`?
bool Holds(TriggerRule rule, TiState s) {
  switch (rule) {
    case TriggerRule::kAllSuccess: return s != TiState::kSuccess;
    case TriggerRule::kAllFailed: return !IsFailure(s);
    case TriggerRule::kAllDone:
    case TriggerRule::kOneFailed:
    case TriggerRule::kOneSuccess: return !IsFinished(s);
    case TriggerRule::kNoneFailed: return !IsFinished(s) || IsFailure(s);
    case TriggerRule::kAlways: return false;
  }
  return false;
}

}  // namespace

std::optional<TiState> TriggerDecision(const TaskSpec& task, const TaskStates& states) {
  if (task.upstream.empty()) return TiState::kScheduled;
  const UpstreamCounts c = Count(task, states);
  const int n = c.total;
  switch (task.trigger_rule) {
    case TriggerRule::kAllSuccess:
      if (c.failed) return TiState::kUpstreamFailed;
      if (c.skipped) return TiState::kSkipped;
      if (c.success == n) return TiState::kScheduled;
      return std::nullopt;
    case TriggerRule::kAllFailed:
      if (c.success || c.skipped) return TiState::kSkipped;
      if (c.failed == n) return TiState::kScheduled;
      return std::nullopt;
    case TriggerRule::kAllDone:
      if (c.done == n) return TiState::kScheduled;
      return std::nullopt;
    case TriggerRule::kOneFailed:
      if (c.failed) return TiState::kScheduled;
      if (c.done == n) return TiState::kSkipped;
      return std::nullopt;
    case TriggerRule::kOneSuccess:
      if (c.success) return TiState::kScheduled;
      if (c.done == n) return c.failed ? TiState::kUpstreamFailed : TiState::kSkipped;
      return std::nullopt;
    case TriggerRule::kNoneFailed:
      if (c.failed) return TiState::kUpstreamFailed;
      if (c.done == n) return TiState::kScheduled;
      return std::nullopt;
    case TriggerRule::kAlways:
      return TiState::kScheduled;
  }
  return std::nullopt;
}

std::vector<std::string> TriggerRuleBlockers(const TaskSpec& task, const TaskStates& states) {
  std::vector<std::string> out;
  auto decision = TriggerDecision(task, states);
  if (decision == TiState::kScheduled) return out;
  std::string rule = std::string("trigger rule ") + TriggerRuleName(task.trigger_rule) + " waits for " +
                     Requirement(task.trigger_rule);
  if (decision) {
    out.push_back(rule + "; the upstream states make this task " + StateName(*decision));
    return out;
  }
  for (const auto& up : task.upstream) {
    TiState s = StateOf(states, up);
    if (Holds(task.trigger_rule, s)) out.push_back("upstream " + up + " is " + StateName(s) + " (" + rule + ")");
  }
  return out;
}

std::optional<DagRunState> RunOutcome(const DagSpec& dag, const TaskStates& states) {
  bool failed = false;
  for (const auto& task : dag.tasks) {
    TiState s = StateOf(states, task.task_id);
    if (!IsFinished(s)) return std::nullopt;
    if (task.downstream.empty() && IsFailure(s)) failed = true;
  }
  return failed ? DagRunState::kFailed : DagRunState::kSuccess;
}

std::optional<double> DueLogicalDate(const DagSpec& dag, std::optional<double> last, double now) {
  if (dag.schedule.kind() == Schedule::Kind::kNone || now < dag.start_date) return std::nullopt;
  if (dag.schedule.kind() == Schedule::Kind::kOnce) {
    if (last) return std::nullopt;
    return dag.start_date;
  }
  std::optional<double> candidate = last ? dag.schedule.Next(*last) : dag.schedule.Next(dag.start_date - 1e-3);
  if (!dag.catchup && candidate) {
    // Without catchup only the latest complete interval runs: search growing
    // windows back from now for the last tick whose interval ended.
    for (double window : {86400.0, 32 * 86400.0, 400 * 86400.0, 5 * 366 * 86400.0}) {
      std::optional<double> c = dag.schedule.Next(now - window);
      if (!c || *c < *candidate) c = candidate;
      auto end = dag.schedule.Next(*c);
      if (!end || *end > now) continue;
      while (true) {
        auto next = dag.schedule.Next(*c);
        auto next_end = next ? dag.schedule.Next(*next) : std::nullopt;
        if (!next_end || *next_end > now) break;
        c = next;
      }
      candidate = c;
      break;
    }
  }
  if (!candidate) return std::nullopt;
  auto end = dag.schedule.Next(*candidate);
  if (end && *end <= now) return candidate;
  return std::nullopt;
}

}  // namespace arxivflow::orchestrator
