// The metrics read from the metadata DB at scrape time, for the web
// server's /metrics: task instances by DAG and state, the executor queue
// depth, DAG runs by DAG and state, the scheduler's heartbeat age, and the
// rows loaded / records rejected that successful tasks reported in their
// results (common/task_result.h). The scheduler's own metrics (loop, finished
// tries and runs, notifications) come from the file it writes
// (HomePaths::scheduler_metrics(); scheduler.h).
//
// Contract: CollectStoreMetrics adds gauges to `out` (every name starts with
// arxivflow_); a result that is not valid JSON is skipped. Reads only; costs
// one pass over the retained task results. As thread-safe as the store (one
// per thread).
#pragma once

#include "common/status.h"
#include "metrics/registry.h"
#include "orchestrator/metadata_store.h"

namespace arxivflow::orchestrator {

Status CollectStoreMetrics(MetadataStore& store, double now, metrics::Registry& out);

}  // namespace arxivflow::orchestrator
