// Fuzzes the task launcher's frame reader (orchestrator/launch_protocol.h).
#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>

#include "orchestrator/launch_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 60000) return 0;  // fits a pipe's buffer: the write never blocks
  int fds[2];
  if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return 0;
  if (size > 0 && write(fds[1], data, size) != static_cast<ssize_t>(size)) {
    close(fds[0]);
    close(fds[1]);
    return 0;
  }
  close(fds[1]);
  arxivflow::orchestrator::FrameReader reader(fds[0]);
  for (int i = 0; i < 4 && !reader.eof(); ++i) {
    if (!reader.Fill().ok()) break;
    while (true) {
      auto next = reader.Next();
      if (!next.ok() || !*next) break;
    }
  }
  close(fds[0]);
  return 0;
}
