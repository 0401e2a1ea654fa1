#include "common/disk_writeback.h"

#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace arxivflow {

Status StartWriteback(int fd, uint64_t offset, uint64_t length) {
#ifdef __linux__
  if (::sync_file_range(fd, static_cast<off64_t>(offset), static_cast<off64_t>(length), SYNC_FILE_RANGE_WRITE) != 0) {
    return Status::IOError(std::string("sync_file_range: ") + std::strerror(errno));
  }
#else
  (void)fd;
  (void)offset;
  (void)length;
#endif
  return Status::OK();
}

}  // namespace arxivflow
