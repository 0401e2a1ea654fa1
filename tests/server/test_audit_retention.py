"""The audit log and retention over HTTP and the CLI, against a real webserver
and scheduler: every state-changing action (trigger, pause, mark, clear,
connection/variable/user changes, login, logout, failed login) lands in
GET /api/v1/eventLogs and `arxivflow events list` with who, from where and
what, never with a secret; failed logins fold into one row; viewers may not
read it; `arxivflow db clean` removes finished runs with their logs and audit
rows but never a running run; /health reports the logs' disk use."""
import json
import os
import time
import urllib.parse

from server_helpers import CheckRun, Server, wait_for

DAG = """
dag_id: audited
tasks:
  - task_id: first
    operator: noop
  - task_id: second
    operator: noop
    upstream: [first]
"""

GATE_DAG = """
dag_id: gated
tasks:
  - task_id: wait
    operator: shell
    args:
      argv: ["/bin/sh", "-c", "while [ ! -e {gate} ]; do sleep 0.05; done"]
"""

SECRETS = ["Sup3rSecretPw!", "VarSecretValue42", "viewer-pass", "admin-pass", "wrong-pass-xyz", "argon2"]


def main():
    srv = Server(keep_shipped_dags=False)
    gate = os.path.join(srv.root, "gate")
    srv.write_dag("audited.yaml", DAG)
    srv.write_dag("gated.yaml", GATE_DAG.replace("{gate}", gate))
    srv.start()
    srv.start_scheduler("--heartbeat-interval", "0.2")
    with CheckRun(srv) as run:
        check = run.check
        admin = srv.client()
        admin.login("admin", "admin-pass")
        basic = srv.client(basic="admin:admin-pass")
        wait_for(lambda: basic.get("/api/v1/dags/audited").status == 200, 30, "the DAG to be listed")

        # --- actions over HTTP
        r = admin.request("POST", "/api/v1/dags/audited/dagRuns", {"dag_run_id": "r1"})
        check(r.status == 200, f"trigger: {r.status} {r.body}")
        wait_for(lambda: basic.get("/api/v1/dags/audited/dagRuns/r1").json()["state"] == "success", 60, "r1 to succeed")
        check(admin.request("PATCH", "/api/v1/dags/audited", {"is_paused": True}).status == 200, "pause")
        check(admin.request("PATCH", "/api/v1/dags/audited", {"is_paused": False}).status == 200, "unpause")
        r = admin.request("PATCH", "/api/v1/dags/audited/dagRuns/r1/taskInstances/second",
                          {"new_state": "failed", "dry_run": False})
        check(r.status == 200, f"mark task instance: {r.status} {r.body}")
        r = admin.request("POST", "/api/v1/dags/audited/clearTaskInstances",
                          {"dry_run": False, "dag_run_id": "r1", "only_failed": True})
        check(r.status == 200, f"clear: {r.status} {r.body}")
        r = admin.request("POST", "/api/v1/connections",
                          {"connection_id": "pg", "conn_type": "postgres", "host": "db.local", "password": "Sup3rSecretPw!"})
        check(r.status == 200, f"connection create: {r.status} {r.body}")
        check(admin.request("DELETE", "/api/v1/connections/pg").status == 204, "connection delete")
        check(admin.request("POST", "/api/v1/variables", {"key": "api_token", "value": "VarSecretValue42"}).status == 200,
              "secret variable set")
        check(admin.request("POST", "/api/v1/variables", {"key": "region", "value": "eu-north"}).status == 200,
              "plain variable set")
        check(admin.request("PATCH", "/api/v1/users/viewer", {"role": "viewer", "password": "viewer-pass"}).status == 200,
              "user update")
        for _ in range(5):
            bad = srv.client()
            r = bad.request("POST", "/api/v1/auth/login", {"username": "admin", "password": "wrong-pass-xyz"})
            check(r.status in (401, 429), f"failed login refused: {r.status}")
        for _ in range(3):
            bad = srv.client()
            bad.request("POST", "/api/v1/auth/login", {"username": "no-such-user", "password": "wrong-pass-xyz"})

        # --- actions from the CLI
        srv.run("dags", "pause", "audited")
        srv.run("variables", "set", "cli_var", "from-the-cli")
        srv.run("users", "create", "--username", "dave", "--password", "dave-pass-123", "--role", "viewer")

        # --- the event log over HTTP
        page = basic.get("/api/v1/eventLogs?limit=1000").json()
        events = [e["event"] for e in page["event_logs"]]
        check(page["total_entries"] == len(events), f"total_entries {page['total_entries']} vs {len(events)}")
        for wanted in ["login", "trigger", "pause", "unpause", "mark_task_instance", "clear", "connection_create",
                       "connection_delete", "variable_create", "user_update", "failed_login", "user_create"]:
            check(wanted in events, f"event {wanted} recorded: {events}")
        text = json.dumps(page)
        for secret in SECRETS:
            check(secret not in text, f"secret {secret!r} not in the event log")
        trig = [e for e in page["event_logs"] if e["event"] == "trigger"][0]
        check(trig["owner"] == "admin" and trig["dag_id"] == "audited" and trig["run_id"] == "r1"
              and trig["origin"].startswith("api 127.0.0.1") and trig["logical_date"],
              f"trigger row has who/what/where: {trig}")
        for key in ["event_log_id", "when", "dag_id", "task_id", "run_id", "map_index", "try_number", "event",
                    "execution_date", "logical_date", "owner", "extra"]:
            check(key in trig, f"Airflow field {key} present")
        mark = [e for e in page["event_logs"] if e["event"] == "mark_task_instance"][0]
        check(mark["task_id"] == "second" and '"after":"failed"' in mark["extra"], f"mark row: {mark}")
        failed = [e for e in page["event_logs"] if e["event"] == "failed_login"]
        check(len(failed) == 2 and sorted(e["count"] for e in failed) == [3, 5],
              f"failed logins fold into one row per name and address: {failed}")
        check(not any("no-such-user" in json.dumps(e) for e in failed), "an unknown typed name is not stored")
        var = [e for e in page["event_logs"] if e["event"] == "variable_create"]
        check(not any("eu-north" in e["extra"] for e in var) and any('"value_bytes":8' in e["extra"] for e in var),
              "no variable value is recorded (values are encrypted at rest), only its size")
        cli_rows = [e for e in page["event_logs"] if e["origin"] == "cli"]
        check(cli_rows and all(e["owner"].startswith("cli:") for e in cli_rows), f"CLI rows owned by cli:<user>: {cli_rows}")
        check({"pause", "variable_create", "user_create"} <= {e["event"] for e in cli_rows}, "CLI actions recorded")

        # filters, paging, order, one event
        only = basic.get("/api/v1/eventLogs?event=trigger").json()
        check(only["total_entries"] == 1 and only["event_logs"][0]["event"] == "trigger", "filter by event")
        inc = basic.get("/api/v1/eventLogs?included_events=pause,unpause").json()
        check(inc["total_entries"] == 3, f"included_events: {inc['total_entries']}")
        exc = basic.get("/api/v1/eventLogs?excluded_events=failed_login,login&dag_id=audited").json()
        check(all(e["dag_id"] == "audited" and e["event"] not in ("failed_login", "login") for e in exc["event_logs"]),
              "excluded_events and dag_id")
        newest = basic.get("/api/v1/eventLogs?order_by=-event_log_id&limit=2&offset=1").json()
        ids = [e["event_log_id"] for e in newest["event_logs"]]
        check(len(ids) == 2 and ids[0] > ids[1] and newest["total_entries"] == page["total_entries"], f"paging {ids}")
        future = urllib.parse.quote("2999-01-01T00:00:00+00:00")
        check(basic.get(f"/api/v1/eventLogs?after={future}").json()["total_entries"] == 0, "after filter")
        check(basic.get(f"/api/v1/eventLogs?before={future}&owner=admin").json()["total_entries"] > 0, "before + owner")
        one = basic.get(f"/api/v1/eventLogs/{trig['event_log_id']}")
        check(one.status == 200 and one.json() == trig, "GET /eventLogs/{id}")
        check(basic.get("/api/v1/eventLogs/999999").status == 404, "unknown id: 404")
        check(basic.get("/api/v1/eventLogs?order_by=extra").status == 400, "bad order_by: 400")
        check(basic.get("/api/v1/eventLogs?after=tomorrow").status == 400, "bad date: 400")
        viewer = srv.client(basic="viewer:viewer-pass")
        check(viewer.get("/api/v1/eventLogs").status == 403, "viewers may not read the audit log")
        r = admin.request("POST", "/api/v1/auth/logout")
        check(r.status == 204, "logout")
        logout = basic.get("/api/v1/eventLogs?event=logout").json()
        check(logout["total_entries"] == 1 and logout["event_logs"][0]["owner"] == "admin", "logout recorded")

        # --- the CLI reads the same service
        out = srv.run("events", "list", "--event", "trigger", "--output", "json").stdout
        cli = json.loads(out)
        check(cli["total_entries"] == 1 and cli["event_logs"][0]["run_id"] == "r1", f"events list --output json: {out}")
        table = srv.run("events", "list", "--dag-id", "audited", "--limit", "3").stdout
        check("event" in table.splitlines()[0] and "(3 of" in table, f"events list table: {table}")
        check(srv.run("events", "list", "--order-by", "bogus", check=False).returncode != 0, "bad --order-by fails")

        # --- health reports the logs' disk use
        health = basic.get("/api/v1/health").json()
        check(health.get("logs", {}).get("files", 0) > 0 and health["logs"]["bytes"] > 0, f"health logs: {health}")

        # --- retention: r1 (finished) goes with its logs; a running run stays
        srv.run("dags", "unpause", "gated")
        check(basic.request("POST", "/api/v1/dags/gated/dagRuns", {"dag_run_id": "busy"}).status == 200, "trigger busy")
        wait_for(lambda: basic.get("/api/v1/dags/gated/dagRuns/busy/taskInstances/wait").json()["state"] == "running",
                 60, "busy to run")
        r1_logs = os.path.join(srv.root, "logs", "dag_id=audited", "run_id=r1")
        check(os.path.isdir(r1_logs), "r1 has a log folder")
        dry = srv.run("db", "clean", "--older-than", "0", "--dry-run").stdout
        check("1 DAG runs" in dry and "Dry run" in dry, f"dry run counts: {dry}")
        check(basic.get("/api/v1/dags/audited/dagRuns/r1").status == 200, "dry run removes nothing")
        no = srv.run("db", "clean", "--older-than", "0", stdin="n\n").stdout
        check("Nothing removed" in no, f"declined: {no}")
        done = srv.run("db", "clean", "--older-than", "0", "--yes").stdout
        check("Removed 1 DAG runs, 2 task instances" in done, f"clean output: {done}")
        check(basic.get("/api/v1/dags/audited/dagRuns/r1").status == 404, "r1 removed")
        check(not os.path.exists(r1_logs), "r1's log folder removed")
        check(basic.get("/api/v1/dags/gated/dagRuns/busy").status == 200, "the running run stays")
        left = basic.get("/api/v1/eventLogs").json()["total_entries"]
        check(left <= 2, f"audit rows before the cut removed ({left} left: the clean's own reads add none)")
        open(gate, "w").close()
        wait_for(lambda: basic.get("/api/v1/dags/gated/dagRuns/busy").json()["state"] == "success", 60, "busy to end")
    print("all audit and retention checks passed")


if __name__ == "__main__":
    main()
