// The first lines of a transform's reject log, for the Data page.
//
// Contract: reads at most `max_lines` lines of at most `max_line_bytes` bytes
// each (a longer line is cut at a UTF-8 boundary and the rest skipped without
// being held in memory); a line that is JSON is returned parsed, any other as
// {"raw": text}. A missing file is an empty list. Thread-safe.
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "schema/area_manifest.h"

namespace arxivflow::server {

nlohmann::json ReadRejectsSample(const std::string& path, size_t max_lines = 20, size_t max_line_bytes = 4000);

// The reject log's file name in an area: the manifest's rejects_file when it
// is a plain file name, else "_rejects.jsonl".
std::string RejectsFileName(const schema::AreaManifest& manifest);

}  // namespace arxivflow::server
