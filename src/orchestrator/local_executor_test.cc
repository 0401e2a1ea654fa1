// The local executor's process handling, with a shell script standing in for
// the arxivflow binary (spawn mode): it never claims its task instance, so
// every outcome is the executor's doing.
#include "orchestrator/local_executor.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "common/host_name.h"
#include "orchestrator/test_home_test_util.h"
#include "orchestrator/time_util.h"

extern char** environ;

namespace arxivflow::orchestrator {
namespace {

// `tasks run DAG TASK RUN --job-token T --dag-file F`: behaves by task id.
const char* kFakeTask = R"(#!/bin/sh
case "$4" in
  exit3) exit 3 ;;
  sleep) echo $$ > "$ARXIVFLOW_HOME/$4.pid"; exec sleep 30 ;;
esac
exit 0
)";

const char* kDag = R"(dag_id: d
tasks:
  - {task_id: exit3, operator: noop, retries: 1, retry_delay: 60}
  - {task_id: sleep, operator: noop, execution_timeout: 0.3}
  - {task_id: adopted, operator: noop}
)";

bool Alive(pid_t pid) { return kill(pid, 0) == 0; }

class LocalExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_.WriteDag("d.yaml", kDag);
    program_ = home_.home().root + "/fake-arxivflow";
    std::ofstream(program_) << kFakeTask;
    chmod(program_.c_str(), 0755);
    bag_ = std::make_unique<DagBag>(home_.home().dags());
    bag_->Refresh();
    LocalExecutorOptions o;
    o.task_launch = "spawn";
    o.program = program_;
    o.kill_grace = 0.5;
    o.zombie_threshold = 30;
    executor_ = std::make_unique<LocalExecutor>(home_.home(), o, home_.store(), *bag_,
                                                [](const DagRun&) { return true; });
    ASSERT_TRUE(executor_->Start("sched-test-").ok());
    dag_ = *home_.catalog().Get("d");
    NewDagRun run;
    run.run_id = "r";
    ASSERT_TRUE(home_.store().CreateDagRunWithTasks(dag_, run, NowEpoch()).ok());
    ASSERT_TRUE(home_.store().SetDagRunState("d", "r", DagRunState::kRunning, NowEpoch()).ok());
  }

  // Queues the task instance as the scheduler would and launches it.
  TaskInstance Launch(const std::string& task) {
    TiKey key{"d", "r", task};
    EXPECT_TRUE(*home_.store().TransitionTaskInstance(key, TiState::kNone, TiState::kScheduled, NowEpoch()));
    std::string token = "sched-test-" + task;
    EXPECT_TRUE(*home_.store().QueueTaskInstance(key, token, NowEpoch()));
    TaskInstance ti = **home_.store().GetTaskInstance(key);
    Status st = executor_->Launch(ti, dag_, NowEpoch());
    EXPECT_TRUE(st.ok()) << st.ToString();
    return ti;
  }

  // Runs the executor's housekeeping until `done` or 30 s.
  bool PumpUntil(const std::function<bool()>& done) {
    double deadline = NowEpoch() + 30;
    while (NowEpoch() < deadline) {
      executor_->WaitForExit(0.05);
      double now = NowEpoch();
      EXPECT_TRUE(executor_->Reap(now).ok());
      EXPECT_TRUE(executor_->Supervise(now).ok());
      if (done()) return true;
    }
    return false;
  }

  TaskInstance Ti(const std::string& task) { return **home_.store().GetTaskInstance({"d", "r", task}); }

  std::string Log(const std::string& task, int attempt) {
    std::ifstream in(home_.home().TaskLog("d", "r", task, attempt));
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  TestHome home_;
  std::string program_;
  std::unique_ptr<DagBag> bag_;
  std::unique_ptr<LocalExecutor> executor_;
  DagSpec dag_;
};

TEST_F(LocalExecutorTest, AProcessThatEndsWithoutRecordingIsRetriedByItsPolicy) {
  Launch("exit3");
  EXPECT_EQ(executor_->running(), 1u);
  ASSERT_TRUE(PumpUntil([&] { return Ti("exit3").state != TiState::kQueued; }));
  TaskInstance ti = Ti("exit3");
  EXPECT_EQ(ti.state, TiState::kUpForRetry);  // retries: 1
  EXPECT_NE(ti.note.find("exit code 3"), std::string::npos) << ti.note;
  EXPECT_TRUE(ti.next_retry_at.has_value());
  EXPECT_EQ(executor_->running(), 0u);
  EXPECT_NE(Log("exit3", 1).find("{scheduler} ERROR - task process ended without recording a state"),
            std::string::npos);
  EXPECT_TRUE(executor_->TakeWake());
  EXPECT_FALSE(executor_->TakeWake());
}

