// A Parquet area: the folder the transform publishes, DIR/<table>/part-*.parquet
// plus DIR/_manifest.json; DIR may be s3://bucket/prefix.
//
// Contract: OpenParquetArea() refuses a folder without a readable
// _manifest.json (kNotFound / kCorruption naming the file); the manifest is
// read by its one type (schema/area_manifest.h), which checks every field.
// For each table, `tables.<t>.rows` gives the expected row count when present,
// and the files are `tables.<t>.files`, else the transform's `parts` (paths
// relative to DIR; absolute paths and '..' are refused); when a table lists
// neither, its folder is listed for *.parquet. File lists are sorted.
// Immutable after opening; safe to share between threads.
// On S3 the manifest is the only truth (objects of other runs under the
// prefix are ignored), and `files` holds s3:// URIs; a missing bucket,
// manifest or listed part is kNotFound, bad credentials kPermissionDenied.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "schema/area_manifest.h"

namespace arxivflow::warehouse {

struct AreaTable {
  std::string name;
  std::optional<int64_t> rows;     // from the manifest
  std::vector<std::string> files;  // full paths (or s3:// URIs)
  std::vector<uint64_t> file_bytes;  // sizes, parallel to `files`
};

struct ParquetArea {
  std::string dir;
  schema::AreaManifest manifest;
  std::map<std::string, AreaTable> tables;  // only the six star-schema tables

  // A number from the manifest by dotted path (AreaManifest::Number).
  std::optional<int64_t> ManifestNumber(const std::vector<std::string>& path) const;
};

Result<ParquetArea> OpenParquetArea(const std::string& dir);

}  // namespace arxivflow::warehouse
