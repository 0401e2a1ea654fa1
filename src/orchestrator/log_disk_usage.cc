#include "orchestrator/log_disk_usage.h"

#include <filesystem>
#include <system_error>

namespace arxivflow::orchestrator {

DiskUsage MeasureDiskUsage(const std::string& folder) {
  namespace fs = std::filesystem;
  DiskUsage usage;
  std::error_code ec;
  fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec);
  if (ec) return usage;
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    std::error_code file_ec;
    if (!it->is_regular_file(file_ec) || file_ec) continue;
    auto size = it->file_size(file_ec);
    if (file_ec) continue;
    ++usage.files;
    usage.bytes += static_cast<int64_t>(size);
  }
  return usage;
}

}  // namespace arxivflow::orchestrator
