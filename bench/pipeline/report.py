#!/usr/bin/env python3
"""Prints one DAG run's figures (bench/pipeline/run.sh): arxiv_full_pipeline or
load_data_to_redshift.

Per task: wall time (the task instance's duration), rows, rows/s, CPU (user +
system) and peak RSS of the command the task ran (the task log's "resources:"
line), and the try that succeeded; the run's total (first task start to last
task end); the `warehouse check` time; then the warehouse's row counts against
the transform's manifest. Exit status 1 when a count differs or a task did not
succeed. Reads the home's metadata DB and logs read-only. Python 3 standard
library (and psql for PostgreSQL counts).
"""
import argparse
import datetime
import json
import os
import re
import sqlite3
import subprocess
import sys

TABLES = ["papers", "authors", "abstracts", "categories", "versions", "titles"]
RESOURCES = re.compile(r"resources: cpu ([\d.]+) s user \+ ([\d.]+) s sys, peak RSS (\d+) MB")


def when(iso):
    return datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() if iso else None


def rows_of(task, result):
    """The rows (or records) a task handled, from its result; None when it has none."""
    if result is None:
        return None
    if task == "transform_snapshot":
        return result.get("records_read")
    if isinstance(result, list) and result and "rows_loaded" in result[0]:
        return sum(r["rows_loaded"] for r in result)
    if isinstance(result, list) and result and "rows_published" in result[0]:
        return sum(r["rows_published"] for r in result if r.get("table") in TABLES)
    if isinstance(result, dict):
        for key in ("rows", "rows_indexed", "rows_loaded"):
            if isinstance(result.get(key), int):
                return result[key]
    return None


def resources(home, dag, run_id, task, try_number):
    path = os.path.join(home, "logs", f"dag_id={dag}", f"run_id={run_id.replace('/', '_')}", f"task_id={task}",
                        f"attempt={try_number}.log")
    try:
        with open(path, errors="replace") as f:
            found = RESOURCES.findall(f.read())
    except OSError:
        return None
    if not found:
        return None
    user, system, rss = found[-1]
    return float(user) + float(system), int(rss)


def warehouse_counts(backend, conn):
    if backend == "sqlite":
        db = sqlite3.connect("file:" + conn[len("sqlite://"):] + "?mode=ro", uri=True)
        try:
            return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        finally:
            db.close()
    psql = os.path.join(os.environ.get("ARXIVFLOW_TEST_PG_BIN", "/usr/bin"), "psql")
    sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in TABLES)
    out = subprocess.run([psql, "-X", "-At", "-F", " ", "-v", "ON_ERROR_STOP=1", conn, "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return {name: int(n) for name, n in (line.split() for line in out.splitlines())}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", required=True)
    ap.add_argument("--dag", default="arxiv_full_pipeline")
    ap.add_argument("--run-id", required=True)
    ap.add_argument("--backend", required=True)
    ap.add_argument("--conn", required=True)
    ap.add_argument("--check-seconds", type=float, required=True)
    ap.add_argument("--check-rc", type=int, default=0)
    a = ap.parse_args()

    db = sqlite3.connect("file:" + os.path.join(a.home, "arxivflow.db") + "?mode=ro", uri=True)
    tis = db.execute("SELECT task_id, COALESCE(state, 'none'), try_number, start_date, end_date, duration, result "
                     "FROM task_instances WHERE dag_id = ? AND run_id = ? ORDER BY start_date", (a.dag, a.run_id)).fetchall()
    db.close()
    ok = True
    print(f"   {'task':28} {'state':8} {'try':>3} {'wall s':>8} {'rows':>12} {'rows/s':>11} {'cpu s':>8} "
          f"{'rows/cpu-s':>11} {'peak RSS MB':>11}")
    starts, ends = [], []
    for task, state, try_number, start, end, duration, result in tis:
        result = json.loads(result) if result else None
        rows = rows_of(task, result)
        res = resources(a.home, a.dag, a.run_id, task, try_number)
        if when(start):
            starts.append(when(start))
        if when(end):
            ends.append(when(end))
        ok = ok and state == "success"
        # Rates for the tasks that stream rows (publish renames tables; its
        # rows are those it made visible). A load's wall time includes its
        # turns waiting for a SQLite warehouse's write lock.
        streams = task == "transform_snapshot" or task.startswith("loading_table_")
        rate = f"{rows / duration:,.0f}" if streams and rows and duration else ""
        cpu_rate = f"{rows / res[0]:,.0f}" if streams and rows and res and res[0] > 0 else ""
        print(f"   {task:28} {state:8} {try_number:>3} {duration or 0:>8.1f} {'' if rows is None else f'{rows:,}':>12} "
              f"{rate:>11} {'' if not res else f'{res[0]:.1f}':>8} {cpu_rate:>11} {'' if not res else res[1]:>11}")
    cpu_total = sum(r[0] for r in (resources(a.home, a.dag, a.run_id, t[0], t[2]) for t in tis) if r)
    total = max(ends) - min(starts) if starts and ends else 0
    print(f"   total (first task start to last task end): {total:.1f} s wall, {cpu_total:.1f} s CPU of the tasks' commands")
    print(f"   warehouse check: {a.check_seconds:.1f} s ({'passed' if a.check_rc == 0 else 'FAILED'})")
    ok = ok and a.check_rc == 0

    manifest_path = os.path.join(a.home, "lake", "_manifest.json")
    with open(manifest_path) as f:
        manifest = json.load(f)
    counts = warehouse_counts(a.backend, a.conn)
    print(f"   {'table':12} {'warehouse':>12} {'manifest':>12}")
    for t in TABLES:
        expected = manifest["tables"][t]["rows"]
        same = counts.get(t) == expected
        ok = ok and same
        print(f"   {t:12} {counts.get(t, 0):>12,} {expected:>12,} {'' if same else 'DIFFERS'}")
    print(f"   {a.backend}: {'OK' if ok else 'FAILED'}; {sum(counts.values()):,} rows in {total:.1f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
