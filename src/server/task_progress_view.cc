#include "server/task_progress_view.h"

#include <utility>

#include "orchestrator/task_progress.h"

namespace arxivflow::server {

TaskInstanceInfo WithProgress(const orchestrator::HomePaths& home, TaskInstanceInfo ti) {
  if (ti.state == orchestrator::TiState::kRunning && ti.try_number > 0) {
    ti.progress = orchestrator::ReadTaskProgress(
        orchestrator::TaskProgressPath(home, ti.dag_id, ti.run_id, ti.task_id, ti.try_number));
  }
  return ti;
}

}  // namespace arxivflow::server
