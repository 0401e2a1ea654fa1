#!/usr/bin/env bash
# Two builds of the web server side by side: the same seeded home (10 k task
# instances), wrk (2 threads, 50 connections, basic auth) on the cached DAG
# list and grid, alternating OLD and NEW for ROUNDS rounds of SECONDS each;
# prints req/s and the server's CPU per request (from /proc/<pid>/stat), the
# steadier figure on a shared machine. Needs wrk.
# usage: bench/server/compare_binaries.sh OLD_ARXIVFLOW NEW_ARXIVFLOW [ROUNDS] [SECONDS]
set -euo pipefail
old=$1; new=$2; rounds=${3:-3}; dur=${4:-8}
home=$(mktemp -d /tmp/af_ab.XXXXXX); export ARXIVFLOW_HOME=$home
"$new" db init >/dev/null
"$new" users create --username bench --password bench-pass --role viewer >/dev/null
python3 "$(dirname "$0")/seed_history.py" "$home/arxivflow.db" arxiv_full_pipeline 910 Begin_execution transform_snapshot create_tables loading_table_papers loading_table_authors loading_table_abstracts loading_table_categories loading_table_versions loading_table_titles Run_data_quality_checks Stop_execution >/dev/null 2>&1
auth="Authorization: Basic $(printf 'bench:bench-pass' | base64)"
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
for r in $(seq 1 $rounds); do
  for which in old new; do
    bin=${!which}
    "$bin" webserver --port 0 --threads 64 >"$home/ws.log" 2>&1 & pid=$!
    for _ in $(seq 1 100); do port=$(grep -oE 'listening on http://127\.0\.0\.1:[0-9]+' "$home/ws.log" | grep -oE '[0-9]+$' || true); [[ -n "$port" ]] && break; sleep 0.1; done
    curl -sf -H "$auth" "http://127.0.0.1:$port/api/v1/dags" >/dev/null
    for path in /api/v1/dags /api/v1/dags/arxiv_full_pipeline/grid; do
      c0=$(cpu $pid); w0=$(date +%s.%N)
      out=$(wrk -t2 -c50 -d${dur}s -H "$auth" "http://127.0.0.1:$port$path")
      c1=$(cpu $pid)
      n=$(awk '/requests in/ {print $1}' <<<"$out")
      rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
      awk -v w=$which -v p=$path -v n=$n -v c=$((c1-c0)) -v rps=$rps -v la="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN { printf "round %s %-4s %-40s %7d req/s  server CPU %.1f us/request  load %s\n", "'$r'", w, p, rps, c*10000/n, la }'
    done
    kill $pid; wait $pid 2>/dev/null || true
  done
done
rm -rf "$home"
