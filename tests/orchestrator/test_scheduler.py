"""The scheduler and executor: dependency order, real parallelism, retries
with backoff, execution timeout, cancellation, both ways of starting task
processes (task launcher, posix_spawn), trigger rules, templating and secrets
kept out of the DB file and the logs."""
import glob
import os
import re
import time

from af_helpers import Home, launcher_pids, parse_ts, pid_alive, run_tests, ti_results


def test_dependency_order_and_parallelism():
    h = Home()
    try:
        h.write_dag("par.yaml", """dag_id: par
tasks:
  - {task_id: start, operator: noop}
  - task_id: "sleep_{{ item.n }}"
    operator: shell
    expand: {n: ["1", "2", "3"]}
    upstream: [start]
    args: {argv: [sleep, "1"]}
  - {task_id: join, operator: noop, upstream: ["sleep_*"]}
""")
        h.start_scheduler("--parallelism", "4")
        run = h.trigger("par")
        assert run.startswith("manual__"), run
        assert h.wait_run("par", run) == "success", h.tis_text("par", run)
        tis = h.tis("par", run)
        sleeps = [tis[f"sleep_{n}"] for n in (1, 2, 3)]
        starts = [parse_ts(t["start_date"]) for t in sleeps]
        ends = [parse_ts(t["end_date"]) for t in sleeps]
        # All three sleeps were running at one moment: the latest start is
        # before the earliest end.
        assert max(starts) < min(ends), (starts, ends)
        assert min(starts) >= parse_ts(tis["start"]["end_date"])
        assert parse_ts(tis["join"]["start_date"]) >= max(ends)
        assert all(t["try_number"] == "1" for t in tis.values())
    finally:
        h.close()


def test_retries_with_exponential_backoff():
    h = Home()
    try:
        h.write_dag("retry.yaml", """dag_id: retry
default_args: {retries: 2, retry_delay: 1, retry_exponential_backoff: true}
tasks:
  - {task_id: flaky, operator: shell, args: {argv: ["false"]}}
""")
        h.start_scheduler()
        run = h.trigger("retry")
        assert h.wait_run("retry", run) == "failed"
        tries = sorted(h.tries("retry", run), key=lambda t: int(t["try_number"]))
        assert [t["try_number"] for t in tries] == ["1", "2", "3"], tries
        assert all(t["state"] == "failed" for t in tries)
        # Backoff: retry 1 waits >= 1 s, retry 2 waits >= 2 s after the previous end.
        gap1 = parse_ts(tries[1]["start_date"]) - parse_ts(tries[0]["end_date"])
        gap2 = parse_ts(tries[2]["start_date"]) - parse_ts(tries[1]["end_date"])
        assert gap1 >= 1.0 and gap2 >= 2.0, (gap1, gap2)
        assert h.tis("retry", run)["flaky"]["state"] == "failed"
        assert "exited with code 1" in h.log("retry", "flaky", run, 2)
    finally:
        h.close()


def test_execution_timeout_kills_process_group():
    h = Home()
    try:
        pidfile = os.path.join(h.root, "child.pid")
        h.write_dag("slow.yaml", f"""dag_id: slow
tasks:
  - task_id: hang
    operator: shell
    execution_timeout: 1
    args: {{argv: [sh, -c, 'echo $$ > {pidfile}; exec sleep 60']}}
""")
        h.start_scheduler()
        run = h.trigger("slow")
        assert h.wait_run("slow", run) == "failed"
        ti = h.tis("slow", run)["hang"]
        assert "timed out" in ti["note"], ti
        child = int(open(pidfile).read())
        deadline = time.time() + 5
        while pid_alive(child) and time.time() < deadline:
            time.sleep(0.05)
        assert not pid_alive(child), "the task's child process survived the timeout"
        assert "execution_timeout" in h.log("slow", "hang", run)
    finally:
        h.close()


