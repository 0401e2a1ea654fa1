// Scratch SQLite files beside a warehouse file, where a load builds what it
// stages (a table's rows, or the search index) without the warehouse's write
// lock, before copying the result in under the lock.
//
// Names: "<db>.<kind>-<load id>.<pid>" (kind "search" or "stage-<table>"):
// per load and per process, so two builders never share a file. A scratch
// file is thrown away on any failure (ScratchFile removes it when it goes out
// of scope); the files of a process that died (even by SIGKILL) are removed
// by RemoveStaleScratchFiles(), which a publish and `create --drop` call.
// Scratch files are opened without a journal and without syncs: a crash
// loses nothing that the warehouse needs. Thread-safe (no shared state).
#pragma once

#include <string>

namespace arxivflow::warehouse {

std::string ScratchPath(const std::string& db_path, const std::string& kind, const std::string& load_id);

// Removes every scratch file of `db_path` whose process is gone.
void RemoveStaleScratchFiles(const std::string& db_path);

// Removes the file (and its journal, if any) on destruction.
class ScratchFile {
 public:
  explicit ScratchFile(std::string path);
  ~ScratchFile();
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace arxivflow::warehouse
