#include "warehouse/sqlite_scratch.h"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <filesystem>

#include "common/background_remove.h"
#include "common/process.h"

namespace arxivflow::warehouse {

namespace {

namespace fs = std::filesystem;

constexpr const char* kKinds[] = {".search-", ".stage-"};

// A staged table's scratch file is GBs at full scale: the process that removes
// it last in a run would otherwise wait seconds for the kernel to free it.
void RemoveWithJournal(const std::string& path) {
  std::error_code ec;
  (void)RemoveFileInBackground(path.c_str());
  fs::remove(path + "-journal", ec);
}

// The pid a scratch name ends with, or 0.
long PidOf(const std::string& name) {
  const size_t dot = name.rfind('.');
  if (dot == std::string::npos) return 0;
  long pid = 0;
  const char* begin = name.data() + dot + 1;
  const char* end = name.data() + name.size();
  auto [ptr, ec] = std::from_chars(begin, end, pid);
  if (ec != std::errc() || ptr != end || pid <= 0) return 0;
  return pid;
}

}  // namespace

std::string ScratchPath(const std::string& db_path, const std::string& kind, const std::string& load_id) {
  return db_path + "." + kind + "-" + load_id + "." + std::to_string(getpid());
}

void RemoveStaleScratchFiles(const std::string& db_path) {
  const fs::path db(db_path);
  const std::string base = db.filename().string();
  std::error_code ec;
  const fs::path dir = db.has_parent_path() ? db.parent_path() : fs::path(".");
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.rfind(base, 0) != 0) continue;
    bool scratch = false;
    for (const char* kind : kKinds) scratch = scratch || name.compare(base.size(), std::string_view(kind).size(), kind) == 0;
    if (!scratch) continue;
    constexpr std::string_view kJournal = "-journal";
    if (name.size() > kJournal.size() && name.compare(name.size() - kJournal.size(), kJournal.size(), kJournal) == 0) {
      name.resize(name.size() - kJournal.size());
    }
    if (ProcessIsGone(PidOf(name))) RemoveWithJournal(entry.path().string());
  }
}

ScratchFile::ScratchFile(std::string path) : path_(std::move(path)) { RemoveWithJournal(path_); }

ScratchFile::~ScratchFile() { RemoveWithJournal(path_); }

}  // namespace arxivflow::warehouse
