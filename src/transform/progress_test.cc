#include "transform/progress.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <vector>

#include "common/scoped_temp_dir_test_util.h"
#include "transform/transform.h"

namespace arxivflow::transform {
namespace {

TEST(Progress, RatesFractionAndEta) {
  TransformProgress p;
  EXPECT_EQ(p.fraction(), 0);
  EXPECT_FALSE(p.eta_seconds());
  p.bytes_total = 1000;
  p.bytes_done = 250;
  p.records_done = 50;
  p.elapsed_seconds = 2;
  EXPECT_DOUBLE_EQ(p.fraction(), 0.25);
  EXPECT_DOUBLE_EQ(p.bytes_per_second(), 125);
  EXPECT_DOUBLE_EQ(p.records_per_second(), 25);
  ASSERT_TRUE(p.eta_seconds());
  EXPECT_DOUBLE_EQ(*p.eta_seconds(), 6);
  const nlohmann::json j = p.ToJson();
  EXPECT_EQ(j["bytes_done"], 250);
  EXPECT_EQ(j["bytes_total"], 1000);
  EXPECT_DOUBLE_EQ(j["percent"].get<double>(), 25);
  EXPECT_DOUBLE_EQ(j["eta_seconds"].get<double>(), 6);
  EXPECT_EQ(j["finished"], false);
  p.finished = true;
  EXPECT_TRUE(p.ToJson()["eta_seconds"].is_null());
  p.bytes_total = 0;  // unknown total
  EXPECT_EQ(p.fraction(), 0);
}

class ProgressRun : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream f(dir_ / "in.jsonl");
    for (int i = 0; i < 3000; ++i) {
      f << R"({"id":"p)" << i << R"(","title":"Title )" << i << R"(","abstract":"text"})" << "\n";
    }
    f << "not json\n";
  }
  const ScopedTempDir tmp_{"af-progress-"};
  const std::filesystem::path dir_ = tmp_.path();
};

TEST_F(ProgressRun, CallbackAndFileSeeTheWholeRun) {
  TransformOptions o;
  o.input = (dir_ / "in.jsonl").string();
  o.output = (dir_ / "out").string();
  o.threads = 2;
  o.block_bytes = 4096;  // many blocks
  o.progress = ProgressMode::kNever;
  o.progress_interval = std::chrono::milliseconds(1);
  o.progress_file = (dir_ / "progress.json").string();
  std::mutex mu;
  std::vector<TransformProgress> seen;
  o.progress_callback = [&](const TransformProgress& p) {
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back(p);
  };
  TransformSummary summary;
  ASSERT_TRUE(RunTransform(o, &summary).ok());
  ASSERT_FALSE(seen.empty());
  const TransformProgress& last = seen.back();
  EXPECT_TRUE(last.finished);
  EXPECT_EQ(last.records_done, 3001u);
  EXPECT_EQ(last.records_rejected, 1u);
  EXPECT_EQ(last.bytes_total, std::filesystem::file_size(dir_ / "in.jsonl"));
  EXPECT_EQ(last.bytes_done, last.bytes_total);
  for (size_t i = 0; i + 1 < seen.size(); ++i) {
    EXPECT_FALSE(seen[i].finished);
    EXPECT_LE(seen[i].records_done, seen[i + 1].records_done);
    EXPECT_LE(seen[i].bytes_done, seen[i].bytes_total == 0 ? seen[i].bytes_done : seen[i].bytes_total);
  }
  std::ifstream f(dir_ / "progress.json");
  std::stringstream text;
  text << f.rdbuf();
  const nlohmann::json j = nlohmann::json::parse(text.str());
  EXPECT_EQ(j["finished"], true);
  EXPECT_EQ(j["records_done"], 3001);
  EXPECT_DOUBLE_EQ(j["percent"].get<double>(), 100);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "progress.json.tmp"));
}

TEST_F(ProgressRun, AnUnwritableProgressFileDoesNotFailTheRun) {
  TransformOptions o;
  o.input = (dir_ / "in.jsonl").string();
  o.output = (dir_ / "out").string();
  o.progress = ProgressMode::kNever;
  o.progress_interval = std::chrono::milliseconds(1);
  o.progress_file = (dir_ / "missing-folder" / "progress.json").string();
  TransformSummary summary;
  EXPECT_TRUE(RunTransform(o, &summary).ok());
  EXPECT_EQ(summary.read, 3001u);
}

}  // namespace
}  // namespace arxivflow::transform
