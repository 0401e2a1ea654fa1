#include "orchestrator/scheduler_rules.h"

#include <gtest/gtest.h>

#include "orchestrator/dag_parser.h"
#include "orchestrator/time_util.h"

namespace arxivflow::orchestrator {
namespace {

// A task with two upstream tasks, a and b.
TaskSpec Join(TriggerRule rule) {
  TaskSpec t;
  t.task_id = "join";
  t.upstream = {"a", "b"};
  t.trigger_rule = rule;
  return t;
}

constexpr auto N = TiState::kNone;
constexpr auto R = TiState::kRunning;
constexpr auto S = TiState::kSuccess;
constexpr auto F = TiState::kFailed;
constexpr auto UF = TiState::kUpstreamFailed;
constexpr auto K = TiState::kSkipped;
constexpr auto Q = TiState::kScheduled;  // the decision "schedule it"
const std::optional<TiState> kWait = std::nullopt;

struct RuleCase {
  TriggerRule rule;
  TiState a, b;
  std::optional<TiState> expected;
};

// Airflow's trigger rules, case by case.
const RuleCase kCases[] = {
    {TriggerRule::kAllSuccess, S, S, Q},     {TriggerRule::kAllSuccess, S, R, kWait},
    {TriggerRule::kAllSuccess, S, N, kWait}, {TriggerRule::kAllSuccess, F, R, TiState::kUpstreamFailed},
    {TriggerRule::kAllSuccess, UF, S, TiState::kUpstreamFailed},
    {TriggerRule::kAllSuccess, K, S, TiState::kSkipped},
    {TriggerRule::kAllFailed, F, UF, Q},     {TriggerRule::kAllFailed, F, R, kWait},
    {TriggerRule::kAllFailed, F, S, TiState::kSkipped},
    {TriggerRule::kAllDone, S, F, Q},        {TriggerRule::kAllDone, K, UF, Q},
    {TriggerRule::kAllDone, S, R, kWait},
    {TriggerRule::kOneFailed, F, R, Q},      {TriggerRule::kOneFailed, S, R, kWait},
    {TriggerRule::kOneFailed, S, K, TiState::kSkipped},
    {TriggerRule::kOneSuccess, S, R, Q},     {TriggerRule::kOneSuccess, F, R, kWait},
    {TriggerRule::kOneSuccess, F, K, TiState::kUpstreamFailed},
    {TriggerRule::kOneSuccess, K, K, TiState::kSkipped},
    {TriggerRule::kNoneFailed, S, K, Q},     {TriggerRule::kNoneFailed, S, R, kWait},
    {TriggerRule::kNoneFailed, F, R, TiState::kUpstreamFailed},
    {TriggerRule::kAlways, N, R, Q},         {TriggerRule::kAlways, F, F, Q},
};

TEST(TriggerDecision, EveryRule) {
  for (const auto& c : kCases) {
    TaskStates states = {{"a", c.a}, {"b", c.b}};
    EXPECT_EQ(TriggerDecision(Join(c.rule), states), c.expected)
        << TriggerRuleName(c.rule) << " with a=" << StateName(c.a) << " b=" << StateName(c.b);
  }
}

TEST(TriggerDecision, NoUpstreamIsScheduledAndMissingCountsAsNone) {
  TaskSpec root;
  root.task_id = "root";
  EXPECT_EQ(TriggerDecision(root, {}), TiState::kScheduled);
  EXPECT_EQ(TriggerDecision(Join(TriggerRule::kAllSuccess), {{"a", S}}), kWait);
}

TEST(TriggerRuleBlockers, NamesTheUpstreamTasksThatHoldTheTaskBack) {
  auto lines = TriggerRuleBlockers(Join(TriggerRule::kAllSuccess), {{"a", S}, {"b", R}});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "upstream b is running (trigger rule all_success waits for all upstream tasks to succeed)");
  // all_done does not mind a failure, only unfinished tasks.
  lines = TriggerRuleBlockers(Join(TriggerRule::kAllDone), {{"a", F}, {"b", N}});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("upstream b is none"), std::string::npos) << lines[0];
  // Decided but not scheduled: the decision is named.
  lines = TriggerRuleBlockers(Join(TriggerRule::kAllSuccess), {{"a", F}, {"b", S}});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("upstream_failed"), std::string::npos) << lines[0];
  EXPECT_TRUE(TriggerRuleBlockers(Join(TriggerRule::kAllSuccess), {{"a", S}, {"b", S}}).empty());
}

DagSpec Parse(const std::string& yaml) {
  auto dags = ParseDagYaml(yaml, "d.yaml");
  EXPECT_TRUE(dags.ok()) << dags.status().ToString();
  return (*dags)[0];
}