def test_mark_failed_kills_running_task():
    h = Home()
    try:
        pidfile = os.path.join(h.root, "child.pid")
        h.write_dag("cancel.yaml", f"""dag_id: cancel
tasks:
  - task_id: long
    operator: shell
    args: {{argv: [sh, -c, 'echo $$ > {pidfile}; exec sleep 60']}}
  - {{task_id: after, operator: noop, upstream: [long]}}
""")
        h.start_scheduler()
        run = h.trigger("cancel")
        h.wait_ti("cancel", "long", run, ["running"])
        deadline = time.time() + 10
        text = ""
        while not text.endswith("\n") and time.time() < deadline:  # the shell may not have written it yet
            time.sleep(0.05)
            text = open(pidfile).read() if os.path.exists(pidfile) else ""
        child = int(text)
        assert pid_alive(child)
        h.run("tasks", "set-state", "cancel", "long", run, "failed")
        deadline = time.time() + 10
        while pid_alive(child) and time.time() < deadline:
            time.sleep(0.05)
        assert not pid_alive(child), "marking the task failed did not stop its process"
        assert h.wait_run("cancel", run) == "failed"
        tis = h.tis("cancel", run)
        assert tis["long"]["state"] == "failed" and tis["after"]["state"] == "upstream_failed", tis
    finally:
        h.close()


def test_task_processes_in_both_launch_modes():
    # fork (the default): forked by the task launcher; spawn: `arxivflow tasks run`.
    for mode in ("fork", "spawn"):
        h = Home()
        try:
            h.env["ARXIVFLOW_TASK_LAUNCH"] = mode
            pidfile = os.path.join(h.root, "child.pid")
            h.write_dag("m.yaml", f"""dag_id: m
tasks:
  - task_id: inspect
    operator: shell
    args: {{argv: [sh, -c, 'echo "pgrp=$(cut -d" " -f5 /proc/$PPID/stat) task=$PPID"; ls -l /proc/$PPID/fd']}}
  - task_id: hang
    operator: shell
    execution_timeout: 1
    args: {{argv: [sh, -c, 'echo $$ > {pidfile}; exec sleep 60']}}
  - {{task_id: bad, operator: shell, args: {{argv: ["false"]}}}}
""")
            sched = h.start_scheduler()
            run = h.trigger("m")
            assert h.wait_run("m", run) == "failed", (mode, h.tis_text("m", run))
            tis = h.tis("m", run)
            assert tis["inspect"]["state"] == "success" and tis["bad"]["state"] == "failed", (mode, tis)
            assert "timed out" in tis["hang"]["note"], (mode, tis["hang"])
            log = h.log("m", "inspect", run)
            m = re.search(r"pgrp=(\d+) task=(\d+)", log)
            assert m and m.group(1) == m.group(2), (mode, log)  # the task leads its own process group
            assert "socket:" not in log, (mode, log)  # nothing of the launcher's leaks into the task
            child = int(open(pidfile).read())
            deadline = time.time() + 5
            while pid_alive(child) and time.time() < deadline:
                time.sleep(0.05)
            assert not pid_alive(child), f"{mode}: the timed-out task's child survived"
            results = ti_results(h, "m", run)
            assert results["inspect"] == {"exit_code": 0} and results["bad"] == {"exit_code": 1}, (mode, results)
            assert len(launcher_pids(sched.pid)) == (1 if mode == "fork" else 0), mode
        finally:
            h.close()


def test_trigger_rules():
    h = Home()
    try:
        h.write_dag("rules.yaml", """dag_id: rules
tasks:
  - {task_id: ok, operator: noop}
  - {task_id: bad, operator: shell, args: {argv: ["false"]}}
  - {task_id: all_success, operator: noop, upstream: [ok, bad]}
  - {task_id: all_failed, operator: noop, upstream: [bad], trigger_rule: all_failed}
  - {task_id: all_done, operator: noop, upstream: [ok, bad], trigger_rule: all_done}
  - {task_id: one_failed, operator: noop, upstream: [ok, bad], trigger_rule: one_failed}
  - {task_id: one_success, operator: noop, upstream: [ok, bad], trigger_rule: one_success}
  - {task_id: none_failed, operator: noop, upstream: [ok, bad], trigger_rule: none_failed}
  - {task_id: skipped_by_rule, operator: noop, upstream: [ok], trigger_rule: all_failed}
  - {task_id: after_skip, operator: noop, upstream: [skipped_by_rule]}
  - {task_id: always, operator: noop, upstream: [all_success], trigger_rule: always}
""")
        h.start_scheduler()
        run = h.trigger("rules")
        h.wait_run("rules", run)
        states = {k: v["state"] for k, v in h.tis("rules", run).items()}
        assert states == {
            "ok": "success", "bad": "failed", "all_success": "upstream_failed", "all_failed": "success",
            "all_done": "success", "one_failed": "success", "one_success": "success",
            "none_failed": "upstream_failed", "skipped_by_rule": "skipped", "after_skip": "skipped",
            "always": "success",
        }, states
        # A leaf (none_failed) is upstream_failed, so the run failed.
        assert h.run_state("rules", run) == "failed"
    finally:
        h.close()


