#!/usr/bin/env python3
"""The real sample end to end: `arxivflow transform` of the 200-record sample,
then `warehouse create/load/check` into SQLite and PostgreSQL, with the exact
row counts of the sample. Runs under tests/support/pg_harness.py. Exits 77
(skipped) while the binary has no working `transform` command.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

from wh_common import TABLES, check, counts, loaded_rows, main_wrapper, run

EXPECTED = {"papers": 200, "authors": 537, "categories": 305, "versions": 326, "abstracts": 200, "titles": 200}


def test(args):
    tmp = tempfile.mkdtemp(prefix="af-wh-sample-")
    try:
        area = os.path.join(tmp, "area")
        proc = subprocess.run([args.bin, "transform", "--help"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if proc.returncode != 0:
            print("skipped: this binary has no transform command yet")
            sys.exit(77)
        run([args.bin, "transform", "--input", args.sample, "--output", area])
        targets = [("sqlite", "sqlite://" + os.path.join(tmp, "w.db"))]
        if os.environ.get("ARXIVFLOW_TEST_PG_URI"):
            targets.append(("postgres", os.environ["ARXIVFLOW_TEST_PG_URI"]))
        for target, conn in targets:
            run([args.bin, "warehouse", "create", "--conn", conn, "--drop"])
            for _ in range(2):
                _, out, _ = run([args.bin, "warehouse", "load", "--conn", conn, "--from", area])
                check(loaded_rows(out) == EXPECTED, "%s: %s" % (target, out))
                check(counts(conn, target) == EXPECTED, "%s: %s" % (target, counts(conn, target)))
            _, out, _ = run([args.bin, "warehouse", "check", "--conn", conn, "--from", area])
            check("FAIL" not in out and "ERROR" not in out, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--sample", required=True)
    args = p.parse_args()
    main_wrapper(lambda: test(args))


if __name__ == "__main__":
    main()
