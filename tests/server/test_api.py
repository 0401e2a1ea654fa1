"""REST API over HTTP against a running `arxivflow webserver` on the real
metadata store: status codes, auth, CSRF, roles, pagination, errors, CRUD,
and a real DAG run (with a scheduler) whose logs are read by offset."""
import hashlib
import os
import sqlite3
import time

from server_helpers import BROKEN_DAG, CheckRun, Server, wait_for

TEST_DAG = """
dag_id: api_test_dag
description: "A test DAG <b>with markup</b>"
schedule: null
start_date: 2026-01-01
tasks:
  - task_id: begin
    operator: noop
  - task_id: say_hello
    operator: shell
    args:
      argv: ["/bin/sh", "-c", "for i in 1 2 3; do echo hello line $i; done"]
  - task_id: end
    operator: noop
dependencies:
  - "begin >> say_hello >> end"
"""

check = None  # CheckRun.check of the running test


def expect(resp, status, what):
    ok = resp.status == status
    check(ok, f"{what}: expected {status}, got {resp.status} {resp.body[:300]}")
    if ok and status >= 400:
        check(resp.headers.get("Content-Type", "").startswith("application/problem+json"),
              f"{what}: problem+json content type")
        body = resp.json()
        check(body.get("status") == status and "title" in body and "type" in body, f"{what}: problem fields")
    return resp


def main():
    global check
    srv = Server()
    srv.write_dag("api_test_dag.yaml", TEST_DAG)
    srv.write_dag("broken.yaml", BROKEN_DAG)
    srv.start()
    srv.start_scheduler()
    with CheckRun(srv) as run:
        check = run.check
        run_checks(srv)
    print("all API checks passed")