def test_templating_injection_and_secrets():
    h = Home()
    try:
        marker = os.path.join(h.root, "pwned")
        password = "Pw-" + "x7Q9zK2m"
        secret_var = "tok-" + "A1b2C3d4E5"
        h.run("connections", "add", "db", "--conn-uri", f"postgresql://scott:{password}@127.0.0.1:5439/dev")
        h.run("variables", "set", "INJ", f"$(touch {marker}); echo hi > {marker} `touch {marker}` {{{{ var.OTHER }}}}")
        h.run("variables", "set", "API_TOKEN", secret_var)
        h.write_dag("tmpl.yaml", """dag_id: tmpl
params: {size: small}
tasks:
  - task_id: "echo_{{ item.table }}"
    operator: shell
    expand: {table: [papers]}
    args:
      argv: [echo, "ds={{ ds }}", "run={{ run_id }}", "dag={{ dag.dag_id }}", "task={{ task.task_id }}",
             "item={{ item.table }}", "size={{ params.size }}", "host={{ conn.db.host }}",
             "port={{ conn.db.port }}", "login={{ conn.db.login }}", "inj={{ var.INJ }}"]
  - task_id: env_secret
    operator: shell
    args:
      argv: [printenv, DB_PASSWORD, API_TOKEN]
      env: {DB_PASSWORD: "{{ conn.db.password }}", API_TOKEN: "tok={{ var.API_TOKEN }}"}
  - task_id: argv_secret
    operator: shell
    args: {argv: [echo, "{{ conn.db.password }}"]}
  - task_id: argv_secret_var
    operator: shell
    args: {argv: [echo, "{{ var.API_TOKEN }}"]}
  - task_id: argv_secret_extra
    operator: shell
    args: {argv: [echo, "{{ conn.db.extra.api_key }}"]}
""")
        h.start_scheduler()
        run = h.trigger("tmpl", "--conf", '{"size": "large"}')
        assert h.wait_run("tmpl", run) == "failed"  # argv_secret must fail
        states = {k: v["state"] for k, v in h.tis("tmpl", run).items()}
        assert states == {"echo_papers": "success", "env_secret": "success", "argv_secret": "failed",
                          "argv_secret_var": "failed", "argv_secret_extra": "failed"}, states
        log = h.log("tmpl", "echo_papers", run)
        ds = run.split("__")[1][:10]
        for expected in [f"ds={ds}", f"run={run}", "dag=tmpl", "task=echo_papers", "item=papers", "size=large",
                         "host=127.0.0.1", "port=5439", "login=scott"]:
            assert expected in log, (expected, log)
        # The injection attempt stays literal text and nothing ran.
        assert f"inj=$(touch {marker}); echo hi > {marker} `touch {marker}` {{{{ var.OTHER }}}}" in log, log
        assert not os.path.exists(marker)
        # Sensitive values are masked in logs.
        env_log = h.log("tmpl", "env_secret", run)
        assert "tok=***" in env_log and password not in env_log and secret_var not in env_log, env_log
        assert "only be used in an environment value" in h.log("tmpl", "argv_secret", run)
        assert "only be used in an environment value" in h.log("tmpl", "argv_secret_var", run)
        assert "only be used in an environment value" in h.log("tmpl", "argv_secret_extra", run)
        # Secrets appear nowhere on disk: not in the metadata DB, not in logs.
        blobs = b""
        for path in glob.glob(os.path.join(h.root, "arxivflow.db*")):
            blobs += open(path, "rb").read()
        for path in glob.glob(os.path.join(h.root, "logs", "**", "*.log"), recursive=True):
            blobs += open(path, "rb").read()
        assert password.encode() not in blobs, "connection password found on disk"
        assert secret_var.encode() not in blobs, "secret variable found on disk"
        assert b"echo hi >" not in open(os.path.join(h.root, "arxivflow.db"), "rb").read()
        # The CLI never prints the password.
        out = h.run("connections", "get", "db").stdout + h.run("connections", "list").stdout
        assert password not in out and "***" in out, out
    finally:
        h.close()


