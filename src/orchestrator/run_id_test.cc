#include "orchestrator/run_id.h"

#include <gtest/gtest.h>

#include "orchestrator/home.h"

namespace arxivflow::orchestrator {
namespace {

TEST(RunIdTest, AcceptsGeneratedAndAirflowStyleIds) {
  for (std::string id : {std::string("manual__2026-01-01T00:00:00+00:00"),
                         std::string("scheduled__2026-11-23T21:00:00.123456+00:00"),
                         std::string("test__2026-01-01T00:00:00+00:00"), std::string("my_run"),
                         std::string("v1.2~rc-3"), std::string(250, 'a')}) {
    EXPECT_TRUE(ValidateRunId(id).ok()) << id;
  }
}

TEST(RunIdTest, RefusesSlashesControlsAndOtherCharacters) {
  for (std::string id : {std::string(), std::string("a/b"), std::string("a\nb"), std::string("a b"),
                         std::string("..\\x"), std::string("a%2Fb"), std::string(251, 'a'), std::string("caf\xc3\xa9")}) {
    Status st = ValidateRunId(id);
    ASSERT_FALSE(st.ok()) << id;
    EXPECT_EQ(st.message(), "a run id is 1-250 characters of letters, digits and _ . ~ : + -");
  }
}

TEST(RunIdTest, DistinctIdsNeverShareAFile) {
  HomePaths home{"/h"};
  EXPECT_EQ(home.TaskLog("d", "manual__2026-01-01T00:00:00+00:00", "t", 1),
            "/h/logs/dag_id=d/run_id=manual__2026-01-01T00:00:00+00:00/task_id=t/attempt=1.log");
  // Ids stored before validation existed keep distinct, folder-free paths.
  std::string slash = home.TaskLog("d", "a/b", "t", 1), underscore = home.TaskLog("d", "a_b", "t", 1);
  EXPECT_NE(slash, underscore);
  EXPECT_EQ(slash, "/h/logs/dag_id=d/run_id=a%2Fb/task_id=t/attempt=1.log");
  EXPECT_NE(home.TaskLog("d", "a%2Fb", "t", 1), slash);
  EXPECT_EQ(PathComponent("../x"), "..%2Fx");
  EXPECT_EQ(PathComponent("a\nb"), "a%0Ab");
}

}  // namespace
}  // namespace arxivflow::orchestrator
