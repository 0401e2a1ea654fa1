#include "orchestrator/retention.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/scoped_temp_dir_test_util.h"
#include "orchestrator/audit_log.h"
#include "orchestrator/log_disk_usage.h"
#include "orchestrator/run_control.h"
#include "orchestrator/test_home_test_util.h"
#include "orchestrator/time_util.h"

namespace arxivflow::orchestrator {
namespace {

const char* kDag = R"(dag_id: etl
tasks:
  - {task_id: extract, operator: noop}
  - {task_id: load, operator: noop, upstream: [extract]}
)";

class RetentionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_.WriteDag("etl.yaml", kDag);
    control_ = std::make_unique<RunControl>(home_.store(), home_.catalog(), AuditListener(home_.store()));
  }

  void Run(const std::string& run_id, DagRunState state) {
    TriggerRequest req;
    req.dag_id = "etl";
    req.run_id = run_id;
    req.logical_date = "2026-01-0" + std::to_string(++runs_) + "T00:00:00+00:00";
    ASSERT_TRUE(control_->Trigger(actor_, req).ok());
    ASSERT_TRUE(home_.store().SetDagRunState("etl", run_id, state, NowEpoch()).ok());
    WriteLog(run_id, "extract", 1, "a log line\n");
  }

  void WriteLog(const std::string& run_id, const std::string& task_id, int attempt, const std::string& text) {
    std::string path = home_.home().TaskLog("etl", run_id, task_id, attempt);
    ASSERT_TRUE(MakeDirs(path.substr(0, path.rfind('/'))));
    std::ofstream(path) << text;
    std::ofstream(path.substr(0, path.size() - 4) + ".result.json") << "{}";
  }

  bool Exists(const std::string& run_id) { return (*home_.store().GetDagRun("etl", run_id)).has_value(); }

  TestHome home_;
  std::unique_ptr<RunControl> control_;
  Actor actor_{"alice", "cli"};
  int runs_ = 0;
};

TEST_F(RetentionTest, RemovesFinishedRunsTheirLogsAndAuditRowsButNeverARunningOne) {
  Run("done_ok", DagRunState::kSuccess);
  Run("done_failed", DagRunState::kFailed);
  Run("still_running", DagRunState::kRunning);
  Run("still_queued", DagRunState::kQueued);
  Run("marked_but_busy", DagRunState::kSuccess);
  ASSERT_TRUE(home_.store().SetTaskInstanceState({"etl", "marked_but_busy", "load"}, TiState::kRunning, NowEpoch()).ok());
  DiskUsage before = MeasureLogDiskUsage(home_.home());
  EXPECT_EQ(before.files, 10);

  double later = NowEpoch() + 2 * 86400;  // everything above ended "3 days ago" seen from here
  auto dry = CleanOlderThan(home_.store(), home_.home(), 1, /*dry_run=*/true, later);
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  EXPECT_EQ(dry->rows.dag_runs, 2);
  EXPECT_EQ(dry->rows.task_instances, 4);
  EXPECT_EQ(dry->rows.audit_rows, 5);  // the triggers
  EXPECT_EQ(dry->log_files, 4);
  EXPECT_TRUE(Exists("done_ok"));
  EXPECT_EQ(MeasureLogDiskUsage(home_.home()).files, 10);

  auto done = CleanOlderThan(home_.store(), home_.home(), 1, /*dry_run=*/false, later);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->rows.dag_runs, 2);
  EXPECT_EQ(done->log_files, 4);
  EXPECT_GT(done->log_bytes, 0);
  EXPECT_FALSE(Exists("done_ok"));
  EXPECT_FALSE(Exists("done_failed"));
  EXPECT_TRUE(Exists("still_running"));
  EXPECT_TRUE(Exists("still_queued"));
  EXPECT_TRUE(Exists("marked_but_busy"));
  EXPECT_TRUE(home_.store().ListTaskInstances("etl", "done_ok")->empty());
  EXPECT_EQ(MeasureLogDiskUsage(home_.home()).files, 6);
  AuditQuery all;
  EXPECT_EQ(*home_.store().CountAudit(all), 0);

  // Nothing is older than 30 days: nothing goes.
  auto none = CleanOlderThan(home_.store(), home_.home(), 30, false, later);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->rows.dag_runs, 0);
  EXPECT_EQ(DescribeRetention(*none), "0 DAG runs, 0 task instances, 0 tries, 0 audit rows, 0 log files (0.0 MB)");
  EXPECT_EQ(CleanOlderThan(home_.store(), home_.home(), -1, false, later).status().code(),
            Status::Code::kInvalidArgument);
}

TEST_F(RetentionTest, ReadsTheAutomaticSettingFromTheHomeConfig) {
  auto unset = ReadRetentionDays(home_.home());
  ASSERT_TRUE(unset.ok());
  EXPECT_EQ(*unset, 0);
  std::string config = home_.home().root + "/config.yaml";
  std::ofstream(config) << "retention_days: 30\n";
  EXPECT_EQ(*ReadRetentionDays(home_.home()), 30);
  for (const char* bad : {"retention_days: -3\n", "retention_days: soon\n", "[1, 2\n", "- a list\n",
                          "retention_days: .inf\n", "retention_days: 1\x01\n", "a: &x {b: *x}\nretention_days: 1\n",
                          "retention_days: [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]\n",
                          "retention_days: 1\n---\nretention_days: 2\n"}) {
    std::ofstream(config) << bad;
    EXPECT_EQ(ReadRetentionDays(home_.home()).status().code(), Status::Code::kInvalidArgument) << bad;
  }
  std::ofstream(config) << std::string(70000, '#');
  EXPECT_EQ(ReadRetentionDays(home_.home()).status().code(), Status::Code::kInvalidArgument);
}

TEST(LogDiskUsageTest, CountsFilesAndBytesAndToleratesAMissingFolder) {
  EXPECT_EQ(MeasureDiskUsage("/nonexistent/af/logs").files, 0);
  const ScopedTempDir dir("af_disk_");
  std::string root = dir.path().string();
  ASSERT_TRUE(MakeDirs(root + "/a/b"));
  std::ofstream(root + "/a/one") << "12345";
  std::ofstream(root + "/a/b/two") << "123";
  DiskUsage u = MeasureDiskUsage(root);
  EXPECT_EQ(u.files, 2);
  EXPECT_EQ(u.bytes, 8);
}

}  // namespace
}  // namespace arxivflow::orchestrator
