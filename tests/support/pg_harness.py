#!/usr/bin/env python3
"""A throw-away PostgreSQL 15 server on loopback, for tests and benchmarks.

Usage as a wrapper (the server lives as long as the command):

    python3 tests/support/pg_harness.py -- <command> [args...]

exports to the command:
    ARXIVFLOW_TEST_PG_URI        postgresql://arxivflow:<pw>@127.0.0.1:<port>/arxivflow
                                 (password authentication, scram-sha-256)
    ARXIVFLOW_TEST_PG_ADMIN_URI  postgresql://postgres@127.0.0.1:<port>/arxivflow (trust)
    ARXIVFLOW_TEST_PG_PORT, ARXIVFLOW_TEST_PG_HOST (127.0.0.1),
    ARXIVFLOW_TEST_PG_PASSWORD, ARXIVFLOW_TEST_PG_BIN (the server's bin folder)
and exits with the command's exit status. `--serve` instead prints the URI and
keeps the server until SIGINT/SIGTERM.

Usage as a module:

    from pg_harness import PgServer
    with PgServer() as pg:
        print(pg.uri)

The data folder is a fresh temporary folder under /tmp, owned by the
`postgres` user when we run as root (initdb refuses to run as root); the
server listens on 127.0.0.1 only, on a free port, with its Unix socket in the
same temporary folder. Everything is stopped and removed on exit, also on
failure, SIGINT and SIGTERM. Durability is switched off (fsync=off): the data
is throw-away. Python 3 standard library only.
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

PG_BIN_CANDIDATES = ["/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/14/bin"]
USER = "arxivflow"
PASSWORD = "arxivflow-test-password"
DATABASE = "arxivflow"


def find_pg_bin():
    env = os.environ.get("ARXIVFLOW_PG_BIN")
    for d in ([env] if env else []) + PG_BIN_CANDIDATES:
        if d and os.path.exists(os.path.join(d, "initdb")):
            return d
    raise RuntimeError("PostgreSQL server binaries not found (looked in %s); install postgresql-15"
                       % ", ".join(PG_BIN_CANDIDATES))


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    def __init__(self, settings=None, quiet=True):
        self.bin = find_pg_bin()
        self.settings = {
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "50",
        }
        self.settings.update(settings or {})
        self.quiet = quiet
        self.as_root = os.geteuid() == 0
        self.tmp = None
        self.port = None
        self.started = False

    # -- helpers ---------------------------------------------------------
    def _cmd(self, argv):
        if self.as_root:
            return ["runuser", "-u", "postgres", "--"] + argv
        return argv

    def _run(self, argv, **kw):
        out = subprocess.run(self._cmd(argv), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, cwd=self.tmp, **kw)
        if out.returncode != 0:
            raise RuntimeError("%s failed (exit %d):\n%s" % (os.path.basename(argv[0]), out.returncode, out.stdout))
        return out.stdout

    def psql(self, sql, db="postgres"):
        """Runs SQL as the superuser over the Unix socket; returns stdout."""
        return self._run([os.path.join(self.bin, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.tmp,
                          "-p", str(self.port), "-U", "postgres", "-d", db, "-At", "-c", sql])

    @property
    def data_dir(self):
        return os.path.join(self.tmp, "data")

    @property
    def uri(self):
        return "postgresql://%s:%s@127.0.0.1:%d/%s" % (USER, PASSWORD, self.port, DATABASE)

    @property
    def admin_uri(self):
        return "postgresql://postgres@127.0.0.1:%d/%s" % (self.port, DATABASE)

    def env(self):
        return {
            "ARXIVFLOW_TEST_PG_URI": self.uri,
            "ARXIVFLOW_TEST_PG_ADMIN_URI": self.admin_uri,
            "ARXIVFLOW_TEST_PG_HOST": "127.0.0.1",
            "ARXIVFLOW_TEST_PG_PORT": str(self.port),
            "ARXIVFLOW_TEST_PG_PASSWORD": PASSWORD,
            "ARXIVFLOW_TEST_PG_BIN": self.bin,
        }

    # -- life cycle ------------------------------------------------------
    def start(self):
        self.tmp = tempfile.mkdtemp(prefix="af-pg-", dir="/tmp")
        os.chmod(self.tmp, 0o755)
        if self.as_root:
            shutil.chown(self.tmp, "postgres", "postgres")
        self._run([os.path.join(self.bin, "initdb"), "-D", self.data_dir, "-U", "postgres", "-E", "UTF8",
                   "--no-locale", "--auth=trust", "--no-sync"])
        with open(os.path.join(self.data_dir, "pg_hba.conf"), "w") as f:
            f.write("local all all trust\n"
                    "host all %s 127.0.0.1/32 scram-sha-256\n"
                    "host all all 127.0.0.1/32 trust\n" % USER)
        opts = ["-c listen_addresses=127.0.0.1", "-k %s" % self.tmp]
        opts += ["-c %s=%s" % (k, v) for k, v in self.settings.items()]
        last_error = None
        for _ in range(5):  # a port can be taken between probing and binding
            self.port = free_port()
            try:
                self._run([os.path.join(self.bin, "pg_ctl"), "-D", self.data_dir, "-l",
                           os.path.join(self.tmp, "server.log"), "-w", "-t", "60",
                           "-o", " ".join(opts + ["-p %d" % self.port]), "start"])
                self.started = True
                break
            except RuntimeError as e:
                last_error = e
        if not self.started:
            raise RuntimeError("could not start PostgreSQL: %s\n%s" % (last_error, self.server_log()))
        self.psql("SET password_encryption = 'scram-sha-256'; "
                  "CREATE ROLE %s LOGIN PASSWORD '%s'" % (USER, PASSWORD))
        self.psql("CREATE DATABASE %s OWNER %s" % (DATABASE, USER))
        return self

    def server_log(self):
        try:
            with open(os.path.join(self.tmp, "server.log")) as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def stop(self):
        if self.started:
            self.started = False
            try:
                subprocess.run(self._cmd([os.path.join(self.bin, "pg_ctl"), "-D", self.data_dir, "-m", "immediate",
                                          "-w", "-t", "30", "stop"]), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, cwd=self.tmp)
            except Exception:  # noqa: BLE001 - best effort on the way out
                pass
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()
        return False


def _raise_exit(signum, _frame):
    raise SystemExit(128 + signum)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--serve", action="store_true", help="print the URI and wait for SIGINT/SIGTERM")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="extra server setting (repeatable)")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- command to run with the server up")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command and not args.serve:
        parser.error("give a command after -- (or --serve)")
    settings = dict(s.split("=", 1) for s in args.set)
    signal.signal(signal.SIGTERM, _raise_exit)
    signal.signal(signal.SIGINT, _raise_exit)
    signal.signal(signal.SIGHUP, _raise_exit)
    with PgServer(settings) as pg:
        if args.serve:
            print(pg.uri, flush=True)
            print(pg.admin_uri, flush=True)
            while True:
                time.sleep(3600)
        env = dict(os.environ)
        env.update(pg.env())
        child = subprocess.Popen(command, env=env)
        try:
            return child.wait()
        except BaseException:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
            raise


if __name__ == "__main__":
    sys.exit(main())
