#!/usr/bin/env bash
# Web server benchmark, arxivflow against Apache Airflow 3's API server
# (installed on demand into its own virtualenv from PyPI; PostgreSQL 15 as its
# metadata DB): wrk against the DAG list, a DAG's grid and its run list, with
# BENCH_TASK_INSTANCES (default 10 000) task instances of the same history on
# both sides, 50 connections, 30 s per endpoint (BENCH_SECONDS); arxivflow with its read cache
# on (default) and off. Prints a markdown table (req/s, p50, p99, server CPU
# per request) and a `p99 <= 50 ms` verdict per cell; see bench_server.py.
# Needs wrk. ARXIVFLOW_BIN points at the binary; BENCH_AIRFLOW=0 skips Airflow.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
command -v wrk >/dev/null || { echo "wrk is not installed"; exit 1; }
# -B: no __pycache__ left in the tree.
exec python3 -B "$here/bench_server.py"
