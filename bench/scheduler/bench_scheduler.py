"""Scheduler benchmark: arxivflow and Apache Airflow 3 run the same DAGs of N
tasks that each do nothing in a process of their own, wide (N independent
tasks) and deep (a chain of N), with the same parallelism, in one run.

What one task is on each side (the `noop` task kind, the default):
  arxivflow  operator `noop`: a task process forked by the task launcher claims
             the task instance, logs one line and records success (no exec).
  Airflow    a `@task` returning None (LocalExecutor: a worker process forks
             the task process, which parses the DAG file, marks itself running
             and reports success through the Execution API, and logs).
  (Airflow's EmptyOperator is never run by its scheduler, so it is no peer.)
The `bash` task kind runs `bash -c true` on both sides: arxivflow's `shell`
operator with argv [bash, -c, true], Airflow's BashOperator(bash_command="true").

Figures come from the timestamps each system records (its run's queued_at, its
task instances' queued/start/end) and from the CPU time of every process of
the system (arxivflow: scheduler, launcher, task processes; Airflow: scheduler
with its executor workers and task processes, DAG processor, API server and
PostgreSQL), read from /proc before the trigger and after the run. A run
counts only if it succeeded, all N task instances succeeded on their first
try, and each ran in a process of its own (N distinct pids).

Usage: bench_scheduler.py BIN PARALLELISM MODES
  MODES: fork, spawn or both (how arxivflow starts task processes).
Environment: BENCH_AIRFLOW=0 skips Airflow; BENCH_TASK=noop|bash|both (noop);
BENCH_TASKS=N (200).
"""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from proc_cpu import tree_cpu_seconds  # noqa: E402

N = int(os.environ.get("BENCH_TASKS", "200"))
RUN_TIMEOUT_S = 3600


