#include "orchestrator/metadata_store.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/scoped_temp_dir_test_util.h"
#include "orchestrator/actions.h"
#include "orchestrator/dag_parser.h"
#include "orchestrator/time_util.h"

namespace arxivflow::orchestrator {
namespace {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_.root = dir_.path().string();
    std::vector<std::string> report;
    ASSERT_TRUE(InitHome(home_, &report).ok());
    store_ = std::move(MetadataStore::Open(home_, false)).value();
  }
  std::string DbBytes() {
    std::string all;
    for (const auto& suffix : {"", "-wal"}) {
      std::ifstream in(home_.db() + suffix, std::ios::binary);
      std::stringstream buf;
      buf << in.rdbuf();
      all += buf.str();
    }
    return all;
  }
  const ScopedTempDir dir_{"af_store_test_"};  // first: removed after the store closed
  HomePaths home_;
  std::unique_ptr<MetadataStore> store_;
};

TEST_F(StoreTest, ShippedDagsInstalledAndParsed) {
  auto dags = store_->ListDags(false);
  ASSERT_TRUE(dags.ok());
  std::vector<std::string> ids;
  for (const auto& d : *dags) ids.push_back(d.dag_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"arxiv_full_pipeline", "create_parquet_area", "create_parquet_area_emr",
                                           "create_tables_redshift", "load_data_to_redshift"}));
  EXPECT_TRUE(store_->ListImportErrors()->empty());
}

TEST_F(StoreTest, SecretsAreEncryptedAtRest) {
  Connection c = *ParseConnectionUri("redshift", "postgresql://awsuser:SuperSecretPw123@h:5439/dev");
  ASSERT_TRUE(store_->UpsertConnection(c).ok());
  ASSERT_TRUE(store_->SetVariable("AWS_ROLE_S3_DWH", "arn:aws:iam::123456789012:role/TopSecretRole").ok());
  EXPECT_EQ(store_->GetConnection("redshift")->password, "SuperSecretPw123");
  EXPECT_EQ(**store_->GetVariable("AWS_ROLE_S3_DWH"), "arn:aws:iam::123456789012:role/TopSecretRole");
  std::string bytes = DbBytes();
  EXPECT_EQ(bytes.find("SuperSecretPw123"), std::string::npos);
  EXPECT_EQ(bytes.find("TopSecretRole"), std::string::npos);
}

TEST_F(StoreTest, ClaimIsExclusiveAndRetriesFollowPolicy) {
  auto dags = ParseDagYaml("dag_id: d\ntasks:\n  - {task_id: a, operator: noop, retries: 1}\n", "d.yaml");
  ASSERT_TRUE(dags.ok());
  const DagSpec& dag = (*dags)[0];
  double now = NowEpoch();
  ASSERT_TRUE(store_->CreateDagRun("d", "manual__1", "manual", now, "{}", now).ok());
  EXPECT_EQ(store_->CreateDagRun("d", "manual__1", "manual", now, "{}", now).status().code(),
            Status::Code::kAlreadyExists);
  ASSERT_TRUE(store_->CreateTaskInstances(dag, "manual__1").ok());
  TiKey key{"d", "manual__1", "a"};
  EXPECT_TRUE(*store_->TransitionTaskInstance(key, TiState::kNone, TiState::kScheduled, now));
  EXPECT_FALSE(*store_->TransitionTaskInstance(key, TiState::kNone, TiState::kScheduled, now));
  EXPECT_TRUE(*store_->QueueTaskInstance(key, "tok1", now));
  EXPECT_EQ(*store_->ClaimTaskInstance(key, "other", 1, "h", now), 0);
  EXPECT_EQ(*store_->ClaimTaskInstance(key, "tok1", 1, "h", now), 1);
  EXPECT_EQ(*store_->ClaimTaskInstance(key, "tok1", 1, "h", now), 0);  // already running
  EXPECT_EQ(*store_->FinishTaskInstance(key, "other", false, dag.tasks[0].policy, now, "x"), std::nullopt);
  EXPECT_EQ(*store_->FinishTaskInstance(key, "tok1", false, dag.tasks[0].policy, now, "boom"), TiState::kUpForRetry);
  EXPECT_TRUE(*store_->TransitionTaskInstance(key, TiState::kUpForRetry, TiState::kScheduled, now));
  EXPECT_TRUE(*store_->QueueTaskInstance(key, "tok2", now));
  EXPECT_EQ(*store_->ClaimTaskInstance(key, "tok2", 1, "h", now), 2);
  EXPECT_EQ(*store_->FinishTaskInstance(key, "tok2", false, dag.tasks[0].policy, now, "boom"), TiState::kFailed);
  EXPECT_EQ(store_->ListTries("d", "manual__1")->size(), 2u);
}

}  // namespace
}  // namespace arxivflow::orchestrator