TEST_F(LocalExecutorTest, ATaskPastItsExecutionTimeoutIsKilled) {
  Launch("sleep");
  ASSERT_TRUE(PumpUntil([&] { return Ti("sleep").state != TiState::kQueued; }));
  TaskInstance ti = Ti("sleep");
  EXPECT_EQ(ti.state, TiState::kFailed);
  EXPECT_NE(ti.note.find("execution_timeout"), std::string::npos) << ti.note;
  EXPECT_NE(Log("sleep", 1).find("execution_timeout of 0.3"), std::string::npos) << Log("sleep", 1);
}

TEST_F(LocalExecutorTest, AStateChangedFromOutsideStopsTheProcess) {
  // No timeout this time: the mark alone must stop it.
  dag_.tasks[1].policy.execution_timeout = 0;
  Launch("sleep");
  std::string pidfile = home_.home().root + "/sleep.pid";
  ASSERT_TRUE(PumpUntil([&] { return access(pidfile.c_str(), R_OK) == 0; }));
  pid_t pid = 0;
  std::ifstream(pidfile) >> pid;
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(home_.store().SetTaskInstanceState({"d", "r", "sleep"}, TiState::kFailed, NowEpoch()).ok());
  ASSERT_TRUE(PumpUntil([&] { return executor_->running() == 0; }));
  EXPECT_FALSE(Alive(pid));
  EXPECT_EQ(Ti("sleep").state, TiState::kFailed);
  EXPECT_EQ(Ti("sleep").note, "marked failed");  // the mark stands; nothing recorded over it
  EXPECT_NE(Log("sleep", 1).find("state changed externally to failed"), std::string::npos);
}

TEST_F(LocalExecutorTest, ARunningTaskOfAnEarlierSchedulerIsAdoptedWhileItLivesAndFailedWhenGone) {
  // A process of "an earlier scheduler": its own process group, as tasks are.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  const char* argv[] = {"sleep", "30", nullptr};
  pid_t pid = 0;
  ASSERT_EQ(posix_spawnp(&pid, "sleep", nullptr, &attr, const_cast<char**>(argv), environ), 0);
  posix_spawnattr_destroy(&attr);
  TiKey key{"d", "r", "adopted"};
  ASSERT_TRUE(*home_.store().TransitionTaskInstance(key, TiState::kNone, TiState::kScheduled, NowEpoch()));
  ASSERT_TRUE(*home_.store().QueueTaskInstance(key, "sched-old-1", NowEpoch()));
  ASSERT_EQ(*home_.store().ClaimTaskInstance(key, "sched-old-1", pid, HostName(), NowEpoch()), 1);

  double now = NowEpoch();
  ASSERT_TRUE(executor_->Supervise(now).ok());
  EXPECT_EQ(Ti("adopted").state, TiState::kRunning);  // alive and beating: left alone
  EXPECT_TRUE(Alive(pid));

  // No heartbeat for longer than the zombie threshold: killed and failed.
  ASSERT_TRUE(executor_->Supervise(now + 60).ok());
  TaskInstance ti = Ti("adopted");
  EXPECT_EQ(ti.state, TiState::kFailed);
  EXPECT_NE(ti.note.find("no heartbeat"), std::string::npos) << ti.note;
  ASSERT_TRUE(PumpUntil([&] { return !Alive(pid); }));
}

TEST_F(LocalExecutorTest, ATaskWhoseProcessIsGoneIsFailed) {
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) _exit(0);
  ASSERT_TRUE(PumpUntil([&] { return !Alive(pid); }));  // the executor's Reap collects it
  TiKey key{"d", "r", "adopted"};
  ASSERT_TRUE(*home_.store().TransitionTaskInstance(key, TiState::kNone, TiState::kScheduled, NowEpoch()));
  ASSERT_TRUE(*home_.store().QueueTaskInstance(key, "sched-old-2", NowEpoch()));
  ASSERT_EQ(*home_.store().ClaimTaskInstance(key, "sched-old-2", pid, HostName(), NowEpoch()), 1);
  ASSERT_TRUE(executor_->Supervise(NowEpoch() + 2).ok());
  TaskInstance ti = Ti("adopted");
  EXPECT_EQ(ti.state, TiState::kFailed);
  EXPECT_NE(ti.note.find("is gone"), std::string::npos) << ti.note;
}

}  // namespace
}  // namespace arxivflow::orchestrator