def test_manual_runs_pause_and_second_scheduler_refused():
    h = Home()
    try:
        h.write_dag("p.yaml", "dag_id: p\ntasks:\n  - {task_id: a, operator: noop}\n")
        h.run("dags", "pause", "p")
        first = h.start_scheduler()
        time.sleep(0.5)
        second = h.run("scheduler", check=False)
        assert second.returncode != 0 and "another scheduler" in second.stderr, second.stderr
        assert first.poll() is None
        run = h.trigger("p", "--run-id", "my_run")
        assert run == "my_run"
        time.sleep(1)
        assert h.run_state("p", run) == "queued"
        h.run("dags", "unpause", "p")
        assert h.wait_run("p", run) == "success"
        runs = h.json("dags", "list-runs", "p")
        assert runs[0]["run_id"] == "my_run" and runs[0]["state"] == "success"
        # Clearing makes the task run again (try 2).
        h.run("tasks", "clear", "p", "-t", "^a$", "-r", run, "-y")
        assert h.wait_run("p", run) == "success"
        assert h.tis("p", run)["a"]["try_number"] == "2"
    finally:
        h.close()


def test_cron_schedule_sql_operator_and_dags_test():
    h = Home()
    try:
        db_path = os.path.join(h.root, "target.db")
        h.run("connections", "add", "target", "--conn-uri", f"sqlite://{db_path}")
        h.write_dag("cron.yaml", """dag_id: every_minute
schedule: "* * * * *"
start_date: 2026-01-01
catchup: false
tasks:
  - task_id: write
    operator: sql
    args:
      conn: target
      sql:
        - "CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, ds TEXT)"
        - "INSERT INTO runs VALUES ('{{ run_id }}', '{{ ds }}')"
""")
        h.write_dag("once.yaml", """dag_id: once
schedule: "@once"
start_date: 2026-01-01
tasks:
  - {task_id: a, operator: noop}
""")
        h.start_scheduler()
        deadline = time.time() + 30
        runs = []
        while time.time() < deadline:
            runs = h.json("dags", "list-runs", "every_minute")
            if runs and runs[0]["state"] == "success":
                break
            time.sleep(0.2)
        # catchup false: only the latest complete interval ran, not every minute since January.
        assert len(runs) == 1 and runs[0]["run_id"].startswith("scheduled__"), runs
        assert runs[0]["state"] == "success", runs
        import sqlite3
        rows = sqlite3.connect(db_path).execute("SELECT run_id FROM runs").fetchall()
        assert rows == [(runs[0]["run_id"],)], rows
        deadline = time.time() + 10
        while time.time() < deadline and not h.json("dags", "list-runs", "once"):
            time.sleep(0.2)
        once = h.json("dags", "list-runs", "once")
        assert len(once) == 1 and once[0]["run_id"] == "scheduled__2026-01-01T00:00:00+00:00", once
        # dags test runs a DAG in the calling process, printing progress.
        h.write_dag("t.yaml", "dag_id: t\ntasks:\n  - {task_id: a, operator: noop}\n"
                              "  - {task_id: b, operator: shell, upstream: [a], args: {argv: [echo, hello]}}\n")
        out = h.run("dags", "test", "t").stdout
        assert "a: success" in out and "b: success" in out and out.rstrip().endswith("success"), out
        bad = h.run("tasks", "test", "every_minute", "write", check=False)
        assert bad.returncode == 0, bad.stdout + bad.stderr
    finally:
        h.close()


if __name__ == "__main__":
    run_tests([test_dependency_order_and_parallelism, test_retries_with_exponential_backoff,
               test_execution_timeout_kills_process_group, test_mark_failed_kills_running_task,
               test_task_processes_in_both_launch_modes, test_trigger_rules,
               test_templating_injection_and_secrets, test_manual_runs_pause_and_second_scheduler_refused,
               test_cron_schedule_sql_operator_and_dags_test])
