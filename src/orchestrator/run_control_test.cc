#include "orchestrator/run_control.h"

#include <gtest/gtest.h>

#include "orchestrator/scheduler_rules.h"
#include "orchestrator/test_home_test_util.h"
#include "orchestrator/time_util.h"

namespace arxivflow::orchestrator {
namespace {

// extract >> [load_a, load_b] >> check; cleanup (all_done) after check.
const char* kDag = R"(dag_id: etl
tasks:
  - {task_id: extract, operator: noop}
  - {task_id: load_a, operator: noop, upstream: [extract], retries: 2}
  - {task_id: load_b, operator: noop, upstream: [extract]}
  - {task_id: check, operator: noop, upstream: [load_a, load_b]}
  - {task_id: cleanup, operator: noop, upstream: [check], trigger_rule: all_done}
)";

class RunControlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_.WriteDag("etl.yaml", kDag);
    control_ = std::make_unique<RunControl>(
        home_.store(), home_.catalog(),
        [this](const Actor& actor, const std::string& verb, const std::vector<StateChange>& changes) {
          heard_.push_back({actor.user + "@" + actor.origin + " " + verb, changes});
        });
  }

  DagRun Trigger(const std::string& run_id, const std::string& logical_date = "") {
    TriggerRequest req;
    req.dag_id = "etl";
    req.run_id = run_id;
    req.logical_date = logical_date;
    auto run = control_->Trigger(actor_, req);
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    return run.ok() ? *run : DagRun();
  }

  // Sets task instances' states directly, as a scheduler and its tasks would.
  void SetStates(const std::string& run_id, const TaskStates& states) {
    for (const auto& [task, state] : states) {
      ASSERT_TRUE(home_.store().SetTaskInstanceState({"etl", run_id, task}, state, NowEpoch()).ok());
    }
  }

  TaskStates States(const std::string& run_id) {
    TaskStates out;
    auto tis = home_.store().ListTaskInstances("etl", run_id);
    for (const auto& ti : *tis) out[ti.key.task_id] = ti.state;
    return out;
  }

  DagRunState RunState(const std::string& run_id) { return (*home_.store().GetDagRun("etl", run_id))->state; }

  struct Heard {
    std::string what;
    std::vector<StateChange> changes;
  };

  TestHome home_;
  Actor actor_{"alice", "test"};
  std::vector<Heard> heard_;
  std::unique_ptr<RunControl> control_;
};

TEST_F(RunControlTest, TriggerCreatesTheRunAndItsTaskInstances) {
  DagRun run = Trigger("r1", "2026-01-01T00:00:00Z");
  EXPECT_EQ(run.state, DagRunState::kQueued);
  EXPECT_EQ(run.run_type, "manual");
  TaskStates states = States("r1");
  EXPECT_EQ(states.size(), 5u);
  for (const auto& [task, state] : states) EXPECT_EQ(state, TiState::kNone) << task;
  ASSERT_EQ(heard_.size(), 1u);
  EXPECT_EQ(heard_[0].what, "alice@test trigger");
  // Generated run ids name the logical date.
  EXPECT_EQ(Trigger("", "2026-02-01T00:00:00Z").run_id, "manual__2026-02-01T00:00:00+00:00");
}

TEST_F(RunControlTest, TriggeringTheSameRunIdOrLogicalDateTwiceIsAConflict) {
  Trigger("r1", "2026-01-01T00:00:00Z");
  TriggerRequest same_id{"etl", "r1", "", "2026-01-02T00:00:00Z"};
  EXPECT_EQ(control_->Trigger(actor_, same_id).status().code(), Status::Code::kAlreadyExists);
  TriggerRequest same_date{"etl", "r2", "", "2026-01-01T00:00:00+00:00"};
  auto clash = control_->Trigger(actor_, same_date);
  EXPECT_EQ(clash.status().code(), Status::Code::kAlreadyExists);
  EXPECT_NE(clash.status().message().find("logical date"), std::string::npos) << clash.status().message();
  TriggerRequest generated{"etl", "", "", "2026-01-01T00:00:00Z"};  // a generated id does not dodge it
  EXPECT_EQ(control_->Trigger(actor_, generated).status().code(), Status::Code::kAlreadyExists);
  EXPECT_EQ(home_.store().ListDagRuns("etl", {})->size(), 1u);
  EXPECT_EQ(heard_.size(), 1u);
}

