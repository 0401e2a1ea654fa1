"""Users, sessions and logins against a running `arxivflow webserver`:
deleting a user or changing their password or role ends their sessions at
once (through the API and through the CLI, another process); failed logins
are throttled per user name and per address and logged with the address; a
minimum password length; the Secure cookie option; the JSON depth limit and
the run-id rule on the API and the CLI."""
import base64
import http.client
import json
import sys

from server_helpers import Server

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def call(srv, method, path, body=None, user=None, cookie=None, csrf=None, source="127.0.0.1"):
    """One request from `source` (any 127/8 address): (status, headers, parsed body or text)."""
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30, source_address=(source, 0))
    headers = {"Accept": "application/json"}
    data = None
    if method != "GET":
        headers["Content-Type"] = "application/json"
    if body is not None:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    if user:
        headers["Authorization"] = "Basic " + base64.b64encode(user.encode()).decode()
    if cookie:
        headers["Cookie"] = cookie
    if csrf:
        headers["X-CSRF-Token"] = csrf
    conn.request(method, path, body=data, headers=headers)
    r = conn.getresponse()
    raw = r.read().decode("utf-8", "replace")
    conn.close()
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw
    return r.status, r.getheaders(), parsed


def login(srv, user, password, source="127.0.0.1"):
    status, headers, body = call(srv, "POST", "/api/v1/auth/login", {"username": user, "password": password},
                                 source=source)
    cookies = [v for k, v in headers if k.lower() == "set-cookie"]
    session = next((c.split(";")[0] for c in cookies if c.startswith("af_session=")), None)
    return status, session, (body or {}).get("csrf_token") if isinstance(body, dict) else None, cookies


def main():
    srv = Server()
    srv.start()
    try:
        run_checks(srv)
    finally:
        if failures:
            print(srv.server_log()[-4000:])
        srv.stop(keep=bool(failures))
    if failures:
        print(f"{len(failures)} check(s) failed")
        sys.exit(1)
    print("all auth checks passed")


