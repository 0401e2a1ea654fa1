"""Notifications: on_failure / on_retry / on_success / on_sla_miss hooks of a
DAG file delivered by webhook (to a recording HTTP server on loopback, one
that is down and one that holds its answer), e-mail (aiosmtpd with STARTTLS
and AUTH) and command; dagrun_timeout; secrets kept out of every log."""
import glob
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "orchestrator"))
from af_helpers import Home, parse_ts, run_tests  # noqa: E402
from receivers import HttpRecorder, SmtpRecorder, basic, decode_parts, free_port  # noqa: E402

HOOK_PASSWORD = "hook-pass-7f3a9c"
SMTP_PASSWORD = "smtp-pass-41d2e8"


def wait_until(fn, timeout=60, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def notification_log(h, dag_id, run_id):
    paths = glob.glob(os.path.join(h.root, "logs", f"dag_id={dag_id}", "run_id=*", "notifications.log"))
    text = ""
    for p in paths:
        with open(p) as f:
            text += f.read()
    return text


def all_logs(h):
    text = ""
    for p in glob.glob(os.path.join(h.root, "**", "*.log"), recursive=True):
        with open(p, errors="replace") as f:
            text += f.read()
    return text


def test_webhooks_good_down_and_slow():
    good = HttpRecorder()
    held = HttpRecorder(hold=True)  # answers only when the test says so
    late = HttpRecorder(delay=3)    # always answers after the notifier's timeout
    down_port = free_port()
    h = Home()
    try:
        h.env["ARXIVFLOW_CONN_HOOK_GOOD"] = f"http://bot:{HOOK_PASSWORD}@127.0.0.1:{good.port}/hooks/T1/B2"
        h.env["ARXIVFLOW_CONN_HOOK_DOWN"] = f"http://bot:{HOOK_PASSWORD}@127.0.0.1:{down_port}/hooks/down"
        h.env["ARXIVFLOW_CONN_HOOK_HELD"] = f"http://127.0.0.1:{held.port}/hooks/held"
        h.env["ARXIVFLOW_CONN_HOOK_LATE"] = f"http://127.0.0.1:{late.port}/hooks/late"
        h.env["ARXIVFLOW_BASE_URL"] = "http://af.example:8080/"
        marker = os.path.join(h.root, "go")
        h.write_dag("alerting.yaml", f"""dag_id: alerting
on_failure:
  - {{notifier: webhook, conn_id: hook_good}}
  - {{notifier: webhook, conn_id: hook_down, retries: 2, retry_delay: 0.2, timeout: 2}}
  - {{notifier: webhook, conn_id: hook_late, retries: 1, retry_delay: 0.2, timeout: 1}}
default_args:
  on_failure: {{notifier: webhook, conn_id: hook_good}}
tasks:
  - task_id: boom
    operator: shell
    retries: 1
    retry_delay: 0
    args: {{argv: [sh, -c, "echo about to fail; exit 3"]}}
    on_retry:
      - {{notifier: webhook, conn_id: hook_good}}
      - {{notifier: webhook, conn_id: hook_held, timeout: 3600, retries: 0}}
  - task_id: fine
    operator: shell
    args: {{argv: [sh, -c, "while [ ! -f {marker} ]; do sleep 0.05; done"]}}
    on_success: [{{notifier: webhook, conn_id: hook_good}}]
""")
        h.start_scheduler()
        run = h.trigger("alerting")
        # The held receiver has the retry notification in hand and will not
        # answer for as long as the run lasts (its notifier waits up to an
        # hour): the run still ends, so delivery never holds up the scheduler.
        wait_until(lambda: held.snapshot(), what="the retry notification at the held receiver")
        open(marker, "w").close()
        assert h.wait_run("alerting", run, timeout=120) == "failed"
        assert not held.release.is_set()
        held.release.set()
        events = lambda: sorted((json.loads(r["body"])["event"], json.loads(r["body"])["task_id"] or "")  # noqa: E731
                                for r in good.snapshot())
        wait_until(lambda: len(good.snapshot()) >= 4, what="4 webhook posts")
        time.sleep(0.5)
        assert events() == [("failure", ""), ("failure", "boom"), ("retry", "boom"), ("success", "fine")], events()
        by_event = {(json.loads(r["body"])["event"], json.loads(r["body"])["task_id"]): r for r in good.snapshot()}
        failure = by_event[("failure", "boom")]
        assert failure["path"] == "/hooks/T1/B2", failure["path"]
        assert failure["headers"]["Authorization"] == basic("bot", HOOK_PASSWORD)
        assert failure["headers"]["Content-Type"] == "application/json"
        doc = json.loads(failure["body"])
        assert doc["dag_id"] == "alerting" and doc["run_id"] == run and doc["try_number"] == 2, doc
        assert doc["state"] == "failed" and doc["start_date"] and doc["end_date"], doc
        assert isinstance(doc["duration"], (int, float)) and doc["duration"] >= 0, doc
        assert doc["log_url"] == ("http://af.example:8080/api/v1/dags/alerting/dagRuns/" +
                                  run.replace(":", "%3A").replace("+", "%2B") +
                                  "/taskInstances/boom/logs/2"), doc["log_url"]
        assert doc["error"], doc
        assert "boom" in doc["text"] and "failed" in doc["text"] and "<http://af.example" in doc["text"], doc["text"]
        retry = json.loads(by_event[("retry", "boom")]["body"])
        assert retry["try_number"] == 1 and retry["state"] == "up_for_retry", retry
        run_doc = json.loads(by_event[("failure", None)]["body"])
        assert run_doc["state"] == "failed" and "boom" in run_doc["error"], run_doc
        log = wait_until(lambda: (lambda t: t if t.count("FAILED") >= 2 else "")(notification_log(h, "alerting", run)),
                         what="two failed deliveries in the run's notification log:\n" +
                         notification_log(h, "alerting", run) + h.scheduler_logs())
        assert "webhook notification (failure) FAILED after 3 attempt(s): webhook POST failed: Failed to connect" in log, log
        assert "webhook notification (failure) FAILED after 2 attempt(s): webhook POST failed: " in log, log
        assert "timed out" in log.lower() or "timeout" in log.lower(), log
        assert len(late.snapshot()) == 2, late.snapshot()
        assert HOOK_PASSWORD not in all_logs(h)
        assert HOOK_PASSWORD not in h.scheduler_logs()
        assert "/hooks/" not in log and "/hooks/" not in h.scheduler_logs()
    finally:
        h.close()
        for r in (good, held, late):
            r.close()


def test_email_with_starttls_and_auth():
    h = Home()
    smtp = SmtpRecorder(h.root, "alerts@example.com", SMTP_PASSWORD)
    try:
        h.env["ARXIVFLOW_CONN_SMTP_DEFAULT"] = (
            f"smtp://alerts%40example.com:{SMTP_PASSWORD}@127.0.0.1:{smtp.port}"
            f"?from=alerts%40example.com&ca_file={smtp.cert}")
        h.write_dag("mailing.yaml", """dag_id: mailing
tasks:
  - task_id: broken
    operator: shell
    args: {argv: [sh, -c, "exit 4"]}
    on_failure: {notifier: email, to: [oncall@example.com, data@example.com]}
""")
        h.start_scheduler()
        run = h.trigger("mailing")
        assert h.wait_run("mailing", run, timeout=120) == "failed"
        wait_until(lambda: smtp.messages, what="an e-mail")
        m = smtp.messages[0]
        assert m["tls"], "the message was not sent over STARTTLS"
        assert smtp.auth_logins == [("alerts@example.com", True)], smtp.auth_logins
        assert m["from"] == "alerts@example.com" and sorted(m["rcpt"]) == ["data@example.com", "oncall@example.com"]
        msg, parts = decode_parts(m["data"])
        assert msg.get_content_type() == "multipart/alternative"
        assert "mailing.broken" in msg["Subject"] and "failed" in msg["Subject"], msg["Subject"]
        assert f"Run: {run}" in parts["text/plain"], parts["text/plain"]
        assert "<td>broken</td>" in parts["text/html"], parts["text/html"]
        assert "Try: 1" in parts["text/plain"]
        wait_until(lambda: "email notification (failure) sent" in notification_log(h, "mailing", run),
                   what="the delivery in the run's notification log")
        assert SMTP_PASSWORD not in all_logs(h), "the SMTP password reached a log"
        assert SMTP_PASSWORD not in h.scheduler_logs(), "the SMTP password reached the scheduler log"
    finally:
        h.close()
        smtp.close()


def test_command_notifier_dagrun_timeout_and_sla():
    h = Home()
    try:
        out = os.path.join(h.root, "notified")
        os.mkdir(out)
        h.env["ARXIVFLOW_CONN_SOMETHING"] = "postgresql://u:conn-secret-991@127.0.0.1/db"
        script = ("import json, os, sys; "
                  "env = {k: v for k, v in os.environ.items() if k.startswith('ARXIVFLOW_')}; "
                  "open(os.path.join(sys.argv[1], env['ARXIVFLOW_EVENT'] + '-' + (env['ARXIVFLOW_TASK_ID'] or 'run')),"
                  " 'w').write(json.dumps(env))")
        h.write_dag("slow.yaml", f"""dag_id: slow
dagrun_timeout: 4
on_failure: {{notifier: command, argv: [python3, -c, "{script}", {out}]}}
default_args:
  on_sla_miss: {{notifier: command, argv: [python3, -c, "{script}", {out}]}}
tasks:
  - task_id: sleeper
    operator: shell
    sla: 1
    args: {{argv: [sleep, "60"]}}
  - task_id: after
    operator: noop
    upstream: [sleeper]
""")
        h.start_scheduler()
        run = h.trigger("slow")
        assert h.wait_run("slow", run, timeout=120) == "failed"
        tis = h.tis("slow", run)
        assert tis["sleeper"]["state"] == "failed", tis
        assert tis["after"]["state"] == "skipped", tis
        env = json.loads(open(wait_until(lambda: glob.glob(os.path.join(out, "failure-run")),
                                         what="the run's on_failure command")[0]).read())
        assert env["ARXIVFLOW_DAG_ID"] == "slow" and env["ARXIVFLOW_RUN_ID"] == run, env
        assert "dagrun_timeout" in env["ARXIVFLOW_ERROR"], env
        assert env["ARXIVFLOW_STATE"] == "failed"
        assert not any(k.startswith("ARXIVFLOW_CONN_") for k in env), env
        sla = json.loads(open(wait_until(lambda: glob.glob(os.path.join(out, "sla_miss-sleeper")),
                                         what="the SLA miss")[0]).read())
        assert sla["ARXIVFLOW_TASK_ID"] == "sleeper" and "sla 1 s" in sla["ARXIVFLOW_ERROR"], sla
        assert sorted(os.listdir(out)) == ["failure-run", "sla_miss-sleeper"], os.listdir(out)
        assert "conn-secret-991" not in all_logs(h)
    finally:
        h.close()


def test_bad_hooks_are_import_errors():
    h = Home()
    try:
        h.write_dag("bad.yaml", """dag_id: bad
tasks:
  - task_id: t
    operator: noop
    on_failure: {notifier: sms, to: [x@example.com]}
""")
        p = h.run("dags", "list-import-errors", check=False)
        assert "on_failure: unknown notifier 'sms'" in p.stdout + p.stderr, p.stdout + p.stderr
    finally:
        h.close()


if __name__ == "__main__":
    run_tests([test_webhooks_good_down_and_slow, test_email_with_starttls_and_auth,
               test_command_notifier_dagrun_timeout_and_sla, test_bad_hooks_are_import_errors])
