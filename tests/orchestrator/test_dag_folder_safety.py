"""Hostile and careless DAG folders: YAML alias cycles and alias bombs, link
loops, links leaving the folder, oversized files and a second file claiming
an existing dag_id. Each becomes an import error; the scheduler and the web
server keep running; nothing outside the folder is read."""
import base64
import json
import os
import re
import subprocess
import time
import urllib.request

from af_helpers import BIN, Home, run_tests

GOOD = """dag_id: good
tasks:
  - {task_id: a, operator: noop}
"""

# The 72-byte file that used to crash the scheduler and the web server.
CYCLE = "dag_id: cyc\nparams: &a {x: *a}\ntasks: [{task_id: t, operator: noop}]\n"


def alias_bomb(levels=9, fanout=10):
    text = "dag_id: laughs\ntasks: [{task_id: t, operator: noop}]\nparams:\n  l0: &l0 [lol]\n"
    for i in range(1, levels + 1):
        refs = ",".join(f"*l{i - 1}" for _ in range(fanout))
        text += f"  l{i}: &l{i} [{refs}]\n"
    return text


def import_errors(h):
    return {e["filepath"]: e["error"] for e in h.json("dags", "list-import-errors")}


def start_webserver(h):
    log_path = os.path.join(h.root, "webserver.log")
    log = open(log_path, "w")
    p = subprocess.Popen([BIN, "webserver", "--port", "0"], env=h.env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 30
    while time.time() < deadline:
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", open(log_path).read())
        if m:
            return p, f"http://127.0.0.1:{m.group(1)}"
        assert p.poll() is None, open(log_path).read()
        time.sleep(0.05)
    raise AssertionError("webserver did not start")


def api_get(base, path):
    req = urllib.request.Request(base + path, headers={
        "Authorization": "Basic " + base64.b64encode(b"admin:admin-pass-1").decode()})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def test_alias_cycles_and_bombs_are_import_errors_and_nothing_crashes():
    h = Home()
    web = None
    try:
        h.run("users", "create", "--username", "admin", "--password", "admin-pass-1", "--role", "admin")
        h.write_dag("good.yaml", GOOD)
        sched = h.start_scheduler()
        web, base = start_webserver(h)
        # The hostile files arrive while both are running.
        h.write_dag("cycle.yaml", CYCLE)
        h.write_dag("laughs.yaml", alias_bomb())
        with open(os.path.join(h.dags, "huge.yaml"), "w") as f:
            f.write(GOOD.replace("good", "huge") + "# " + "x" * (1 << 20) + "\n")
        deadline = time.time() + 30
        while time.time() < deadline:
            errors = {os.path.basename(e["filename"]): e["stack_trace"]
                      for e in api_get(base, "/api/v1/importErrors")["import_errors"]}
            if {"cycle.yaml", "laughs.yaml", "huge.yaml"} <= set(errors):
                break
            time.sleep(0.2)
        assert "a cycle" in errors.get("cycle.yaml", ""), errors
        assert "once aliases are expanded" in errors.get("laughs.yaml", ""), errors
        assert "at most 1048576 bytes" in errors.get("huge.yaml", ""), errors
        # Both processes survive (and again after a restart with the files in place).
        time.sleep(1.5)
        assert sched.poll() is None and web.poll() is None, h.scheduler_logs()
        run = h.trigger("good")
        assert h.wait_run("good", run) == "success"
        assert api_get(base, "/api/v1/health")["metadatabase"]["status"] == "healthy"
        sched.terminate()
        sched.wait(10)
        sched2 = h.start_scheduler()
        time.sleep(2)
        assert sched2.poll() is None, h.scheduler_logs()
        # The CLI refuses the same files the same way.
        errs = import_errors(h)
        assert "a cycle" in errs[os.path.join(h.dags, "cycle.yaml")], errs
        # The limit is configurable.
        env = dict(h.env, ARXIVFLOW_DAG_FILE_MAX_BYTES=str(4 << 20))
        listed = json.loads(h.run("dags", "list", "-o", "json", env=env).stdout)
        assert "huge" in [d["dag_id"] for d in listed], listed
    finally:
        if web:
            web.terminate()
            web.wait(10)
        h.close()


def test_link_loops_are_scanned_once():
    h = Home()
    try:
        h.write_dag("good.yaml", GOOD)
        for name in ("a", "b", "c"):
            os.symlink(".", os.path.join(h.dags, name))
        os.makedirs(os.path.join(h.dags, "sub"))
        os.symlink("..", os.path.join(h.dags, "sub", "up"))
        start = time.time()
        dags = h.json("dags", "list")
        took = time.time() - start
        assert [d["dag_id"] for d in dags] == ["good"], dags
        assert import_errors(h) == {}, import_errors(h)
        print(f"  scan with three self-links and a parent link: {took:.2f}s")
    finally:
        h.close()


def test_links_leaving_the_folder_are_not_followed():
    h = Home()
    try:
        outside = os.path.join(h.root, "outside")
        os.makedirs(outside)
        secret_line = "root:$6$SECRET-HASH-LINE:19000:0:99999:7:::"
        with open(os.path.join(outside, "shadow"), "w") as f:
            f.write(secret_line + "\n")
        with open(os.path.join(outside, "other.yaml"), "w") as f:
            f.write(GOOD.replace("good", "outside_dag"))
        os.symlink(os.path.join(outside, "shadow"), os.path.join(h.dags, "leak.yaml"))
        os.symlink(outside, os.path.join(h.dags, "outdir"))
        os.symlink("/etc", os.path.join(h.dags, "etc"))
        # A link that stays inside is followed.
        os.makedirs(os.path.join(h.dags, "real"))
        with open(os.path.join(h.dags, "real", "inner.yaml"), "w") as f:
            f.write(GOOD.replace("good", "inner"))
        os.symlink("real/inner.yaml", os.path.join(h.dags, "inner_link.yaml"))
        dags = sorted(d["dag_id"] for d in h.json("dags", "list"))
        assert dags == ["inner"], dags
        errors = import_errors(h)
        leak = errors.get(os.path.join(h.dags, "leak.yaml"), "")
        assert "outside the DAG folder" in leak and "not followed" in leak, errors
        assert "outside the DAG folder" in errors.get(os.path.join(h.dags, "outdir"), ""), errors
        everything = json.dumps(errors) + h.run("dags", "list-import-errors").stdout
        assert "SECRET-HASH-LINE" not in everything and "root:" not in everything, everything
        db = open(os.path.join(h.root, "arxivflow.db"), "rb").read()
        assert b"SECRET-HASH-LINE" not in db
    finally:
        h.close()


def test_a_second_file_cannot_take_over_a_dag_id():
    h = Home()
    try:
        h.write_dag("x.yaml", GOOD.replace("good", "x").replace("task_id: a", "task_id: original"))
        assert [d["dag_id"] for d in h.json("dags", "list")] == ["x"]
        # A newcomer that sorts first claims the same dag_id.
        h.write_dag("00_x.yaml", GOOD.replace("good", "x").replace("task_id: a", "task_id: intruder"))
        for attempt in range(2):  # a fresh CLI process each time: the DB remembers the owner
            listed = h.json("dags", "list")
            assert [(d["dag_id"], os.path.basename(d["fileloc"])) for d in listed] == [("x", "x.yaml")], listed
            assert h.run("tasks", "list", "x").stdout.split() == ["original"]
            err = import_errors(h)[os.path.join(h.dags, "00_x.yaml")]
            assert "00_x.yaml" in err and "x.yaml" in err.replace("00_x.yaml", "") and "already defined" in err, err
        # So does the scheduler, started after the newcomer arrived.
        h.start_scheduler()
        run = h.trigger("x")
        assert h.wait_run("x", run) == "success"
        assert list(h.tis("x", run)) == ["original"], h.tis("x", run)
        # While the owner is being edited (broken), the newcomer still does not take over.
        h.write_dag("x.yaml", "dag_id: x\ntasks: [\n")
        errors = import_errors(h)
        assert "already defined in" in errors[os.path.join(h.dags, "00_x.yaml")], errors
        # Once the owner drops the dag_id, the other file may have it.
        h.write_dag("x.yaml", GOOD.replace("good", "renamed"))
        listed = {d["dag_id"]: os.path.basename(d["fileloc"]) for d in h.json("dags", "list")}
        assert listed == {"x": "00_x.yaml", "renamed": "x.yaml"}, listed
        assert import_errors(h) == {}, import_errors(h)
    finally:
        h.close()


if __name__ == "__main__":
    run_tests([test_alias_cycles_and_bombs_are_import_errors_and_nothing_crashes, test_link_loops_are_scanned_once,
               test_links_leaving_the_folder_are_not_followed, test_a_second_file_cannot_take_over_a_dag_id])
