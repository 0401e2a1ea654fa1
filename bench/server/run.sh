#!/usr/bin/env bash
# Web server benchmark: wrk against GET /api/v1/dags, a DAG's grid and its
# run list, with BENCH_TASK_INSTANCES (default 10 000) task instances of
# history seeded into the metadata DB, 50 connections, 10 s per endpoint, with
# the read cache on (default) and off. Prints a markdown table, one row per
# endpoint with both cache settings side by side (req/s, p50, p99), and a
# `p99 <= 50 ms` verdict per cell.
# Needs wrk. ARXIVFLOW_BIN points at the binary.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${ARXIVFLOW_BIN:-$root/build/arxivflow}
duration=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-50}
task_instances=${BENCH_TASK_INSTANCES:-10000}
goal_ms=50
command -v wrk >/dev/null || { echo "wrk is not installed"; exit 1; }

home=$(mktemp -d /tmp/af_bench_server.XXXXXX)
server_pid=""
cleanup() { if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; fi; wait 2>/dev/null || true; rm -rf "$home"; }
trap cleanup EXIT
export ARXIVFLOW_HOME=$home

"$bin" db init >/dev/null
"$bin" users create --username bench --password bench-pass --role viewer >/dev/null
tasks=$("$bin" dags show arxiv_full_pipeline -o json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
ts = d.get("tasks", d) if isinstance(d, dict) else d
print(" ".join(t["task_id"] if isinstance(t, dict) else t for t in ts))' 2>/dev/null || true)
if [[ -z "$tasks" ]]; then
  tasks="Begin_execution transform_snapshot create_tables loading_table_papers loading_table_authors \
loading_table_abstracts loading_table_categories loading_table_versions loading_table_titles \
Run_data_quality_checks Stop_execution"
fi
ntasks=$(wc -w <<<"$tasks")
runs=$(( (task_instances + ntasks - 1) / ntasks ))
python3 "$here/seed_history.py" "$home/arxivflow.db" arxiv_full_pipeline "$runs" $tasks >&2

start_server() {  # $1 = --read-cache-ms
  "$bin" webserver --port 0 --threads 64 --read-cache-ms "$1" >"$home/webserver.log" 2>&1 &
  server_pid=$!
  port=""
  for _ in $(seq 1 100); do
    port=$(grep -oE 'listening on http://127\.0\.0\.1:[0-9]+' "$home/webserver.log" | grep -oE '[0-9]+$' || true)
    [[ -n "$port" ]] && break
    sleep 0.1
  done
  [[ -n "$port" ]] || { cat "$home/webserver.log"; exit 1; }
  base="http://127.0.0.1:$port"
  curl -sf -H "$auth" "$base/api/v1/dags" >/dev/null  # warms the basic-auth cache
}
stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; }
auth="Authorization: Basic $(printf 'bench:bench-pass' | base64)"

# wrk prints latencies as 812.00us, 1.52ms, 1.02s: in milliseconds.
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }

paths=("/api/v1/dags" "/api/v1/dags/arxiv_full_pipeline/grid" "/api/v1/dags/arxiv_full_pipeline/dagRuns?limit=100")
declare -A cell
for cache in 1000 0; do
  start_server "$cache"
  for path in "${paths[@]}"; do
    out=$(wrk -t2 -c"$connections" -d"${duration}s" --latency -H "$auth" "$base$path")
    rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
    p50=$(to_ms "$(awk '$1=="50%" {print $2}' <<<"$out")")
    p99=$(to_ms "$(awk '$1=="99%" {print $2}' <<<"$out")")
    errs=$(awk '/Non-2xx|Socket errors/ {printf "%s ", $0}' <<<"$out")
    ok=$(awk -v p="$p99" -v g="$goal_ms" 'BEGIN { print (p <= g) ? "ok" : "MISS" }')
    cell[$cache,$path]="$rps | $p50 | $p99 $ok"
    [[ -n "$errs" ]] && echo "errors on $path (cache $cache): $errs" >&2
  done
  stop_server
done

echo "Seeded $runs runs x $ntasks tasks = $((runs * ntasks)) task instances; wrk: $connections connections, 2 threads, ${duration}s per endpoint, HTTP basic auth; $(nproc) cores shared by wrk and the server."
echo
echo "| endpoint | cache on: req/s | p50 ms | p99 ms | cache off: req/s | p50 ms | p99 ms |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for path in "${paths[@]}"; do
  echo "| \`GET $path\` | ${cell[1000,$path]} | ${cell[0,$path]} |"
done
echo
echo "Load average after: $(cut -d' ' -f1 /proc/loadavg). Goal: p99 <= $goal_ms ms."