TEST_F(RunControlTest, TriggerRejectsUnknownDagsAndBadInput) {
  EXPECT_EQ(control_->Trigger(actor_, {"nope", "", "", ""}).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(control_->Trigger(actor_, {"etl", "", "[1]", ""}).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(control_->Trigger(actor_, {"etl", "", "", "yesterday"}).status().code(), Status::Code::kInvalidArgument);
  home_.WriteDag("broken.yaml", "dag_id: broken\ntasks: [");
  auto broken = control_->Trigger(actor_, {"broken", "", "", ""});
  EXPECT_EQ(broken.status().code(), Status::Code::kNotFound) << broken.status().ToString();
}

TEST_F(RunControlTest, PauseAndUnpauseAreRecordedOnceEach) {
  ASSERT_TRUE(control_->SetPaused(actor_, "etl", true).ok());
  ASSERT_TRUE(control_->SetPaused(actor_, "etl", true).ok());  // no change: nothing to report
  EXPECT_TRUE((*home_.store().GetDag("etl"))->is_paused);
  ASSERT_TRUE(control_->SetPaused(actor_, "etl", false).ok());
  ASSERT_EQ(heard_.size(), 2u);
  EXPECT_EQ(heard_[0].what, "alice@test pause");
  EXPECT_EQ(heard_[0].changes[0].before, "false");
  EXPECT_EQ(heard_[1].what, "alice@test unpause");
  EXPECT_EQ(control_->SetPaused(actor_, "nope", true).code(), Status::Code::kNotFound);
}

TEST_F(RunControlTest, DeletingARunRemovesItsTaskInstancesAndIsRecorded) {
  Trigger("r1", "2026-01-01T00:00:00Z");
  Trigger("r2", "2026-01-02T00:00:00Z");
  SetStates("r1", {{"extract", TiState::kSuccess}});
  ASSERT_TRUE(control_->DeleteDagRun(actor_, "etl", "r1").ok());
  EXPECT_FALSE(home_.store().GetDagRun("etl", "r1")->has_value());
  EXPECT_TRUE(home_.store().ListTaskInstances("etl", "r1")->empty());
  EXPECT_EQ(States("r2").size(), 5u);  // the other run is untouched
  ASSERT_EQ(heard_.size(), 3u);
  EXPECT_EQ(heard_[2].what, "alice@test delete_dag_run");
  EXPECT_EQ(heard_[2].changes[0].after, "deleted");
  EXPECT_EQ(control_->DeleteDagRun(actor_, "etl", "r1").code(), Status::Code::kNotFound);
  // Its logical date is free again.
  Trigger("r3", "2026-01-01T00:00:00Z");
}

TEST_F(RunControlTest, ClearWithDownstreamOnlyFailedAndDryRun) {
  Trigger("r1");
  ASSERT_TRUE(home_.store().SetDagRunState("etl", "r1", DagRunState::kFailed, NowEpoch()).ok());
  SetStates("r1", {{"extract", TiState::kSuccess},
                   {"load_a", TiState::kFailed},
                   {"load_b", TiState::kSuccess},
                   {"check", TiState::kUpstreamFailed},
                   {"cleanup", TiState::kSuccess}});
  ClearRequest req;
  req.task_ids = {"load_a"};
  req.include_downstream = true;
  req.dry_run = true;
  auto plan = control_->Clear(actor_, "etl", req);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  std::vector<std::string> ids;
  for (const auto& ti : *plan) ids.push_back(ti.key.task_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"load_a", "check", "cleanup"}));
  EXPECT_EQ(States("r1")["load_a"], TiState::kFailed);  // a dry run changes nothing
  EXPECT_TRUE(heard_.size() == 1u);                      // only the trigger

  req.dry_run = false;
  req.only_failed = true;
  auto cleared = control_->Clear(actor_, "etl", req);
  ASSERT_TRUE(cleared.ok());
  EXPECT_EQ(cleared->size(), 2u);  // load_a (failed) and check (upstream_failed); cleanup succeeded
  TaskStates after = States("r1");
  EXPECT_EQ(after["load_a"], TiState::kNone);
  EXPECT_EQ(after["check"], TiState::kNone);
  EXPECT_EQ(after["cleanup"], TiState::kSuccess);
  EXPECT_EQ(RunState("r1"), DagRunState::kQueued);  // the finished run runs again
  auto ti = *home_.store().GetTaskInstance({"etl", "r1", "load_a"});
  EXPECT_EQ(ti->max_tries, ti->try_number + 2);  // its retries are back
  ASSERT_EQ(heard_.size(), 2u);
  EXPECT_EQ(heard_[1].what, "alice@test clear");
  EXPECT_EQ(heard_[1].changes.size(), 2u);
}