def run_checks(srv):
    admin = "admin:admin-pass"
    # --- a minimum password length, in the CLI and the API
    p = srv.run("users", "create", "--username", "tiny", "--password", "x", "--role", "admin", check=False)
    check(p.returncode == 1 and "at least 8 characters" in p.stderr, f"a 1-character password is refused: {p.stderr}")
    status, _, body = call(srv, "POST", "/api/v1/users", {"username": "tiny", "password": "x"}, user=admin)
    check(status == 400 and "at least 8 characters" in json.dumps(body), f"API: short password refused: {status}")

    # --- deleting a user through the CLI (another process) ends their session and Basic access at once
    srv.run("users", "create", "--username", "carol", "--password", "carol-pass-1", "--role", "admin")
    status, session, csrf, _ = login(srv, "carol", "carol-pass-1")
    check(status == 200 and session, "carol logs in")
    check(call(srv, "GET", "/api/v1/dags", cookie=session)[0] == 200, "carol's session works")
    check(call(srv, "GET", "/api/v1/dags", user="carol:carol-pass-1")[0] == 200, "carol's Basic auth works")
    srv.run("users", "delete", "--username", "carol")
    check(call(srv, "GET", "/api/v1/dags", cookie=session)[0] == 401, "a deleted user's session ends at once")
    check(call(srv, "GET", "/api/v1/dags", user="carol:carol-pass-1")[0] == 401,
          "a deleted user's cached Basic credentials stop working at once")
    check(call(srv, "POST", "/api/v1/dags/arxiv_full_pipeline/dagRuns", {}, cookie=session, csrf=csrf)[0] == 401,
          "a deleted admin cannot write")

    # --- a password change through the CLI (read from stdin)
    srv.run("users", "create", "--username", "dave", "--password", "dave-pass-1", "--role", "viewer")
    status, session, _, _ = login(srv, "dave", "dave-pass-1")
    p = srv.run("users", "reset-password", "--username", "dave", stdin="dave-pass-2\n")
    check(call(srv, "GET", "/api/v1/dags", cookie=session)[0] == 401, "a password change ends the session")
    check(login(srv, "dave", "dave-pass-1")[0] == 401, "the old password no longer works")
    check(login(srv, "dave", "dave-pass-2")[0] == 200, "the new password works")
    # --- a role change through the CLI
    status, session, _, _ = login(srv, "dave", "dave-pass-2")
    srv.run("users", "set-role", "--username", "dave", "--role", "admin")
    check(call(srv, "GET", "/api/v1/dags", cookie=session)[0] == 401, "a role change ends the session")
    status, session, _, _ = login(srv, "dave", "dave-pass-2")
    status, _, body = call(srv, "GET", "/api/v1/auth/session", cookie=session)
    check(status == 200 and body.get("role") == "admin", f"a new session has the new role: {body}")
    # --- and through the API (admins only)
    status, viewer_session, _, _ = login(srv, "viewer", "viewer-pass")
    check(call(srv, "DELETE", "/api/v1/users/dave", user="viewer:viewer-pass")[0] == 403, "viewers cannot delete users")
    check(call(srv, "PATCH", "/api/v1/users/viewer", {"role": "admin"}, user="viewer:viewer-pass")[0] == 403,
          "viewers cannot promote themselves")
    status, _, body = call(srv, "PATCH", "/api/v1/users/viewer", {"password": "viewer-pass-2"}, user=admin)
    check(status == 200, f"an admin changes a password through the API: {status} {body}")
    check(call(srv, "GET", "/api/v1/dags", cookie=viewer_session)[0] == 401, "that ends the user's session")
    check(call(srv, "DELETE", "/api/v1/users/dave", user=admin)[0] == 204, "an admin deletes a user through the API")
    check(call(srv, "GET", "/api/v1/dags", cookie=session)[0] == 401, "that ends the user's session too")
    p = srv.run("users", "delete", "--username", "admin", check=False)
    check(p.returncode == 1 and "last admin" in p.stderr, f"the last admin cannot be deleted: {p.stderr}")

    # --- throttling: 30 wrong passwords in a burst, then the right one
    srv.run("users", "create", "--username", "target", "--password", "target-pass-1", "--role", "viewer")
    codes = [login(srv, "target", f"guess-{i}", source="127.0.0.3")[0] for i in range(30)]
    check(codes[:5] == [401] * 5 and set(codes[6:]) == {429}, f"wrong passwords: 401 five times, then 429: {codes}")
    status, _, _, _ = login(srv, "target", "target-pass-1", source="127.0.0.4")
    check(status == 429, f"after the burst the right password is refused too, from any address: {status}")
    status, headers, _ = call(srv, "GET", "/api/v1/dags", user="target:target-pass-1", source="127.0.0.4")
    check(status == 429 and any(k.lower() == "retry-after" for k, _ in headers),
          f"and over Basic auth, with Retry-After: {status}")
    # Basic guesses count too.
    srv.run("users", "create", "--username", "target2", "--password", "target-pass-2", "--role", "viewer")
    codes = [call(srv, "GET", "/api/v1/dags", user=f"target2:guess-{i}", source="127.0.0.5")[0] for i in range(10)]
    check(codes[-1] == 429, f"Basic guesses are throttled: {codes}")
    # Per address: 25 user names guessed from one address block it for everyone.
    for i in range(25):
        login(srv, f"nobody{i}", "guess", source="127.0.0.6")
    check(login(srv, "viewer", "viewer-pass-2", source="127.0.0.6")[0] == 429, "the guessing address is blocked")
    check(login(srv, "viewer", "viewer-pass-2", source="127.0.0.7")[0] == 200, "other addresses are not")
    log = srv.server_log()
    check("failed login for user 'target' from 127.0.0.3" in log, "failed logins are logged with the address")
    check("failed basic auth for user 'target2' from 127.0.0.5" in log, "failed Basic auth is logged with the address")
    check("failed login for an unknown user name" in log and "from 127.0.0.6" in log,
          "unknown user names are logged by length, with the address")
    check("guess-" not in log, "no tried password reaches the log")

    # --- JSON nesting: a 400 with a clear message, and the server stays up
    deep = '{"conf": ' + "[" * 100000 + "]" * 100000 + "}"
    status, _, body = call(srv, "POST", "/api/v1/dags/arxiv_full_pipeline/dagRuns", deep, user=admin)
    check(status == 400 and "nested deeper than 64 levels" in json.dumps(body), f"deep conf: {status} {body}")
    deep_extra = {"connection_id": "deep", "conn_type": "http", "extra": "{\"a\": " + "[" * 50000 + "]" * 50000 + "}"}
    status, _, body = call(srv, "POST", "/api/v1/connections", deep_extra, user=admin)
    check(status == 400 and "nested deeper than 64 levels" in json.dumps(body), f"deep extra: {status} {body}")
    check(call(srv, "GET", "/api/v1/health")[0] == 200, "the server is still up")
    p = srv.run("dags", "trigger", "arxiv_full_pipeline", "--conf", "[" * 30000 + "]" * 30000, check=False)
    check(p.returncode == 1 and "nested deeper than 64 levels" in p.stderr, f"CLI --conf: {p.stderr[:200]}")
    p = srv.run("connections", "add", "deep", "--conn-type", "http", "--conn-extra", "{\"a\":" + "[" * 1000 + "]" * 1000 + "}",
                check=False)
    check(p.returncode == 1 and "nested deeper than 64 levels" in p.stderr, f"CLI --conn-extra: {p.stderr[:200]}")

    # --- one run-id rule in the API and the CLI
    for bad in ["a/b", "a\nb", "a b"]:
        status, _, body = call(srv, "POST", "/api/v1/dags/arxiv_full_pipeline/dagRuns", {"dag_run_id": bad}, user=admin)
        check(status == 400 and "a run id is 1-250 characters of letters, digits and _ . ~ : + -" in json.dumps(body),
              f"API run id {bad!r}: {status} {body}")

    # --- the Secure cookie option (command line, then environment)
    for extra, env in ((["--secure-cookies"], {}), ([], {"ARXIVFLOW_SECURE_COOKIES": "1"})):
        srv.env.update(env)
        srv.extra = tuple(extra)
        srv.restart()
        _, _, _, cookies = login(srv, "admin", "admin-pass")
        check(len(cookies) == 2 and all("; Secure" in c for c in cookies), f"Secure cookies with {extra or env}: {cookies}")
        for k in env:
            del srv.env[k]
    srv.extra = ()
    srv.restart()
    _, _, _, cookies = login(srv, "admin", "admin-pass")
    check(cookies and not any("Secure" in c for c in cookies), f"no Secure flag by default: {cookies}")


if __name__ == "__main__":
    main()
