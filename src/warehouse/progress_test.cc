#include "warehouse/progress.h"

#include <gtest/gtest.h>

#include <vector>

namespace arxivflow::warehouse {
namespace {

TEST(ProgressTest, LinesAndJson) {
  LoadProgress p;
  p.table = "authors";
  p.rows_done = 12400000;
  p.rows_expected = 20457123;
  p.rows_per_second = 850000;
  EXPECT_EQ(p.ToString(), "authors: 12,400,000 / 20,457,123 rows (61%), 850,000 rows/s, ETA 9s");
  auto j = p.ToJson();
  EXPECT_EQ(j["phase"], "loading");
  EXPECT_EQ(j["rows_expected"], 20457123);
  EXPECT_FALSE(j.contains("holder"));

  p.phase = LoadPhase::kWaitingForLock;
  p.waiting_for = "the write lock on /d/w.db";
  p.holder = "pid 7: staging papers for run r, since 2026-01-01T00:00:00Z";
  p.seconds = 75;
  EXPECT_EQ(p.ToString(),
            "authors: waiting for the write lock on /d/w.db held by pid 7: staging papers for run r, since "
            "2026-01-01T00:00:00Z (1m15s so far)");
  j = p.ToJson();
  EXPECT_EQ(j["phase"], "waiting_for_lock");
  EXPECT_EQ(j["holder"], p.holder);
}

TEST(ProgressTest, MeterReportsPhasesAtOnceAndRowsAtMostOnceASecond) {
  std::vector<LoadProgress> seen;
  ProgressMeter meter([&](const LoadProgress& p) { seen.push_back(p); }, "papers", 100);
  meter.Waiting("the write lock on x", "pid 1: y");
  meter.Waiting("the write lock on x", "pid 1: y");  // same holder, within a second: quiet
  meter.Waiting("the write lock on x", "pid 2: z");  // new holder: reported
  meter.Phase(LoadPhase::kLoading);
  for (int i = 1; i <= 100; ++i) meter.Rows(i);  // well within a second
  meter.Phase(LoadPhase::kIndexing);
  meter.Done(100);
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(seen[0].holder, "pid 1: y");
  EXPECT_EQ(seen[1].holder, "pid 2: z");
  EXPECT_EQ(seen[2].phase, LoadPhase::kLoading);
  EXPECT_EQ(seen[3].phase, LoadPhase::kIndexing);
  EXPECT_EQ(seen[3].rows_done, 100);
  EXPECT_EQ(seen[4].phase, LoadPhase::kDone);
  EXPECT_EQ(seen[4].rows_expected, 100);
}

}  // namespace
}  // namespace arxivflow::warehouse
