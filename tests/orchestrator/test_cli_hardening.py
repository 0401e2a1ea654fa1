"""The orchestrator against a careless operator: secrets kept out of argv,
private files in the home, one run-id rule, a scrubbed task environment with
masked output, and a second `standalone` on the same home."""
import json
import os
import re
import sqlite3
import stat
import subprocess
import time

from af_helpers import BIN, Home, run_tests


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_run_ids_are_validated_and_never_share_files():
    h = Home()
    try:
        h.write_dag("d.yaml", """dag_id: d
tasks:
  - task_id: t
    operator: shell
    args: {argv: [echo, "this is run {{ run_id }}"]}
""")
        for bad in ["a/b", "a\nb", "a b", "x" * 251]:
            p = h.run("dags", "trigger", "d", "--run-id", bad, check=False)
            assert p.returncode == 1, (bad, p.stdout, p.stderr)
            assert "a run id is 1-250 characters of letters, digits and _ . ~ : + -" in p.stderr, p.stderr
        assert h.run("dags", "trigger", "d", "--run-id", "a_b").stdout.strip() == "a_b"
        # A run stored before ids were validated ("a/b") must not share a_b's files.
        db = sqlite3.connect(os.path.join(h.root, "arxivflow.db"))
        with db:
            cols = [r[1] for r in db.execute("PRAGMA table_info(dag_runs)") if r[1] != "id"]
            db.execute(f"INSERT INTO dag_runs ({','.join(cols)}) SELECT "
                       f"{','.join('?' if c == 'run_id' else c for c in cols)} FROM dag_runs WHERE run_id = 'a_b'",
                       ("a/b",))
        db.close()
        h.start_scheduler()
        assert h.wait_run("d", "a_b") == "success"
        assert h.wait_run("d", "a/b") == "success"
        log_ab = h.log("d", "t", "a_b")
        log_slash = h.log("d", "t", "a/b")
        assert "this is run a_b" in log_ab and "this is run a/b" not in log_ab, log_ab
        assert "this is run a/b" in log_slash and "this is run a_b" not in log_slash, log_slash
        runs = os.listdir(os.path.join(h.root, "logs", "dag_id=d"))
        assert sorted(runs) == ["run_id=a%2Fb", "run_id=a_b"], runs
    finally:
        h.close()


def test_secrets_from_stdin_or_file_never_argv():
    h = Home()
    try:
        password = "pw-from-stdin-" + "93kd"
        p = subprocess.run([BIN, "connections", "add", "db", "--conn-uri-file", "-"], env=h.env, text=True,
                           input=f"postgresql://scott:{password}@127.0.0.1:5439/dev\n", capture_output=True)
        assert p.returncode == 0, p.stderr
        assert password not in p.stdout + p.stderr
        pw_file = os.path.join(h.root, "pw.txt")
        with open(pw_file, "w") as f:
            f.write("pw-from-file-77\n")
        h.run("connections", "add", "db2", "--conn-type", "postgres", "--conn-host", "h", "--conn-login", "u",
              "--conn-password-file", pw_file)
        h.run("variables", "set", "API_TOKEN", "--value-file", pw_file)
        p = subprocess.run([BIN, "variables", "set", "DB_PASS"], env=h.env, text=True, input="var-from-stdin\n",
                           capture_output=True)
        assert p.returncode == 0, p.stderr
        assert h.run("variables", "get", "API_TOKEN").stdout.strip() == "pw-from-file-77"
        assert h.run("variables", "get", "DB_PASS").stdout.strip() == "var-from-stdin"
        got = h.json("connections", "get", "db")[0]
        assert got["login"] == "scott" and got["password"] == "***" and password not in json.dumps(got), got
        h.write_dag("use.yaml", """dag_id: use
tasks:
  - task_id: t
    operator: shell
    args:
      argv: [sh, -c, 'test "$PW" = "pw-from-stdin-93kd" && test "$PW2" = "pw-from-file-77" && echo matched']
      env: {PW: "{{ conn.db.password }}", PW2: "{{ conn.db2.password }}"}
""")
        h.run("tasks", "test", "use", "t")
        p = h.run("connections", "add", "db3", "--conn-uri", "sqlite:///x.db", "--conn-uri-file", pw_file, check=False)
        assert p.returncode == 1 and "not both" in p.stderr, p.stderr
    finally:
        h.close()


