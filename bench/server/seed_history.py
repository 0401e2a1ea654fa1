"""Seeds a metadata DB with DAG-run history for the web server benchmark:
`runs` finished runs of `dag_id`, one an hour from `start` (ISO 8601, UTC),
5 minutes long, one task instance per task (state success, first try, started
10 s apart, 9.5 s each), written directly with sqlite3 in one transaction.
Usage: seed_history.py <arxivflow.db> <dag_id> <runs> <start> <task_id>..."""
import sqlite3
import sys
from datetime import datetime, timedelta, timezone

db_path, dag_id, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
start = datetime.fromisoformat(sys.argv[4]).replace(tzinfo=timezone.utc)
tasks = sys.argv[5:]
db = sqlite3.connect(db_path)
fmt = lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
with db:
    for i in range(runs):
        t0 = start + timedelta(hours=i)
        run_id = "scheduled__" + fmt(t0)
        db.execute("INSERT INTO dag_runs (dag_id, run_id, state, run_type, logical_date, queued_at, start_date, "
                   "end_date, conf) VALUES (?, ?, 'success', 'scheduled', ?, ?, ?, ?, '{}')",
                   (dag_id, run_id, fmt(t0), fmt(t0), fmt(t0), fmt(t0 + timedelta(minutes=5))))
        for j, task in enumerate(tasks):
            s = t0 + timedelta(seconds=10 * j)
            db.execute("INSERT INTO task_instances (dag_id, run_id, task_id, state, try_number, max_tries, operator, "
                       "start_date, end_date, duration, hostname, result) VALUES (?, ?, ?, 'success', 1, 1, 'noop', "
                       "?, ?, 9.5, 'bench', ?)",
                       (dag_id, run_id, task, fmt(s), fmt(s + timedelta(seconds=9.5)), '{"rows_loaded": %d}' % (i * 7)))
print(f"seeded {runs} runs x {len(tasks)} tasks = {runs * len(tasks)} task instances")
