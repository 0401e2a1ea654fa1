#include "orchestrator/task_progress.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/scoped_temp_dir_test_util.h"

namespace arxivflow::orchestrator {
namespace {

using json = nlohmann::json;

TEST(TaskProgress, TransformSnapshot) {
  json raw = {{"bytes_done", 250}, {"bytes_total", 1000}, {"percent", 25.0}, {"records_done", 5000},
              {"records_rejected", 2}, {"records_per_second", 1234.4}, {"bytes_per_second", 50.0},
              {"elapsed_seconds", 4.0}, {"eta_seconds", 12.2}, {"finished", false}};
  json p = SummariseTaskProgress(raw);
  EXPECT_EQ(p["unit"], "records");
  EXPECT_EQ(p["done"], 5000);
  EXPECT_TRUE(p["total"].is_null());
  EXPECT_DOUBLE_EQ(p["percent"].get<double>(), 25.0);
  EXPECT_DOUBLE_EQ(p["rate"].get<double>(), 1234.0);
  EXPECT_DOUBLE_EQ(p["eta_seconds"].get<double>(), 12.0);
  EXPECT_EQ(p["phase"], "transforming");
  EXPECT_FALSE(p.contains("waiting_for"));

  raw["finished"] = true;
  p = SummariseTaskProgress(raw);
  EXPECT_EQ(p["total"], 5000);
  EXPECT_DOUBLE_EQ(p["percent"].get<double>(), 100.0);
  EXPECT_TRUE(p["eta_seconds"].is_null());
  EXPECT_EQ(p["phase"], "done");
}

TEST(TaskProgress, LoadTablesAddUp) {
  json raw = {{"tables",
               {{"papers", {{"phase", "indexing"}, {"table", "papers"}, {"rows_done", 300}, {"rows_expected", 300},
                            {"rows_per_second", 0}, {"seconds", 1.0}}},
                {"authors", {{"phase", "loading"}, {"table", "authors"}, {"rows_done", 200}, {"rows_expected", 700},
                             {"rows_per_second", 100.0}, {"seconds", 2.0}}}}}};
  json p = SummariseTaskProgress(raw);
  EXPECT_EQ(p["unit"], "rows");
  EXPECT_EQ(p["done"], 500);
  EXPECT_EQ(p["total"], 1000);
  EXPECT_DOUBLE_EQ(p["percent"].get<double>(), 50.0);
  EXPECT_DOUBLE_EQ(p["rate"].get<double>(), 100.0);
  EXPECT_DOUBLE_EQ(p["eta_seconds"].get<double>(), 5.0);
  EXPECT_EQ(p["phase"], "loading");  // the least advanced table
  ASSERT_EQ(p["detail"].size(), 2u);
}

TEST(TaskProgress, WaitingForTheWriteLock) {
  json raw = {{"tables",
               {{"abstracts", {{"phase", "waiting_for_lock"}, {"table", "abstracts"}, {"rows_done", 0},
                               {"rows_expected", nullptr}, {"rows_per_second", 0}, {"seconds", 31.0},
                               {"waiting_for", "the write lock on /w.db"}, {"holder", "pid 42: staging authors"}}}}}};
  json p = SummariseTaskProgress(raw);
  EXPECT_EQ(p["phase"], "waiting_for_lock");
  EXPECT_EQ(p["waiting_for"], "the write lock on /w.db");
  EXPECT_EQ(p["holder"], "pid 42: staging authors");
  EXPECT_TRUE(p["total"].is_null());
  EXPECT_TRUE(p["percent"].is_null());
  EXPECT_TRUE(p["eta_seconds"].is_null());
}

TEST(TaskProgress, MalformedIsNull) {
  EXPECT_TRUE(SummariseTaskProgress(json()).is_null());
  EXPECT_TRUE(SummariseTaskProgress(json::array({1, 2})).is_null());
  EXPECT_TRUE(SummariseTaskProgress(json{{"tables", json::object()}}).is_null());
  EXPECT_TRUE(SummariseTaskProgress(json{{"tables", {{"x", 3}}}}).is_null());
  EXPECT_TRUE(SummariseTaskProgress(json{{"something", "else"}}).is_null());
  // Wrong types are read as zero, never thrown on.
  json odd = SummariseTaskProgress(json{{"records_done", "many"}, {"bytes_total", "x"}, {"finished", 1}});
  EXPECT_EQ(odd["done"], 0);
  odd = SummariseTaskProgress(json{{"tables", {{"t", {{"phase", 5}, {"rows_done", "x"}, {"waiting_for", 1}}}}}});
  EXPECT_EQ(odd["done"], 0);
  EXPECT_TRUE(ReadTaskProgress("/nonexistent/progress.json").is_null());
  const ScopedTempDir dir("af_task_progress_test_");
  const std::string path = dir.File("progress.json").string();
  std::ofstream(path) << "{\"tables\": {\"papers\": {\"phase\": \"load";  // half a snapshot
  EXPECT_TRUE(ReadTaskProgress(path).is_null());
  std::ofstream(path) << json{{"records_done", 7}, {"finished", true}}.dump();
  EXPECT_EQ(ReadTaskProgress(path)["done"], 7);
}

TEST(TaskProgress, PathBesideTheLog) {
  HomePaths home{"/h"};
  EXPECT_EQ(TaskProgressPath(home, "d", "manual__x", "t", 2),
            "/h/logs/dag_id=d/run_id=manual__x/task_id=t/attempt=2.progress.json");
}

}  // namespace
}  // namespace arxivflow::orchestrator
