"""CPU time (user + system) of process trees, read from /proc.

tree_cpu_seconds(roots) adds, over every live process in the trees under the
given pids, its own CPU time and the CPU time of the children it has already
reaped (cutime/cstime). Two readings taken around a piece of work therefore
give the CPU the whole system spent on it, including processes that were
started and ended in between (task processes, database backends), provided
their parents wait() for them. Processes reparented away from the tree (double
forks) are lost; neither arxivflow nor Airflow's LocalExecutor does that.

Linux only; Python 3 standard library only; not thread-safe (reads /proc).
"""

import os

_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid):
    """(ppid, own ticks, reaped children's ticks) of pid, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            text = f.read().decode("ascii", "replace")
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()  # fields[0] is the state (field 3)
    ppid = int(fields[1])
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return ppid, utime + stime, cutime + cstime


def tree_cpu_seconds(roots):
    """CPU seconds of the live trees under `roots` (pids), reaped children included."""
    stats = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            s = _stat(int(name))
            if s:
                stats[int(name)] = s
    children = {}
    for pid, (ppid, _, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, seen, todo = 0, set(), [p for p in roots if p in stats]
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        _, own, reaped = stats[pid]
        total += own + reaped
        todo.extend(children.get(pid, []))
    return total / _TICKS
