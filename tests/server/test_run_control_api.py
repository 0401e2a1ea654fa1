"""Run control over HTTP and the CLI against a real webserver and scheduler:
pausing a DAG stops new task instances in a running run (running ones
finish), PATCH of a task instance is a dry run unless told otherwise, the
health endpoint follows the scheduler's heartbeat (a stopped scheduler
process turns unhealthy though its pid lives), and a logical date can be
triggered only once."""
import os
import signal

from server_helpers import CheckRun, Server, wait_for

GATE_DAG = """
dag_id: gated
tasks:
  - task_id: first
    operator: shell
    args:
      argv: ["/bin/sh", "-c", "while [ ! -e {gate} ]; do sleep 0.05; done"]
  - task_id: second
    operator: noop
    upstream: [first]
"""

check = None  # CheckRun.check of the running test


def main():
    global check
    srv = Server(keep_shipped_dags=False)
    gate = os.path.join(srv.root, "gate")
    srv.write_dag("gated.yaml", GATE_DAG.replace("{gate}", gate))
    srv.start("--scheduler-health-threshold", "2")
    scheduler = srv.start_scheduler("--heartbeat-interval", "0.1")
    with CheckRun(srv) as run:
        check = run.check
        admin = srv.client(basic="admin:admin-pass")
        wait_for(lambda: admin.get("/api/v1/dags/gated").status == 200, 30, "the DAG to be listed")
        check_health_follows_the_heartbeat(admin, scheduler)
        check_pause_stops_new_task_instances(srv, admin, gate)
        check_patch_task_instance_is_a_dry_run_by_default(admin)
        check_a_logical_date_is_triggered_once(srv, admin)
    print("all run-control checks passed")


def scheduler_health(admin):
    return admin.get("/api/v1/health").json()["scheduler"]


def check_health_follows_the_heartbeat(admin, scheduler):
    h = wait_for(lambda: (lambda s: s if s["status"] == "healthy" else None)(scheduler_health(admin)), 30,
                 "a healthy scheduler")
    check(h["latest_scheduler_heartbeat"] is not None and isinstance(h["heartbeat_age_seconds"], (int, float)),
          f"health reports the heartbeat and its age: {h}")
    first = h["latest_scheduler_heartbeat"]
    wait_for(lambda: scheduler_health(admin)["latest_scheduler_heartbeat"] != first, 30, "a newer heartbeat")
    # A hung scheduler: its process exists, its loop does not beat.
    scheduler.send_signal(signal.SIGSTOP)
    try:
        hung = wait_for(lambda: (lambda s: s if s["status"] == "unhealthy" else None)(scheduler_health(admin)), 60,
                        "the stopped scheduler to turn unhealthy")
        check(hung["heartbeat_age_seconds"] > 2, f"a stale heartbeat's age is reported: {hung}")
    finally:
        scheduler.send_signal(signal.SIGCONT)
    wait_for(lambda: scheduler_health(admin)["status"] == "healthy", 60, "the resumed scheduler to be healthy")


def ti_state(admin, run_id, task_id):
    return admin.get(f"/api/v1/dags/gated/dagRuns/{run_id}/taskInstances/{task_id}").json()["state"]


def heartbeats_seen(admin, count):
    """Waits until the scheduler has recorded `count` more heartbeats: passes of its loop."""
    seen = set()

    def more():
        seen.add(scheduler_health(admin)["latest_scheduler_heartbeat"])
        return len(seen) > count

    wait_for(more, 60, f"{count} scheduler heartbeats")


def check_pause_stops_new_task_instances(srv, admin, gate):
    run = admin.request("POST", "/api/v1/dags/gated/dagRuns", {"dag_run_id": "pause_run"}).json()
    check(run.get("dag_run_id") == "pause_run", f"triggered: {run}")
    wait_for(lambda: ti_state(admin, "pause_run", "first") == "running", 60, "the first task to run")
    p = admin.request("PATCH", "/api/v1/dags/gated", {"is_paused": True})
    check(p.status == 200 and p.json()["is_paused"] is True, "paused through the API")
    open(gate, "w").close()  # the running task may finish now
    wait_for(lambda: ti_state(admin, "pause_run", "first") == "success", 60, "the running task to finish")
    heartbeats_seen(admin, 5)  # several scheduler passes while paused
    check(ti_state(admin, "pause_run", "second") is None,
          f"a paused DAG started no new task instance (second is {ti_state(admin, 'pause_run', 'second')})")
    check(admin.get("/api/v1/dags/gated/dagRuns/pause_run").json()["state"] == "running", "the run waits")
    deps = srv.run("tasks", "failed-deps", "gated", "second", "pause_run").stdout
    check("DAG is paused" in deps, f"failed-deps names the pause: {deps}")
    admin.request("PATCH", "/api/v1/dags/gated", {"is_paused": False})
    final = wait_for(lambda: (lambda s: s if s in ("success", "failed") else None)(
        admin.get("/api/v1/dags/gated/dagRuns/pause_run").json()["state"]), 60, "the run to finish once unpaused")
    check(final == "success", f"the unpaused run succeeded ({final})")


def check_patch_task_instance_is_a_dry_run_by_default(admin):
    path = "/api/v1/dags/gated/dagRuns/pause_run/taskInstances/second"
    r = admin.request("PATCH", path, {"new_state": "failed"})
    check(r.status == 200 and r.json()["dry_run"] is True, f"PATCH without dry_run is a dry run: {r.body}")
    check(ti_state(admin, "pause_run", "second") == "success", "a dry run changed nothing")
    r = admin.request("PATCH", path, {"new_state": "failed", "dry_run": False})
    check(r.status == 200 and r.json()["dry_run"] is False, f"PATCH with dry_run false: {r.body}")
    check(ti_state(admin, "pause_run", "second") == "failed", "dry_run false marks the task instance")


def check_a_logical_date_is_triggered_once(srv, admin):
    date = "2026-03-01T00:00:00+00:00"
    first = admin.request("POST", "/api/v1/dags/gated/dagRuns", {"dag_run_id": "dated_1", "logical_date": date})
    check(first.status == 200, f"first trigger of a logical date: {first.status} {first.body}")
    again = admin.request("POST", "/api/v1/dags/gated/dagRuns", {"dag_run_id": "dated_2", "logical_date": date})
    check(again.status == 409, f"second trigger of the same logical date is 409: {again.status} {again.body}")
    check("logical date" in again.json().get("detail", ""), f"the 409 says why: {again.body}")
    cli = srv.run("dags", "trigger", "gated", "--logical-date", date, check=False)
    check(cli.returncode == 1 and cli.stderr.startswith("error: ") and "logical date" in cli.stderr
          and cli.stdout == "", f"the CLI refuses it with a clear error: {cli.returncode} {cli.stderr!r}")
    runs = admin.get("/api/v1/dags/gated/dagRuns").json()["dag_runs"]
    same = [r["dag_run_id"] for r in runs if r["logical_date"].startswith("2026-03-01T00:00:00")]
    check(same == ["dated_1"], f"one run for the logical date: {same}")


if __name__ == "__main__":
    main()
