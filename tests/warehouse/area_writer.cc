// Writes a synthetic Parquet area (the six tables + _manifest.json) for the
// warehouse integration tests and benchmarks:
//   warehouse_area_writer OUT_DIR ROWS [ROWS_PER_FILE]
// Every table gets ROWS rows; values are generated (see test_batches.h).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "parquet/writer.h"
#include "schema/star_schema.h"
#include "warehouse/test_batches.h"

namespace fs = std::filesystem;
using namespace arxivflow;

static Status WriteTable(const fs::path& dir, const schema::TableDef& table, int64_t rows, int64_t per_file,
                         nlohmann::json* entry) {
  fs::create_directories(dir / table.name);
  (*entry)["rows"] = rows;
  (*entry)["files"] = nlohmann::json::array();
  int64_t written = 0;
  for (int f = 0; written < rows || (rows == 0 && f == 0); ++f) {
    const int64_t n = std::min(per_file, rows - written);
    char name[32];
    std::snprintf(name, sizeof(name), "part-%05d.parquet", f);
    const std::string rel = table.name + "/" + name;
    AF_ASSIGN_OR_RETURN(auto sink, parquet::OpenFileSink((dir / rel).string()));
    AF_ASSIGN_OR_RETURN(auto writer, parquet::Writer::Open(std::move(sink), table.schema, {}));
    constexpr int64_t kChunk = 10000;  // bounded memory
    for (int64_t start = 0; start < n; start += kChunk) {
      const int chunk = static_cast<int>(std::min(kChunk, n - start));
      warehouse::Batch b = warehouse::testing::GeneratedBatch(table, chunk, static_cast<int>(written + start));
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
    (*entry)["files"].push_back({{"path", rel}, {"rows", n}, {"bytes", fs::file_size(dir / rel)}});
    written += n;
    if (rows == 0) break;
  }
  return Status::OK();
}

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s OUT_DIR ROWS [ROWS_PER_FILE]\n", argv[0]);
    return 2;
  }
  const fs::path dir = argv[1];
  const int64_t rows = std::atoll(argv[2]);
  const int64_t per_file = argc > 3 ? std::atoll(argv[3]) : 250000;
  nlohmann::json manifest;
  manifest["records"] = {{"read", rows}, {"accepted", rows}, {"rejected", 0}};
  for (const auto& table : schema::StarSchema()) {
    nlohmann::json entry;
    Status st = WriteTable(dir, table, rows, per_file, &entry);
    if (!st.ok()) {
      std::fprintf(stderr, "error: %s\n", st.message().c_str());
      return 1;
    }
    manifest["tables"][table.name] = entry;
  }
  std::ofstream(dir / "_manifest.json") << manifest.dump(2) << "\n";
  return 0;
}
