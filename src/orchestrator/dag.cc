#include "orchestrator/dag.h"

#include <algorithm>
#include <cmath>

namespace arxivflow::orchestrator {

namespace {
struct RuleName {
  TriggerRule rule;
  const char* name;
};
constexpr RuleName kRules[] = {
    {TriggerRule::kAllSuccess, "all_success"}, {TriggerRule::kAllDone, "all_done"},
    {TriggerRule::kAllFailed, "all_failed"},   {TriggerRule::kOneFailed, "one_failed"},
    {TriggerRule::kOneSuccess, "one_success"}, {TriggerRule::kNoneFailed, "none_failed"},
    {TriggerRule::kAlways, "always"},
};
}  // namespace

const char* TriggerRuleName(TriggerRule rule) {
  for (const auto& r : kRules) if (r.rule == rule) return r.name;
  return "all_success";
}

bool ParseTriggerRule(const std::string& text, TriggerRule& out) {
  for (const auto& r : kRules) {
    if (text == r.name) {
      out = r.rule;
      return true;
    }
  }
  return false;
}

double RetryPolicy::DelayAfterTry(int try_number) const {
  double delay = retry_delay;
  if (retry_exponential_backoff) {
    delay = retry_delay * std::pow(2.0, std::max(0, try_number - 1));
    if (max_retry_delay > 0) delay = std::min(delay, max_retry_delay);
  }
  return std::max(0.0, delay);
}

const TaskSpec* DagSpec::FindTask(const std::string& task_id) const {
  for (const auto& t : tasks) if (t.task_id == task_id) return &t;
  return nullptr;
}

}  // namespace arxivflow::orchestrator
