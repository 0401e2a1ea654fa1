#include "common/background_remove.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace arxivflow {

namespace {

// Runs in the grandchild: keep only `fd` and the read end of the pipe, wait
// until the caller has closed its own descriptor of the file (so this one is
// the last, whatever the scheduling), then let the kernel free the file.
[[noreturn]] void FreeAndExit(int fd, int wait_fd) {
  // Every descriptor but these two, in the gaps around them.
  unsigned from = 0;
  for (int keep : {std::min(fd, wait_fd), std::max(fd, wait_fd)}) {
    if (static_cast<unsigned>(keep) > from) ::close_range(from, static_cast<unsigned>(keep) - 1, 0);
    from = static_cast<unsigned>(keep) + 1;
  }
  ::close_range(from, ~0U, 0);
  char byte;
  while (::read(wait_fd, &byte, 1) < 0 && errno == EINTR) {
  }
  ::close(fd);
  ::_exit(0);
}

}  // namespace

int RemoveFileInBackground(const char* path) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  struct stat st;
  if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < kBackgroundRemoveMinBytes) {
    if (fd >= 0) ::close(fd);
    return ::unlink(path) == 0 ? 0 : errno;
  }
  if (::unlink(path) != 0) {
    const int err = errno;
    ::close(fd);
    return err;
  }
  int gate[2];
  if (::pipe2(gate, O_CLOEXEC) != 0) {
    ::close(fd);  // freed here, as unlink(2) would
    return 0;
  }
  const pid_t child = ::fork();
  // The file is freed when its last descriptor closes. Each process closes
  // its descriptor of the file before its end of the gate's write side; the
  // grandchild closes its own only at end of file on the gate, so it is last.
  if (child == 0) {
    const pid_t grandchild = ::fork();
    if (grandchild == 0) FreeAndExit(fd, gate[0]);
    ::close(fd);
    ::_exit(0);  // closes this process's write end of the gate
  }
  ::close(fd);
  ::close(gate[0]);
  ::close(gate[1]);
  if (child > 0) {
    while (::waitpid(child, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  return 0;
}

}  // namespace arxivflow
