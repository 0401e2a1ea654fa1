"""DAG file errors: each is reported as an import error naming the file and
task, stored in the metadata DB, and never stops the other files."""
import os
import sqlite3
import time

from af_helpers import Home, run_tests

GOOD = """dag_id: good
tasks:
  - {task_id: a, operator: noop}
  - {task_id: b, operator: noop, upstream: [a]}
"""

BROKEN = {
    "cycle.yaml": ("""dag_id: cyc
tasks:
  - {task_id: x, operator: noop, upstream: [z]}
  - {task_id: y, operator: noop, upstream: [x]}
  - {task_id: z, operator: noop, upstream: [y]}
""", "cycle between tasks"),
    "unknown_up.yaml": ("""dag_id: unk
tasks:
  - {task_id: load, operator: noop, upstream: [begin]}
""", "task 'load': upstream 'begin' does not exist"),
    "bad_yaml.yaml": ("dag_id: bad\ntasks: [\n  - {task_id: a\n", "invalid YAML"),
    "dup.yaml": ("""dag_id: dup
tasks:
  - {task_id: a, operator: noop}
  - {task_id: a, operator: noop}
""", "task 'a': duplicate task_id"),
    "bad_op.yaml": ("""dag_id: badop
tasks:
  - {task_id: run, operator: python}
""", "task 'run': unknown operator 'python'"),
    "bad_cron.yaml": ("""dag_id: badcron
schedule: "0 25 * * *"
start_date: 2026-01-01
tasks:
  - {task_id: a, operator: noop}
""", "cron hour field"),
    "same_id.yaml": ("""dag_id: good
tasks:
  - {task_id: a, operator: noop}
""", "already defined in"),
}


def test_broken_files_are_import_errors_and_others_load():
    h = Home()
    try:
        h.write_dag("good.yaml", GOOD)
        for name, (text, _) in BROKEN.items():
            h.write_dag(name, text)
        dags = [d["dag_id"] for d in h.json("dags", "list")]
        assert dags == ["good"], dags
        errors = {os.path.basename(e["filepath"]): e["error"] for e in h.json("dags", "list-import-errors")}
        for name, (_, expected) in BROKEN.items():
            assert name in errors, (name, errors)
            assert expected in errors[name], (name, errors[name])
            assert name in errors[name], errors[name]  # the message names the file
        # Stored in the metadata DB for the UI.
        db = sqlite3.connect(os.path.join(h.root, "arxivflow.db"))
        stored = {os.path.basename(r[0]) for r in db.execute("SELECT filename FROM import_errors")}
        assert stored == set(BROKEN), stored
        # The good DAG runs despite the broken neighbours.
        h.start_scheduler()
        run = h.trigger("good")
        assert h.wait_run("good", run) == "success"
        # Fixing a file (new mtime) clears its import error.
        time.sleep(0.01)
        h.write_dag("cycle.yaml", BROKEN["cycle.yaml"][0].replace("upstream: [z]", "upstream: []"))
        errors = {os.path.basename(e["filepath"]) for e in h.json("dags", "list-import-errors")}
        assert "cycle.yaml" not in errors, errors
        assert "cyc" in [d["dag_id"] for d in h.json("dags", "list")]
    finally:
        h.close()


def test_shipped_dags_parse_with_original_ids():
    h = Home()
    try:
        h.run("db", "init")  # reinstalls the shipped DAGs (absent files only)
        dags = [d["dag_id"] for d in h.json("dags", "list")]
        assert dags == ["arxiv_full_pipeline", "create_parquet_area", "create_parquet_area_emr",
                        "create_tables_redshift", "load_data_to_redshift"], dags
        tasks = h.run("tasks", "list", "load_data_to_redshift").stdout.split()
        assert tasks[0] == "Begin_execution" and tasks[-3:] == [
            "publish_tables", "Run_data_quality_checks", "Stop_execution"], tasks
        assert sorted(tasks[1:8]) == sorted(["build_search_index"] + [f"loading_table_{t}" for t in
                                            ["papers", "authors", "abstracts", "categories", "versions", "titles"]])
        assert h.run("tasks", "list", "create_tables_redshift").stdout.split() == ["create_tables"]
        assert h.run("tasks", "list", "create_parquet_area").stdout.split() == [
            "Begin_execution", "transform_snapshot", "Stop_execution"]
        dot = h.run("dags", "show", "load_data_to_redshift").stdout
        assert '"Begin_execution" -> "loading_table_papers"' in dot, dot
        assert '"loading_table_papers" -> "publish_tables"' in dot, dot
    finally:
        h.close()


if __name__ == "__main__":
    run_tests([test_broken_files_are_import_errors_and_others_load, test_shipped_dags_parse_with_original_ids])
