// A Parquet area: the folder the transform publishes, DIR/<table>/part-*.parquet
// plus DIR/_manifest.json.
//
// Contract: OpenParquetArea() refuses a folder without a readable
// _manifest.json (kNotFound / kCorruption naming the file). The manifest is
// read tolerantly: for each table, `tables.<t>.rows` gives the expected row
// count when present, and `tables.<t>.files[].path` the files (relative to
// DIR; absolute paths and '..' are refused); when `files` is absent the table
// folder is listed for *.parquet. File lists are sorted. Immutable after
// opening; safe to share between threads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace arxivflow::warehouse {

struct AreaTable {
  std::string name;
  std::optional<int64_t> rows;     // from the manifest
  std::vector<std::string> files;  // full paths
};

struct ParquetArea {
  std::string dir;
  nlohmann::json manifest;
  std::map<std::string, AreaTable> tables;  // only the six star-schema tables

  // A number from the manifest by dotted path: "<table>.rows" reads
  // tables.<table>.rows, anything else is looked up from the root
  // ("records.accepted"). nullopt when absent or not an integer.
  std::optional<int64_t> ManifestNumber(const std::vector<std::string>& path) const;
};

Result<ParquetArea> OpenParquetArea(const std::string& dir);

}  // namespace arxivflow::warehouse
