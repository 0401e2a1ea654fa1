// Writes Parquet files covering every column type x encoding (plain,
// dictionary) x codec x null pattern, each with a JSON sidecar holding the
// expected values, for the interop checks in interop_read.mjs.
//
// Usage: parquet_interop_gen OUTPUT_DIR
// Sidecar values: strings as strings, INT16/INT32/DOUBLE/BOOLEAN as JSON
// numbers/booleans, INT64 and TIMESTAMP (microseconds) as decimal strings,
// DATE as "YYYY-MM-DD"; null for nulls.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "parquet/output_sink.h"
#include "parquet/writer.h"

using namespace arxivflow;
using namespace arxivflow::parquet;
using nlohmann::json;

namespace {

std::string DateText(int32_t days) {
  // Civil-from-days (proleptic Gregorian).
  int64_t z = static_cast<int64_t>(days) + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld", static_cast<long long>(y), static_cast<long long>(m), static_cast<long long>(d));
  return buf;
}

struct Row {
  // One value per column; std::nullopt-like via flags.
};

const std::vector<std::string> kUtf8 = {"hello", "", "Grüße, Jürgen", "日本語のテキスト", "emoji 😀🎉", "naïve café", "Ωmega ∑", "plain ascii"};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
    return 2;
  }
  std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);

  Schema schema;
  schema.columns = {
      StringColumn("s_mixed"),          // nulls, empty strings, multi-byte UTF-8
      StringColumn("s_required", false),
      StringColumn("s_all_null"),
      StringColumn("s_big"),            // one 1 MB value, otherwise short/nulls
      StringColumn("s_lowcard"),        // few distinct values
      Int16Column("i16"),
      Int32Column("i32", false),
      Int64Column("i64"),
      DateColumn("date"),
      TimestampColumn("ts"),
      DoubleColumn("dbl"),
      BoolColumn("flag"),
      BoolColumn("flag_required", false),
      Int32Column("i32_all_null"),
  };
  const char* types[] = {"string", "string", "string", "string", "string", "int16", "int32", "int64",
                         "date", "timestamp", "double", "bool", "bool", "int32"};
  const int kRows = 5000;
  const std::string big(1 << 20, 'x');

  int files = 0;
  for (Compression codec : {Compression::kUncompressed, Compression::kSnappy, Compression::kGzip, Compression::kZstd}) {
    for (bool dict : {false, true}) {
      std::string base = std::string("gen_") + CompressionName(codec) + (dict ? "_dict" : "_plain");
      WriterOptions opt;
      opt.compression = codec;
      opt.dictionary = dict;
      opt.page_bytes = 4096;            // many pages
      opt.row_group_bytes = 600 << 10;  // several row groups
      opt.dictionary_page_bytes = 2048; // s_mixed falls back mid-chunk
      auto sink = OpenFileSink((dir / (base + ".parquet")).string());
      if (!sink.ok()) { std::fprintf(stderr, "%s\n", sink.status().ToString().c_str()); return 1; }
      auto w = Writer::Open(std::move(*sink), schema, opt);
      if (!w.ok()) { std::fprintf(stderr, "%s\n", w.status().ToString().c_str()); return 1; }
      Writer& wr = **w;
      json cols = json::array();
      json values = json::object();
      for (size_t c = 0; c < schema.columns.size(); ++c) {
        cols.push_back({{"name", schema.columns[c].name}, {"type", types[c]}});
        values[schema.columns[c].name] = json::array();
      }
      for (int r = 0; r < kRows; ++r) {
        auto put = [&](const char* name, json v) { values[name].push_back(std::move(v)); };
        // s_mixed
        if (r % 7 == 3) { wr.AppendNull(0); put("s_mixed", nullptr); }
        else { std::string v = kUtf8[r % kUtf8.size()] + (r % 3 ? "#" + std::to_string(r) : ""); wr.AppendString(0, v); put("s_mixed", v); }
        { std::string v = "row-" + std::to_string(r); wr.AppendString(1, v); put("s_required", v); }
        wr.AppendNull(2); put("s_all_null", nullptr);
        if (r == 1234) { wr.AppendString(3, big); put("s_big", big); }
        else if (r % 2) { wr.AppendNull(3); put("s_big", nullptr); }
        else { wr.AppendString(3, "b"); put("s_big", "b"); }
        { std::string v = kUtf8[r % 3]; wr.AppendString(4, v); put("s_lowcard", v); }
        if (r % 5 == 0) { wr.AppendNull(5); put("i16", nullptr); }
        else { int32_t v = static_cast<int16_t>((r * 37) % 65536 - 32768); wr.AppendInt32(5, v); put("i16", v); }
        { int32_t v = r % 2 ? static_cast<int32_t>(static_cast<uint32_t>(r) * 1000003u) : -r; wr.AppendInt32(6, v); put("i32", v); }
        if (r % 4 == 1) { wr.AppendNull(7); put("i64", nullptr); }
        else { int64_t v = (static_cast<int64_t>(r) - 2500) * 4000000000000ll; wr.AppendInt64(7, v); put("i64", std::to_string(v)); }
        if (r % 6 == 2) { wr.AppendNull(8); put("date", nullptr); }
        else { int32_t v = -800 + r * 7; wr.AppendInt32(8, v); put("date", DateText(v)); }
        if (r % 9 == 4) { wr.AppendNull(9); put("ts", nullptr); }
        else { int64_t v = 1700000000000000ll + static_cast<int64_t>(r) * 86400123457ll - (r % 2 ? 3000000000000000ll : 0); wr.AppendInt64(9, v); put("ts", std::to_string(v)); }
        if (r % 8 == 5) { wr.AppendNull(10); put("dbl", nullptr); }
        else { double v = r % 10 == 0 ? 0.0 : (r - 2500) * 1.25 + 0.001; wr.AppendDouble(10, v); put("dbl", v); }
        if (r % 3 == 0) { wr.AppendNull(11); put("flag", nullptr); }
        else { bool v = r % 2; wr.AppendBool(11, v); put("flag", v); }
        { bool v = (r / 3) % 2; wr.AppendBool(12, v); put("flag_required", v); }
        wr.AppendNull(13); put("i32_all_null", nullptr);
        Status st = wr.EndRow();
        if (!st.ok()) { std::fprintf(stderr, "%s\n", st.ToString().c_str()); return 1; }
      }
      Status st = wr.Close();
      if (!st.ok()) { std::fprintf(stderr, "%s\n", st.ToString().c_str()); return 1; }
      json side = {{"file", base + ".parquet"}, {"codec", CompressionName(codec)}, {"dictionary", dict},
                   {"rows", kRows}, {"columns", cols}, {"values", values}};
      std::ofstream(dir / (base + ".json")) << side.dump();
      ++files;
    }
  }
  std::printf("wrote %d files to %s\n", files, dir.c_str());
  return 0;
}
