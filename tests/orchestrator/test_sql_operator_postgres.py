"""The `sql` operator on a PostgreSQL connection (the warehouse's libpq
client): a script of several statements runs in one task, a failing
statement fails the task with the server's message and never the password,
and a script of comments only is a no-op."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from af_helpers import Home, run_tests  # noqa: E402
from pg_harness import PgServer  # noqa: E402

DAG = """dag_id: pg_sql
tasks:
  - task_id: write
    operator: sql
    args:
      conn: pg
      sql:
        - "CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, ds TEXT)"
        - "INSERT INTO runs VALUES ('{{ run_id }}', '{{ ds }}')"
  - task_id: comments_only
    operator: sql
    upstream: [write]
    args: {conn: pg, sql: "-- nothing to do"}
"""

BAD = """dag_id: pg_bad
tasks:
  - task_id: bad
    operator: sql
    args: {conn: pg, sql: "SELECT * FROM no_such_table"}
"""


def test_sql_operator_on_postgres():
    with PgServer() as pg:
        h = Home()
        try:
            h.run("connections", "add", "pg", "--conn-uri", pg.uri)
            h.write_dag("pg_sql.yaml", DAG)
            h.write_dag("pg_bad.yaml", BAD)
            out = h.run("dags", "test", "pg_sql").stdout
            assert out.rstrip().endswith("success"), out
            rows = pg.psql("SELECT run_id FROM runs", db="arxivflow").split()
            assert len(rows) == 1 and rows[0].startswith("test__"), rows
            bad = h.run("dags", "test", "pg_bad", check=False)
            assert bad.returncode != 0, bad.stdout
            assert "no_such_table" in bad.stdout and "does not exist" in bad.stdout, bad.stdout
            assert "arxivflow-test-password" not in bad.stdout + bad.stderr
        finally:
            h.close()


if __name__ == "__main__":
    run_tests([test_sql_operator_on_postgres])