def run_checks(srv):
    anon = srv.client()
    # --- no login
    h = expect(anon.get("/api/v1/health"), 200, "health without login")
    check(h.json()["metadatabase"]["status"] == "healthy", "health: metadatabase healthy")
    check("default-src 'self'" in h.headers.get("Content-Security-Policy", ""), "CSP header")
    check(h.headers.get("X-Content-Type-Options") == "nosniff", "nosniff header")
    expect(anon.get("/api/v1/dags"), 401, "dags without login")
    expect(anon.get("/api/v1/openapi.json"), 401, "openapi without login")
    expect(anon.get("/api/v1/connections"), 401, "connections without login")
    ui = anon.get("/dags")  # urllib follows the redirect to /login
    check(ui.status == 200 and "/static/app.js" in ui.body, "UI redirects to the login page")

    # --- login
    bad = srv.client()
    expect(bad.request("POST", "/api/v1/auth/login", {"username": "admin", "password": "nope"}), 401, "wrong password")
    expect(bad.request("POST", "/api/v1/auth/login", raw="{not json"), 400, "login bad JSON")
    expect(srv.client(basic="admin:nope").get("/api/v1/dags"), 401, "basic auth wrong password")

    admin = srv.client()
    r = admin.login("admin", "admin-pass")
    cookie = r.headers.get("Set-Cookie", "")
    check("HttpOnly" in cookie and "SameSite=Strict" in cookie, "session cookie HttpOnly + SameSite=Strict")
    me = expect(admin.get("/api/v1/auth/session"), 200, "session info").json()
    check(me["role"] == "admin", "session role admin")

    # --- DAG list and pagination
    dags = wait_for(lambda: (lambda d: d if any(x["dag_id"] == "api_test_dag" for x in d["dags"]) else None)(
        admin.get("/api/v1/dags").json()), 20, "the test DAG to be listed")
    ids = [d["dag_id"] for d in dags["dags"]]
    check("arxiv_full_pipeline" in ids and "api_test_dag" in ids, f"DAG list holds shipped + test DAGs: {ids}")
    total = dags["total_entries"]
    page = expect(admin.get("/api/v1/dags?limit=2&offset=1"), 200, "paged list").json()
    check(len(page["dags"]) == 2 and page["total_entries"] == total and page["dags"][0]["dag_id"] == ids[1],
          "limit/offset pagination")
    expect(admin.get("/api/v1/dags?limit=-5"), 400, "negative limit")
    expect(admin.get("/api/v1/dags?offset=x"), 400, "non-numeric offset")
    one = expect(admin.get("/api/v1/dags/api_test_dag"), 200, "get DAG").json()
    check(one["description"] == "A test DAG <b>with markup</b>", "DAG description kept verbatim (escaped by the UI)")
    tasks = expect(admin.get("/api/v1/dags/api_test_dag/tasks"), 200, "DAG tasks").json()
    check([t["task_id"] for t in tasks["tasks"]] == ["begin", "say_hello", "end"], "tasks in topological order")
    expect(admin.get("/api/v1/dags/no_such_dag"), 404, "unknown DAG")
    expect(admin.get("/api/v1/dags/no_such_dag/dagRuns"), 404, "runs of unknown DAG")
    expect(admin.request("DELETE", "/api/v1/dags/api_test_dag"), 405, "DELETE on a DAG")

    # --- import errors
    errs = expect(admin.get("/api/v1/importErrors"), 200, "import errors").json()
    check(errs["total_entries"] >= 1 and any("broken.yaml" in e["filename"] for e in errs["import_errors"]),
          "broken DAG file listed as an import error")

    # --- CSRF and roles
    expect(admin.request("PATCH", "/api/v1/dags/api_test_dag", {"is_paused": True}, csrf=False), 403, "PATCH without CSRF")
    expect(admin.request("PATCH", "/api/v1/dags/api_test_dag", {"is_paused": True},
                         headers={"X-CSRF-Token": "0" * 64}, csrf=False), 403, "PATCH with wrong CSRF")
    p = expect(admin.request("PATCH", "/api/v1/dags/api_test_dag", {"is_paused": True}), 200, "pause with CSRF")
    check(p.json()["is_paused"] is True, "DAG paused")
    expect(admin.request("PATCH", "/api/v1/dags/api_test_dag", {"is_paused": False}), 200, "unpause")
    expect(admin.request("PATCH", "/api/v1/dags/api_test_dag", raw="{oops"), 400, "PATCH bad JSON")
    expect(admin.request("PATCH", "/api/v1/dags/api_test_dag", {"is_paused": "no"}), 400, "PATCH wrong type")

    viewer = srv.client()
    viewer.login("viewer", "viewer-pass")
    expect(viewer.get("/api/v1/dags"), 200, "viewer reads")
    expect(viewer.request("POST", "/api/v1/dags/api_test_dag/dagRuns", {}), 403, "viewer triggers")
    expect(viewer.request("PATCH", "/api/v1/dags/api_test_dag", {"is_paused": True}), 403, "viewer pauses")
    expect(viewer.request("POST", "/api/v1/variables", {"key": "x", "value": "y"}), 403, "viewer sets variable")
    expect(srv.client(basic="viewer:viewer-pass").request("POST", "/api/v1/connections",
                                                          {"connection_id": "x", "conn_type": "http"}), 403,
           "viewer (basic auth) creates connection")
    expect(viewer.get("/api/v1/users"), 403, "viewer lists users")
    users = expect(admin.get("/api/v1/users"), 200, "admin lists users").json()
    check(sorted(u["username"] for u in users["users"]) == ["admin", "viewer"], "users listed")
    check("password" not in str(users).lower() or "password_hash" not in str(users), "no hashes in user list")

    # --- trigger (basic auth needs no CSRF), conflicts, bad input
    script = srv.client(basic="admin:admin-pass")
    run = expect(script.request("POST", "/api/v1/dags/api_test_dag/dagRuns",
                                {"dag_run_id": "api_run_1", "conf": {"who": "api test"}}), 200, "trigger").json()
    check(run["dag_run_id"] == "api_run_1" and run["conf"] == {"who": "api test"}, "trigger returns the run")
    expect(script.request("POST", "/api/v1/dags/api_test_dag/dagRuns", {"dag_run_id": "api_run_1"}), 409,
           "duplicate run id")
    expect(script.request("POST", "/api/v1/dags/api_test_dag/dagRuns", raw="not json"), 400, "trigger bad JSON")
    expect(script.request("POST", "/api/v1/dags/api_test_dag/dagRuns", {"conf": [1, 2]}), 400, "conf not an object")
    expect(script.request("POST", "/api/v1/dags/no_such_dag/dagRuns", {}), 404, "trigger unknown DAG")
    big = {"conf": {"blob": "x" * (2 * 1024 * 1024)}}
    expect(script.request("POST", "/api/v1/dags/api_test_dag/dagRuns", big), 413, "2 MB body")

    # --- the run goes to success under the scheduler
    final = wait_for(lambda: (lambda s: s if s in ("success", "failed") else None)(
        admin.get("/api/v1/dags/api_test_dag/dagRuns/api_run_1").json()["state"]), 90, "run to finish")
    check(final == "success", f"run finished in success (got {final})")
    tis = expect(admin.get("/api/v1/dags/api_test_dag/dagRuns/api_run_1/taskInstances"), 200, "task instances").json()
    check(tis["total_entries"] == 3 and all(t["state"] == "success" for t in tis["task_instances"]),
          f"all task instances success: {[(t['task_id'], t['state']) for t in tis['task_instances']]}")
    expect(admin.get("/api/v1/dags/api_test_dag/dagRuns/nope"), 404, "unknown run")
    expect(admin.get("/api/v1/dags/api_test_dag/dagRuns/api_run_1/taskInstances/nope"), 404, "unknown task instance")
    runs = expect(admin.get("/api/v1/dags/api_test_dag/dagRuns?limit=1"), 200, "run list").json()
    check(runs["total_entries"] >= 1 and len(runs["dag_runs"]) == 1, "run list paged")
    grid = expect(admin.get("/api/v1/dags/api_test_dag/grid"), 200, "grid").json()
    check(grid["dag_runs"][0]["task_instances"]["say_hello"]["state"] == "success", "grid shows states")

    # --- logs by try, followed by offset
    log_path = "/api/v1/dags/api_test_dag/dagRuns/api_run_1/taskInstances/say_hello/logs/1"
    first = expect(admin.get(log_path + "?max_bytes=10"), 200, "log first chunk").json()
    check(first["offset"] == 0 and first["next_offset"] == len(first["content"].encode()), "log chunk offsets")
    content = first["content"]
    token = first["continuation_token"]
    for _ in range(1000):
        chunk = admin.get(log_path + "?max_bytes=10&token=" + token).json()
        content += chunk["content"]
        token = chunk["continuation_token"]
        if chunk["end_of_log"]:
            break
    check("hello line 3" in content, "log holds the task's output")
    text = admin.get(log_path, headers={"Accept": "text/plain"})
    check(text.status == 200 and text.headers.get("Content-Type", "").startswith("text/plain")
          and text.body == content, "log as text/plain equals the followed content")
    expect(admin.get(log_path.replace("/logs/1", "/logs/9")), 404, "log of a try that never ran")
    expect(admin.get(log_path.replace("/logs/1", "/logs/zero")), 400, "bad try number")

    # --- mark failed, then clear (retry): the run goes back to success
    expect(admin.request("PATCH", "/api/v1/dags/api_test_dag/dagRuns/api_run_1/taskInstances/end",
                         {"new_state": "bogus"}), 400, "bad new_state")
    expect(admin.request("PATCH", "/api/v1/dags/api_test_dag/dagRuns/api_run_1/taskInstances/end",
                         {"new_state": "failed", "dry_run": False}), 200, "mark failed")
    ti = admin.get("/api/v1/dags/api_test_dag/dagRuns/api_run_1/taskInstances/end").json()
    check(ti["state"] == "failed", "task marked failed")
    cleared = expect(admin.request("POST", "/api/v1/dags/api_test_dag/clearTaskInstances",
                                   {"dry_run": False, "dag_run_id": "api_run_1", "only_failed": True}), 200,
                     "clear failed").json()
    check([t["task_id"] for t in cleared["task_instances"]] == ["end"], "only the failed task cleared")
    wait_for(lambda: admin.get("/api/v1/dags/api_test_dag/dagRuns/api_run_1/taskInstances/end").json()["state"]
             == "success", 60, "cleared task to rerun")
    expect(admin.request("POST", "/api/v1/dags/api_test_dag/clearTaskInstances", {"task_ids": ["nope"]}), 404,
           "clear unknown task")

    # --- connections: CRUD, passwords never returned
    secret = "s3cr3t-Pa55"
    c = expect(admin.request("POST", "/api/v1/connections", {
        "connection_id": "test_pg", "conn_type": "postgres", "host": "127.0.0.1", "port": 5432,
        "login": "me", "password": secret, "schema": "db", "extra": '{"sslmode": "disable", "api_token": "tok-123"}'}),
        200, "create connection").json()
    check(c["has_password"] is True and "password" not in c, "created connection has no password field")
    expect(admin.request("POST", "/api/v1/connections", {"connection_id": "test_pg", "conn_type": "postgres"}), 409,
           "duplicate connection")
    expect(admin.request("POST", "/api/v1/connections", {"connection_id": "bad id!", "conn_type": "x"}), 400,
           "bad connection id")
    for path in ("/api/v1/connections", "/api/v1/connections/test_pg"):
        body = admin.get(path).body
        check(secret not in body and "tok-123" not in body, f"{path} never shows secrets")
    expect(admin.request("PATCH", "/api/v1/connections/test_pg", {"host": "db.local"}), 200, "update connection")
    got = admin.get("/api/v1/connections/test_pg").json()
    check(got["host"] == "db.local" and got["has_password"] is True, "update keeps the password")
    uri = srv.run("connections", "get", "test_pg", check=False).stdout
    expect(admin.request("PATCH", "/api/v1/connections/missing", {"host": "x"}), 404, "update unknown connection")
    expect(admin.request("DELETE", "/api/v1/connections/test_pg"), 204, "delete connection")
    expect(admin.get("/api/v1/connections/test_pg"), 404, "deleted connection")
    expect(admin.request("DELETE", "/api/v1/connections/test_pg"), 404, "delete twice")
    del uri

    # --- variables: CRUD, masking
    expect(admin.request("POST", "/api/v1/variables", {"key": "S3_BUCKED", "value": "bucket-a", "description": "d"}),
           200, "create variable")
    expect(admin.request("POST", "/api/v1/variables", {"key": "API_PASSWORD", "value": "hide-me"}), 200, "secret var")
    lst = admin.get("/api/v1/variables").json()
    vals = {v["key"]: v["value"] for v in lst["variables"]}
    check(vals.get("S3_BUCKED") == "bucket-a" and vals.get("API_PASSWORD") == "***", f"variables listed/masked: {vals}")
    check(viewer.get("/api/v1/variables/API_PASSWORD").json()["value"] == "***", "viewer sees secrets masked")
    expect(admin.request("PATCH", "/api/v1/variables/S3_BUCKED", {"value": "bucket-b"}), 200, "update variable")
    check(admin.get("/api/v1/variables/S3_BUCKED").json()["value"] == "bucket-b", "variable updated")
    expect(admin.request("PATCH", "/api/v1/variables/S3_BUCKED", {"key": "OTHER", "value": "x"}), 400, "rename var")
    expect(admin.request("POST", "/api/v1/variables", {"key": "X", "value": 12}), 400, "non-string value")
    expect(admin.request("DELETE", "/api/v1/variables/S3_BUCKED"), 204, "delete variable")
    expect(admin.get("/api/v1/variables/S3_BUCKED"), 404, "deleted variable")
    got = srv.run("variables", "get", "API_PASSWORD", check=False)
    check("hide-me" in got.stdout, "variable set through the API is readable by the CLI (same store)")

    # --- warehouse endpoints answer before any load
    t = expect(admin.get("/api/v1/warehouse/tables"), 200, "warehouse tables").json()
    check(len(t["tables"]) == 6, "six warehouse tables listed")
    expect(admin.get("/api/v1/warehouse/search"), 400, "search without q")

    # --- OpenAPI
    doc = expect(admin.get("/api/v1/openapi.json"), 200, "openapi").json()
    check(doc["openapi"].startswith("3.") and "/api/v1/dags/{dag_id}/dagRuns" in doc["paths"], "OpenAPI 3 document")

    # --- sessions live in the metadata DB: a restart keeps users logged in
    token = next(c.value for c in admin.jar if c.name == "af_session")
    db = sqlite3.connect(os.path.join(srv.root, "arxivflow.db"))
    stored = db.execute("SELECT token_hash, username, csrf_token, created < expires FROM sessions").fetchall()
    db.close()
    check((hashlib.sha256(token.encode()).hexdigest(), "admin", admin.csrf, 1) in stored,
          f"the session is stored as the SHA-256 of its token: {[(s[1], s[3]) for s in stored]}")
    check(all(token not in str(row) for row in stored), "the raw session token is not stored")
    srv.restart()
    admin.base = viewer.base = srv.base
    me = expect(admin.get("/api/v1/auth/session"), 200, "session cookie after a restart").json()
    check(me["username"] == "admin" and me["csrf_token"] == admin.csrf, "same session and CSRF token after a restart")
    expect(admin.request("PATCH", "/api/v1/dags/api_test_dag", {"is_paused": False}), 200, "write after a restart")
    expect(viewer.get("/api/v1/dags"), 200, "second session after a restart")

    # --- logout
    expect(admin.request("POST", "/api/v1/auth/logout"), 204, "logout")
    expect(admin.get("/api/v1/dags"), 401, "after logout")
    db = sqlite3.connect(os.path.join(srv.root, "arxivflow.db"))
    left = db.execute("SELECT COUNT(*) FROM sessions WHERE token_hash = ?",
                      (hashlib.sha256(token.encode()).hexdigest(),)).fetchone()[0]
    db.close()
    check(left == 0, "logout deletes the stored session")
    srv.restart()
    admin.base = srv.base
    expect(admin.get("/api/v1/dags"), 401, "a logged-out cookie stays invalid after a restart")

    # --- nothing internal leaked in any error body seen by the server log? (spot check)
    check("Traceback" not in srv.server_log(), "no stack traces")


if __name__ == "__main__":
    main()
