#!/usr/bin/env python3
"""A load killed with SIGKILL in the middle of its COPY leaves the previous
contents intact (PostgreSQL). Runs under tests/support/pg_harness.py.

    kill_test.py --bin ARXIVFLOW --area-writer WRITER [--rows N]

1. load a small area (the "previous contents");
2. start loading a larger area, wait until the server shows our COPY running,
   kill -9 the loader;
3. every table still holds exactly the previous counts, no lock or session of
   the dead loader survives, and a new load succeeds.
"""

import argparse
import os
import shutil
import signal
import subprocess
import tempfile
import time

from wh_common import TABLES, check, counts, loaded_rows, main_wrapper, pg_scalar, run


def wait_for_copy(admin, proc, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError("the load finished before it could be killed; raise --rows")
        active = pg_scalar(admin, "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'arxivflow' "
                                  "AND query LIKE 'COPY %' AND state = 'active'")
        if active != "0":
            return
        time.sleep(0.05)
    raise AssertionError("no COPY seen within %ds" % timeout)


def test(args):
    tmp = tempfile.mkdtemp(prefix="af-wh-kill-")
    try:
        conn = os.environ["ARXIVFLOW_TEST_PG_URI"]
        admin = os.environ["ARXIVFLOW_TEST_PG_ADMIN_URI"]
        small, big = os.path.join(tmp, "small"), os.path.join(tmp, "big")
        run([args.area_writer, small, "1234"])
        run([args.area_writer, big, str(args.rows), "100000"])
        wh = [args.bin, "warehouse"]
        run(wh + ["create", "--conn", conn, "--drop"])
        _, out, _ = run(wh + ["load", "--conn", conn, "--from", small])
        before = counts(conn, "postgres")
        check(before == {t: 1234 for t in TABLES}, before)

        for victim in ["papers", "authors"]:
            proc = subprocess.Popen(wh + ["load", "--conn", conn, "--from", big, "--tables", victim],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            wait_for_copy(admin, proc)
            check(proc.poll() is None, "load of %s ended before the kill" % victim)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            check(proc.returncode == -signal.SIGKILL, "exit %s" % proc.returncode)
            # The server notices the dead client and rolls back.
            deadline = time.time() + 30
            while pg_scalar(admin, "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'arxivflow'") != "0":
                check(time.time() < deadline, "the killed loader's session is still there")
                time.sleep(0.1)
            after = counts(conn, "postgres")
            check(after == before, "after killing the %s load: %s, wanted %s" % (victim, after, before))

        # The warehouse is usable: a complete load of the small area works.
        _, out, _ = run(wh + ["load", "--conn", conn, "--from", small])
        check(loaded_rows(out) == {t: 1234 for t in TABLES}, out)
        print("killed two loads mid-COPY (%d-row area); previous contents intact" % args.rows)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--area-writer", required=True)
    p.add_argument("--rows", type=int, default=1000000)
    args = p.parse_args()
    main_wrapper(lambda: test(args))


if __name__ == "__main__":
    main()
