"""Helpers for the web server's integration tests: a throw-away home with
users, a running `arxivflow webserver` on a free loopback port, an optional
scheduler, and a small HTTP client (urllib, stdlib only)."""
import base64
import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

BIN = os.environ.get("ARXIVFLOW_BIN") or (sys.argv[1] if len(sys.argv) > 1 else "")


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)


class Client:
    """One HTTP client: cookies (a session) and/or basic auth."""

    def __init__(self, base, basic=None):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.basic = basic
        self.csrf = None

    def request(self, method, path, body=None, raw=None, headers=None, csrf=True):
        h = {"Accept": "application/json"}
        data = None
        if raw is not None:
            data = raw if isinstance(raw, bytes) else raw.encode()
            h["Content-Type"] = "application/json"
        elif body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        if method in ("POST", "PATCH", "PUT"):
            h["Content-Type"] = "application/json"  # every write is JSON, even without a body
        if self.basic:
            h["Authorization"] = "Basic " + base64.b64encode(self.basic.encode()).decode()
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            h["X-CSRF-Token"] = self.csrf
        h.update(headers or {})
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=h)
        try:
            with self.opener.open(req, timeout=30) as r:
                return Response(r.status, dict(r.headers), r.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as e:
            return Response(e.code, dict(e.headers), e.read().decode("utf-8", "replace"))

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def login(self, username, password):
        r = self.request("POST", "/api/v1/auth/login", {"username": username, "password": password})
        assert r.status == 200, (r.status, r.body)
        self.csrf = r.json()["csrf_token"]
        return r


class Server:
    def __init__(self, keep_shipped_dags=True):
        assert BIN, "usage: test.py <path to arxivflow>"
        self.root = tempfile.mkdtemp(prefix="af_server_")
        self.env = dict(os.environ)
        self.env["ARXIVFLOW_HOME"] = self.root
        self.env["ARXIVFLOW_HEARTBEAT_INTERVAL"] = "0.5"
        self.procs = []
        self.run("db", "init")
        if not keep_shipped_dags:
            for name in os.listdir(self.dags):
                path = os.path.join(self.dags, name)
                if os.path.isdir(path):
                    shutil.rmtree(path)  # dags/spark/: the Spark job of the EMR DAG
                else:
                    os.remove(path)
        self.run("users", "create", "--username", "admin", "--password", "admin-pass", "--role", "admin")
        self.run("users", "create", "--username", "viewer", "--password", "viewer-pass", "--role", "viewer")
        self.port = None

    @property
    def dags(self):
        return os.path.join(self.root, "dags")

    def write_dag(self, name, text):
        with open(os.path.join(self.dags, name), "w") as f:
            f.write(text)

    def run(self, *args, check=True, stdin=None):
        p = subprocess.run([BIN, *args], env=self.env, capture_output=True, text=True, timeout=300, input=stdin)
        if check and p.returncode != 0:
            raise AssertionError(f"arxivflow {' '.join(args)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
        return p

    def start(self, *extra):
        log_path = os.path.join(self.root, "webserver.log")
        self.log = open(log_path, "a")
        start_offset = self.log.tell()
        self.extra = extra
        p = subprocess.Popen([BIN, "webserver", "--port", "0", *extra], env=self.env, stdout=self.log,
                             stderr=subprocess.STDOUT)
        self.procs.append(p)
        self.webserver = p
        deadline = time.time() + 30
        while time.time() < deadline:
            with open(log_path) as f:
                f.seek(start_offset)
                m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", f.read())
            if m:
                self.port = int(m.group(1))
                self.base = f"http://127.0.0.1:{self.port}"
                return self
            if p.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError("webserver did not start:\n" + open(log_path).read())

    def restart(self):
        """Stops the web server (SIGTERM) and starts it again on the same home
        (on a new port: update clients' `base`)."""
        self.webserver.terminate()
        self.webserver.wait(timeout=15)
        self.procs.remove(self.webserver)
        self.log.close()
        return self.start(*self.extra)

    def start_scheduler(self, *extra):
        log = open(os.path.join(self.root, "scheduler.log"), "w")
        p = subprocess.Popen([BIN, "scheduler", *extra], env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.procs.append(p)
        return p

    def client(self, basic=None):
        return Client(self.base, basic)

    def server_log(self):
        with open(os.path.join(self.root, "webserver.log")) as f:
            return f.read()

    def stop(self, keep=False):
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
        if not keep:
            shutil.rmtree(self.root, ignore_errors=True)


def wait_for(fn, timeout=60, what="condition"):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what} (last: {last})")


# A DAG file the DAG folder scan reports as an import error.
BROKEN_DAG = "dag_id: broken\ntasks: [ {task_id: a, operator: nosuchop} ]\n"


class CheckRun:
    """Runs a test's checks against `srv`: `check(cond, what)` records a
    failure and goes on (and prints passes too when `echo_passes`); leaving
    the `with` block stops the server (keeping its home when something failed
    or raised), prints the server log's tail and exits 1 if any check failed."""

    def __init__(self, srv, echo_passes=False):
        self.srv = srv
        self.failures = []
        self.echo_passes = echo_passes

    def check(self, cond, what):
        if not cond:
            self.failures.append(what)
            print("FAIL:", what)
        elif self.echo_passes:
            print("ok:", what)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if self.failures or exc_type:
            print(self.srv.server_log()[-4000:])
        self.srv.stop(keep=bool(self.failures or exc_type))
        if exc_type:
            return False
        if self.failures:
            print(f"{len(self.failures)} check(s) failed")
            sys.exit(1)
        return False

