"""Helpers shared by the warehouse integration tests (python3 stdlib only)."""

import os
import sqlite3
import subprocess
import sys

TABLES = ["papers", "authors", "abstracts", "categories", "versions", "titles"]


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def run(argv, expect=0, env=None, timeout=600):
    """Runs a command; returns (exit code, stdout, stderr); checks the code."""
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, timeout=timeout)
    if expect is not None and proc.returncode != expect:
        raise Failure("%s exited %d (wanted %d)\nstdout:\n%s\nstderr:\n%s"
                      % (" ".join(argv), proc.returncode, expect, proc.stdout, proc.stderr))
    return proc.returncode, proc.stdout, proc.stderr


def loaded_rows(stdout):
    """Parses the table printed by `warehouse load` into {table: rows}."""
    rows = {}
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] in TABLES:
            rows[parts[0]] = int(parts[1])
    return rows


def psql_bin():
    base = os.environ.get("ARXIVFLOW_TEST_PG_BIN")
    if base and os.path.exists(os.path.join(base, "psql")):
        return os.path.join(base, "psql")
    return "psql"


def pg_scalar(uri, sql):
    _, out, _ = run([psql_bin(), "-X", "-At", "-v", "ON_ERROR_STOP=1", uri, "-c", sql])
    return out.strip()


def counts(conn, target):
    """{table: COUNT(*)} through an independent client."""
    result = {}
    if target == "sqlite":
        path = conn[len("sqlite://"):] if conn.startswith("sqlite:///") else conn[len("sqlite:"):]
        db = sqlite3.connect(path)
        try:
            for t in TABLES:
                result[t] = db.execute('SELECT COUNT(*) FROM "%s"' % t).fetchone()[0]
        finally:
            db.close()
    else:
        for t in TABLES:
            result[t] = int(pg_scalar(conn, 'SELECT COUNT(*) FROM "%s"' % t))
    return result


def main_wrapper(fn):
    try:
        fn()
    except Failure as e:
        print("FAIL: %s" % e, file=sys.stderr)
        sys.exit(1)
    print("ok")