TEST_F(RunControlTest, ClearWithUpstreamAndRegexSkipsTaskInstancesWithoutState) {
  Trigger("r1");
  SetStates("r1", {{"extract", TiState::kSuccess}, {"load_a", TiState::kSuccess}});
  ClearRequest req;
  req.task_regex = "^load_a$";
  req.include_upstream = true;
  req.dry_run = true;
  auto plan = control_->Clear(actor_, "etl", req);
  ASSERT_TRUE(plan.ok());
  std::vector<std::string> ids;
  for (const auto& ti : *plan) ids.push_back(ti.key.task_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"extract", "load_a"}));
  // Selection is per task: load_b and check (no state) are not listed.
  req.task_regex = "";
  EXPECT_EQ(control_->Clear(actor_, "etl", req)->size(), 2u);
  req.task_regex = "([";
  EXPECT_EQ(control_->Clear(actor_, "etl", req).status().code(), Status::Code::kInvalidArgument);
  req.task_regex = "";
  req.task_ids = {"nope"};
  EXPECT_EQ(control_->Clear(actor_, "etl", req).status().code(), Status::Code::kNotFound);
  req.task_ids = {};
  req.run_ids = {"no-run"};
  EXPECT_EQ(control_->Clear(actor_, "etl", req).status().code(), Status::Code::kNotFound);
}

TEST_F(RunControlTest, SelectTasksWidensEachWayFromTheSelection) {
  DagSpec dag = *home_.catalog().Get("etl");
  EXPECT_EQ(*SelectTasks(dag, {"check"}, "", true, false),
            (std::vector<std::string>{"extract", "load_a", "load_b", "check"}));
  EXPECT_EQ(*SelectTasks(dag, {"load_b"}, "", false, true),
            (std::vector<std::string>{"load_b", "check", "cleanup"}));
  // Upstream of the selection, not of its downstream tasks.
  EXPECT_EQ(*SelectTasks(dag, {"load_b"}, "", true, true),
            (std::vector<std::string>{"extract", "load_b", "check", "cleanup"}));
  EXPECT_EQ(SelectTasks(dag, {}, "", false, false)->size(), 5u);
}

TEST_F(RunControlTest, MarkRunSuccessSettlesEveryUnfinishedTaskInstance) {
  Trigger("r1");
  SetStates("r1", {{"extract", TiState::kSuccess}, {"load_a", TiState::kRunning}, {"load_b", TiState::kSkipped}});
  auto changes = control_->MarkDagRun(actor_, "etl", "r1", DagRunState::kSuccess);
  ASSERT_TRUE(changes.ok()) << changes.status().ToString();
  EXPECT_EQ(RunState("r1"), DagRunState::kSuccess);
  TaskStates s = States("r1");
  EXPECT_EQ(s["load_a"], TiState::kSuccess);
  EXPECT_EQ(s["load_b"], TiState::kSkipped);
  EXPECT_EQ(s["cleanup"], TiState::kSuccess);
  EXPECT_EQ(changes->size(), 4u);  // the run, load_a, check, cleanup
}

TEST_F(RunControlTest, MarkRunFailedFailsOnlyTaskInstancesThatStarted) {
  Trigger("r1");
  SetStates("r1", {{"extract", TiState::kSuccess}, {"load_a", TiState::kRunning}, {"load_b", TiState::kQueued}});
  ASSERT_TRUE(control_->MarkDagRun(actor_, "etl", "r1", DagRunState::kFailed).ok());
  TaskStates s = States("r1");
  EXPECT_EQ(s["extract"], TiState::kSuccess);
  EXPECT_EQ(s["load_a"], TiState::kFailed);
  EXPECT_EQ(s["load_b"], TiState::kFailed);
  EXPECT_EQ(s["check"], TiState::kNone);
  EXPECT_EQ(RunState("r1"), DagRunState::kFailed);
  EXPECT_EQ(control_->MarkDagRun(actor_, "etl", "nope", DagRunState::kFailed).status().code(),
            Status::Code::kNotFound);
  EXPECT_EQ(control_->MarkDagRun(actor_, "etl", "r1", DagRunState::kRunning).status().code(),
            Status::Code::kInvalidArgument);
}

