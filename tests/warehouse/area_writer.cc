// Writes a synthetic Parquet area (the six tables + _manifest.json) for the
// warehouse integration tests and benchmarks:
//   warehouse_area_writer OUT_DIR ROWS [ROWS_PER_FILE]
// Every table gets ROWS rows; values are generated (see test_batches.h).
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "warehouse/test_area.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s OUT_DIR ROWS [ROWS_PER_FILE]\n", argv[0]);
    return 2;
  }
  const int64_t rows = std::atoll(argv[2]);
  const int64_t per_file = argc > 3 ? std::atoll(argv[3]) : 250000;
  if (rows < 0 || per_file < 1) {
    std::fprintf(stderr, "error: ROWS must be >= 0 and ROWS_PER_FILE >= 1\n");
    return 2;
  }
  std::vector<int64_t> file_rows;
  for (int64_t written = 0; written < rows || file_rows.empty(); written += file_rows.back()) {
    file_rows.push_back(std::min(per_file, rows - written));
  }
  arxivflow::Status st = arxivflow::warehouse::testing::WriteArea(argv[1], file_rows);
  if (!st.ok()) {
    std::fprintf(stderr, "error: %s\n", st.message().c_str());
    return 1;
  }
  return 0;
}
