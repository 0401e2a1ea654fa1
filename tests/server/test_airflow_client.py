"""API v2 through the official Apache Airflow 3 Python client
(`apache-airflow-client`, pinned in requirements-test.txt) and nothing else:
a bearer token from POST /auth/token, then DAGs, runs, task instances, logs,
clearing, marking, variables, connections, import errors and health, against
a real webserver and scheduler on a throw-away home.

Usage: test_airflow_client.py <path to arxivflow>  (run with the project's .venv python)"""
import json
import time
import urllib.request

import airflow_client.client as af
from airflow_client.client.api.connection_api import ConnectionApi
from airflow_client.client.api.dag_api import DAGApi
from airflow_client.client.api.dag_run_api import DagRunApi
from airflow_client.client.api.event_log_api import EventLogApi
from airflow_client.client.api.import_error_api import ImportErrorApi
from airflow_client.client.api.monitor_api import MonitorApi
from airflow_client.client.api.task_instance_api import TaskInstanceApi
from airflow_client.client.api.variable_api import VariableApi
from airflow_client.client.api.version_api import VersionApi
from airflow_client.client.exceptions import ApiException
from airflow_client.client.models import (ClearTaskInstancesBody, ConnectionBody, DAGPatchBody, DAGRunPatchBody,
                                          DAGRunsBatchBody, PatchTaskInstanceBody, TaskInstancesBatchBody,
                                          TriggerDAGRunPostBody, VariableBody)
from airflow_client.client.models import ClearTaskInstancesBodyTaskIdsInner as TaskId

from server_helpers import BROKEN_DAG, CheckRun, Server, wait_for

OK_DAG = """
dag_id: client_dag
description: "driven by the Airflow client"
schedule: null
start_date: 2026-01-01
tags: [client]
tasks:
  - task_id: begin
    operator: noop
  - task_id: say_conf
    operator: shell
    args:
      argv: ["/bin/sh", "-c", "echo first line; echo note={{ params.note | default('none') }}"]
  - task_id: end
    operator: noop
dependencies:
  - "begin >> say_conf >> end"
"""

FLAKY_DAG = """
dag_id: client_flaky
schedule: null
start_date: 2026-01-01
tasks:
  - task_id: fails
    operator: shell
    args:
      argv: ["/bin/sh", "-c", "echo about to fail; exit 3"]
  - task_id: after
    operator: noop
dependencies:
  - "fails >> after"
"""

check = None  # CheckRun.check of the running test