def test_home_files_are_private():
    h = Home()
    try:
        fresh = os.path.join(h.root, "fresh-home")  # created by db init itself
        h.run("db", "init", env=dict(h.env, ARXIVFLOW_HOME=fresh))
        assert mode(fresh) == 0o700, oct(mode(fresh))
        assert mode(h.root) == 0o700, oct(mode(h.root))
        for name in ("arxivflow.db", "secret.key"):
            assert mode(os.path.join(h.root, name)) == 0o600, (name, oct(mode(os.path.join(h.root, name))))
        for name in ("dags", "logs"):
            assert mode(os.path.join(h.root, name)) == 0o700, name
        h.write_dag("d.yaml", "dag_id: d\ntasks: [{task_id: t, operator: noop}]\n")
        h.start_scheduler()
        run = h.trigger("d")
        assert h.wait_run("d", run) == "success"
        for dirpath, dirnames, filenames in os.walk(os.path.join(h.root, "logs")):
            assert mode(dirpath) == 0o700, (dirpath, oct(mode(dirpath)))
            for f in filenames:
                assert mode(os.path.join(dirpath, f)) == 0o600, (f, oct(mode(os.path.join(dirpath, f))))
        for suffix in ("-wal", "-shm"):
            path = os.path.join(h.root, "arxivflow.db" + suffix)
            if os.path.exists(path):
                assert mode(path) == 0o600, (path, oct(mode(path)))
        # A readable secret key is reported.
        os.chmod(os.path.join(h.root, "secret.key"), 0o644)
        out = h.run("db", "init").stdout
        assert "secret.key is readable by other users" in out and "chmod 600" in out, out
        p = h.run("variables", "set", "SOME", "value")  # loads the key to encrypt
        assert "secret.key is readable by other users" in p.stderr, p.stderr
        # A home created open is reported too, and its DB is made private again.
        os.chmod(h.root, 0o755)
        os.chmod(os.path.join(h.root, "arxivflow.db"), 0o644)
        out = h.run("db", "init").stdout
        assert "is open to other users" in out, out
        assert mode(os.path.join(h.root, "arxivflow.db")) == 0o600
    finally:
        h.close()


def test_shell_tasks_get_a_scrubbed_environment_and_masked_output():
    h = Home()
    try:
        api_key = "extra-api-key-" + "5521"
        h.run("connections", "add", "svc", "--conn-type", "http", "--conn-host", "api.local",
              "--conn-extra", json.dumps({"api_key": api_key, "SSH_KEY": "ssh-key-material-88", "region": "eu"}))
        h.env.update({
            "ARXIVFLOW_CONN_LEAKY": "postgresql://u:conn-env-pw-41@db.local:5432/x",
            "ARXIVFLOW_VAR_SECRET_THING": "var-env-secret-42",
            "AWS_SECRET_ACCESS_KEY": "aws-secret-43",
            "HARMLESS_SETTING": "visible-44",
        })
        h.write_dag("env.yaml", """dag_id: env
tasks:
  - task_id: dump
    operator: shell
    args: {argv: [env]}
  - task_id: passed
    operator: shell
    args:
      argv: [printenv, AWS_SECRET_ACCESS_KEY, HARMLESS_SETTING]
      pass_env: [AWS_SECRET_ACCESS_KEY, HARMLESS_SETTING]
  - task_id: extra_in_env
    operator: shell
    args:
      argv: [sh, -c, 'echo "key is $K"; echo "error: bad option api_key=$K ssh=$S" >&2']
      env: {K: "{{ conn.svc.extra.api_key }}", S: "{{ conn.svc.extra.SSH_KEY }}"}
  - task_id: not_named
    operator: shell
    args: {argv: [sh, -c, 'echo extra-api-key-5521 conn-env-pw-41 var-env-secret-42']}
""")
        h.start_scheduler()
        run = h.trigger("env")
        assert h.wait_run("env", run) == "success", h.tis_text("env", run)
        dump = h.log("env", "dump", run)
        for leaked in ("ARXIVFLOW_CONN_LEAKY", "conn-env-pw-41", "ARXIVFLOW_VAR_SECRET_THING", "var-env-secret-42",
                       "AWS_SECRET_ACCESS_KEY", "aws-secret-43", "HARMLESS_SETTING"):
            assert leaked not in dump, (leaked, dump)
        assert re.search(r"\bPATH=", dump), dump
        passed = h.log("env", "passed", run)
        assert "aws-secret-43" not in passed and "***" in passed and "visible-44" in passed, passed
        extra = h.log("env", "extra_in_env", run)
        assert api_key not in extra and "ssh-key-material-88" not in extra, extra
        assert "key is ***" in extra and "api_key=***" in extra, extra
        not_named = h.log("env", "not_named", run)
        assert "*** *** ***" in not_named, not_named
    finally:
        h.close()


def test_second_standalone_on_the_same_home_fails_cleanly():
    h = Home()
    first = None
    try:
        log_path = os.path.join(h.root, "standalone-1.log")
        first = subprocess.Popen([BIN, "standalone", "--port", "0"], env=h.env, stdout=open(log_path, "w"),
                                 stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while "webserver at" not in open(log_path).read():
            assert time.time() < deadline and first.poll() is None, open(log_path).read()
            time.sleep(0.1)
        second = subprocess.run([BIN, "standalone", "--port", "0"], env=h.env, capture_output=True, text=True,
                                timeout=60)
        assert second.returncode == 1, (second.returncode, second.stdout, second.stderr)
        assert "another scheduler is already running" in second.stderr, second.stderr
        assert first.poll() is None, "the first standalone must keep running"
    finally:
        if first and first.poll() is None:
            first.terminate()
            first.wait(20)
        h.close()


if __name__ == "__main__":
    run_tests([test_run_ids_are_validated_and_never_share_files, test_secrets_from_stdin_or_file_never_argv,
               test_home_files_are_private, test_shell_tasks_get_a_scrubbed_environment_and_masked_output,
               test_second_standalone_on_the_same_home_fails_cleanly])
