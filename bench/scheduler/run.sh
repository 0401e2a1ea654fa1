#!/usr/bin/env bash
# Scheduler benchmark, arxivflow against Apache Airflow 3 (LocalExecutor on
# PostgreSQL 15, installed on demand into its own virtualenv from PyPI): DAGs
# of 200 tasks that each do nothing in a process of their own, wide (200
# independent tasks) and deep (a chain of 200), same parallelism, one run.
# Reports trigger -> first task queued/running, the whole run, per-task wall
# time and the CPU of all the system's processes; see bench_scheduler.py.
# Usage: bench/scheduler/run.sh [path/to/arxivflow] [parallelism] [fork|spawn|both]
# The third argument picks how arxivflow starts task processes
# (ARXIVFLOW_TASK_LAUNCH): forked by the task launcher (the default) or
# spawned as `arxivflow tasks run`; `both` measures each.
# Environment: BENCH_AIRFLOW=0 skips Airflow; BENCH_TASK=noop|bash|both picks
# what a task runs (default noop); BENCH_TASKS=N changes the 200.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BIN=${1:-${ARXIVFLOW_BIN:-$here/../../build/arxivflow}}
BIN=$(realpath "$BIN")
PARALLELISM=${2:-4}
MODE=${3:-${ARXIVFLOW_TASK_LAUNCH:-fork}}
# -B: no __pycache__ left in the tree.
exec python3 -B "$here/bench_scheduler.py" "$BIN" "$PARALLELISM" "$MODE"
