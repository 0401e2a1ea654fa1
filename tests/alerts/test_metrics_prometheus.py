"""GET /metrics: who may read it (admin, the bearer token; not a viewer, not
anonymous), the text format (checked by promtool), and a real Prometheus
started on loopback that scrapes it with the bearer token and answers
queries for our series after a DAG run. Also checks the alert rules of
docs/operations.md with promtool."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "server"))
from server_helpers import Client, Server, wait_for  # noqa: E402
from receivers import free_port  # noqa: E402

TOKEN = "metrics-token-5be1d0c2a7f94e31"
SOURCE = os.environ.get("PROJECT_SOURCE_DIR") or os.path.join(os.path.dirname(__file__), "..", "..")


def prom_query(port, expr):
    url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    with urllib.request.urlopen(url, timeout=10) as r:
        doc = json.load(r)
    assert doc["status"] == "success", doc
    return doc["data"]["result"]


def docs_alert_rules():
    """The alert rules block of docs/operations.md (between its markers)."""
    text = open(os.path.join(SOURCE, "docs", "operations.md")).read()
    m = re.search(r"<!-- alert-rules -->\s*```yaml\n(.*?)```", text, re.S)
    assert m, "docs/operations.md has no alert-rules block"
    return m.group(1)


def main():
    srv = Server()
    prom = None
    work = tempfile.mkdtemp(prefix="af_prom_")
    failures = []
    try:
        srv.env["ARXIVFLOW_METRICS_TOKEN"] = TOKEN
        # The shipped pipeline on the 200-record sample (its tasks report rows
        # and rejects), plus a DAG whose success notifies through a command.
        srv.run("variables", "set", "ARXIV_SNAPSHOT", os.path.join(SOURCE, "tests", "data", "arxiv-sample-200.jsonl"))
        srv.run("variables", "set", "LAKE_URI", os.path.join(work, "lake"))
        srv.run("connections", "add", "warehouse", "--conn-uri", f"sqlite://{work}/warehouse.db")
        srv.write_dag("notes.yaml", """dag_id: notes
on_success: {notifier: command, argv: ["true"]}
tasks:
  - {task_id: one, operator: noop}
  - {task_id: two, operator: noop, upstream: [one]}
""")
        srv.start()
        srv.start_scheduler()
        admin = srv.client(basic="admin:admin-pass")
        for dag_id in ("arxiv_full_pipeline", "notes"):
            wait_for(lambda: admin.get(f"/api/v1/dags/{dag_id}").status == 200, what=f"DAG {dag_id}")
            assert admin.request("PATCH", f"/api/v1/dags/{dag_id}", {"is_paused": False}).status == 200
            r = admin.request("POST", f"/api/v1/dags/{dag_id}/dagRuns", {})
            assert r.status == 200, (r.status, r.body)
            run_path = f"/api/v1/dags/{dag_id}/dagRuns/{urllib.parse.quote(r.json()['dag_run_id'], safe='')}"
            wait_for(lambda: admin.get(run_path).json()["state"] in ("success", "failed"), timeout=300,
                     what=f"the {dag_id} run to end")
            assert admin.get(run_path).json()["state"] == "success", admin.get(run_path).body

        # Access.
        anon = srv.client()
        assert anon.get("/metrics").status == 401
        assert srv.client(basic="viewer:viewer-pass").get("/metrics").status == 403
        assert anon.get("/metrics", headers={"Authorization": "Bearer wrong-token-wrong-token"}).status == 401
        r = anon.get("/metrics", headers={"Authorization": "Bearer " + TOKEN})
        assert r.status == 200, (r.status, r.body)
        assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4"), r.headers
        r = admin.get("/metrics")
        assert r.status == 200
        text = wait_for(lambda: (lambda b: b if "arxivflow_notifications_total" in b else None)(
            admin.get("/metrics").body), what="the scheduler's metrics in /metrics")
        for needle in ('arxivflow_rows_loaded{dag_id="arxiv_full_pipeline",task_id="loading_table_papers",'
                       'table="papers"} 200',
                       'arxivflow_rows_loaded{dag_id="arxiv_full_pipeline",task_id="transform_snapshot",table="authors"} ',
                       'arxivflow_records_rejected{dag_id="arxiv_full_pipeline",task_id="transform_snapshot"} ',
                       'arxivflow_task_instances{dag_id="notes",state="success"} 2',
                       'arxivflow_dag_runs{dag_id="notes",state="success"} 1',
                       "# TYPE arxivflow_http_request_duration_seconds histogram",
                       'route="/api/v1/dags/{dag_id}/dagRuns"',
                       "arxivflow_scheduler_heartbeat_age_seconds ",
                       "arxivflow_log_bytes ",
                       "arxivflow_log_files ",
                       'arxivflow_notifications_total{notifier="command",event="success",outcome="sent"} 1'):
            assert needle in text, f"{needle} not in /metrics:\n{text}"
        assert TOKEN not in srv.server_log()
        # promtool's own parser and linter accept the exposition.
        check = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr

        # A real Prometheus scraping with the bearer token.
        token_file = os.path.join(work, "token")
        with open(token_file, "w") as f:
            f.write(TOKEN)
        prom_port = free_port()
        with open(os.path.join(work, "prometheus.yml"), "w") as f:
            f.write(f"""global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [{work}/rules.yml]
