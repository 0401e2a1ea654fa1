"""Apache Airflow 3 as a benchmark peer, run here on loopback.

AirflowPeer(dag_files, ...) is a context manager that
  - makes sure the pinned Airflow virtualenv exists (airflow_venv.sh: PyPI,
    airflow-requirements.txt),
  - starts a throw-away PostgreSQL 15 (tests/support/pg_harness.py) as the
    metadata DB, the setup Airflow recommends for LocalExecutor,
  - writes `dag_files` (file name -> Python source) into a fresh AIRFLOW_HOME,
    runs `airflow db migrate`, and starts the requested components, each its
    own process as in a production deployment: `scheduler` (LocalExecutor,
    `parallelism` worker processes), `dag-processor`, `api-server` (REST API
    v2, the UI's endpoints and the Execution API the task processes call),
  - signs in the user `bench` (simple auth manager, role admin) through
    `POST /auth/token` and keeps the bearer token for request().
On exit everything it started is stopped by pid and the home is deleted (kept
with BENCH_KEEP=1, for reading the logs).

Nothing leaves the machine: the API server and PostgreSQL listen on
127.0.0.1, example DAGs are off, metrics and traces stay off (Airflow's
defaults), and the task processes reach the Execution API on 127.0.0.1.

Not thread-safe. Errors raise RuntimeError with the tail of the failing
component's log. Python 3 standard library only (Airflow itself runs in its
virtualenv).
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
sys.path.insert(0, HERE)

from pg_harness import PgServer  # noqa: E402
from proc_cpu import tree_cpu_seconds  # noqa: E402

USER = "bench"


def ensure_venv():
    """Path of the Airflow virtualenv, installed from PyPI on first use."""
    out = subprocess.run(["bash", os.path.join(HERE, "airflow_venv.sh")], stdout=subprocess.PIPE, text=True,
                         check=True)
    return out.stdout.strip()


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path, n=3000):
    try:
        with open(path, errors="replace") as f:
            return f.read()[-n:]
    except OSError:
        return ""


class AirflowPeer:
    def __init__(self, dag_files, parallelism=4, components=("scheduler", "dag-processor", "api-server"),
                 api_workers=None, config=None):
        self.dag_files = dict(dag_files)
        self.config = dict(config or {})  # more AIRFLOW__SECTION__KEY settings
        self.parallelism = int(parallelism)
        self.components = list(components)
        # The API server's own guidance: about one worker per core.
        self.api_workers = int(api_workers or os.cpu_count() or 1)
        self.home = None
        self.pg = None
        self.procs = {}
        self.token = None

    # -- life cycle ----------------------------------------------------------
    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        self.venv = ensure_venv()
        self.home = tempfile.mkdtemp(prefix="af_bench_airflow_")
        dags = os.path.join(self.home, "dags")
        os.makedirs(dags)
        for name, source in self.dag_files.items():
            with open(os.path.join(dags, name), "w") as f:
                f.write(source)
        self.pg = PgServer({"max_connections": "200"}).start()
        self.port = _free_port()
        self.password = secrets.token_urlsafe(18)
        passwords = os.path.join(self.home, "passwords.json")
        with open(os.open(passwords, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            json.dump({USER: self.password}, f)
        self.env = dict(
            os.environ,
            PATH=os.path.join(self.venv, "bin") + os.pathsep + os.environ.get("PATH", ""),
            AIRFLOW_HOME=self.home,
            AIRFLOW__CORE__DAGS_FOLDER=dags,
            AIRFLOW__CORE__LOAD_EXAMPLES="False",
            AIRFLOW__CORE__EXECUTOR="LocalExecutor",
            AIRFLOW__CORE__PARALLELISM=str(self.parallelism),
            AIRFLOW__CORE__MAX_ACTIVE_TASKS_PER_DAG=str(max(self.parallelism, 16)),
            AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION="False",
            AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS=f"{USER}:admin",
            AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE=passwords,
            AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"http://127.0.0.1:{self.port}/execution/",
            AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=self.pg.uri,
            AIRFLOW__API__HOST="127.0.0.1",
            AIRFLOW__API__PORT=str(self.port),
            AIRFLOW__API__WORKERS=str(self.api_workers),
            AIRFLOW__API__BASE_URL=f"http://127.0.0.1:{self.port}",
            AIRFLOW__METRICS__STATSD_ON="False",
            AIRFLOW__METRICS__OTEL_ON="False",
            AIRFLOW__TRACES__OTEL_ON="False",
        )
        self.env.update(self.config)
        self.airflow("db", "migrate")
        for component in self.components:
            self.start_component(component)
        if "api-server" in self.procs:
            self.sign_in()
        return self

    def airflow(self, *args, timeout=600):
        """Runs an `airflow` CLI command in this home; returns stdout."""
        out = subprocess.run(["airflow", *args], env=self.env, cwd=self.home, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, timeout=timeout)
        if out.returncode != 0:
            raise RuntimeError(f"airflow {' '.join(args)} failed (exit {out.returncode}):\n{out.stdout[-3000:]}")
        return out.stdout

    def start_component(self, component):
        log = open(os.path.join(self.home, f"{component}.log"), "w")
        self.procs[component] = subprocess.Popen(["airflow", component], env=self.env, cwd=self.home,
                                                 stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                                 start_new_session=True)
        log.close()

    def stop_component(self, component, grace=60):
        proc = self.procs.pop(component, None)
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # its own session: only what it started
            proc.wait()

    def stop(self):
        for component in list(self.procs):
            self.stop_component(component)
        if self.pg:
            self.pg.stop()
            self.pg = None
        if self.home and not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(self.home, ignore_errors=True)
        elif self.home:
            print(f"Airflow home kept: {self.home}", file=sys.stderr)
        self.home = None

    def check_alive(self):
        for component, proc in self.procs.items():
            if proc.poll() is not None:
                raise RuntimeError(f"airflow {component} exited ({proc.returncode}):\n"
                                   + _tail(os.path.join(self.home, f"{component}.log")))

    # -- measurements --------------------------------------------------------
    def postmaster_pid(self):
        with open(os.path.join(self.pg.data_dir, "postmaster.pid")) as f:
            return int(f.readline())

    def cpu_seconds(self):
        """CPU of every Airflow process and of PostgreSQL, reaped children included."""
        return tree_cpu_seconds([p.pid for p in self.procs.values()] + [self.postmaster_pid()])

    # -- REST API v2 -----------------------------------------------------------
    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def sign_in(self, timeout=180):
        """Gets a bearer token for the user `bench`, waiting for the API server to come up."""
        deadline = time.time() + timeout
        body = json.dumps({"username": USER, "password": self.password}).encode()
        while True:
            self.check_alive()
            try:
                req = urllib.request.Request(self.base + "/auth/token", data=body, method="POST",
                                             headers={"Content-Type": "application/json"})
                with urllib.request.urlopen(req, timeout=10) as r:
                    self.token = json.load(r)["access_token"]
                    return
            except (urllib.error.URLError, ConnectionError, OSError):
                if time.time() > deadline:
                    raise RuntimeError("the Airflow API server did not come up:\n"
                                       + _tail(os.path.join(self.home, "api-server.log")))
                time.sleep(0.5)

    @property
    def auth_header(self):
        return f"Authorization: Bearer {self.token}"

    def request(self, method, path, body=None, timeout=60):
        """Calls the API with the bearer token; returns the decoded JSON (None for 404)."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Authorization": f"Bearer {self.token}",
                                              "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return json.load(r)
        except urllib.error.HTTPError as e:
            if e.code == 404:
                return None
            raise RuntimeError(f"{method} {path}: HTTP {e.code}: {e.read()[:500]!r}") from None

    def wait_for_dags(self, dag_ids, timeout=300):
        """Waits until the DAG processor has stored every DAG of `dag_ids`."""
        deadline = time.time() + timeout
        missing = list(dag_ids)
        while missing:
            self.check_alive()
            missing = [d for d in missing if self.request("GET", f"/api/v2/dags/{d}") is None]
            if missing:
                if time.time() > deadline:
                    raise RuntimeError(f"DAGs not parsed after {timeout} s: {missing}\n"
                                       + _tail(os.path.join(self.home, "dag-processor.log")))
                time.sleep(0.5)
