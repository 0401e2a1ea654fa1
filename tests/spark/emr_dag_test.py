#!/usr/bin/env python3
"""The create_parquet_area_emr DAG end to end, as shipped: `db init` installs
the DAG and the Spark job beside it; the DAG uploads the job over SFTP to a
real OpenSSH sshd on 127.0.0.1 (tests/support/sshd_harness.py) and runs it
there over SSH with spark-submit in local mode; the area it publishes equals
what `arxivflow transform` makes of the same input, row by row.

usage: .venv/bin/python tests/spark/emr_dag_test.py ARXIVFLOW_BIN
"""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SOURCE, "tests", "support"))
sys.path.insert(0, os.path.join(SOURCE, "tests", "transform"))
sys.path.insert(0, HERE)

import cases  # noqa: E402
from sshd_harness import SshServer  # noqa: E402

BIN = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(SOURCE, "build", "arxivflow")
SAMPLE = os.path.join(SOURCE, "tests", "data", "arxiv-sample-200.jsonl")
NIPS_SAMPLE = os.path.join(SOURCE, "tests", "transform", "data", "nips-sample.csv")


def main():
    import equivalence_test as eq
    with SshServer() as s:
        home = tempfile.mkdtemp(prefix="af-emr-home-")
        try:
            run_checks(s, home)
        finally:
            shutil.rmtree(home, ignore_errors=True)
    print("%d failed" % len(eq.failures) if eq.failures else "all checks passed")
    return 1 if eq.failures else 0


def run_checks(s, home):
    import equivalence_test as eq
    e = s.env
    env = dict(os.environ, ARXIVFLOW_HOME=home)

    def af(*args, check=True):
        p = subprocess.run([BIN, *args], env=env, capture_output=True, text=True, timeout=900)
        if check and p.returncode != 0:
            raise AssertionError("arxivflow %s: %s%s" % (" ".join(args), p.stdout, p.stderr))
        return p

    af("db", "init")
    installed = os.path.join(home, "dags", "spark", "arxiv_transform.py")
    with open(installed, "rb") as a, open(os.path.join(SOURCE, "spark", "arxiv_transform.py"), "rb") as b:
        eq.check(a.read() == b.read(), "db init installs the shipped Spark job beside the DAGs")
    tasks = af("tasks", "list", "create_parquet_area_emr").stdout.split()
    eq.check(tasks == ["Begin_execution", "spark_job_to_emr", "execute_spark_task", "Stop_execution"],
             "the DAG keeps the original task ids (%s)" % tasks)

    af("connections", "add", "ssh_emr", "--conn-type", "ssh", "--conn-host", e["ARXIVFLOW_SSH_HOST"],
       "--conn-port", e["ARXIVFLOW_SSH_PORT"], "--conn-login", e["ARXIVFLOW_SSH_USER"],
       "--conn-extra", json.dumps({"key_file": e["ARXIVFLOW_SSH_KEY"],
                                   "known_hosts": e["ARXIVFLOW_SSH_KNOWN_HOSTS"]}))
    work = e["ARXIVFLOW_SSH_WORKDIR"]
    lake = os.path.join(work, "lake")
    remote_script = os.path.join(work, "emr", "arxiv_transform.py")
    # Only where the job runs and which Spark runs it differ from the
    # shipped defaults: PATH_TO_PYSPARK_SCRIPT stays unset (the job
    # installed by db init), the command is the default one with local
    # mode instead of YARN.
    af("variables", "set", "ARXIV_SNAPSHOT", SAMPLE)
    af("variables", "set", "NIPS_CSV", NIPS_SAMPLE)
    af("variables", "set", "LAKE_URI", lake)
    af("variables", "set", "EMR_REMOTE_SCRIPT", remote_script)
    venv_bin = os.path.dirname(sys.executable)
    af("variables", "set", "EMR_COMMAND",
       "export PATH=%s:$PATH PYSPARK_PYTHON=%s; spark-submit --master 'local[2]' --conf spark.ui.enabled=false "
       "\"$REMOTE_SCRIPT\" --input \"$ARXIV_SNAPSHOT\" ${NIPS_CSV:+--nips \"$NIPS_CSV\"} --output \"$LAKE_URI\""
       % (shlex.quote(venv_bin), shlex.quote(sys.executable)))
    p = af("dags", "test", "create_parquet_area_emr", check=False)
    m = re.search(r"DAG run (\S+) of create_parquet_area_emr created", p.stdout)
    eq.check(p.returncode == 0 and m is not None, "dags test create_parquet_area_emr succeeds (%s)" %
             (p.stdout + p.stderr).strip()[-800:])
    if m:
        run_id = m.group(1)
        upload = af("tasks", "logs", "create_parquet_area_emr", "spark_job_to_emr", run_id).stdout
        eq.check("sftp put " + installed in upload, "the shipped job was uploaded over SFTP")
        log = af("tasks", "logs", "create_parquet_area_emr", "execute_spark_task", run_id).stdout
        eq.check("arxiv_transform: published" in log and "remote command exited with status 0" in log,
                 "spark-submit ran the job on the remote host and it published the area")
    with open(remote_script, "rb") as a, open(installed, "rb") as b:
        eq.check(a.read() == b.read(), "the remote copy is the shipped job")
    if os.path.exists(os.path.join(lake, "_manifest.json")):
        cpp = os.path.join(work, "cpp")
        subprocess.run([BIN, "transform", "--input", SAMPLE, "--nips", NIPS_SAMPLE, "--output", cpp,
                        "--progress", "never"], check=True, capture_output=True)
        eq.compare_areas("the area the EMR DAG published", cases.read_area(BIN, cpp), cases.read_area(BIN, lake))
    else:
        eq.check(False, "the EMR DAG published an area at LAKE_URI")

    # The default command (spark-submit on YARN) names a missing variable
    # before it starts anything.
    af("variables", "delete", "ARXIV_SNAPSHOT")
    af("variables", "delete", "EMR_COMMAND")
    p = af("dags", "test", "create_parquet_area_emr", check=False)
    m = re.search(r"DAG run (\S+) of create_parquet_area_emr created", p.stdout)
    log = af("tasks", "logs", "create_parquet_area_emr", "execute_spark_task", m.group(1)).stdout if m else ""
    eq.check(p.returncode != 0 and "set the variable ARXIV_SNAPSHOT" in log,
             "the default command without ARXIV_SNAPSHOT fails and says which variable to set")


if __name__ == "__main__":
    sys.exit(main())
