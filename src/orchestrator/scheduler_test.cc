// The scheduler's decisions, with an executor that starts no process: the
// test plays the task processes (claim, finish) through the metadata store.
#include "orchestrator/scheduler.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "orchestrator/run_control.h"
#include "orchestrator/test_home_test_util.h"
#include "orchestrator/time_util.h"

namespace arxivflow::orchestrator {
namespace {

// Records what the scheduler hands it; runs nothing.
class RecordingExecutor : public Executor {
 public:
  explicit RecordingExecutor(std::vector<TaskInstance>* launched) : launched_(launched) {}
  Status Start(const std::string&) override { return Status::OK(); }
  Status Launch(const TaskInstance& ti, const DagSpec&, double) override {
    launched_->push_back(ti);
    return Status::OK();
  }
  Status Reap(double) override { return Status::OK(); }
  Status Supervise(double) override { return Status::OK(); }
  bool WaitForExit(double) override { return false; }
  bool TakeWake() override { return false; }
  size_t running() const override { return 0; }
  void TerminateAll() override {}

 private:
  std::vector<TaskInstance>* launched_;
};

const char* kDag = R"(dag_id: chain
tasks:
  - {task_id: a, operator: noop}
  - {task_id: b, operator: noop, upstream: [a]}
  - {task_id: c, operator: noop, upstream: [a]}
)";

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_.WriteDag("chain.yaml", kDag);
    SchedulerOptions o;
    o.parallelism = 8;
    o.heartbeat_interval = 0;  // a heartbeat every pass
    scheduler_ = std::make_unique<Scheduler>(home_.home(), o, std::make_unique<RecordingExecutor>(&launched_));
    ASSERT_TRUE(scheduler_->Start().ok());
    control_ = std::make_unique<RunControl>(home_.store(), home_.catalog());
  }

  std::string Trigger() {
    auto run = control_->Trigger({"t", "test"}, {"chain", "", "", ""});
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    return run->run_id;
  }

  void Pass() { ASSERT_TRUE(scheduler_->RunOnce().ok()); }

  // Plays the task process of a launched task instance to its end.
  void Finish(const TaskInstance& ti, bool success) {
    ASSERT_EQ(*home_.store().ClaimTaskInstance(ti.key, ti.external_executor_id, 1, "host", NowEpoch()),
              ti.try_number);
    auto state = home_.store().FinishTaskInstance(ti.key, ti.external_executor_id, success, RetryPolicy(),
                                                  NowEpoch(), "");
    ASSERT_TRUE(state.ok() && state->has_value());
  }

  std::vector<std::string> LaunchedIds() {
    std::vector<std::string> ids;
    for (const auto& ti : launched_) ids.push_back(ti.key.task_id);
    return ids;
  }

  TiState State(const std::string& run_id, const std::string& task) {
    return (*home_.store().GetTaskInstance({"chain", run_id, task}))->state;
  }

  TestHome home_;
  std::vector<TaskInstance> launched_;
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<RunControl> control_;
};

TEST_F(SchedulerTest, RunsTasksInDependencyOrderAndEndsTheRun) {
  std::string run = Trigger();
  Pass();
  ASSERT_EQ(LaunchedIds(), std::vector<std::string>{"a"});
  EXPECT_EQ(launched_[0].state, TiState::kQueued);
  EXPECT_EQ(launched_[0].try_number, 1);
  Finish(launched_[0], true);
  Pass();
  ASSERT_EQ(LaunchedIds(), (std::vector<std::string>{"a", "b", "c"}));
  Finish(launched_[1], true);
  Finish(launched_[2], false);
  Pass();
  EXPECT_EQ((*home_.store().GetDagRun("chain", run))->state, DagRunState::kFailed);  // leaf c failed
}

TEST_F(SchedulerTest, APausedDagStartsNoNewTaskInstanceButRunningOnesFinish) {
  std::string run = Trigger();
  Pass();
  ASSERT_EQ(LaunchedIds(), std::vector<std::string>{"a"});
  ASSERT_TRUE(control_->SetPaused({"t", "test"}, "chain", true).ok());
  Finish(launched_[0], true);  // the running task finishes and records its state
  for (int i = 0; i < 3; ++i) Pass();
  EXPECT_EQ(LaunchedIds(), std::vector<std::string>{"a"}) << "a paused DAG started a task";
  EXPECT_EQ(State(run, "a"), TiState::kSuccess);
  EXPECT_EQ(State(run, "b"), TiState::kNone);
  // A second run of the paused DAG does not start either.
  std::string second = Trigger();
  Pass();
  EXPECT_EQ((*home_.store().GetDagRun("chain", second))->state, DagRunState::kQueued);
  ASSERT_TRUE(control_->SetPaused({"t", "test"}, "chain", false).ok());
  Pass();
  Pass();
  EXPECT_EQ(LaunchedIds().size(), 4u);  // b and c of the first run, a of the second
}

