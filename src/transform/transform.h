// The transform job: arXiv snapshot (+ optional NIPS CSV) -> six Parquet
// tables, `_manifest.json` and `_rejects.jsonl`, published atomically.
//
// Contract:
// - RunTransform() streams: memory is bounded by the block queue
//   (about 3 x threads blocks of options.block_bytes), one row group per
//   table per thread, and the id set (grows with distinct ids only).
// - Records are parsed and cleaned by `threads` workers; duplicate ids are
//   decided in input order (blocks commit their ids in sequence), so "first
//   wins" is exact and the output is the same for any thread count (up to
//   row order within parts).
// - Errors: a bad record is a reject (logged, the run goes on); a bad input
//   stream (unreadable file, cut .gz, malformed JSON array structure) or a
//   write failure is an error Status (nothing is published); more rejects
//   than allowed is Status::Aborted (nothing is published).
// - On success the output folder holds the new run and nothing else.
// - Progress (bytes and records done, totals, rates) is reported through the
//   hooks of TransformOptions, from one monitoring thread.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "parquet/types.h"
#include "schema/star_schema.h"
#include "transform/part_writer.h"
#include "transform/progress.h"

namespace arxivflow::transform {

struct TransformOptions {
  std::string input;   // snapshot (required)
  std::string nips;    // NIPS CSV (optional)
  std::string output;  // output folder
  int threads = 0;     // 0 = hardware concurrency
  parquet::Compression compression = parquet::Compression::kSnappy;
  // "table.column" names (ParseTableColumns) stored without compression.
  std::vector<std::string> uncompressed_columns;
  uint64_t shard_index = 0;  // 0-based
  uint64_t shard_count = 1;
  // Also record each input's SHA-256 (input_digest.h); its CRC-32 always.
  bool input_sha256 = false;
  std::optional<uint64_t> max_rejects;          // absolute
  std::optional<double> max_rejects_percent;    // of records read
  ProgressMode progress = ProgressMode::kAuto;  // the terminal bar / log lines
  // Progress hooks (see progress.h): called / rewritten at most once per
  // progress_interval, and once more at the end with `finished` set.
  ProgressCallback progress_callback;
  std::string progress_file;  // "" = none
  std::chrono::milliseconds progress_interval{1000};
  size_t block_bytes = 1u << 20;
  uint64_t rows_per_part = 2'000'000;
  uint64_t row_group_bytes = 8u << 20;
};

struct InputSummary {
  std::string kind;  // "snapshot" or "nips"
  std::string path;
  uint64_t size_bytes = 0;
  std::string etag;  // S3 inputs: the object's ETag
  std::string line_numbers;  // "" = exact; else how reject line numbers count
  uint64_t bytes_read = 0;
  std::string crc32;   // 8 hex digits; empty when only part of the file was read
  std::string sha256;  // empty unless asked for, or when only part was read
  std::string compression;
  std::string layout;
  uint64_t read = 0, accepted = 0, rejected = 0;
};

struct TransformSummary {
  std::vector<InputSummary> inputs;
  uint64_t read = 0, accepted = 0, rejected = 0, duplicates = 0;
  uint64_t unparsed_values = 0;
  std::array<uint64_t, schema::kTableCount> rows{};
  std::vector<PartFile> parts;
  double seconds = 0;
};

Status RunTransform(const TransformOptions& options, TransformSummary* summary);

// Parses a comma-separated list of "table.column" names of the six tables
// (spaces around names allowed, duplicates dropped); kInvalidArgument names
// the first unknown one and lists the table's columns.
Result<std::vector<std::string>> ParseTableColumns(const std::string& text);

// Parses "K/N" (K in 0..N-1).
bool ParseShard(const std::string& text, uint64_t* index, uint64_t* count);
// Parses "N" or "P%".
bool ParseMaxRejects(const std::string& text, std::optional<uint64_t>* count,
                     std::optional<double>* percent);

}  // namespace arxivflow::transform
