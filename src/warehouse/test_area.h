// Test helper: writes a Parquet area (six tables + _manifest.json, through our
// Parquet writer and the one manifest type) with generated rows
// (test_batches.h). Header-only; used by unit tests and by the integration
// tests' area writer (tests/warehouse/area_writer.cc).
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "parquet/writer.h"
#include "schema/area_manifest.h"
#include "schema/star_schema.h"
#include "warehouse/test_batches.h"

namespace arxivflow::warehouse::testing {

// Every table gets sum(file_rows) rows, in one part file per element of
// `file_rows`; row_group_bytes 0 keeps the writer's default. Memory stays
// bounded: rows are generated 10 000 at a time.
inline Status WriteArea(const std::filesystem::path& dir, const std::vector<int64_t>& file_rows,
                        int64_t row_group_bytes = 0) {
  namespace fs = std::filesystem;
  schema::AreaManifest manifest;
  int64_t rows = 0;
  for (int64_t n : file_rows) rows += n;
  manifest.records = schema::ManifestRecords{static_cast<uint64_t>(rows), static_cast<uint64_t>(rows), 0, {}};
  for (const auto& table : schema::StarSchema()) {
    fs::create_directories(dir / table.name);
    schema::ManifestTable& entry = manifest.tables[table.name];
    entry.rows = rows;
    entry.files.emplace();
    int64_t written = 0;
    for (size_t f = 0; f < file_rows.size(); ++f) {
      const int64_t n = file_rows[f];
      char name[48];
      std::snprintf(name, sizeof(name), "part-%05zu.parquet", f);
      const std::string rel = table.name + "/" + name;
      AF_ASSIGN_OR_RETURN(auto sink, parquet::OpenFileSink((dir / rel).string()));
      parquet::WriterOptions options;
      if (row_group_bytes > 0) options.row_group_bytes = row_group_bytes;
      AF_ASSIGN_OR_RETURN(auto writer, parquet::Writer::Open(std::move(sink), table.schema, options));
      constexpr int64_t kChunk = 10000;
      for (int64_t start = 0; start < n; start += kChunk) {
        const int chunk = static_cast<int>(std::min(kChunk, n - start));
        Batch b = GeneratedBatch(table, chunk, static_cast<int>(written + start));
        for (int r = 0; r < chunk; ++r) {
          for (size_t c = 0; c < table.schema.columns.size(); ++c) {
            const auto& v = b.columns[c];
            const int col = static_cast<int>(c);
            switch (v.physical) {
              case parquet::PhysicalType::kByteArray: writer->AppendString(col, v.strings[r]); break;
              case parquet::PhysicalType::kInt32: writer->AppendInt32(col, v.i32[r]); break;
              default: writer->AppendInt64(col, v.i64[r]); break;
            }
          }
          AF_RETURN_IF_ERROR(writer->EndRow());
        }
      }
      AF_RETURN_IF_ERROR(writer->Close());
      entry.files->push_back({rel, n, static_cast<uint64_t>(fs::file_size(dir / rel))});
      written += n;
    }
  }
  std::ofstream(dir / schema::kManifestFileName) << manifest.ToJson();
  return Status::OK();
}

// `rows` rows per table, split over `files` part files (the last takes the
// remainder), in row groups of about 4 KB (several per file).
inline Status WriteTestArea(const std::filesystem::path& dir, int rows, int files = 2) {
  std::vector<int64_t> file_rows;
  int written = 0;
  for (int f = 0; f < files; ++f) {
    const int n = f == files - 1 ? rows - written : rows / files;
    file_rows.push_back(n);
    written += n;
  }
  return WriteArea(dir, file_rows, 4096);
}

}  // namespace arxivflow::warehouse::testing
