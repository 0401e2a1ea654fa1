#include "orchestrator/scheduler_health.h"

#include <algorithm>

#include "orchestrator/time_util.h"

namespace arxivflow::orchestrator {

SchedulerHealth AssessScheduler(const std::optional<SchedulerJob>& latest, double now, double threshold) {
  SchedulerHealth h;
  if (!latest) return h;
  h.latest_heartbeat = latest->latest_heartbeat;
  if (auto beat = ParseIso(latest->latest_heartbeat)) {
    h.heartbeat_age = std::max(0.0, now - *beat);
    h.healthy = latest->state == "running" && *h.heartbeat_age <= threshold;
  }
  return h;
}

}  // namespace arxivflow::orchestrator
