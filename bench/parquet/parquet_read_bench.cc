// Parquet reader: the cost of page checksum verification. Decodes every
// column chunk of the given files with verification on and off, alternating,
// ROUNDS times each, and prints the CPU time of each.
//
// Usage: parquet_read_bench ROUNDS FILE...
// Prints one line per file: "file bytes cpu_s_verify cpu_s_unverified" (the
// medians over the rounds).
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "parquet/reader.h"

using namespace arxivflow;
using namespace arxivflow::parquet;

namespace {

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// CPU seconds to decode the whole file, or a negative value on error.
double ReadAll(const std::string& path, bool verify) {
  const double cpu0 = CpuSeconds();
  auto file = OpenLocalFile(path);
  if (!file.ok()) return -1;
  ReaderOptions options;
  options.verify_checksums = verify;
  auto reader = Reader::Open(std::move(*file), options);
  if (!reader.ok()) {
    std::fprintf(stderr, "%s\n", reader.status().ToString().c_str());
    return -1;
  }
  const FileMetadata& m = (*reader)->metadata();
  for (size_t g = 0; g < m.row_groups.size(); ++g) {
    for (size_t c = 0; c < m.schema.columns.size(); ++c) {
      auto col = (*reader)->ReadColumn(static_cast<int>(g), static_cast<int>(c));
      if (!col.ok()) {
        std::fprintf(stderr, "%s\n", col.status().ToString().c_str());
        return -1;
      }
    }
  }
  return CpuSeconds() - cpu0;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s ROUNDS FILE...\n", argv[0]);
    return 2;
  }
  const int rounds = std::max(1, std::atoi(argv[1]));
  for (int i = 2; i < argc; ++i) {
    std::vector<double> on, off;
    for (int r = 0; r < rounds; ++r) {
      on.push_back(ReadAll(argv[i], true));
      off.push_back(ReadAll(argv[i], false));
      if (on.back() < 0 || off.back() < 0) return 1;
    }
    auto file = OpenLocalFile(argv[i]);
    std::printf("%s %llu %.3f %.3f\n", argv[i], static_cast<unsigned long long>(file.ok() ? (*file)->Size() : 0), Median(on), Median(off));
  }
  return 0;
}
