#!/usr/bin/env bash
# Scheduler benchmark: DAGs of 200 noop tasks (each still its own process),
# wide (200 independent tasks) and deep (a chain of 200). Reports
# trigger-to-first-task latency and per-task overhead from the timestamps the
# metadata DB records.
# Usage: bench/scheduler/run.sh [path/to/arxivflow] [parallelism] [fork|spawn|both]
# The third argument picks how task processes start (ARXIVFLOW_TASK_LAUNCH):
# forked by the task launcher (the default) or spawned as `arxivflow tasks
# run`; `both` runs the benchmark once per mode.
set -euo pipefail
BIN=${1:-$(dirname "$0")/../../build/arxivflow}
BIN=$(realpath "$BIN")
PARALLELISM=${2:-4}
MODE=${3:-${ARXIVFLOW_TASK_LAUNCH:-fork}}
if [ "$MODE" = both ]; then  # separate processes: CPU figures of children add up across exec
  "$0" "$BIN" "$PARALLELISM" spawn
  echo
  "$0" "$BIN" "$PARALLELISM" fork
  exit
fi
exec python3 - "$BIN" "$PARALLELISM" "$MODE" <<'PY'
import os, resource, shutil, signal, sqlite3, subprocess, sys, tempfile, time
from datetime import datetime

bin_path, parallelism, mode = sys.argv[1], sys.argv[2], sys.argv[3]
home = tempfile.mkdtemp(prefix="af_bench_")
env = dict(os.environ, ARXIVFLOW_HOME=home, ARXIVFLOW_TASK_LAUNCH=mode)
N = 200

def run(*args):
    return subprocess.run([bin_path, *args], env=env, check=True, capture_output=True, text=True).stdout.strip()

def ts(text):
    return datetime.fromisoformat(text).timestamp()

run("db", "init")
for f in os.listdir(os.path.join(home, "dags")):
    os.remove(os.path.join(home, "dags", f))
with open(os.path.join(home, "dags", "wide.yaml"), "w") as f:
    f.write("dag_id: bench_wide\ntasks:\n  - task_id: 'noop_{{ item.n }}'\n    operator: noop\n"
            f"    expand: {{n: [{', '.join(str(i) for i in range(N))}]}}\n")
with open(os.path.join(home, "dags", "deep.yaml"), "w") as f:
    f.write("dag_id: bench_deep\ntasks:\n")
    for i in range(N):
        f.write(f"  - {{task_id: noop_{i}, operator: noop{', upstream: [noop_%d]' % (i - 1) if i else ''}}}\n")

sched = subprocess.Popen([bin_path, "scheduler", "--parallelism", parallelism], env=env,
                         stdout=subprocess.DEVNULL, stderr=open(os.path.join(home, "scheduler.log"), "w"))
time.sleep(1.5)  # let the scheduler parse the folder and go idle
db = sqlite3.connect(os.path.join(home, "arxivflow.db"))
results = {}
try:
    for dag in ["bench_wide", "bench_deep"]:
        t0 = time.time()
        run_id = run("dags", "trigger", dag)
        while True:
            state = db.execute("SELECT state FROM dag_runs WHERE dag_id=? AND run_id=?", (dag, run_id)).fetchone()[0]
            if state in ("success", "failed"):
                break
            time.sleep(0.05)
        queued_at = ts(db.execute("SELECT queued_at FROM dag_runs WHERE dag_id=? AND run_id=?", (dag, run_id)).fetchone()[0])
        rows = db.execute("SELECT start_date, end_date, queued_dttm FROM task_instances WHERE dag_id=? AND run_id=?",
                          (dag, run_id)).fetchall()
        starts = sorted(ts(r[0]) for r in rows)
        ends = sorted(ts(r[1]) for r in rows)
        first_queue = min(ts(r[2]) for r in rows)
        total = ends[-1] - queued_at
        results[dag] = dict(state=state, tasks=len(rows),
                            trigger_to_first_task_ms=(starts[0] - queued_at) * 1000,
                            trigger_to_first_queue_ms=(first_queue - queued_at) * 1000,
                            total_s=total, per_task_ms=(ends[-1] - starts[0]) / len(rows) * 1000)
finally:
    sched.send_signal(signal.SIGTERM)
    sched.wait()
# CPU of the scheduler, the task launcher and every task process (reaped by
# the launcher, which the scheduler reaps when it stops): independent of how
# busy the machine is, unlike the wall-clock figures.
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu_ms_per_task = (usage.ru_utime + usage.ru_stime) * 1000 / (2 * N)
print(f"scheduler benchmark: {N} noop tasks per DAG, parallelism {parallelism}, {os.cpu_count()} CPU(s), "
      f"task processes {'forked by the task launcher' if mode == 'fork' else 'spawned'} ({mode})")
print(f"{'dag':<12} {'state':<8} {'trigger->1st task ms':>21} {'trigger->1st queued ms':>23} {'total s':>8} {'per task ms':>12}")
for dag, r in results.items():
    print(f"{dag:<12} {r['state']:<8} {r['trigger_to_first_task_ms']:>21.1f} {r['trigger_to_first_queue_ms']:>23.1f} "
          f"{r['total_s']:>8.2f} {r['per_task_ms']:>12.1f}")
print(f"CPU (user+sys) of scheduler + task processes per task: {cpu_ms_per_task:.1f} ms; "
      f"load average now {os.getloadavg()[0]:.1f}")
shutil.rmtree(home, ignore_errors=True)
PY