TEST_F(RunControlTest, MarkRunQueuedStartsItOver) {
  Trigger("r1");
  ASSERT_TRUE(home_.store().SetDagRunState("etl", "r1", DagRunState::kSuccess, NowEpoch()).ok());
  SetStates("r1", {{"extract", TiState::kSuccess}, {"load_a", TiState::kSuccess}});
  ASSERT_TRUE(control_->MarkDagRun(actor_, "etl", "r1", DagRunState::kQueued).ok());
  EXPECT_EQ(RunState("r1"), DagRunState::kQueued);
  for (const auto& [task, state] : States("r1")) EXPECT_EQ(state, TiState::kNone) << task;
}

TEST_F(RunControlTest, MarkTaskInstanceRequeuesAFinishedRunAndHonoursDryRun) {
  Trigger("r1");
  ASSERT_TRUE(home_.store().SetDagRunState("etl", "r1", DagRunState::kFailed, NowEpoch()).ok());
  SetStates("r1", {{"extract", TiState::kFailed}});
  auto dry = control_->MarkTaskInstance(actor_, {"etl", "r1", "extract"}, TiState::kSuccess, true);
  ASSERT_TRUE(dry.ok());
  ASSERT_EQ(dry->size(), 2u);
  EXPECT_EQ(dry->at(0).before, "failed");
  EXPECT_EQ(dry->at(1).after, "queued");
  EXPECT_EQ(States("r1")["extract"], TiState::kFailed);
  EXPECT_EQ(RunState("r1"), DagRunState::kFailed);

  ASSERT_TRUE(control_->MarkTaskInstance(actor_, {"etl", "r1", "extract"}, TiState::kSuccess, false).ok());
  EXPECT_EQ(States("r1")["extract"], TiState::kSuccess);
  EXPECT_EQ(RunState("r1"), DagRunState::kQueued);  // the scheduler takes the downstream tasks up again
  EXPECT_EQ(heard_.back().what, "alice@test mark_task_instance");

  // A running run stays as it is.
  Trigger("r2");
  ASSERT_TRUE(home_.store().SetDagRunState("etl", "r2", DagRunState::kRunning, NowEpoch()).ok());
  ASSERT_TRUE(control_->MarkTaskInstance(actor_, {"etl", "r2", "extract"}, TiState::kSkipped, false).ok());
  EXPECT_EQ(RunState("r2"), DagRunState::kRunning);
  EXPECT_EQ(control_->MarkTaskInstance(actor_, {"etl", "r2", "nope"}, TiState::kFailed, false).status().code(),
            Status::Code::kNotFound);
  EXPECT_EQ(control_->MarkTaskInstance(actor_, {"etl", "r2", "extract"}, TiState::kRunning, false).status().code(),
            Status::Code::kInvalidArgument);
}

TEST_F(RunControlTest, FailedDepsFollowsTheTriggerRules) {
  Trigger("r1");
  ASSERT_TRUE(home_.store().SetDagRunState("etl", "r1", DagRunState::kRunning, NowEpoch()).ok());
  SetStates("r1", {{"extract", TiState::kSuccess}, {"load_a", TiState::kSuccess}, {"load_b", TiState::kRunning}});
  auto deps = control_->FailedDeps({"etl", "r1", "check"});
  ASSERT_TRUE(deps.ok()) << deps.status().ToString();
  ASSERT_EQ(deps->size(), 1u);
  EXPECT_NE(deps->at(0).find("upstream load_b is running"), std::string::npos) << deps->at(0);
  // all_done waits only for unfinished tasks: check (none) holds cleanup.
  SetStates("r1", {{"load_b", TiState::kFailed}, {"check", TiState::kFailed}});
  EXPECT_TRUE(control_->FailedDeps({"etl", "r1", "cleanup"})->empty());
  EXPECT_TRUE(control_->FailedDeps({"etl", "r1", "extract"})->size() == 1u);  // "task instance is success"
  ASSERT_TRUE(control_->SetPaused(actor_, "etl", true).ok());
  auto paused = control_->FailedDeps({"etl", "r1", "cleanup"});
  ASSERT_EQ(paused->size(), 1u);
  EXPECT_EQ(paused->at(0), "DAG is paused");
  EXPECT_EQ(control_->FailedDeps({"etl", "r1", "nope"}).status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace arxivflow::orchestrator
