#!/usr/bin/env python3
"""Starts a throw-away OpenSSH sshd on 127.0.0.1 for tests.

    python3 tests/support/sshd_harness.py -- CMD ARGS...
        runs CMD with the variables below set, stops sshd, exits with CMD's status.
    python3 tests/support/sshd_harness.py
        prints the variables and serves until interrupted.

From python:  with SshServer() as ssh: ... ssh.env ...

Everything lives in a temporary folder: a fresh ed25519 host key, a user key
authorised for the current user, a generated sshd_config (UsePAM no,
StrictModes no, public-key auth only, internal-sftp), and known_hosts files.
Variables exported to CMD:
    ARXIVFLOW_SSH_HOST, ARXIVFLOW_SSH_PORT, ARXIVFLOW_SSH_USER
    ARXIVFLOW_SSH_KEY               private key authorised on the server
    ARXIVFLOW_SSH_OTHER_KEY         a private key the server does not accept
    ARXIVFLOW_SSH_KNOWN_HOSTS       known_hosts holding the server's real key
    ARXIVFLOW_SSH_WRONG_KNOWN_HOSTS known_hosts holding another key for the same host:port
    ARXIVFLOW_SSH_WORKDIR           a scratch folder (absolute) for remote files
Only loopback is used; sshd is stopped and the folder removed on exit.
"""
import getpass
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _keygen(path):
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "arxivflow-test", "-f", path],
                   check=True, stdout=subprocess.DEVNULL)
    with open(path + ".pub") as f:
        return f.read().strip()


class SshServer:
    def __init__(self):
        self.dir = None
        self.proc = None
        self.env = {}

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="arxivflow-sshd-")
        d = self.dir
        host_pub = _keygen(os.path.join(d, "host_ed25519"))
        other_host_pub = _keygen(os.path.join(d, "other_host_ed25519"))
        user_pub = _keygen(os.path.join(d, "user_ed25519"))
        _keygen(os.path.join(d, "stranger_ed25519"))
        with open(os.path.join(d, "authorized_keys"), "w") as f:
            f.write(user_pub + "\n")
        port = _free_port()
        host_id = "[127.0.0.1]:%d" % port
        with open(os.path.join(d, "known_hosts"), "w") as f:
            f.write("%s %s\n" % (host_id, " ".join(host_pub.split()[:2])))
        with open(os.path.join(d, "wrong_known_hosts"), "w") as f:
            f.write("%s %s\n" % (host_id, " ".join(other_host_pub.split()[:2])))
        config = os.path.join(d, "sshd_config")
        with open(config, "w") as f:
            f.write("\n".join([
                "Port %d" % port,
                "ListenAddress 127.0.0.1",
                "HostKey %s" % os.path.join(d, "host_ed25519"),
                "PidFile %s" % os.path.join(d, "sshd.pid"),
                "AuthorizedKeysFile %s" % os.path.join(d, "authorized_keys"),
                "UsePAM no",
                "StrictModes no",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password",
                "Subsystem sftp internal-sftp",
                "LogLevel ERROR",
                "",
            ]))
        if os.geteuid() == 0:
            os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # privilege separation folder
        work = os.path.join(d, "work")
        os.makedirs(work)
        self.proc = subprocess.Popen([SSHD, "-D", "-e", "-f", config], stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("sshd_harness: sshd exited with status %d" % self.proc.returncode)
            # sshd writes its pid file once it listens (probing the port
            # instead would make it log an aborted handshake).
            if os.path.exists(os.path.join(d, "sshd.pid")):
                break
            if time.monotonic() > deadline:
                raise RuntimeError("sshd_harness: sshd did not start listening on port %d" % port)
            time.sleep(0.05)
        self.env = {
            "ARXIVFLOW_SSH_HOST": "127.0.0.1",
            "ARXIVFLOW_SSH_PORT": str(port),
            "ARXIVFLOW_SSH_USER": getpass.getuser(),
            "ARXIVFLOW_SSH_KEY": os.path.join(d, "user_ed25519"),
            "ARXIVFLOW_SSH_OTHER_KEY": os.path.join(d, "stranger_ed25519"),
            "ARXIVFLOW_SSH_KNOWN_HOSTS": os.path.join(d, "known_hosts"),
            "ARXIVFLOW_SSH_WRONG_KNOWN_HOSTS": os.path.join(d, "wrong_known_hosts"),
            "ARXIVFLOW_SSH_WORKDIR": work,
        }
        return self

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
        return False


def main(argv):
    command = argv[argv.index("--") + 1:] if "--" in argv else []
    with SshServer() as server:
        if not command:
            for k, v in server.env.items():
                print("%s=%s" % (k, v), flush=True)
            try:
                server.proc.wait()
            except KeyboardInterrupt:
                pass
            return 0
        env = dict(os.environ)
        env.update(server.env)
        return subprocess.call(command, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
