// Test helper: writes a small Parquet area (six tables + _manifest.json)
// through our Parquet writer. Header-only; used by unit tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "parquet/writer.h"
#include "schema/star_schema.h"
#include "warehouse/test_batches.h"

namespace arxivflow::warehouse::testing {

// Writes `rows` generated rows per table, split over `files` part files.
inline Status WriteTestArea(const std::filesystem::path& dir, int rows, int files = 2) {
  std::filesystem::create_directories(dir);
  nlohmann::json manifest;
  manifest["records"] = {{"read", rows}, {"accepted", rows}, {"rejected", 0}};
  for (const auto& table : schema::StarSchema()) {
    std::filesystem::create_directories(dir / table.name);
    nlohmann::json entry;
    entry["rows"] = rows;
    entry["files"] = nlohmann::json::array();
    int written = 0;
    for (int f = 0; f < files; ++f) {
      const int n = f == files - 1 ? rows - written : rows / files;
      char name[32];
      std::snprintf(name, sizeof(name), "part-%05d.parquet", f);
      const std::string rel = table.name + "/" + name;
      AF_ASSIGN_OR_RETURN(auto sink, parquet::OpenFileSink((dir / rel).string()));
      parquet::WriterOptions options;
      options.row_group_bytes = 4096;  // several row groups per file
      AF_ASSIGN_OR_RETURN(auto writer, parquet::Writer::Open(std::move(sink), table.schema, options));
      Batch b = GeneratedBatch(table, n, written);
      for (int r = 0; r < n; ++r) {
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
      AF_RETURN_IF_ERROR(writer->Close());
      entry["files"].push_back({{"path", rel}, {"rows", n}});
      written += n;
    }
    manifest["tables"][table.name] = entry;
  }
  std::ofstream(dir / "_manifest.json") << manifest.dump(2);
  return Status::OK();
}

}  // namespace arxivflow::warehouse::testing
