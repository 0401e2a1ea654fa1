"""Helpers for the orchestrator's integration tests: a throw-away home, the
binary, a scheduler process, and waiting for states."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime

BIN = os.environ.get("ARXIVFLOW_BIN") or (sys.argv[1] if len(sys.argv) > 1 else "")


def parse_ts(text):
    return datetime.fromisoformat(text).timestamp() if text else None


class Home:
    def __init__(self, keep=False):
        self.root = tempfile.mkdtemp(prefix="af_orch_")
        self.keep = keep
        self.env = dict(os.environ)
        self.env["ARXIVFLOW_HOME"] = self.root
        self.env["ARXIVFLOW_HEARTBEAT_INTERVAL"] = "0.5"
        self.schedulers = []
        self.run("db", "init")
        # Only the test's own DAGs: the shipped ones are tested separately.
        for name in os.listdir(self.dags):
            path = os.path.join(self.dags, name)
            shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)

    @property
    def dags(self):
        return os.path.join(self.root, "dags")

    def write_dag(self, name, text):
        path = os.path.join(self.dags, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def run(self, *args, check=True, env=None):
        p = subprocess.run([BIN, *args], env=env or self.env, capture_output=True, text=True, timeout=120)
        if check and p.returncode != 0:
            raise AssertionError(f"arxivflow {' '.join(args)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
        return p

    def json(self, *args):
        return json.loads(self.run(*args, "-o", "json").stdout)

    def start_scheduler(self, *extra):
        log = open(os.path.join(self.root, f"scheduler-{len(self.schedulers)}.log"), "w")
        p = subprocess.Popen([BIN, "scheduler", "--zombie-threshold", "3", "--kill-grace", "1", *extra],
                             env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.schedulers.append(p)
        return p

    def trigger(self, dag_id, *extra):
        return self.run("dags", "trigger", dag_id, *extra).stdout.strip()

    def run_state(self, dag_id, run_id):
        return self.run("dags", "state", dag_id, run_id).stdout.strip()

    def wait_run(self, dag_id, run_id, timeout=60, states=("success", "failed")):
        deadline = time.time() + timeout
        while time.time() < deadline:
            s = self.run_state(dag_id, run_id)
            if s in states:
                return s
            time.sleep(0.1)
        raise AssertionError(f"run {run_id} of {dag_id} did not reach {states} in {timeout}s; now "
                             f"{self.run_state(dag_id, run_id)}\n{self.tis_text(dag_id, run_id)}\n{self.scheduler_logs()}")

    def wait_ti(self, dag_id, task_id, run_id, states, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            s = self.run("tasks", "state", dag_id, task_id, run_id, check=False).stdout.strip()
            if s in states:
                return s
            time.sleep(0.05)
        raise AssertionError(f"{task_id} did not reach {states}")

    def tis(self, dag_id, run_id):
        return {t["task_id"]: t for t in self.json("tasks", "states-for-dag-run", dag_id, run_id)}

    def tis_text(self, dag_id, run_id):
        return self.run("tasks", "states-for-dag-run", dag_id, run_id, check=False).stdout

    def tries(self, dag_id, run_id):
        return self.json("tasks", "list-tries", dag_id, run_id)

    def log(self, dag_id, task_id, run_id, try_number=None):
        args = ["tasks", "logs", dag_id, task_id, run_id]
        if try_number:
            args += ["--try", str(try_number)]
        return self.run(*args).stdout

    def scheduler_logs(self):
        out = ""
        for i in range(len(self.schedulers)):
            with open(os.path.join(self.root, f"scheduler-{i}.log")) as f:
                out += f"--- scheduler {i}\n" + f.read()[-4000:]
        return out

    def close(self):
        for p in self.schedulers:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
        if not self.keep:
            remove_tree(self.root)


def remove_tree(path, patience=5.0):
    """Removes a test's home. A task process the scheduler started may still
    be ending and writing its log for a moment: try again until it is gone."""
    deadline = time.time() + patience
    while True:
        shutil.rmtree(path, ignore_errors=True)
        if not os.path.exists(path) or time.time() > deadline:
            return
        time.sleep(0.1)


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purposes.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    return True


def launcher_pids(scheduler_pid):
    """The task launcher(s) the scheduler started (`arxivflow tasks launcher`)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().split(b"\0")
        except OSError:
            continue
        if int(fields[1]) == scheduler_pid and fields[0] != "Z" and b"launcher" in cmdline[:4]:
            found.append(int(entry))
    return found


def ti_results(home, dag_id, run_id):
    """task_id -> the task instance's result (parsed JSON, or None)."""
    import sqlite3
    db = sqlite3.connect(os.path.join(home.root, "arxivflow.db"))
    try:
        rows = db.execute("SELECT task_id, result FROM task_instances WHERE dag_id = ? AND run_id = ?",
                          (dag_id, run_id)).fetchall()
    finally:
        db.close()
    return {task: (json.loads(result) if result else None) for task, result in rows}


def run_tests(tests):
    if not BIN:
        print("usage: test.py /path/to/arxivflow")
        sys.exit(2)
    failed = 0
    for t in tests:
        start = time.time()
        try:
            t()
            print(f"PASS {t.__name__} ({time.time() - start:.1f}s)")
        except Exception as e:  # noqa: BLE001 - report every failure
            failed += 1
            print(f"FAIL {t.__name__}: {e}")
    sys.exit(1 if failed else 0)
