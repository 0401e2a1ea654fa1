#!/usr/bin/env bash
# The main job as users run it: the shipped `arxiv_full_pipeline` DAG under
# `arxivflow standalone` (scheduler + web UI), set up with the same CLI
# commands as `make run` (scripts/run-local), on SQLite and on PostgreSQL.
# Prints each task's wall time, rows, rows/s, CPU and peak RSS (of the
# command the task ran), the run's total, the `warehouse check` time, and the
# warehouse's row counts against the transform's manifest (exit 1 if they
# differ or the run fails).
#
#   bench/pipeline/run.sh [RECORDS]            (default 2900000)
#   ARXIV_SNAPSHOT=/path/snapshot.jsonl bench/pipeline/run.sh
#   BACKENDS=sqlite bench/pipeline/run.sh 2000
#
# The snapshot: ARXIV_SNAPSHOT when set; else, for the default size,
# $SNAPSHOT_CACHE (default /work/data/snapshot-2.9M-prose.jsonl, which must come
# from this generator: `gen --records 2900000 --seed 1`) when it exists;
# else `arxivflow gen --records N --seed 1` into the work folder.
# PostgreSQL: a throw-away PostgreSQL 15 on loopback
# (tests/support/pg_harness.py; fsync off) unless ARXIVFLOW_TEST_PG_URI is set.
# Environment: ARXIVFLOW_BIN (default build/arxivflow), BACKENDS (default
# "sqlite postgres"), NIPS_CSV (optional NIPS table), WORK (work folder;
# default a fresh one under /tmp), KEEP=1 keeps it, TIMEOUT (seconds per run,
# default 3600), RUNS (default 1: runs of the DAG one after the other on the
# same home; from the second on, each replaces a published warehouse, as a
# daily run does), DAGS (default "arxiv_full_pipeline": the shipped DAGs to
# run, in order, RUNS times each, on the same home and warehouse; the home's
# connections `warehouse` and `redshift` both name the backend, so
# "arxiv_full_pipeline load_data_to_redshift" also runs the original's load
# DAG on the lake the first one wrote), PARALLELISM (the scheduler's
# --parallelism; default its own). The binary is copied into the work folder
# first.
#
# Timings are wall-clock on whatever else the machine is doing; CPU times are
# the steadier figure on a shared machine.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
records=${1:-2900000}
bin=${ARXIVFLOW_BIN:-$root/build/arxivflow}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
backends=${BACKENDS:-sqlite postgres}
timeout=${TIMEOUT:-3600}
runs=${RUNS:-1}
dags=${DAGS:-arxiv_full_pipeline}

if [[ " $backends " == *" postgres "* && -z "${ARXIVFLOW_TEST_PG_URI:-}" ]]; then
  exec python3 "$root/tests/support/pg_harness.py" -- "$0" "$@"
fi

if [[ -n "${WORK:-}" ]]; then
  work=$WORK
  mkdir -p "$work"
else
  work=$(mktemp -d /tmp/af-bench-pipeline-XXXXXX)