TEST(RunOutcome, FailedOnlyWhenALeafFailed) {
  DagSpec dag = Parse(R"(dag_id: d
tasks:
  - {task_id: a, operator: noop}
  - {task_id: b, operator: noop, upstream: [a]}
  - {task_id: cleanup, operator: noop, upstream: [a], trigger_rule: all_done}
)");
  EXPECT_EQ(RunOutcome(dag, {{"a", S}, {"b", S}, {"cleanup", R}}), std::nullopt);
  EXPECT_EQ(RunOutcome(dag, {{"a", S}, {"b", S}}), std::nullopt);  // cleanup has no state yet
  EXPECT_EQ(RunOutcome(dag, {{"a", S}, {"b", S}, {"cleanup", S}}), DagRunState::kSuccess);
  EXPECT_EQ(RunOutcome(dag, {{"a", F}, {"b", UF}, {"cleanup", S}}), DagRunState::kFailed);
  // A failed task that is not a leaf does not fail the run by itself.
  EXPECT_EQ(RunOutcome(dag, {{"a", S}, {"b", K}, {"cleanup", S}}), DagRunState::kSuccess);
}

TEST(DueLogicalDate, CronWithoutCatchupRunsOnlyTheLatestInterval) {
  DagSpec dag = Parse("dag_id: d\nschedule: '@daily'\nstart_date: 2026-01-01\ncatchup: false\n"
                      "tasks:\n  - {task_id: a, operator: noop}\n");
  double now = *ParseIso("2026-03-10T12:00:00Z");
  // The latest complete interval is 03-09 -> 03-10.
  EXPECT_EQ(DueLogicalDate(dag, std::nullopt, now), *ParseIso("2026-03-09"));
  // That run exists: nothing is due until 03-11.
  EXPECT_EQ(DueLogicalDate(dag, *ParseIso("2026-03-09"), now), std::nullopt);
  EXPECT_EQ(DueLogicalDate(dag, *ParseIso("2026-03-09"), *ParseIso("2026-03-11T00:00:01Z")), *ParseIso("2026-03-10"));
}

TEST(DueLogicalDate, CronWithCatchupRunsEveryInterval) {
  DagSpec dag = Parse("dag_id: d\nschedule: '@daily'\nstart_date: 2026-01-01\ncatchup: true\n"
                      "tasks:\n  - {task_id: a, operator: noop}\n");
  double now = *ParseIso("2026-03-10T12:00:00Z");
  EXPECT_EQ(DueLogicalDate(dag, std::nullopt, now), *ParseIso("2026-01-01"));
  EXPECT_EQ(DueLogicalDate(dag, *ParseIso("2026-01-01"), now), *ParseIso("2026-01-02"));
}

TEST(DueLogicalDate, OnceAndManualAndBeforeStart) {
  DagSpec once = Parse("dag_id: d\nschedule: '@once'\nstart_date: 2026-01-01\ntasks:\n  - {task_id: a, operator: noop}\n");
  double now = *ParseIso("2026-03-10T12:00:00Z");
  EXPECT_EQ(DueLogicalDate(once, std::nullopt, now), *ParseIso("2026-01-01"));
  EXPECT_EQ(DueLogicalDate(once, *ParseIso("2026-01-01"), now), std::nullopt);
  EXPECT_EQ(DueLogicalDate(once, std::nullopt, *ParseIso("2025-12-31")), std::nullopt);
  DagSpec manual = Parse("dag_id: d\ntasks:\n  - {task_id: a, operator: noop}\n");
  EXPECT_EQ(DueLogicalDate(manual, std::nullopt, now), std::nullopt);
}

TEST(States, OneMappingBothWays) {
  for (TiState s : {TiState::kNone, TiState::kScheduled, TiState::kQueued, TiState::kRunning, TiState::kSuccess,
                    TiState::kFailed, TiState::kUpForRetry, TiState::kUpstreamFailed, TiState::kSkipped,
                    TiState::kRemoved}) {
    EXPECT_EQ(ParseTiState(StateName(s)), s) << StateName(s);
  }
  for (DagRunState s : {DagRunState::kQueued, DagRunState::kRunning, DagRunState::kSuccess, DagRunState::kFailed}) {
    EXPECT_EQ(ParseDagRunState(StateName(s)), s) << StateName(s);
  }
  EXPECT_EQ(StateName(TiState::kNone), std::string("none"));
  EXPECT_EQ(ParseTiState(""), std::nullopt);
  EXPECT_EQ(ParseTiState("None"), std::nullopt);
  EXPECT_EQ(ParseDagRunState("none"), std::nullopt);
  EXPECT_TRUE(IsFinished(TiState::kUpstreamFailed));
  EXPECT_FALSE(IsFinished(TiState::kUpForRetry));
  EXPECT_TRUE(IsExecuting(TiState::kQueued));
}

}  // namespace
}  // namespace arxivflow::orchestrator
