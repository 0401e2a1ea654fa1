#!/usr/bin/env python3
"""Writers to one SQLite warehouse never fail on a lock, however long it is
held: the shipped arxiv_full_pipeline runs under the scheduler (its six loads,
the search index and the publish in parallel, on the 200-record sample) while
another process holds the warehouse for 40 s, longer than any timeout SQLite
or arxivflow ever used (30 s): for 20 s arxivflow's own write lock (as another
load would), then for 20 s SQLite's write lock (as a foreign writer, e.g. a
sqlite3 shell, would). The run succeeds on the first try of every task, the
logs say what each writer waited for and who held it, and a `warehouse load`
started meanwhile publishes its waiting state to its progress file.

    lock_test.py ARXIVFLOW_BIN
"""

import fcntl
import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "orchestrator"))
from af_helpers import BIN, Home, ti_results  # noqa: E402

SOURCE_DIR = os.environ.get("PROJECT_SOURCE_DIR") or os.path.dirname(os.path.dirname(HERE))
HOLD = 20  # seconds, twice


def hold(db, events):
    """Holds the warehouse: arxivflow's lock file, then SQLite's write lock."""
    fd = os.open(db + ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.ftruncate(fd, 0)
    os.pwrite(fd, b"pid %d: a test holding the write lock\n" % os.getpid(), 0)
    events["file lock taken"].set()
    time.sleep(HOLD)
    foreign = sqlite3.connect(db, timeout=60, isolation_level=None)
    foreign.execute("BEGIN IMMEDIATE")  # before the file lock goes: no gap
    os.ftruncate(fd, 0)
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)
    events["sqlite lock taken"].set()
    time.sleep(HOLD)
    foreign.execute("COMMIT")
    foreign.close()


def failure(h, run):
    tis = h.tis("arxiv_full_pipeline", run)
    logs = "".join(h.log("arxiv_full_pipeline", t, run, try_number=1)[-3000:]
                   for t, v in tis.items() if v["state"] not in ("success", "upstream_failed"))
    return h.tis_text("arxiv_full_pipeline", run) + logs


def main():
    h = Home()
    try:
        h.run("db", "init")
        sample = os.path.join(SOURCE_DIR, "tests", "data", "arxiv-sample-200.jsonl")
        lake = os.path.join(h.root, "lake")
        db = os.path.join(h.root, "warehouse.db")
        h.run("variables", "set", "ARXIV_SNAPSHOT", sample)
        h.run("variables", "set", "LAKE_URI", lake)
        h.run("connections", "add", "warehouse", "--conn-uri", f"sqlite://{db}")
        # A first run makes the lake and the warehouse.
        h.start_scheduler("--parallelism", "10")
        first = h.trigger("arxiv_full_pipeline")
        assert h.wait_run("arxiv_full_pipeline", first, timeout=300) == "success", failure(h, first)

        # A command-line load into another warehouse, held for a few seconds,
        # says what it waits for in its progress file.
        other = os.path.join(h.root, "other.db")
        h.run("warehouse", "create", "--conn", f"sqlite://{other}")
        fd = os.open(other + ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.pwrite(fd, b"pid %d: a test holding the write lock\n" % os.getpid(), 0)
        progress = os.path.join(h.root, "progress.json")
        cli = subprocess.Popen([BIN, "warehouse", "load", "--conn", f"sqlite://{other}", "--from", lake,
                                "--tables", "papers"], env=dict(h.env, ARXIVFLOW_TASK_PROGRESS_FILE=progress),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        waiting = None
        deadline = time.time() + 60
        while time.time() < deadline and waiting is None:
            time.sleep(0.1)
            try:
                with open(progress) as f:
                    snapshot = json.load(f)
            except (OSError, ValueError):
                continue
            waiting = snapshot.get("tables", {}).get("papers")
            if waiting and waiting.get("phase") != "waiting_for_lock":
                waiting = None
        os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
        out, err = cli.communicate(timeout=120)
        assert cli.returncode == 0, err
        assert waiting, "no waiting state in the progress file"
        assert waiting["waiting_for"] == "the write lock on " + other, waiting
        assert waiting["holder"] == "pid %d: a test holding the write lock" % os.getpid(), waiting
        with open(progress) as f:
            assert json.load(f)["tables"]["papers"]["phase"] == "done"
        print("progress file while waiting:", json.dumps(waiting))

        events = {"file lock taken": threading.Event(), "sqlite lock taken": threading.Event()}
        holder = threading.Thread(target=hold, args=(db, events))
        holder.start()
        events["file lock taken"].wait(10)
        started = time.time()
        run = h.trigger("arxiv_full_pipeline")
        state = h.wait_run("arxiv_full_pipeline", run, timeout=600)
        elapsed = time.time() - started
        holder.join()
        tis = h.tis("arxiv_full_pipeline", run)
        assert state == "success", failure(h, run)
        assert elapsed >= 2 * HOLD, elapsed  # it really waited for the holder
        tries = {t: int(v["try_number"]) for t, v in tis.items()}
        retried = {t: h.log("arxiv_full_pipeline", t, run, try_number=1)[-3000:] for t, n in tries.items() if n != 1}
        assert not retried, "tasks needed a retry: %s" % retried  # first try, no retry
        logs = {t: h.log("arxiv_full_pipeline", t, run) for t in tis}
        waited = [t for t, text in logs.items() if "waiting for the write lock on " + db in text]
        assert "create_tables" in waited, waited
        assert any("held by pid %d: a test holding the write lock" % os.getpid() in text for text in logs.values()), \
            "no log names the test's holder"
        assert any("not an arxivflow load" in text for text in logs.values()), "no log names the foreign writer"
        # Loads build their tables in scratch files and take the lock only to
        # copy them in (milliseconds on the sample), so whether one waits for
        # another is chance; when one does, it names the other's step
        # (staged_load_test.cc proves the report deterministically).
        for text in logs.values():
            for line in re.findall(r"held by pid \d+: [^\n]*", text):
                assert re.search(r"held by pid \d+: (a test holding the write lock|staging [\w ]+ for (run|load) |"
                                 r"creating |publishing |dropping )", line), line
        counts = {r["table"]: r["rows_published"] for r in ti_results(h, "arxiv_full_pipeline", run)["publish_tables"]}
        assert counts["papers"] == 200 and counts["authors"] == 537, counts
        print("pipeline succeeded on first tries after waiting %.0f s for the holder; tasks that waited: %s"
              % (elapsed, ", ".join(sorted(waited))))
    finally:
        h.close()
    print("ok")


if __name__ == "__main__":
    main()