fi
server=
cleanup() {
  if [[ -n "$server" ]]; then kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  [[ "${KEEP:-0}" == 1 || -n "${WORK:-}" ]] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# A copy of the binary: a rebuild during a long run must not pull it away
# from under the scheduler (the task launcher re-executes it).
cp "$bin" "$work/arxivflow"
bin=$work/arxivflow

snapshot=${ARXIV_SNAPSHOT:-}
cache=${SNAPSHOT_CACHE:-/work/data/snapshot-2.9M-prose.jsonl}
if [[ -z "$snapshot" && "$records" == 2900000 && -s "$cache" ]]; then snapshot=$cache; fi
if [[ -z "$snapshot" ]]; then
  snapshot="$work/snapshot-$records.jsonl"
  if [[ ! -s "$snapshot" ]]; then
    echo "== generating $records records"
    "$bin" gen --records "$records" --seed 1 --output "$snapshot.tmp" >/dev/null
    mv "$snapshot.tmp" "$snapshot"
  fi
fi
echo "== snapshot $snapshot ($(du -h "$snapshot" | cut -f1)); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# PostgreSQL's own CPU (postmaster and every backend; bench/load/pg_cpu.py):
# the loads and checks run there, not in the tasks' commands.
server_cpu() {
  if [[ $backend == postgres ]]; then python3 "$root/bench/load/pg_cpu.py" "${ARXIVFLOW_TEST_PG_ADMIN_URI:-$ARXIVFLOW_TEST_PG_URI}" 2>/dev/null || echo 0; else echo 0; fi
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

status=0
for backend in $backends; do
  home="$work/$backend"
  rm -rf "$home"
  mkdir -p "$home"
  export ARXIVFLOW_HOME=$home
  case $backend in
    sqlite) conn="sqlite://$home/warehouse.db" ;;
    postgres) conn=$ARXIVFLOW_TEST_PG_URI ;;
    *) echo "unknown backend '$backend' (sqlite or postgres)" >&2; exit 2 ;;
  esac
  echo "== $backend: $dags under arxivflow standalone"
  # The same commands as `make run` (scripts/run-local).
  "$bin" db init >/dev/null
  "$bin" variables set ARXIV_SNAPSHOT "$snapshot" >/dev/null
  "$bin" variables set LAKE_URI "$home/lake" >/dev/null
  [[ -z "${NIPS_CSV:-}" ]] || "$bin" variables set NIPS_CSV "$NIPS_CSV" >/dev/null
  "$bin" connections add warehouse --conn-uri "$conn" >/dev/null
  # load_data_to_redshift's connection: here the same backend, not a cluster.
  "$bin" connections add redshift --conn-uri "$conn" >/dev/null
  port=$(free_port)
  "$bin" standalone --port "$port" ${PARALLELISM:+--parallelism "$PARALLELISM"} >"$home/standalone.log" 2>&1 &
  server=$!
  sleep 1
  kill -0 "$server" 2>/dev/null || { cat "$home/standalone.log"; echo "standalone did not start" >&2; exit 1; }
  for dag in $dags; do
    for round in $(seq "$runs"); do
      echo "== $backend: $dag, run $round of $runs"
      cpu_before=$(server_cpu)
      run_id=$("$bin" dags trigger "$dag" | tail -1)
      start=$(date +%s)
      state=queued
      while [[ "$state" != success && "$state" != failed ]]; do
        sleep 1
        state=$("$bin" dags state "$dag" "$run_id")
        if (( $(date +%s) - start > timeout )); then echo "timed out after $timeout s" >&2; state=timeout; break; fi
      done
      cpu_after=$(server_cpu)
      # `warehouse check` on its own, as a user runs it after the job.
      check_start=$(date +%s.%N)
      check_rc=0
      "$bin" --log-level warn warehouse check --conn warehouse --from "$home/lake" >"$home/check.txt" 2>&1 || check_rc=$?
      check_seconds=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$check_start" "$(date +%s.%N)")
      echo "   $dag run $run_id: $state"
      [[ $backend != postgres ]] || python3 -c "import sys; print(f'   PostgreSQL server CPU during the run: {float(sys.argv[2]) - float(sys.argv[1]):.1f} s')" "$cpu_before" "$cpu_after"
      python3 "$here/report.py" --home "$home" --dag "$dag" --run-id "$run_id" --backend "$backend" --conn "$conn" \
        --check-seconds "$check_seconds" --check-rc "$check_rc" || status=1
      [[ "$state" == success ]] || status=1
    done
  done
  kill -TERM "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=
  # Spare the disk for the next backend.
  [[ "${KEEP:-0}" == 1 || -n "${WORK:-}" ]] || rm -rf "$home/lake" "$home/warehouse.db"*
done
exit $status
