#!/usr/bin/env python3
"""CPU seconds a PostgreSQL server has used so far: its postmaster and every
child (backends, checkpointer, WAL writer, parallel workers), the finished
ones included (the postmaster reaps them, so they count in its children's
time).

    pg_cpu.py URI        prints the seconds, e.g. 123.45 (URI of a superuser:
                         others do not see the background processes)
"""

import os
import subprocess
import sys

TICK = os.sysconf("SC_CLK_TCK")


def stat(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # after the command: state ppid ... utime(12) stime(13) cutime(14) cstime(15)
    return int(fields[1]), [int(x) for x in fields[11:15]]


def main():
    psql = os.path.join(os.environ.get("ARXIVFLOW_TEST_PG_BIN", "/usr/bin"), "psql")
    # The checkpointer lives as long as the server; its parent is the postmaster.
    checkpointer = int(subprocess.check_output(
        [psql, "-X", "-At", sys.argv[1], "-c",
         "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'"]).strip())
    postmaster, _ = stat(checkpointer)
    _, (u, s, cu, cs) = stat(postmaster)
    ticks = u + s + cu + cs
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == postmaster:
            continue
        try:
            ppid, (u, s, _, _) = stat(int(name))
        except OSError:
            continue
        if ppid == postmaster:
            ticks += u + s
    print("%.2f" % (ticks / TICK))


if __name__ == "__main__":
    main()
