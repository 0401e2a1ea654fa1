// AreaManifest: `_manifest.json`, the description of a Parquet area of the
// star schema — written by the transform when it publishes (the commit point),
// read by the warehouse (which files, how many rows), the quality checks
// (`manifest.<path>` in conditions) and the web server (the Data page).
//
// Contract:
// - ToJson() writes the file's text (2-space indented, keys in the order the
//   fields are declared, a final newline); ParseAreaManifest() reads it back.
//   Writing a parsed manifest gives the same values.
// - Parsing checks the type of every field it knows and fails with
//   kCorruption naming the field ("tables.papers.rows must be a non-negative
//   integer"); fields it does not know are ignored, and every field may be
//   absent (hand-written manifests list only `tables.<t>.rows` and `files`).
//   Text over 256 MiB or nested deeper than 32 levels is refused.
// - `options` and `timings_ms` are records of how the area was made, kept as
//   given and never interpreted.
// - Plain data: copyable; thread-safe to read.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace arxivflow::schema {

// One Parquet file of a table, relative to the area.
struct ManifestFile {
  std::string path;
  std::optional<int64_t> rows;
  std::optional<uint64_t> bytes;
};

struct ManifestTable {
  std::optional<int64_t> rows;
  std::optional<uint64_t> bytes;
  // The transform lists its files as `parts`; hand-written manifests may use
  // `files` (paths, or objects with a path). nullopt = the key is absent.
  std::optional<std::vector<ManifestFile>> parts;
  std::optional<std::vector<ManifestFile>> files;

  // `files` when present, else `parts` (nullopt when neither is).
  const std::optional<std::vector<ManifestFile>>& listed() const { return files ? files : parts; }
};

struct ManifestInput {
  std::string kind;  // "snapshot" or "nips"
  std::string path;
  uint64_t size_bytes = 0;
  std::string etag;  // "" = not recorded
  uint64_t bytes_read = 0;
  std::string crc32;   // zlib's crc32() in 8 hex digits; "" = only part of the input was read (null)
  std::string sha256;  // "" = not asked for, or only part of the input was read (null in the file)
  std::string compression;
  std::string layout;
  uint64_t records_read = 0;
  uint64_t records_accepted = 0;
  uint64_t records_rejected = 0;
  std::string line_numbers;  // "" = exact; else how reject line numbers count
};

struct ManifestRecords {
  uint64_t read = 0;
  uint64_t accepted = 0;
  uint64_t rejected = 0;
  std::optional<uint64_t> duplicates;
};

struct AreaManifest {
  std::string program;
  std::string version;
  std::string created_at;
  std::string run_id;  // "" = not recorded (local output)
  nlohmann::ordered_json options;
  std::optional<std::vector<ManifestInput>> inputs;
  std::optional<ManifestRecords> records;
  std::optional<uint64_t> unparsed_values;
  std::optional<uint64_t> truncations;  // written as {"count": n}
  std::string rejects_file;
  std::map<std::string, ManifestTable> tables;  // written in star-schema order, then by name
  nlohmann::ordered_json timings_ms;

  std::string ToJson() const;
  nlohmann::ordered_json ToJsonValue() const;
  // A number by dotted path, as check conditions name it: "<table>.rows"
  // reads tables.<table>.rows; any other path is read from the root
  // ("records.accepted"). nullopt when absent or not an integer.
  std::optional<int64_t> Number(const std::vector<std::string>& path) const;
};

// `origin` names the file in errors.
Result<AreaManifest> ParseAreaManifest(std::string_view text, const std::string& origin);

// The name of the file in an area: "_manifest.json".
inline constexpr const char* kManifestFileName = "_manifest.json";

}  // namespace arxivflow::schema
