// Parquet writer throughput: 10 M short strings and 1 M 1-KB strings, SNAPPY,
// default options (dictionary on, 128 MB row groups, 1 MB pages).
//
// Usage: parquet_write_bench OUTPUT_DIR [short|long]
// Prints one line per case: "case rows bytes wall_s MB/s file_bytes cpu_s
// MB/s_per_cpu_s" (CPU time includes generating the data), then
// the process's peak RSS ("peak_rss_kb N").
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "parquet/output_sink.h"
#include "parquet/writer.h"

using namespace arxivflow;
using namespace arxivflow::parquet;

namespace {

long PeakRssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  return x;
}

template <typename MakeValue>
int Run(const char* name, const std::string& path, int64_t rows, MakeValue make) {
  auto start = std::chrono::steady_clock::now();
  double cpu0 = CpuSeconds();
  auto sink = OpenFileSink(path);
  if (!sink.ok()) { std::fprintf(stderr, "%s\n", sink.status().ToString().c_str()); return 1; }
  Schema schema;
  schema.columns = {StringColumn("value")};
  auto w = Writer::Open(std::move(*sink), schema, WriterOptions{});
  if (!w.ok()) { std::fprintf(stderr, "%s\n", w.status().ToString().c_str()); return 1; }
  std::string buf;
  uint64_t bytes = 0;
  for (int64_t i = 0; i < rows; ++i) {
    make(i, &buf);
    bytes += buf.size();
    (*w)->AppendString(0, buf);
    Status st = (*w)->EndRow();
    if (!st.ok()) { std::fprintf(stderr, "%s\n", st.ToString().c_str()); return 1; }
  }
  Status st = (*w)->Close();
  if (!st.ok()) { std::fprintf(stderr, "%s\n", st.ToString().c_str()); return 1; }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double cpu = CpuSeconds() - cpu0;
  std::ifstream f(path, std::ios::ate | std::ios::binary);
  std::printf("%s %lld %llu %.3f %.1f %lld %.3f %.1f\n", name, static_cast<long long>(rows), static_cast<unsigned long long>(bytes), secs,
              bytes / secs / 1e6, static_cast<long long>(f.tellg()), cpu, bytes / cpu / 1e6);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIR [short|long]\n", argv[0]);
    return 2;
  }
  std::string dir = argv[1];
  std::string only = argc == 3 ? argv[2] : "";
  // Short strings: arXiv-like identifiers, all distinct ("paper-1234567").
  if (only != "long" && Run("short_10M", dir + "/ours_short.parquet", 10'000'000, [](int64_t i, std::string* out) {
        out->assign("paper-");
        out->append(std::to_string(i));
      })) return 1;
  // 1 KB strings: a 32-character hex word repeated 32 times, different per row.
  if (only != "short" && Run("long_1M", dir + "/ours_long.parquet", 1'000'000, [](int64_t i, std::string* out) {
        char word[33];
        std::snprintf(word, sizeof word, "%016llx%016llx", static_cast<unsigned long long>(Mix(i)), static_cast<unsigned long long>(Mix(i + 1)));
        out->clear();
        for (int k = 0; k < 32; ++k) out->append(word, 32);
      })) return 1;
  std::printf("peak_rss_kb %ld\n", PeakRssKb());
  return 0;
}
