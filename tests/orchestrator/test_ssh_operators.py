#!/usr/bin/env python3
"""Integration tests of the ssh and sftp operators and of the shipped DAG
create_parquet_area_emr, against a real OpenSSH sshd on 127.0.0.1
(tests/support/sshd_harness.py). Usage: test_ssh_operators.py /path/to/arxivflow
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("PROJECT_SOURCE_DIR") or os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(SOURCE, "tests", "support"))

from af_helpers import BIN, Home, pid_alive, run_tests  # noqa: E402
from sshd_harness import SshServer, _free_port  # noqa: E402

PASSWORD = "Pw-s3cret-4711-xyzzy"
WRONG_PASSWORD = "Wrong-pw-0815-plugh"


# ------------------------------------------------------------------ fixtures

class PasswordSshd:
    """A second sshd sharing the harness's host key, accepting only the
    password PASSWORD for the current user. The password lives in a copy of
    /etc/shadow bind-mounted in a private mount namespace, so the machine's
    real accounts are untouched. Needs root (sshd reads shadow) and unshare."""

    def __init__(self, server):
        self.server = server
        self.proc = None
        self.port = None
        self.known_hosts = None
        self.skip_reason = None

    def __enter__(self):
        if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("openssl"):
            self.skip_reason = "needs root, unshare and openssl"
            return self
        d = self.server.dir
        user = self.server.env["ARXIVFLOW_SSH_USER"]
        hashed = subprocess.run(["openssl", "passwd", "-6", PASSWORD], capture_output=True, text=True,
                                check=True).stdout.strip()
        lines = []
        with open("/etc/shadow") as f:
            for line in f:
                parts = line.rstrip("\n").split(":")
                if parts[0] == user:
                    parts[1] = hashed
                lines.append(":".join(parts))
        shadow = os.path.join(d, "shadow")
        with open(shadow, "w") as f:
            f.write("\n".join(lines) + "\n")
        os.chmod(shadow, 0o600)
        self.port = _free_port()
        with open(os.path.join(d, "sshd_config")) as f:
            config = f.read()
        replace = {"Port": "Port %d" % self.port, "PidFile": "PidFile %s" % os.path.join(d, "sshd_pw.pid"),
                   "PasswordAuthentication": "PasswordAuthentication yes",
                   "PubkeyAuthentication": "PubkeyAuthentication no", "PermitRootLogin": "PermitRootLogin yes"}
        config = "\n".join(replace.get(line.split(" ")[0], line) for line in config.splitlines()) + "\n"
        conf_path = os.path.join(d, "sshd_pw_config")
        with open(conf_path, "w") as f:
            f.write(config)
        with open(self.server.env["ARXIVFLOW_SSH_KNOWN_HOSTS"]) as f:
            key = " ".join(f.read().split()[1:3])
        self.known_hosts = os.path.join(d, "known_hosts_pw")
        with open(self.known_hosts, "w") as f:
            f.write("[127.0.0.1]:%d %s\n" % (self.port, key))
        sshd = shutil.which("sshd") or "/usr/sbin/sshd"
        probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
        if probe.returncode != 0:
            self.skip_reason = "unshare -m is not permitted here"
            return self
        self.proc = subprocess.Popen(
            ["unshare", "-m", "sh", "-c", 'mount --bind "$1" /etc/shadow && exec "$2" -D -e -f "$3"', "sh",
             shadow, sshd, conf_path], stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while not os.path.exists(os.path.join(d, "sshd_pw.pid")):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("password sshd did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        return False


def closed_port():
    port = _free_port()  # bound then released: nothing listens there
    return port


def add_conn(h, conn_id, host, port, login, password=None, extra=None):
    args = ["connections", "add", conn_id, "--conn-type", "ssh", "--conn-host", host, "--conn-port", str(port),
            "--conn-login", login]
    if password:
        args += ["--conn-password", password]
    if extra:
        args += ["--conn-extra", json.dumps(extra)]
    return h.run(*args).stdout


def dags_test(h, dag_id, expect_ok):
    p = h.run("dags", "test", dag_id, check=False)
    m = re.search(r"DAG run (\S+) of " + re.escape(dag_id) + " created", p.stdout)
    assert m, p.stdout + p.stderr
    assert (p.returncode == 0) == expect_ok, f"dags test {dag_id}: rc {p.returncode}\n{p.stdout}\n{p.stderr}"
    return m.group(1), p.stdout + p.stderr


def all_text_under(root):
    out = b""
    for d, _, files in os.walk(root):
        for name in files:
            try:
                with open(os.path.join(d, name), "rb") as f:
                    out += f.read()
            except OSError:
                pass
    return out


def descendants(pid):
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if fields[0] == "Z":
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def wait_no_descendants(pid, what, timeout=30):
    deadline = time.time() + timeout
    while True:
        left = [f"{p}: {cmdline(p)}" for p in descendants(pid)]
        if not left:
            return
        if time.time() > deadline:
            raise AssertionError(f"{what}: processes of sshd still alive: {left}")
        time.sleep(0.2)


def wait_gone(pattern, what, timeout=30):
    deadline = time.time() + timeout
    while True:
        left = [f"{p}: {cmdline(int(p))[:80]}" for p in os.listdir("/proc")
                if p.isdigit() and int(p) != os.getpid() and re.search(pattern, cmdline(int(p)))]
        if not left:
            return
        if time.time() > deadline:
            raise AssertionError(f"{what}: still running: {left}")
        time.sleep(0.2)


def yaml_str(s):
    return json.dumps(s)  # a JSON string is a valid YAML double-quoted scalar


# ------------------------------------------------------------------ tests

def test_ssh_and_sftp_operators():
    with SshServer() as s, PasswordSshd(s) as pw:
        e = s.env
        h = Home()
        try:
            host, port, user = e["ARXIVFLOW_SSH_HOST"], int(e["ARXIVFLOW_SSH_PORT"]), e["ARXIVFLOW_SSH_USER"]
            work = e["ARXIVFLOW_SSH_WORKDIR"]
            kh = {"known_hosts": e["ARXIVFLOW_SSH_KNOWN_HOSTS"]}
            with open(e["ARXIVFLOW_SSH_KEY"]) as f:
                pem = f.read()
            add_conn(h, "ssh_key", host, port, user, extra={"key_file": e["ARXIVFLOW_SSH_KEY"], **kh})
            cli_out = add_conn(h, "ssh_pem", host, port, user, extra={"private_key": pem, **kh})
            add_conn(h, "ssh_wrong_hostkey", host, port, user,
                     extra={"key_file": e["ARXIVFLOW_SSH_KEY"], "known_hosts": e["ARXIVFLOW_SSH_WRONG_KNOWN_HOSTS"]})
            add_conn(h, "ssh_closed", host, closed_port(), user,
                     extra={"key_file": e["ARXIVFLOW_SSH_KEY"], "conn_timeout": 5, **kh})
            add_conn(h, "ssh_stranger", host, port, user, extra={"key_file": e["ARXIVFLOW_SSH_OTHER_KEY"], **kh})
            if pw.proc:
                add_conn(h, "ssh_pw", host, pw.port, user, password=PASSWORD, extra={"known_hosts": pw.known_hosts})
                add_conn(h, "ssh_badpw", host, pw.port, user, password=WRONG_PASSWORD,
                         extra={"known_hosts": pw.known_hosts})
            marker = os.path.join(work, "injected")
            payload = os.urandom(300_000) + b"\n\0end"
            local = os.path.join(h.root, "payload.bin")
            with open(local, "wb") as f:
                f.write(payload)
            remote = os.path.join(work, "a", "b", "c", "payload.bin")
            back = os.path.join(h.root, "back", "deep", "payload.bin")

            tasks = {
                "key_ok": {"operator": "ssh", "args": {"ssh_conn_id": "ssh_key", "command":
                           "echo hello-stdout; echo hello-stderr >&2; echo \"user=$(id -un)\"; printf 'no-newline'"}},
                "pem_ok": {"operator": "ssh", "args": {"ssh_conn_id": "ssh_pem", "command": "echo pem-login-ok"}},
                "argv_literal": {"operator": "ssh", "args": {
                    "ssh_conn_id": "ssh_key", "argv": ["printf", "[%s]\\n", "{{ params.evil }}", "it's"],
                    "environment": {"GREETING": "{{ params.evil }}"}}},
                "env_ok": {"operator": "ssh", "args": {"ssh_conn_id": "ssh_key", "command": "echo \"env=$GREETING\"",
                                                       "environment": {"GREETING": "hi there"}}},
                "exit3": {"operator": "ssh", "args": {"ssh_conn_id": "ssh_key", "command": "echo before-exit; exit 3"}},
                "killed": {"operator": "ssh", "args": {"ssh_conn_id": "ssh_key", "command": "kill -KILL $$"}},
                "hostkey_mismatch": {"operator": "ssh", "args": {"ssh_conn_id": "ssh_wrong_hostkey", "command": "true"}},
                "unreachable": {"operator": "ssh", "args": {"ssh_conn_id": "ssh_closed", "command": "true"}},
                "stranger_key": {"operator": "ssh", "args": {"ssh_conn_id": "ssh_stranger", "command": "true"}},
                "put": {"operator": "sftp", "args": {"ssh_conn_id": "ssh_key", "local_filepath": local,
                                                     "remote_filepath": remote}},
                "get": {"operator": "sftp", "upstream": ["put"], "args": {
                    "ssh_conn_id": "ssh_key", "operation": "get", "remote_filepath": remote, "local_filepath": back}},
                "put_missing_local": {"operator": "sftp", "args": {
                    "ssh_conn_id": "ssh_key", "local_filepath": os.path.join(h.root, "nope.txt"),
                    "remote_filepath": os.path.join(work, "nope.txt")}},
                "put_no_dirs": {"operator": "sftp", "args": {
                    "ssh_conn_id": "ssh_key", "local_filepath": local, "create_intermediate_dirs": False,
                    "remote_filepath": os.path.join(work, "missing", "folder", "x.bin")}},
                "get_missing_remote": {"operator": "sftp", "args": {
                    "ssh_conn_id": "ssh_key", "operation": "get", "remote_filepath": os.path.join(work, "nope.bin"),
                    "local_filepath": os.path.join(h.root, "nope.bin")}},
            }
            if pw.proc:
                tasks["password_ok"] = {"operator": "ssh", "args": {"ssh_conn_id": "ssh_pw",
                                                                   "command": "echo password-login-ok"}}
                tasks["password_wrong"] = {"operator": "ssh", "args": {"ssh_conn_id": "ssh_badpw", "command": "true"}}
            dag = ["dag_id: ssh_ops", "schedule: null", "default_args: {retries: 0}",
                   "params: {evil: " + yaml_str("$(touch " + marker + "); `touch " + marker + "` ' \" ; |") + "}",
                   "tasks:"]
            for tid, t in tasks.items():
                dag.append(f"  - task_id: {tid}")
                dag.append(f"    operator: {t['operator']}")
                if "upstream" in t:
                    dag.append(f"    upstream: {json.dumps(t['upstream'])}")
                dag.append(f"    args: {json.dumps(t['args'])}")
            h.write_dag("ssh_ops.yaml", "\n".join(dag) + "\n")
            run_id, out = dags_test(h, "ssh_ops", expect_ok=False)
            tis = h.tis("ssh_ops", run_id)
            expect_success = {"key_ok", "pem_ok", "argv_literal", "env_ok", "put", "get", "password_ok"}
            for tid in tasks:
                want = "success" if tid in expect_success else "failed"
                assert tis[tid]["state"] == want, f"{tid}: {tis[tid]['state']}\n{h.log('ssh_ops', tid, run_id)}"

            def log(tid):
                return h.log("ssh_ops", tid, run_id)

            text = log("key_ok")
            for needle in ["hello-stdout", "[stderr] hello-stderr", f"user={user}", "no-newline",
                           "remote command exited with status 0"]:
                assert needle in text, (needle, text)
            assert "pem-login-ok" in log("pem_ok")
            text = log("argv_literal")
            assert "[$(touch " + marker + "); `touch " + marker + "` ' \" ; |]" in text, text
            assert "[it's]" in text, text
            assert not os.path.exists(marker), "a templated value was run by the remote shell"
            assert "env=hi there" in log("env_ok")
            text = log("exit3")
            assert "before-exit" in text and "remote command exited with status 3" in text, text
            assert "killed by signal KILL" in log("killed"), log("killed")
            text = log("hostkey_mismatch")
            assert "HOST KEY MISMATCH" in text and "SHA256:" in text and "127.0.0.1" in text, text
            text = log("unreachable")
            assert "cannot connect" in text and "127.0.0.1" in text, text
            assert "authentication failed" in log("stranger_key"), log("stranger_key")
            with open(back, "rb") as f:
                assert f.read() == payload, "sftp get returned different bytes"
            assert [n for n in os.listdir(os.path.dirname(remote)) if ".part-" in n] == []
            assert [n for n in os.listdir(os.path.dirname(back)) if ".part-" in n] == []
            text = log("put_missing_local")
            assert "nope.txt" in text and "No such file" in text, text
            text = log("put_no_dirs")
            assert "does not exist" in text and "create_intermediate_dirs is false" in text, text
            assert not os.path.exists(os.path.join(work, "missing"))
            text = log("get_missing_remote")
            assert "no such file" in text, text
            if pw.proc:
                assert "password-login-ok" in log("password_ok"), log("password_ok")
                assert "authentication failed" in log("password_wrong"), log("password_wrong")
            else:
                print(f"  (password login not tested: {pw.skip_reason})")

            # No secret anywhere in the home (logs, metadata), on the terminal or in
            # what the connections commands print.
            cli_out += h.run("connections", "list").stdout + h.run("connections", "get", "ssh_pem", "-o", "json").stdout
            if pw.proc:
                cli_out += h.run("connections", "get", "ssh_pw", "-o", "json").stdout
            everything = all_text_under(h.root) + out.encode() + cli_out.encode()
            key_body = [line for line in pem.splitlines() if line and "PRIVATE KEY" not in line]
            for secret in [PASSWORD, WRONG_PASSWORD] + key_body:
                assert secret.encode() not in everything, "a secret reached a log or the metadata DB"
            wait_no_descendants(s.proc.pid, "after the ssh_ops run")
        finally:
            h.close()


def test_timeouts_stop_the_remote_command():
    with SshServer() as s:
        e = s.env
        h = Home()
        try:
            add_conn(h, "ssh_key", e["ARXIVFLOW_SSH_HOST"], int(e["ARXIVFLOW_SSH_PORT"]), e["ARXIVFLOW_SSH_USER"],
                     extra={"key_file": e["ARXIVFLOW_SSH_KEY"], "known_hosts": e["ARXIVFLOW_SSH_KNOWN_HOSTS"]})
            h.write_dag("ssh_timeouts.yaml", """
