"""The full pipeline DAG on the 200-record sample, through the scheduler:
transform -> create tables -> six parallel loads and the search index ->
publish -> checks, on a SQLite warehouse; the tasks' results (rows loaded, check outcomes) land in
task_instances.result, failed checks included. Run again, the published tables
serve readers all through the run, and a run killed in its publish leaves them
as they were. Skipped when the binary has no
transform/warehouse subcommands."""
import os
import sqlite3
import sys
import threading
import time

from af_helpers import BIN, Home, run_tests, ti_results
import subprocess

SOURCE_DIR = os.environ.get("PROJECT_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def have_subcommands():
    out = subprocess.run([BIN, "--help"], capture_output=True, text=True).stdout
    return "transform" in out and "warehouse" in out


def test_full_pipeline_on_sample():
    h = Home()
    try:
        h.run("db", "init")  # installs the shipped DAGs
        sample = os.path.join(SOURCE_DIR, "tests", "data", "arxiv-sample-200.jsonl")
        lake = os.path.join(h.root, "lake")
        wh = os.path.join(h.root, "warehouse.db")
        h.run("variables", "set", "ARXIV_SNAPSHOT", sample)
        h.run("variables", "set", "LAKE_URI", lake)
        h.run("connections", "add", "warehouse", "--conn-uri", f"sqlite://{wh}")
        h.start_scheduler("--parallelism", "4")
        run = h.trigger("arxiv_full_pipeline")
        state = h.wait_run("arxiv_full_pipeline", run, timeout=300)
        tis = h.tis("arxiv_full_pipeline", run)
        if state != "success":
            failed = [t for t, v in tis.items() if v["state"] == "failed"]
            logs = "".join(h.log("arxiv_full_pipeline", t, run) for t in failed)
            raise AssertionError(f"pipeline {state}:\n{h.tis_text('arxiv_full_pipeline', run)}\n{logs[-6000:]}")
        assert len(tis) == 13 and all(v["state"] == "success" for v in tis.values()), tis
        db = sqlite3.connect(wh)
        counts = {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                  for t in ["papers", "authors", "abstracts", "categories", "versions", "titles"]}
        assert counts["papers"] == 200, counts
        assert all(c > 0 for c in counts.values()), counts
        print("warehouse row counts:", counts)
        # Every task's result is in the metadata DB.
        results = ti_results(h, "arxiv_full_pipeline", run)
        for table, n in counts.items():
            loaded = results[f"loading_table_{table}"]
            assert loaded == [{"table": table, "rows_loaded": n, "target": f"sqlite://{wh}", "state": "staged"}], loaded
        assert {r["table"]: r["rows_published"] for r in results["publish_tables"]} == dict(counts, papers_fts=200), \
            results["publish_tables"]
        assert results["build_search_index"]["search_index"] == "staged", results["build_search_index"]
        transform = results["transform_snapshot"]
        assert transform["records_read"] == 200 and transform["accepted"] == 200, transform
        assert transform["rows"]["papers"] == 200 and transform["output"] == lake, transform
        assert "papers" in results["create_tables"]["tables_created"], results["create_tables"]
        checks = results["Run_data_quality_checks"]
        assert isinstance(checks, list) and len(checks) >= 12, checks
        for c in checks:
            assert {"check", "table", "observed", "expected", "passed"} <= set(c), c
        assert all(c["passed"] is True for c in checks), [c for c in checks if c["passed"] is not True]
        assert {"check": "papers_has_rows", "table": "papers", "observed": "200"}.items() <= \
            next(c for c in checks if c["check"] == "papers_has_rows").items(), checks
        assert results["Begin_execution"] is None
        # A rerun replaces, never appends, and readers keep the published
        # tables all through it: never empty, never a mix.
        seen, stop = set(), threading.Event()

        def read_all_the_while():
            reader = sqlite3.connect(wh, isolation_level=None)
            while not stop.is_set():
                reader.execute("BEGIN")  # the six counts from one snapshot
                seen.add(tuple(reader.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in counts))
                reader.execute("COMMIT")
                time.sleep(0.01)
            reader.close()

        poller = threading.Thread(target=read_all_the_while)
        poller.start()
        try:
            run2 = h.trigger("arxiv_full_pipeline")
            assert h.wait_run("arxiv_full_pipeline", run2, timeout=300) == "success"
        finally:
            stop.set()
            poller.join()
        assert seen == {tuple(counts.values())}, (seen, counts)
        assert db.execute("SELECT COUNT(*) FROM papers").fetchone()[0] == 200
        # A run killed in the middle of its publish (no retry) leaves the
        # published tables as they were.
        dag_file = os.path.join(h.dags, "arxiv_full_pipeline.yaml")
        with open(dag_file) as f:
            shipped = f.read()
        assert "retries: 1" in shipped
        h.write_dag("arxiv_full_pipeline.yaml", shipped.replace("retries: 1", "retries: 0"))
        killed = h.run("dags", "test", "arxiv_full_pipeline", check=False,
                       env=dict(h.env, ARXIVFLOW_FAULT_POINT="publish.swapped:papers"))
        assert killed.returncode != 0, killed.stdout + killed.stderr
        assert "publish_tables: failed (try 1) - " in killed.stdout and "killed by signal 9" in killed.stdout, \
            killed.stdout + killed.stderr
        h.write_dag("arxiv_full_pipeline.yaml", shipped)
        after = {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in counts}
        assert after == counts, (after, counts)
        # A failing check: its task fails and its result says which check and why.
        db.execute("DELETE FROM titles")
        db.commit()
        h.write_dag("check_only.yaml", "dag_id: check_only\ntasks:\n"
                                       "  - {task_id: checks, operator: quality_check, args: {conn: warehouse}}\n")
        time.sleep(1.5)  # the scheduler's next DAG folder scan
        run3 = h.trigger("check_only")
        assert h.wait_run("check_only", run3) == "failed"
        checks = ti_results(h, "check_only", run3)["checks"]
        failed = [c["check"] for c in checks if c["passed"] is False]
        assert "titles_has_rows" in failed and "papers_has_rows" not in failed, checks
    finally:
        h.close()


if __name__ == "__main__":
    if BIN and not have_subcommands():
        print("SKIP: this arxivflow binary has no `transform`/`warehouse` subcommands yet")
        sys.exit(0)
    run_tests([test_full_pipeline_on_sample])
