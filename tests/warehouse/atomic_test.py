#!/usr/bin/env python3
"""A multi-table load that fails at any point leaves every table as it was:
the warehouse holds all six old tables or all six new ones, never a mix, and a
reader running all along never sees a mix either.

    atomic_test.py --bin ARXIVFLOW --area-writer WRITER --target sqlite|postgres

For postgres, runs under tests/support/pg_harness.py. Old contents: an area of
OLD rows per table; new: NEW rows per table. Failures, each followed by the
check that every table still holds OLD rows (and the UI's recorded counts
too):
  1. an error in the middle (a corrupt Parquet part of `versions`), through
     `warehouse load` (one process) and through per-table staging tasks plus
     `warehouse publish` (the DAG's way);
  2. disk full: SQLite under RLIMIT_FSIZE (no file, the WAL included, may
     grow past 256 KB); PostgreSQL with its tables on a
     small tmpfs tablespace (skipped when tmpfs cannot be mounted);
  3. SIGKILL in the middle of a table's rows, between two tables, in the
     middle of the publish transaction (after two of the six swaps) and just
     before its COMMIT (fault points, warehouse/fault_point.h);
then a clean load publishes NEW everywhere and leaves no staging table behind.
"""

import argparse
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time

from wh_common import TABLES, check, counts, main_wrapper, pg_scalar, psql_bin, run

OLD = 3000
NEW = 5000


class Reader(threading.Thread):
    """Reads the six counts in one transaction, over and over, and records
    every combination seen."""

    def __init__(self, target, conn):
        super().__init__(daemon=True)
        self.target, self.conn = target, conn
        self.seen = set()
        self.looks = 0
        self.errors = []
        self.stop = threading.Event()

    def snapshot(self):
        if self.target == "sqlite":
            db = sqlite3.connect(self.conn, timeout=30)
            try:
                db.execute("BEGIN")
                row = tuple(db.execute('SELECT COUNT(*) FROM "%s"' % t).fetchone()[0] for t in TABLES)
                db.execute("COMMIT")
                return row
            finally:
                db.close()
        sql = ("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT " +
               ", ".join('(SELECT COUNT(*) FROM "%s")' % t for t in TABLES) + "; COMMIT;")
        out = subprocess.run([psql_bin(), "-X", "-At", "-F", " ", "-v", "ON_ERROR_STOP=1", self.conn, "-c", sql],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)
        if out.returncode != 0:
            raise RuntimeError(out.stderr)
        line = [l for l in out.stdout.splitlines() if l and l[0].isdigit()][0]
        return tuple(int(x) for x in line.split())

    def run(self):
        while not self.stop.is_set():
            try:
                self.seen.add(self.snapshot())
                self.looks += 1
            except Exception as e:  # a reader must never fail either
                self.errors.append(str(e))
            time.sleep(0.01)


def recorded_counts(conn, target):
    """The counts the UI shows: recorded at publish."""
    sql = "SELECT table_name, rows FROM arxivflow_loads WHERE state = 'published'"
    if target == "sqlite":
        db = sqlite3.connect(conn)
        try:
            return {t: n for t, n in db.execute(sql) if t in TABLES}
        finally:
            db.close()
    out = pg_scalar(conn, sql.replace("SELECT table_name, rows", "SELECT string_agg(table_name || '=' || rows, ',')"))
    return {k: int(v) for k, v in (kv.split("=") for kv in out.split(",")) if k in TABLES}