dag_id: ssh_timeouts
schedule: null
default_args: {retries: 0}
tasks:
  - task_id: execution_timeout
    operator: ssh
    execution_timeout: 3
    args: {ssh_conn_id: ssh_key, command: "echo sleeping; sleep 4711; echo woke"}
  - task_id: cmd_timeout
    operator: ssh
    args: {ssh_conn_id: ssh_key, cmd_timeout: 1, command: "echo sleeping; sleep 4712 & sleep 4713; echo woke"}
""")
            run_id, _ = dags_test(h, "ssh_timeouts", expect_ok=False)
            tis = h.tis("ssh_timeouts", run_id)
            assert tis["execution_timeout"]["state"] == "failed", tis
            assert tis["cmd_timeout"]["state"] == "failed", tis
            text = h.log("ssh_timeouts", "execution_timeout", run_id)
            assert "INFO - sleeping" in text and "INFO - woke" not in text and "execution_timeout" in text, text
            text = h.log("ssh_timeouts", "cmd_timeout", run_id)
            assert "timed out after 1 s (cmd_timeout)" in text and "INFO - woke" not in text, text
            # The remote sleeps (the background one too) and the watchers end
            # with their tasks. Orphaned remote processes would be re-parented
            # away from sshd, so they are looked for by command line.
            wait_no_descendants(s.proc.pid, "after the timeouts")
            wait_gone(r"^sleep 471[123]$|__af_watcher", "remote commands of timed-out tasks")
        finally:
            h.close()


def test_marking_failed_stops_a_task_run_by_hand():
    """`tasks run` started by hand has no scheduler to kill it: the heartbeat
    notices the state change and the remote command must still stop."""
    with SshServer() as s:
        e = s.env
        h = Home()
        try:
            add_conn(h, "ssh_key", e["ARXIVFLOW_SSH_HOST"], int(e["ARXIVFLOW_SSH_PORT"]), e["ARXIVFLOW_SSH_USER"],
                     extra={"key_file": e["ARXIVFLOW_SSH_KEY"], "known_hosts": e["ARXIVFLOW_SSH_KNOWN_HOSTS"]})
            h.write_dag("ssh_mark.yaml", """
