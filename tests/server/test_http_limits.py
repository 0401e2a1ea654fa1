"""The web server's socket layer against slow and malformed clients: 200
connections that trickle their request heads do not keep others from being
answered, every request head has a deadline, connections per client address
are capped, and a bad Content-Length is answered at once.

Slow clients connect from 127.0.0.2-127.0.0.9 (all of 127/8 is loopback), the
clients that must still be served from 127.0.0.1."""
import socket
import sys
import threading
import time
import urllib.request

from server_helpers import Server

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def connect(port, source):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((source, 0))
    s.settimeout(10)
    s.connect(("127.0.0.1", port))
    return s


def read_response(s, timeout):
    """The status code of the first response on `s`, or None when none came."""
    s.settimeout(timeout)
    data = b""
    try:
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    if not data.startswith(b"HTTP/1.1 "):
        return None
    return int(data[9:12])


class SlowClients:
    """Connections that send a request line, then one header line every
    `interval` seconds, forever (until the server answers or closes)."""

    def __init__(self, port, count, sources, interval):
        self.socks = []
        for i in range(count):
            s = connect(port, sources[i % len(sources)])
            s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            s.setblocking(False)
            self.socks.append(s)
        self.interval = interval
        self.stop = False
        self.answered = {}  # index -> status the server sent
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        n = 0
        while not self.stop:
            for i, s in enumerate(self.socks):
                if i in self.answered:
                    continue
                try:
                    data = s.recv(4096)
                    self.answered[i] = int(data[9:12]) if data.startswith(b"HTTP/1.1 ") else 0
                    continue
                except BlockingIOError:
                    pass
                except OSError:
                    self.answered[i] = 0
                    continue
                try:
                    s.send(f"X-Trickle-{n}: {i}\r\n".encode())
                except OSError:
                    self.answered[i] = 0
            n += 1
            time.sleep(self.interval)

    def close(self):
        self.stop = True
        self.thread.join()
        for s in self.socks:
            s.close()


def timed_get(base, path, timeout=5):
    start = time.time()
    try:
        with urllib.request.urlopen(base + path, timeout=timeout) as r:
            r.read()
            return r.status, time.time() - start
    except Exception as e:  # noqa: BLE001 - reported as a failure
        return f"{type(e).__name__}: {e}", time.time() - start


def main():
    srv = Server()
    srv.start("--max-connections-per-client", "50", "--request-head-timeout", "8")
    try:
        run_checks(srv)
    finally:
        if failures:
            print(srv.server_log()[-3000:])
        srv.stop(keep=bool(failures))
    if failures:
        print(f"{len(failures)} check(s) failed")
        sys.exit(1)
    print("all HTTP limit checks passed")


def run_checks(srv):
    port = srv.port
    base = srv.base
    # --- 200 slow clients (25 from each of 8 addresses, under the cap of 50).
    sources = [f"127.0.0.{i}" for i in range(2, 10)]
    slow = SlowClients(port, 200, sources, interval=0.5)
    try:
        time.sleep(1.5)  # every slow client has sent a few lines by now
        latencies = []
        for path in ["/api/v1/health", "/login", "/static/app.js"] * 5:
            status, took = timed_get(base, path)
            check(status == 200, f"{path} answered while 200 slow clients are connected: {status}")
            latencies.append(took)
        print(f"  with 200 slow connections open: {len(latencies)} requests, "
              f"slowest {max(latencies) * 1000:.1f} ms, median {sorted(latencies)[len(latencies) // 2] * 1000:.1f} ms")
        still_open = len(slow.socks) - len(slow.answered)
        check(still_open >= 190, f"the slow clients were still connected while others were served ({still_open})")
        # --- Their heads never complete: each gets 408 once its head deadline (8 s) passes.
        deadline = time.time() + 40
        while len(slow.answered) < len(slow.socks) and time.time() < deadline:
            time.sleep(0.2)
        statuses = set(slow.answered.values())
        check(len(slow.answered) == 200 and statuses == {408},
              f"every trickling head ends with 408 ({len(slow.answered)} answered, statuses {statuses})")
    finally:
        slow.close()

    # --- Connections per client address are capped (50 here).
    held = [connect(port, "127.0.0.20") for _ in range(50)]
    extra = [connect(port, "127.0.0.20") for _ in range(5)]
    refused = [read_response(s, 5) for s in extra]
    check(refused == [429] * 5, f"connections over the per-address cap get 429: {refused}")
    status, _ = timed_get(base, "/api/v1/health")
    check(status == 200, f"another address is still served while one is at its cap: {status}")
    for s in held + extra:
        s.close()

    # --- A bad Content-Length is refused as soon as the head is complete.
    for value, expected in [("-1", 400), ("18446744073709551616", 400), ("99999999999999999999999999", 400),
                            ("12abc", 400), ("5, 7", 400), (str(64 << 20), 413)]:
        s = connect(port, "127.0.0.1")
        s.sendall(f"POST /api/v1/dags/x/dagRuns HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  f"Content-Length: {value}\r\n\r\n".encode())
        got = read_response(s, 5)  # today's answer comes at once; before, only after the 30 s read timeout
        check(got == expected, f"Content-Length: {value} -> {got}, expected {expected}")
        s.close()

    # --- Other malformed heads, and a head over the size limit.
    for raw, expected in [(b"GET / HTTP/1.1\r\n\r\n", 400), (b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03", 400),
                          (b"GET / HTTP/1.1\r\nHost: a\r\nX: " + b"a" * 20000 + b"\r\n\r\n", 431),
                          (b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 501)]:
        s = connect(port, "127.0.0.1")
        s.sendall(raw)
        got = read_response(s, 5)
        check(got == expected, f"{raw[:30]!r}... -> {got}, expected {expected}")
        s.close()

    # --- A chunked body and a pipelined pair of requests are served.
    s = connect(port, "127.0.0.1")
    s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: a\r\n\r\nGET /api/v1/health HTTP/1.1\r\nHost: a\r\n"
              b"Connection: close\r\n\r\n")
    s.settimeout(5)
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except socket.timeout:
        pass
    s.close()
    check(data.count(b"HTTP/1.1 200 OK") == 2, f"two pipelined requests, two answers: {data[:200]!r}")
    s = connect(port, "127.0.0.1")
    s.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
              b"Transfer-Encoding: chunked\r\n\r\n14\r\n{\"username\": \"admin\"\r\n1\r\n}\r\n0\r\n\r\n")
    got = read_response(s, 5)
    check(got == 400, f"a chunked login body reaches the application (400: no password): {got}")
    s.close()


if __name__ == "__main__":
    main()