def token(base, username, password):
    req = urllib.request.Request(base + "/auth/token", method="POST",
                                 data=json.dumps({"username": username, "password": password}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 201, r.status
        return json.loads(r.read())["access_token"]


def client(base, access_token):
    return af.ApiClient(af.Configuration(host=base, access_token=access_token))


def run_state(runs, dag_id, run_id):
    return runs.get_dag_run(dag_id, run_id).state.value


def main():
    global check
    srv = Server(keep_shipped_dags=False)
    srv.write_dag("client_dag.yaml", OK_DAG)
    srv.write_dag("client_flaky.yaml", FLAKY_DAG)
    srv.write_dag("broken.yaml", BROKEN_DAG)
    srv.start()
    srv.start_scheduler()
    # An unexpected answer raises: CheckRun keeps the home to look at.
    with CheckRun(srv, echo_passes=True) as run:
        check = run.check
        run_checks(srv)
    print("all Airflow client checks passed")


def run_checks(srv):
    api = client(srv.base, token(srv.base, "admin", "admin-pass"))
    dags, runs, tis = DAGApi(api), DagRunApi(api), TaskInstanceApi(api)

    health = MonitorApi(api).get_health()
    check(health.metadatabase.status == "healthy", "health: the metadata DB is healthy")
    check(VersionApi(api).get_version().version != "", "version")

    listed = wait_for(lambda: (lambda d: d if {"client_dag", "client_flaky"} <= {x.dag_id for x in d.dags} else None)(
        dags.get_dags()), 30, "the DAGs to be listed")
    check(listed.total_entries >= 2, "list DAGs: total_entries")
    one = dags.get_dag("client_dag")
    check(one.dag_id == "client_dag" and [t.name for t in one.tags] == ["client"], "get DAG with its tags")
    details = dags.get_dag_details("client_dag")
    check(details.dag_id == "client_dag" and details.catchup is False, "DAG details")

    # Pause and unpause, one and by pattern.
    check(dags.patch_dag("client_dag", DAGPatchBody(is_paused=True)).is_paused is True, "pause a DAG")
    check(dags.get_dag("client_dag").is_paused is True, "the DAG reads as paused")
    bulk = dags.patch_dags(DAGPatchBody(is_paused=False), dag_id_pattern="client%")
    check({d.dag_id for d in bulk.dags} == {"client_dag", "client_flaky"} and not any(d.is_paused for d in bulk.dags),
          "bulk unpause by dag_id_pattern")

    # Trigger with conf and poll to success.
    run = runs.trigger_dag_run("client_dag", TriggerDAGRunPostBody(dag_run_id="client_run_1",
                                                                    logical_date=None, conf={"note": "hi"}))
    check(run.dag_run_id == "client_run_1" and run.conf == {"note": "hi"}, "trigger with conf")
    try:
        runs.trigger_dag_run("client_dag", TriggerDAGRunPostBody(dag_run_id="client_run_1", logical_date=None))
        check(False, "a second trigger of the same run id is refused")
    except ApiException as e:
        check(e.status == 409 and "detail" in json.loads(e.body), "a second trigger of the same run id is 409 {detail}")
    wait_for(lambda: run_state(runs, "client_dag", "client_run_1") == "success", 120, "client_run_1 to succeed")
    check(True, "the run reached success")
    listed_runs = runs.get_dag_runs("client_dag")
    check(any(r.dag_run_id == "client_run_1" for r in listed_runs.dag_runs), "list DAG runs")
    every = runs.get_dag_runs("~", state=["success"])
    check(any(r.dag_run_id == "client_run_1" for r in every.dag_runs), "list DAG runs of every DAG (~), by state")

    batch = runs.get_list_dag_runs_batch("~", DAGRunsBatchBody(dag_ids=["client_dag"], states=["success"]))
    check([r.dag_run_id for r in batch.dag_runs] == ["client_run_1"], "batch list of DAG runs")

    # Task instances and logs.
    listed_tis = tis.get_task_instances("client_dag", "client_run_1")
    check(sorted(t.task_id for t in listed_tis.task_instances) == ["begin", "end", "say_conf"]
          and all(t.state.value == "success" for t in listed_tis.task_instances), "list task instances")
    tb = tis.get_task_instances_batch("~", "~", TaskInstancesBatchBody(dag_ids=["client_dag"], task_ids=["say_conf"]))
    check([t.task_id for t in tb.task_instances] == ["say_conf"] and tb.total_entries == 1,
          "batch list of task instances")
    ti = tis.get_task_instance("client_dag", "client_run_1", "say_conf")
    check(ti.try_number == 1 and ti.state.value == "success", "get a task instance")
    log = tis.get_log("client_dag", "client_run_1", "say_conf", 1)
    lines = [m.event for m in log.content.actual_instance]
    check(any("note=hi" in line for line in lines), "read the log: the task saw its conf")
    tries = tis.get_task_instance_tries("client_dag", "client_run_1", "say_conf")
    check(tries.total_entries == 1 and tries.task_instances[0].try_number == 1, "the task instance's tries")

    # A failing task: clear it (dry run, then for real), then mark it success.
    runs.trigger_dag_run("client_flaky", TriggerDAGRunPostBody(dag_run_id="flaky_1", logical_date=None))
    wait_for(lambda: run_state(runs, "client_flaky", "flaky_1") == "failed", 120, "flaky_1 to fail")
    failed = tis.get_task_instance("client_flaky", "flaky_1", "fails")
    check(failed.state.value == "failed", "the failing task failed")
    dry = tis.post_clear_task_instances("client_flaky", ClearTaskInstancesBody(dry_run=True, task_ids=[TaskId("fails")],
                                                                                dag_run_id="flaky_1"))
    check([t.task_id for t in dry.task_instances] == ["fails"], "clear (dry run) lists the failed task")
    check(tis.get_task_instance("client_flaky", "flaky_1", "fails").state.value == "failed",
          "a dry run changes nothing")
    tis.post_clear_task_instances("client_flaky", ClearTaskInstancesBody(dry_run=False, task_ids=[TaskId("fails")],
                                                                          dag_run_id="flaky_1"))
    wait_for(lambda: tis.get_task_instance("client_flaky", "flaky_1", "fails").try_number >= 2
             and run_state(runs, "client_flaky", "flaky_1") == "failed", 120, "the cleared task to run and fail again")
    check(True, "a cleared task ran again (try 2)")
    check(tis.get_task_instance_tries("client_flaky", "flaky_1", "fails").total_entries == 2, "two tries recorded")
    marked = tis.patch_task_instance_dry_run("client_flaky", "flaky_1", "fails",
                                            PatchTaskInstanceBody(new_state="success"))
    check(marked.task_instances[0].state.value == "success"
          and tis.get_task_instance("client_flaky", "flaky_1", "fails").state.value == "failed",
          "mark success, dry run: nothing changes")
    tis.patch_task_instance("client_flaky", "flaky_1", "fails", PatchTaskInstanceBody(new_state="success"))
    check(tis.get_task_instance("client_flaky", "flaky_1", "fails").state.value == "success", "mark success")
    patched = runs.patch_dag_run("client_flaky", "flaky_1", DAGRunPatchBody(state="success"))
    check(patched.state.value == "success" and all(
        t.state.value == "success" for t in tis.get_task_instances("client_flaky", "flaky_1").task_instances),
        "mark a DAG run success: its unfinished task instances too")
    runs.delete_dag_run("client_flaky", "flaky_1")
    try:
        runs.get_dag_run("client_flaky", "flaky_1")
        check(False, "a deleted run is gone")
    except ApiException as e:
        check(e.status == 404, "a deleted run is 404")

    # Variables.
    variables = VariableApi(api)
    variables.post_variable(VariableBody(key="client_var", value="v1", description="from the client"))
    check(variables.get_variable("client_var").value == "v1", "create and read a variable")
    variables.patch_variable("client_var", VariableBody(key="client_var", value="v2"))
    check(variables.get_variable("client_var").value == "v2", "update a variable")
    check(any(v.key == "client_var" for v in variables.get_variables().variables), "list variables")
    variables.delete_variable("client_var")
    try:
        variables.get_variable("client_var")
        check(False, "a deleted variable is gone")
    except ApiException as e:
        check(e.status == 404, "a deleted variable is 404")

    # Connections (the password is never returned in clear).
    conns = ConnectionApi(api)
    conns.post_connection(ConnectionBody(connection_id="client_pg", conn_type="postgres", host="db.internal",
                                         port=5432, login="etl", password="s3cret", schema="arxiv"))
    got = conns.get_connection("client_pg")
    check(got.host == "db.internal" and got.port == 5432 and got.password != "s3cret", "create and read a connection")
    conns.patch_connection("client_pg", ConnectionBody(connection_id="client_pg", conn_type="postgres", host="db2"))
    check(conns.get_connection("client_pg").host == "db2", "update a connection")
    check(any(c.connection_id == "client_pg" for c in conns.get_connections().connections), "list connections")
    conns.delete_connection("client_pg")
    try:
        conns.get_connection("client_pg")
        check(False, "a deleted connection is gone")
    except ApiException as e:
        check(e.status == 404, "a deleted connection is 404")

    # Import errors.
    errors = ImportErrorApi(api).get_import_errors()
    check(any(e.filename.endswith("broken.yaml") for e in errors.import_errors), "import errors list the broken file")
    first = errors.import_errors[0]
    check(ImportErrorApi(api).get_import_error(first.import_error_id).filename == first.filename, "one import error")

    # Event logs: the audit log of what this test did, through the client's EventLogApi.
    events = EventLogApi(api)
    triggers = events.get_event_logs(dag_id="client_dag", event="trigger", limit=5)
    check(triggers.total_entries >= 1 and all(e.event == "trigger" and e.owner == "admin"
                                              for e in triggers.event_logs), "event logs list the triggers")
    check(events.get_event_log(triggers.event_logs[0].event_log_id).event == "trigger", "one event log")
    deletes = events.get_event_logs(included_events=["connection_delete", "variable_delete"])
    check({e.event for e in deletes.event_logs} == {"connection_delete", "variable_delete"},
          "event logs filter by included events: " + str({e.event for e in deletes.event_logs}))
    check(all("s3cret" not in (e.extra or "") for e in events.get_event_logs(limit=100).event_logs),
          "no connection password in the event logs")

    # A viewer's token reads but cannot write; a bad token is refused.
    viewer = client(srv.base, token(srv.base, "viewer", "viewer-pass"))
    check(DAGApi(viewer).get_dag("client_dag").dag_id == "client_dag", "a viewer's token reads")
    try:
        DAGApi(viewer).patch_dag("client_dag", DAGPatchBody(is_paused=True))
        check(False, "a viewer's token cannot write")
    except ApiException as e:
        check(e.status == 403, "a viewer's token cannot write (403)")
    try:
        EventLogApi(viewer).get_event_logs()
        check(False, "a viewer cannot read the event logs")
    except ApiException as e:
        check(e.status == 403, "a viewer cannot read the event logs (403)")
    try:
        DAGApi(client(srv.base, "not.a.token")).get_dags()
        check(False, "a bad token is refused")
    except ApiException as e:
        check(e.status == 401, "a bad token is 401")


if __name__ == "__main__":
    main()