dag_id: ssh_mark
schedule: null
tasks:
  - task_id: sleeper
    operator: ssh
    args: {ssh_conn_id: ssh_key, command: "echo sleeping; sleep 4721"}
""")
            # A scheduler starts the task and is then killed: from there on only
            # the task's own heartbeat can notice the state change.
            sched = h.start_scheduler()
            run_id = h.trigger("ssh_mark")
            h.wait_ti("ssh_mark", "sleeper", run_id, ["running"])
            deadline = time.time() + 30
            while not any(cmdline(int(x)) == "sleep 4721" for x in os.listdir("/proc") if x.isdigit()):
                assert time.time() < deadline, "the remote sleep never started"
                time.sleep(0.1)
            sched.kill()
            sched.wait()
            task_pid = int(h.tis("ssh_mark", run_id)["sleeper"]["pid"])
            assert pid_alive(task_pid)
            import sqlite3
            db = sqlite3.connect(os.path.join(h.root, "arxivflow.db"), timeout=30)
            db.execute("UPDATE task_instances SET state = 'failed' WHERE dag_id = 'ssh_mark' AND run_id = ?", (run_id,))
            db.commit()
            db.close()
            deadline = time.time() + 60
            while pid_alive(task_pid):
                assert time.time() < deadline, "the task process did not stop"
                time.sleep(0.1)
            wait_gone(r"^sleep 4721$|__af_watcher", "remote command of a task marked failed")
            text = h.log("ssh_mark", "sleeper", run_id)
            assert "INFO - sleeping" in text and "changed externally" in text, text
        finally:
            h.close()


def test_create_parquet_area_emr_dag():
    with SshServer() as s:
        e = s.env
        h = Home()
        try:
            h.run("db", "init")  # installs the shipped DAGs (Home removed them)
            tasks = h.run("tasks", "list", "create_parquet_area_emr").stdout.split()
            assert tasks == ["Begin_execution", "spark_job_to_emr", "execute_spark_task", "Stop_execution"], tasks
            add_conn(h, "ssh_emr", e["ARXIVFLOW_SSH_HOST"], int(e["ARXIVFLOW_SSH_PORT"]), e["ARXIVFLOW_SSH_USER"],
                     extra={"key_file": e["ARXIVFLOW_SSH_KEY"], "known_hosts": e["ARXIVFLOW_SSH_KNOWN_HOSTS"]})
            work = e["ARXIVFLOW_SSH_WORKDIR"]
            lake = os.path.join(work, "lake")
            sample = os.path.join(SOURCE, "tests", "data", "arxiv-sample-200.jsonl")
            h.run("variables", "set", "PATH_TO_PYSPARK_SCRIPT", sample)
            h.run("variables", "set", "EMR_REMOTE_SCRIPT", os.path.join(work, "emr", "job", "arxiv-sample-200.jsonl"))
            h.run("variables", "set", "EMR_COMMAND",
                  f'{os.path.abspath(BIN)} transform --input "$REMOTE_SCRIPT" --output {lake}')
            run_id, out = dags_test(h, "create_parquet_area_emr", expect_ok=True)
            tis = h.tis("create_parquet_area_emr", run_id)
            assert all(t["state"] == "success" for t in tis.values()), tis
            with open(os.path.join(lake, "_manifest.json")) as f:
                manifest = json.load(f)
            for table in ["papers", "authors", "abstracts", "categories", "versions", "titles"]:
                assert os.path.isdir(os.path.join(lake, table)), table
            assert "200" in json.dumps(manifest), manifest
            text = h.log("create_parquet_area_emr", "execute_spark_task", run_id)
            assert "remote command exited with status 0" in text, text
            text = h.log("create_parquet_area_emr", "spark_job_to_emr", run_id)
            assert "sftp put" in text, text
        finally:
            h.close()


if __name__ == "__main__":
    run_tests([test_ssh_and_sftp_operators, test_timeouts_stop_the_remote_command,
               test_marking_failed_stops_a_task_run_by_hand, test_create_parquet_area_emr_dag])