def ts(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() if text else None


# -- the DAGs, written once per system ---------------------------------------
def arxivflow_dag(dag_id, shape, kind, n):
    op = "noop" if kind == "noop" else "shell\n    args: {argv: [bash, -c, 'true']}"
    if shape == "wide":
        return (f"dag_id: {dag_id}\ntasks:\n  - task_id: 'noop_{{{{ item.n }}}}'\n    operator: {op}\n"
                f"    expand: {{n: [{', '.join(str(i) for i in range(n))}]}}\n")
    lines = [f"dag_id: {dag_id}", "tasks:"]
    for i in range(n):
        lines.append(f"  - task_id: noop_{i}\n    operator: {op}" + (f"\n    upstream: [noop_{i - 1}]" if i else ""))
    return "\n".join(lines) + "\n"


def airflow_dag(dag_id, shape, kind, n):
    if kind == "noop":
        head = ("from airflow.sdk import DAG, chain, task\n\n\n@task\ndef noop():\n    return None\n\n\n")
        make = 'noop.override(task_id=f"noop_{i}")()'
    else:
        head = ("from airflow.providers.standard.operators.bash import BashOperator\n"
                "from airflow.sdk import DAG, chain\n\n\n")
        make = 'BashOperator(task_id=f"noop_{i}", bash_command="true")'
    link = "chain(*tasks)\n" if shape == "deep" else ""
    return ("import datetime\n\n" + head +
            f'with DAG("{dag_id}", schedule=None, start_date=datetime.datetime(2024, 1, 1), catchup=False):\n'
            f"    tasks = [{make} for i in range({n})]\n    " + link)


def dag_set(kinds):
    """[(dag_id, shape, kind, n)]: a one-task warm-up, then wide and deep per task kind."""
    dags = [("bench_warmup", "wide", "noop", 1)]
    for kind in kinds:
        suffix = "" if kind == "noop" else "_" + kind
        dags += [(f"bench_wide{suffix}", "wide", kind, N), (f"bench_deep{suffix}", "deep", kind, N)]
    return dags


# -- the two systems, behind one shape -----------------------------------------
class Arxivflow:
    def __init__(self, bin_path, parallelism, mode, dags):
        self.name = f"arxivflow ({mode})"
        self.bin, self.parallelism, self.mode, self.dags = bin_path, parallelism, mode, dags

    def __enter__(self):
        self.home = tempfile.mkdtemp(prefix="af_bench_")
        self.env = dict(os.environ, ARXIVFLOW_HOME=self.home, ARXIVFLOW_TASK_LAUNCH=self.mode)
        self.cli("db", "init")
        folder = os.path.join(self.home, "dags")
        for f in os.listdir(folder):
            os.remove(os.path.join(folder, f))
        for dag_id, shape, kind, n in self.dags:
            with open(os.path.join(folder, dag_id + ".yaml"), "w") as f:
                f.write(arxivflow_dag(dag_id, shape, kind, n))
        with open(os.path.join(self.home, "scheduler.log"), "w") as log:
            self.sched = subprocess.Popen([self.bin, "scheduler", "--parallelism", str(self.parallelism)],
                                          env=self.env, stdout=subprocess.DEVNULL, stderr=log)
        self.db = sqlite3.connect(os.path.join(self.home, "arxivflow.db"))
        deadline = time.time() + 60
        while self.db.execute("SELECT count(*) FROM dags").fetchone()[0] < len(self.dags):
            if time.time() > deadline or self.sched.poll() is not None:
                raise RuntimeError("arxivflow scheduler did not load the DAGs")
            time.sleep(0.1)
        return self

    def __exit__(self, *exc):
        self.sched.send_signal(signal.SIGTERM)
        self.sched.wait()
        self.db.close()
        shutil.rmtree(self.home, ignore_errors=True)

    def cli(self, *args):
        return subprocess.run([self.bin, *args], env=self.env, check=True, capture_output=True,
                              text=True).stdout.strip()

    poll_s = 0.05  # reads SQLite directly: costs the system under test nothing

    def cpu_seconds(self):
        return tree_cpu_seconds([self.sched.pid])

    def trigger(self, dag_id):
        return self.cli("dags", "trigger", dag_id)

    def run(self, dag_id, run_id):
        state, queued_at = self.db.execute("SELECT state, queued_at FROM dag_runs WHERE dag_id=? AND run_id=?",
                                           (dag_id, run_id)).fetchone()
        return dict(state=state, queued_at=ts(queued_at))

    def task_instances(self, dag_id, run_id):
        rows = self.db.execute("SELECT state, queued_dttm, start_date, end_date, try_number, pid FROM task_instances "
                               "WHERE dag_id=? AND run_id=?", (dag_id, run_id)).fetchall()
        return [dict(state=r[0], queued=ts(r[1]), start=ts(r[2]), end=ts(r[3]), try_number=r[4], pid=r[5])
                for r in rows]


class Airflow:
    def __init__(self, parallelism, dags):
        from airflow_peer import AirflowPeer
        self.name = "Airflow 3 (LocalExecutor)"
        files = {f"{d}.py": airflow_dag(d, shape, kind, n) for d, shape, kind, n in dags}
        self.dag_ids = [d[0] for d in dags]
        self.peer = AirflowPeer(files, parallelism=parallelism)

    def __enter__(self):
        self.peer.__enter__()
        self.peer.wait_for_dags(self.dag_ids)
        self.version = self.peer.request("GET", "/api/v2/version")["version"]
        self.name = f"Airflow {self.version} (LocalExecutor)"
        return self

    def __exit__(self, *exc):
        return self.peer.__exit__(*exc)

    poll_s = 1.0  # each poll is a REST call Airflow spends CPU on; the figures come from its timestamps

    def cpu_seconds(self):
        return self.peer.cpu_seconds()

    def trigger(self, dag_id):
        return self.peer.request("POST", f"/api/v2/dags/{dag_id}/dagRuns", {"logical_date": None})["dag_run_id"]

    def run(self, dag_id, run_id):
        self.peer.check_alive()
        r = self.peer.request("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}")
        return dict(state=r["state"], queued_at=ts(r["queued_at"]))

    def task_instances(self, dag_id, run_id):
        out = []
        while True:
            page = self.peer.request("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances"
                                            f"?limit=100&offset={len(out)}")
            out += [dict(state=t["state"], queued=ts(t["queued_when"]), start=ts(t["start_date"]),
                         end=ts(t["end_date"]), try_number=t["try_number"], pid=t["pid"])
                    for t in page["task_instances"]]
            if len(out) >= page["total_entries"] or not page["task_instances"]:
                return out


# -- one measured run ----------------------------------------------------------
def measure(system, dag_id, n):
    cpu0 = system.cpu_seconds()
    wall0 = time.time()
    run_id = system.trigger(dag_id)
    while True:
        run = system.run(dag_id, run_id)
        if run["state"] in ("success", "failed"):
            break
        if time.time() - wall0 > RUN_TIMEOUT_S:
            raise RuntimeError(f"{system.name}: {dag_id} still {run['state']} after {RUN_TIMEOUT_S} s")
        time.sleep(system.poll_s)
    time.sleep(0.5)  # the last task process exits (and is reaped) after recording its state
    cpu = system.cpu_seconds() - cpu0
    tis = system.task_instances(dag_id, run_id)
    ok = [t for t in tis if t["state"] == "success" and t["try_number"] == 1 and t["start"] and t["end"]]
    pids = {t["pid"] for t in ok if t["pid"]}
    problems = []
    if run["state"] != "success":
        problems.append(f"run {run['state']}")
    if len(ok) != n or len(tis) != n:
        problems.append(f"{len(ok)} of {n} task instances succeeded on the first try ({len(tis)} found)")
    if len(pids) != n:
        problems.append(f"{len(pids)} distinct task pids for {n} tasks")
    if problems:
        raise RuntimeError(f"{system.name}: {dag_id} run {run_id} does not count: {'; '.join(problems)}")
    q0 = run["queued_at"]
    first_start = min(t["start"] for t in ok)
    last_end = max(t["end"] for t in ok)
    queued = [t["queued"] for t in ok if t["queued"]]
    return dict(system=system.name, dag=dag_id, tasks=len(ok),
                first_queued_ms=(min(queued) - q0) * 1000 if queued else float("nan"),
                first_running_ms=(first_start - q0) * 1000,
                total_s=last_end - q0, per_task_ms=(last_end - first_start) / n * 1000,
                cpu_s=cpu, cpu_per_task_ms=cpu / n * 1000)


def run_system(system, dags):
    results = []
    with system:
        idle0, t0 = system.cpu_seconds(), time.time()
        time.sleep(3)
        idle = (system.cpu_seconds() - idle0) / (time.time() - t0)
        for dag_id, _, _, n in dags:
            r = measure(system, dag_id, n)
            print(f"  {system.name} {dag_id}: {r['total_s']:.2f} s, {r['cpu_per_task_ms']:.1f} ms CPU per task",
                  file=sys.stderr, flush=True)
            if dag_id != "bench_warmup":
                results.append(r)
    for r in results:
        r["idle_cpu_pct"] = idle * 100
    return results


def main():
    bin_path, parallelism, modes = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    modes = ["spawn", "fork"] if modes == "both" else [modes]
    task = os.environ.get("BENCH_TASK", "noop")
    kinds = ["noop", "bash"] if task == "both" else [task]
    dags = dag_set(kinds)
    results = []
    for mode in modes:
        results += run_system(Arxivflow(bin_path, parallelism, mode, dags), dags)
    if os.environ.get("BENCH_AIRFLOW", "1") != "0":
        results += run_system(Airflow(parallelism, dags), dags)

    print(f"Scheduler benchmark: DAGs of {N} tasks, each its own process doing nothing "
          f"({' and '.join(kinds)}), parallelism {parallelism}, {os.cpu_count()} CPU(s). Every run below "
          f"succeeded with all {N} task instances run once, each in its own process.")
    print()
    print("| DAG | system | trigger → 1st queued ms | trigger → 1st running ms | whole run s | per task ms (wall) "
          "| CPU s | CPU per task ms | idle CPU % |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in sorted(results, key=lambda r: (r["dag"], r["system"])):
        print(f"| {r['dag']} | {r['system']} | {r['first_queued_ms']:.0f} | {r['first_running_ms']:.0f} | "
              f"{r['total_s']:.2f} | {r['per_task_ms']:.1f} | {r['cpu_s']:.2f} | {r['cpu_per_task_ms']:.1f} | "
              f"{r['idle_cpu_pct']:.1f} |")
    by = {(r["dag"], r["system"].split(" ")[0]): r for r in results}
    ours = {r["dag"]: r for r in results if r["system"] == f"arxivflow ({modes[-1]})"}
    if any(k[1] == "Airflow" for k in by):
        print()
        for dag, a in sorted(ours.items()):
            p = by[(dag, "Airflow")]
            print(f"{dag}: Airflow / arxivflow ({modes[-1]}): whole run {p['total_s'] / a['total_s']:.0f}x, "
                  f"CPU per task {p['cpu_per_task_ms'] / a['cpu_per_task_ms']:.0f}x, trigger → 1st running "
                  f"{p['first_running_ms'] / a['first_running_ms']:.0f}x")
    print()
    print(f"CPU: all processes of each system between the trigger and the end of the run (Airflow: PostgreSQL "
          f"included); idle CPU % is the system's own use while no DAG runs. Load average now "
          f"{os.getloadavg()[0]:.1f}.")


if __name__ == "__main__":
    main()
