"""Real notification receivers on 127.0.0.1 for the alert tests: an HTTP
server that records requests (optionally holding each answer until the test
releases it), a port where nothing listens, and an SMTP server (aiosmtpd)
with STARTTLS and AUTH over a self-signed certificate made here."""
import base64
import warnings
import os
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class HttpRecorder:
    def __init__(self, hold=False, delay=0):
        self.requests = []
        self.lock = threading.Lock()
        self.release = threading.Event()
        if not hold:
            self.release.set()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with recorder.lock:
                    recorder.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                recorder.release.wait(120)
                time.sleep(delay)
                try:
                    self.send_response(200)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass  # the client gave up (timeout)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def snapshot(self):
        with self.lock:
            return list(self.requests)

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def free_port():
    """A loopback port with nothing listening on it (a receiver that is down)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def make_cert(folder):
    cert, key = os.path.join(folder, "smtp-cert.pem"), os.path.join(folder, "smtp-key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key


class SmtpRecorder:
    """aiosmtpd requiring STARTTLS and AUTH (login/password given)."""

    def __init__(self, folder, login, password):
        warnings.filterwarnings("ignore", message=".*login_data is deprecated.*")
        import logging
        logging.getLogger("mail.log").setLevel(logging.ERROR)
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult
        self.messages = []
        self.auth_logins = []
        self.cert, key = make_cert(folder)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, key)
        recorder = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                recorder.messages.append({"from": envelope.mail_from, "rcpt": list(envelope.rcpt_tos),
                                          "data": envelope.original_content or envelope.content,
                                          "tls": session.ssl is not None})
                return "250 OK"

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = auth_data.login.decode() == login and auth_data.password.decode() == password
            recorder.auth_logins.append((auth_data.login.decode(), ok))
            return AuthResult(success=ok)

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, tls_context=context,
                                     require_starttls=True, auth_required=True, authenticator=authenticator,
                                     auth_require_tls=True)
        self.controller.start()

    def close(self):
        self.controller.stop()


def decode_parts(raw):
    """The text/plain and text/html parts of a MIME message (bytes)."""
    import email
    from email import policy
    msg = email.message_from_bytes(raw, policy=policy.default)
    parts = {}
    for part in msg.walk():
        if part.get_content_type() in ("text/plain", "text/html"):
            parts[part.get_content_type()] = part.get_content()
    return msg, parts


def basic(login, password):
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()
