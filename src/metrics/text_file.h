// Metrics handed between processes as text files (the scheduler writes its
// own; the web server serves them on /metrics), like node_exporter's
// textfile collector.
//
// Contract: WriteTextFileAtomically writes `text` to a temporary file beside
// `path` (mode 0600) and renames it over `path`, so a reader sees the old
// file or the new one, never a mix. ReadTextFile reads at most `max_bytes`
// (kNotFound when the file does not exist, kInvalidArgument past the limit).
// Thread-safe.
#pragma once

#include <cstddef>
#include <string>

#include "common/status.h"

namespace arxivflow::metrics {

Status WriteTextFileAtomically(const std::string& path, const std::string& text);
Result<std::string> ReadTextFile(const std::string& path, size_t max_bytes);

}  // namespace arxivflow::metrics
