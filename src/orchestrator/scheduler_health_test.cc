#include "orchestrator/scheduler_health.h"

#include <gtest/gtest.h>

#include "orchestrator/time_util.h"

namespace arxivflow::orchestrator {
namespace {

SchedulerJob Job(const std::string& state, double heartbeat) {
  SchedulerJob job;
  job.id = 1;
  job.state = state;
  job.pid = 4242;
  job.start_date = FormatIso(heartbeat - 60);
  job.latest_heartbeat = FormatIso(heartbeat);
  return job;
}

TEST(SchedulerHealth, NoSchedulerEverRanIsUnhealthyWithoutAHeartbeat) {
  const SchedulerHealth h = AssessScheduler(std::nullopt, 1e9, kDefaultSchedulerHealthThreshold);
  EXPECT_FALSE(h.healthy);
  EXPECT_EQ(h.latest_heartbeat, "");
  EXPECT_FALSE(h.heartbeat_age.has_value());
}

TEST(SchedulerHealth, ARunningSchedulerIsHealthyWhileItsHeartbeatIsFresh) {
  const double now = 1.7e9;
  const SchedulerHealth h = AssessScheduler(Job("running", now - 5), now, 30);
  EXPECT_TRUE(h.healthy);
  ASSERT_TRUE(h.heartbeat_age.has_value());
  EXPECT_NEAR(*h.heartbeat_age, 5, 0.01);
  EXPECT_EQ(h.latest_heartbeat, FormatIso(now - 5));
}

TEST(SchedulerHealth, AStaleHeartbeatIsUnhealthyThoughTheJobIsRunning) {
  // A hung loop: the job row still says running, its heartbeat stopped.
  const double now = 1.7e9;
  const SchedulerHealth h = AssessScheduler(Job("running", now - 31), now, 30);
  EXPECT_FALSE(h.healthy);
  ASSERT_TRUE(h.heartbeat_age.has_value());
  EXPECT_NEAR(*h.heartbeat_age, 31, 0.01);
  EXPECT_TRUE(AssessScheduler(Job("running", now - 30), now, 30).healthy);  // the threshold itself is healthy
}

TEST(SchedulerHealth, AStoppedSchedulerIsUnhealthyAndAFutureHeartbeatHasAgeZero) {
  const double now = 1.7e9;
  EXPECT_FALSE(AssessScheduler(Job("success", now - 1), now, 30).healthy);
  const SchedulerHealth ahead = AssessScheduler(Job("running", now + 3), now, 30);  // clocks a little apart
  EXPECT_TRUE(ahead.healthy);
  EXPECT_EQ(*ahead.heartbeat_age, 0);
}

TEST(SchedulerHealth, AnUnreadableHeartbeatIsUnhealthy) {
  SchedulerJob job = Job("running", 1.7e9);
  job.latest_heartbeat = "not a time";
  const SchedulerHealth h = AssessScheduler(job, 1.7e9, 30);
  EXPECT_FALSE(h.healthy);
  EXPECT_FALSE(h.heartbeat_age.has_value());
}

}  // namespace
}  // namespace arxivflow::orchestrator
