// Is the scheduler alive? Judged, as Airflow does, by the heartbeat its loop
// records in the metadata DB (scheduler.h), not by whether its process
// exists: a hung loop stops beating and turns unhealthy.
//
// Contract: pure; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "orchestrator/metadata_store.h"

namespace arxivflow::orchestrator {

// Airflow's scheduler_health_check_threshold.
inline constexpr double kDefaultSchedulerHealthThreshold = 30;

struct SchedulerHealth {
  bool healthy = false;
  std::string latest_heartbeat;            // "" when no scheduler ever ran
  std::optional<double> heartbeat_age;     // seconds, when there is a heartbeat
};

// Healthy when the latest scheduler is still running and its last heartbeat
// is at most `threshold` seconds old at `now`.
SchedulerHealth AssessScheduler(const std::optional<SchedulerJob>& latest, double now, double threshold);

}  // namespace arxivflow::orchestrator
