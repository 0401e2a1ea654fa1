"""A scheduler killed with SIGKILL mid-run: the next scheduler adopts the task
processes that are still alive, retries or fails the ones that died, finishes
the run, and no task ever runs twice at once. Likewise when only the task
launcher (the scheduler's fork server) is killed: the scheduler starts a new
one and watches the orphaned tasks through their heartbeats."""
import os
import signal
import time

from af_helpers import Home, launcher_pids, parse_ts, pid_alive, run_tests

DAG = """dag_id: chain
default_args: {retries: 2, retry_delay: 0}
tasks:
  - {task_id: a, operator: shell, args: {argv: [sleep, "1.5"]}}
  - task_id: "wide_{{ item.n }}"
    operator: shell
    expand: {n: ["1", "2", "3", "4"]}
    upstream: [a]
    args: {argv: [sleep, "1.5"]}
  - {task_id: c, operator: shell, upstream: ["wide_*"], args: {argv: [sleep, "1"]}}
"""


def assert_no_overlapping_tries(h, run):
    by_task = {}
    for t in h.tries("chain", run):
        by_task.setdefault(t["task_id"], []).append(t)
    for task, tries in by_task.items():
        tries.sort(key=lambda t: t["start_date"])
        for prev, nxt in zip(tries, tries[1:]):
            assert prev["end_date"], (task, tries)
            assert parse_ts(nxt["start_date"]) >= parse_ts(prev["end_date"]), (task, tries)
    return by_task


def test_sigkill_scheduler_tasks_survive_and_are_adopted():
    h = Home()
    try:
        h.write_dag("chain.yaml", DAG)
        sched = h.start_scheduler()
        run = h.trigger("chain")
        h.wait_ti("chain", "wide_1", run, ["running"])
        sched.send_signal(signal.SIGKILL)
        sched.wait()
        time.sleep(0.5)
        h.start_scheduler()
        assert h.wait_run("chain", run) == "success", h.tis_text("chain", run)
        by_task = assert_no_overlapping_tries(h, run)
        # The adopted task processes kept running and finished: one try each.
        assert all(len(t) == 1 for t in by_task.values()), by_task
    finally:
        h.close()


def test_sigkill_scheduler_and_task_processes_are_retried():
    h = Home()
    try:
        h.write_dag("chain.yaml", DAG)
        sched = h.start_scheduler()
        run = h.trigger("chain")
        h.wait_ti("chain", "wide_1", run, ["running"])
        time.sleep(0.3)
        sched.send_signal(signal.SIGKILL)
        sched.wait()
        # Kill the task processes too (each is its own process group).
        killed = []
        for ti in h.tis("chain", run).values():
            if ti["state"] == "running" and ti["pid"]:
                os.killpg(int(ti["pid"]), signal.SIGKILL)
                killed.append(ti["task_id"])
        assert killed
        for ti in h.tis("chain", run).values():
            if ti["task_id"] in killed:
                deadline = time.time() + 5
                while pid_alive(int(ti["pid"])) and time.time() < deadline:
                    time.sleep(0.05)
        h.start_scheduler()
        assert h.wait_run("chain", run) == "success", h.tis_text("chain", run)
        by_task = assert_no_overlapping_tries(h, run)
        for task in killed:
            states = [t["state"] for t in by_task[task]]
            assert len(states) == 2 and states[-1] == "success", (task, by_task[task])
        tis = h.tis("chain", run)
        for task in killed:
            assert tis[task]["try_number"] == "2", tis[task]
    finally:
        h.close()


def test_sigkill_task_launcher_tasks_go_on_and_a_new_one_starts():
    h = Home()
    try:
        h.write_dag("chain.yaml", DAG)
        sched = h.start_scheduler()
        run = h.trigger("chain")
        h.wait_ti("chain", "wide_1", run, ["running"])
        [launcher] = launcher_pids(sched.pid)
        os.kill(launcher, signal.SIGKILL)
        assert h.wait_run("chain", run) == "success", h.tis_text("chain", run) + h.scheduler_logs()
        assert sched.poll() is None
        by_task = assert_no_overlapping_tries(h, run)
        # The running tasks went on (one try each); `c` started from a new launcher.
        assert all(len(t) == 1 for t in by_task.values()), by_task
        assert [p for p in launcher_pids(sched.pid) if p != launcher], "no new task launcher"
        assert "task launcher" in h.scheduler_logs()
    finally:
        h.close()


def test_sigkill_task_launcher_and_its_tasks_are_retried():
    h = Home()
    try:
        h.write_dag("chain.yaml", DAG)
        sched = h.start_scheduler()
        run = h.trigger("chain")
        h.wait_ti("chain", "wide_1", run, ["running"])
        time.sleep(0.3)
        [launcher] = launcher_pids(sched.pid)
        os.kill(launcher, signal.SIGKILL)
        killed = []
        for ti in h.tis("chain", run).values():
            if ti["state"] == "running" and ti["pid"]:
                os.killpg(int(ti["pid"]), signal.SIGKILL)
                killed.append(ti["task_id"])
        assert killed
        assert h.wait_run("chain", run) == "success", h.tis_text("chain", run) + h.scheduler_logs()
        by_task = assert_no_overlapping_tries(h, run)
        for task in killed:
            states = [t["state"] for t in by_task[task]]
            assert len(states) == 2 and states[-1] == "success", (task, by_task[task])
    finally:
        h.close()


if __name__ == "__main__":
    run_tests([test_sigkill_scheduler_tasks_survive_and_are_adopted,
               test_sigkill_scheduler_and_task_processes_are_retried,
               test_sigkill_task_launcher_tasks_go_on_and_a_new_one_starts,
               test_sigkill_task_launcher_and_its_tasks_are_retried])
