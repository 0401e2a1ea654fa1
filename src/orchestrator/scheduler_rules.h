// The scheduler's decisions, as pure functions of a DAG and states: which task
// instances may start (trigger rules), when a DAG run is over and how it
// ended, and which scheduled run is due. The scheduler applies them; run
// control's failed-deps explains them.
//
// Contract: no I/O, no clock of their own (`now` is passed), deterministic;
// thread-safe. `states` maps task ids to their task instance's state; a task
// absent from it counts as TiState::kNone.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/dag.h"
#include "orchestrator/states.h"

namespace arxivflow::orchestrator {

using TaskStates = std::map<std::string, TiState>;

// What a task instance in state none becomes given its upstream tasks' states:
// kScheduled, kSkipped or kUpstreamFailed, or nullopt to keep waiting.
std::optional<TiState> TriggerDecision(const TaskSpec& task, const TaskStates& states);

// Why `task` is not yet scheduled under its trigger rule, one line per
// upstream task that holds it back (empty when TriggerDecision schedules it).
std::vector<std::string> TriggerRuleBlockers(const TaskSpec& task, const TaskStates& states);

// The run's final state once every task instance is finished: failed when a
// leaf task (one without downstream tasks) failed or is upstream_failed, else
// success; nullopt while any task is unfinished.
std::optional<DagRunState> RunOutcome(const DagSpec& dag, const TaskStates& states);

// The logical date of the scheduled run to create at `now` for `dag`, given
// the logical date of its last scheduled run (nullopt: none yet), or nullopt
// when none is due. A run with logical date L is due when its interval ends
// (the next tick after L); without catchup only the latest complete interval
// runs; "@once" runs once at start_date.
std::optional<double> DueLogicalDate(const DagSpec& dag, std::optional<double> last, double now);

}  // namespace arxivflow::orchestrator
