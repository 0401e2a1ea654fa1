// The task launcher: a fork server that starts task instances without
// exec'ing the binary each time (`arxivflow tasks launcher --fd N`, internal).
//
// Why: starting `arxivflow tasks run` costs ~14 ms of exec and dynamic
// loading per task; forking an already-loaded process costs well under 1 ms.
// The scheduler itself is multi-threaded (and shares its process with the
// webserver in `standalone`), so it never forks; it starts this small,
// single-threaded helper once and sends it requests (launch_protocol.h).
//
// Contract: RunTaskLauncher serves requests on `fd` until the peer closes it
// (or SIGTERM), then returns 0 and leaves running task processes alone: they
// are adopted like those of a crashed scheduler. It never opens the metadata
// DB; it caches parsed DAG files (by mtime and size) so the forked child need
// not parse them. Per request it forks a child that: becomes its own process
// group leader, takes /dev/null as stdin and the try's log file as stdout and
// stderr, resets signal dispositions and mask, gets fresh logging sinks, runs
// RunTaskInstance (task_runner.h) in-process and _exit()s with its code. The
// launcher replies with the child's pid at once and reports its wait status
// when it reaps it. Must be called in a single-threaded process.
#pragma once

namespace arxivflow::orchestrator {

int RunTaskLauncher(int fd);

}  // namespace arxivflow::orchestrator