scrape_configs:
  - job_name: arxivflow
    metrics_path: /metrics
    authorization:
      type: Bearer
      credentials_file: {token_file}
    static_configs:
      - targets: ["127.0.0.1:{srv.port}"]
""")
        with open(os.path.join(work, "rules.yml"), "w") as f:
            f.write(docs_alert_rules())
        rules = subprocess.run(["promtool", "check", "rules", os.path.join(work, "rules.yml")],
                               capture_output=True, text=True)
        assert rules.returncode == 0, rules.stdout + rules.stderr
        prom_log = open(os.path.join(work, "prometheus.log"), "w")
        prom = subprocess.Popen(["prometheus", f"--config.file={work}/prometheus.yml",
                                 f"--storage.tsdb.path={work}/data", f"--web.listen-address=127.0.0.1:{prom_port}"],
                                stdout=prom_log, stderr=subprocess.STDOUT, cwd=work)

        def up():
            try:
                res = prom_query(prom_port, 'up{job="arxivflow"}')
            except OSError:
                return None
            return res and res[0]["value"][1] == "1"
        wait_for(up, timeout=90, what="Prometheus to scrape arxivflow")
        papers = re.search(r'arxivflow_rows_loaded\{dag_id="arxiv_full_pipeline",task_id="loading_table_papers",'
                           r'table="papers"\} (\d+)', text).group(1)
        assert int(papers) > 0, papers
        rejected = re.search(r'arxivflow_records_rejected\{dag_id="arxiv_full_pipeline",'
                             r'task_id="transform_snapshot"\} (\d+)', text).group(1)
        for expr, expected in [
                ('arxivflow_rows_loaded{table="papers",task_id="loading_table_papers"}', papers),
                ('arxivflow_records_rejected{task_id="transform_snapshot"}', rejected),
                ('arxivflow_dag_runs{dag_id="notes",state="success"}', "1"),
                ('sum(arxivflow_task_instances{dag_id="notes"})', "2"),
                ('arxivflow_dag_runs_finished_total{dag_id="notes",state="success"}', "1"),
                ('sum(arxivflow_task_instance_duration_seconds_count{dag_id="notes",state="success"})', "2"),
                ('arxivflow_dag_run_duration_seconds_count{dag_id="arxiv_full_pipeline"}', "1"),
                ('arxivflow_notifications_total{notifier="command",outcome="sent"}', "1"),
                ('arxivflow_queued_task_instances', "0")]:
            res = prom_query(prom_port, expr)
            if not res or res[0]["value"][1] != expected:
                failures.append(f"{expr}: {res}, expected {expected}")
        for expr in ["arxivflow_scheduler_heartbeat_age_seconds", "arxivflow_scheduler_loop_duration_seconds_count",
                     "arxivflow_scheduler_loop_lag_seconds", "arxivflow_log_bytes",
                     'arxivflow_http_request_duration_seconds_count{route="/api/v1/dags/{dag_id}/dagRuns"}']:
            res = prom_query(prom_port, expr)
            if not res:
                failures.append(f"{expr}: no series")
        # The rules evaluate over our series (no alert fires on a healthy home).
        with urllib.request.urlopen(f"http://127.0.0.1:{prom_port}/api/v1/rules", timeout=10) as r:
            groups = json.load(r)["data"]["groups"]
        assert groups and all(rule["health"] in ("ok", "unknown") for g in groups for rule in g["rules"]), groups
    finally:
        if prom:
            prom.terminate()
            try:
                prom.wait(15)
            except subprocess.TimeoutExpired:
                prom.kill()
        srv.stop()
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print("FAIL\n" + "\n".join(failures))
        sys.exit(1)
    print("PASS metrics_prometheus")


if __name__ == "__main__":
    main()