def stage_tables(conn, target, path):
    if target == "sqlite":
        db = sqlite3.connect(path)
        try:
            return [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name LIKE '%\\_\\_stage\\_%' ESCAPE '\\'")]
        finally:
            db.close()
    out = pg_scalar(conn, "SELECT string_agg(relname, ',') FROM pg_class WHERE relkind = 'r' "
                          "AND relname LIKE '%\\_\\_stage\\_%'")
    return [x for x in out.split(",") if x]


def test(args):
    tmp = tempfile.mkdtemp(prefix="af-wh-atomic-")
    mounted = None
    try:
        old_area, new_area, bad_area = (os.path.join(tmp, n) for n in ("old", "new", "bad"))
        run([args.area_writer, old_area, str(OLD), "1000"])
        run([args.area_writer, new_area, str(NEW), "1000"])
        shutil.copytree(new_area, bad_area)
        part = os.path.join(bad_area, "versions", "part-00002.parquet")
        with open(part, "r+b") as f:  # keeps its size; the footer no longer parses
            f.seek(os.path.getsize(part) - 200)
            f.write(b"\0" * 200)
        if args.target == "sqlite":
            db_path = os.path.join(tmp, "w.db")
            conn, reader_conn = "sqlite://" + db_path, db_path
        else:
            db_path = None
            conn = reader_conn = os.environ["ARXIVFLOW_TEST_PG_URI"]
        wh = [args.bin, "warehouse"]
        run(wh + ["create", "--conn", conn, "--drop"])
        run(wh + ["load", "--conn", conn, "--from", old_area])
        old = {t: OLD for t in TABLES}
        check(counts(conn, args.target) == old, counts(conn, args.target))

        reader = Reader(args.target, reader_conn)
        reader.start()

        def still_old(what):
            c = counts(conn, args.target)
            check(c == old, "after %s: %s, wanted %s" % (what, c, old))
            r = recorded_counts(reader_conn, args.target)
            check(r == old, "after %s: recorded counts %s" % (what, r))
            print("ok: %s left every table as it was" % what)

        # 1. An error in the middle of the set.
        _, _, err = run(wh + ["load", "--conn", conn, "--from", bad_area], expect=1)
        check("versions/part-00002.parquet" in err, err)
        still_old("a corrupt part in one process")
        run_id = "manual__atomic-test"
        for t in TABLES:
            code, _, err = run(wh + ["load", "--conn", conn, "--from", bad_area, "--tables", t, "--run-id", run_id,
                                     "--stage-only"], expect=None)
            check(code == (1 if t == "versions" else 0), "%s: exit %d: %s" % (t, code, err))
        _, _, err = run(wh + ["publish", "--conn", conn, "--run-id", run_id], expect=1)
        check("not staged: versions" in err, err)
        still_old("a corrupt part in per-table tasks, then publish")

        # 2. Disk full.
        if args.target == "sqlite":
            # No file may grow past 256 KB: the WAL cannot hold a staged table.
            limit = 256 << 10

            def small_disk():
                signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() fails with EFBIG instead
                resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

            proc = subprocess.run(wh + ["load", "--conn", conn, "--from", new_area], preexec_fn=small_disk,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=600)
            check(proc.returncode == 1, "exit %d: %s" % (proc.returncode, proc.stderr))
            check("full" in proc.stderr or "too large" in proc.stderr or "I/O" in proc.stderr, proc.stderr)
            still_old("disk full (RLIMIT_FSIZE)")
        else:
            os.chmod(tmp, 0o755)  # the server (user postgres) reaches the tablespace through it
            mounted = os.path.join(tmp, "small")
            os.makedirs(mounted)
            if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mounted],
                              stderr=subprocess.DEVNULL).returncode != 0:
                mounted = None
                print("skipped: disk full on PostgreSQL (cannot mount a tmpfs here)")
            else:
                shutil.chown(mounted, "postgres", "postgres")
                admin = os.environ["ARXIVFLOW_TEST_PG_ADMIN_URI"]
                pg_scalar(admin, "CREATE TABLESPACE small LOCATION '%s'" % mounted)
                pg_scalar(admin, "GRANT CREATE ON TABLESPACE small TO arxivflow")
                pg_scalar(admin, "ALTER ROLE arxivflow SET default_tablespace = small")
                _, _, err = run(wh + ["load", "--conn", conn, "--from", new_area], expect=1)
                check("No space left on device" in err or "could not extend" in err, err)
                still_old("disk full (a 2 MB tablespace)")
                pg_scalar(admin, "ALTER ROLE arxivflow RESET default_tablespace")

        # 3. SIGKILL at every kind of point.
        # On SQLite abstracts go in place, committed in pieces: with a piece
        # per batch, the kill at its first batch leaves a stage with rows.
        for point in ["stage.rows:authors", "stage.rows:abstracts", "stage.committed:abstracts",
                      "publish.swapped:authors", "publish.before_commit"]:
            env = dict(os.environ, ARXIVFLOW_FAULT_POINT=point, ARXIVFLOW_SQLITE_PIECE_BYTES="1")
            proc = subprocess.run(wh + ["load", "--conn", conn, "--from", new_area], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=600)
            check(proc.returncode == -signal.SIGKILL, "%s: exit %d: %s" % (point, proc.returncode, proc.stderr))
            if args.target == "postgres":
                # The server notices the dead client and rolls its transaction back.
                admin = os.environ["ARXIVFLOW_TEST_PG_ADMIN_URI"]
                deadline = time.time() + 30
                while pg_scalar(admin, "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'arxivflow'") \
                        != "0":
                    check(time.time() < deadline, "the killed loader's session is still there")
                    time.sleep(0.1)
            still_old("SIGKILL at " + point)

        # A clean load publishes the new set and removes every leftover stage.
        run(wh + ["load", "--conn", conn, "--from", new_area])
        new = {t: NEW for t in TABLES}
        check(counts(conn, args.target) == new, counts(conn, args.target))
        check(recorded_counts(reader_conn, args.target) == new, recorded_counts(reader_conn, args.target))
        check(stage_tables(conn, args.target, db_path) == [], stage_tables(conn, args.target, db_path))
        if args.target == "sqlite":
            leftovers = [f for f in os.listdir(tmp) if ".search-" in f or ".stage-" in f]
            check(leftovers == [], leftovers)

        time.sleep(0.2)
        reader.stop.set()
        reader.join()
        check(not reader.errors, reader.errors[:3])
        allowed = {tuple(OLD for _ in TABLES), tuple(NEW for _ in TABLES)}
        check(reader.seen <= allowed, "a reader saw a mix: %s" % (reader.seen - allowed))
        check(len(reader.seen) == 2, "the reader saw %s" % reader.seen)
        print("a reader looked %d times and saw only %s" % (reader.looks, sorted(reader.seen)))
    finally:
        if mounted:
            subprocess.run(["umount", "-l", mounted], stderr=subprocess.DEVNULL)
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--area-writer", required=True)
    p.add_argument("--target", choices=["sqlite", "postgres"], required=True)
    args = p.parse_args()
    main_wrapper(lambda: test(args))


if __name__ == "__main__":
    main()