TEST_F(SchedulerTest, ScheduledTaskInstancesWaitWhileTheDagIsPaused) {
  std::string run = Trigger();
  // Let the scheduler move `a` to scheduled, then pause before it is queued:
  // nothing may start.
  ASSERT_TRUE(home_.store().SetDagRunState("chain", run, DagRunState::kRunning, NowEpoch()).ok());
  ASSERT_TRUE(*home_.store().TransitionTaskInstance({"chain", run, "a"}, TiState::kNone, TiState::kScheduled,
                                                    NowEpoch()));
  ASSERT_TRUE(control_->SetPaused({"t", "test"}, "chain", true).ok());
  Pass();
  EXPECT_TRUE(launched_.empty());
  EXPECT_EQ(State(run, "a"), TiState::kScheduled);
}

TEST_F(SchedulerTest, TheLoopRecordsHeartbeatsAndEndsItsJob) {
  auto first = *home_.store().LatestSchedulerJob();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->state, "running");
  EXPECT_EQ(first->pid, getpid());
  scheduler_.reset();  // a scheduler that stops ends its job
  EXPECT_EQ((*home_.store().LatestSchedulerJob())->state, "success");

  std::atomic<bool> stop{false};
  SchedulerOptions o;
  o.heartbeat_interval = 0;  // every pass
  o.stop = &stop;
  Scheduler second(home_.home(), o, std::make_unique<RecordingExecutor>(&launched_));
  ASSERT_TRUE(second.Start().ok());
  std::thread watcher([&] {  // stops the loop once it has beaten
    auto store = std::move(MetadataStore::Open(home_.home(), false)).value();
    for (int i = 0; i < 6000 && !stop; ++i) {
      auto job = store->LatestSchedulerJob();
      if (job.ok() && *job && (*job)->id != first->id && (*job)->latest_heartbeat != (*job)->start_date) stop = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    stop = true;
  });
  ASSERT_TRUE(second.Loop().ok());
  watcher.join();
  auto job = *home_.store().LatestSchedulerJob();
  EXPECT_NE(job->id, first->id);
  EXPECT_NE(job->latest_heartbeat, job->start_date) << "no heartbeat after a pass";
  EXPECT_EQ(job->state, "success");  // Loop() ended: stopped cleanly
}

TEST_F(SchedulerTest, TheAutomaticRetentionRunsWhenTheHomeConfigAsksThenDaily) {
  SchedulerOptions o;
  o.retention_delay = 0;
  scheduler_.reset();  // one scheduler per home (its lock)
  scheduler_ = std::make_unique<Scheduler>(home_.home(), o, std::make_unique<RecordingExecutor>(&launched_));
  ASSERT_TRUE(scheduler_->Start().ok());
  std::string old_run = Trigger();
  ASSERT_TRUE(home_.store().SetDagRunState("chain", old_run, DagRunState::kSuccess, NowEpoch() - 7200).ok());
  Pass();  // no config: nothing goes
  EXPECT_TRUE((*home_.store().GetDagRun("chain", old_run)).has_value());

  scheduler_.reset();
  scheduler_ = std::make_unique<Scheduler>(home_.home(), o, std::make_unique<RecordingExecutor>(&launched_));
  ASSERT_TRUE(scheduler_->Start().ok());
  std::ofstream(home_.home().root + "/config.yaml") << "retention_days: 0.02\n";  // 28.8 minutes
  std::string new_run = Trigger();
  Pass();
  EXPECT_FALSE((*home_.store().GetDagRun("chain", old_run)).has_value()) << "ended 2 h ago: removed";
  EXPECT_TRUE((*home_.store().GetDagRun("chain", new_run)).has_value()) << "queued: kept";
  std::string later_run = Trigger();
  ASSERT_TRUE(home_.store().SetDagRunState("chain", later_run, DagRunState::kFailed, NowEpoch() - 7200).ok());
  Pass();  // the next clean is a day away
  EXPECT_TRUE((*home_.store().GetDagRun("chain", later_run)).has_value());
}

}  // namespace
}  // namespace arxivflow::orchestrator
