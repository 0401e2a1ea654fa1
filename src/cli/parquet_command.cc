// `arxivflow parquet schema|meta|cat FILE`: inspect Parquet files with our
// own reader. Values are shown by parquet/value_text.h.
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/commands.h"
#include "parquet/format.h"
#include "parquet/reader.h"
#include "parquet/value_text.h"

namespace arxivflow::cli {

namespace {

using namespace arxivflow::parquet;

std::unique_ptr<Reader> OpenOrFail(const std::string& path, const ReaderOptions& options = ReaderOptions{}) {
  auto file = OpenLocalFile(path);
  if (!file.ok()) Fail(file.status().message());
  auto reader = Reader::Open(std::move(*file), options);
  if (!reader.ok()) Fail(reader.status().message());
  return std::move(*reader);
}

std::string Quote(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// JSON for one value: literals as they are, text quoted.
void AppendJson(const ValueText& v, std::string* out) {
  switch (v.kind) {
    case ValueText::kNull: out->append("null"); break;
    case ValueText::kNumber:
    case ValueText::kBoolean: out->append(v.text); break;
    case ValueText::kText: out->append(Quote(v.text)); break;
  }
}

void PrintSchema(const std::string& path) {
  auto reader = OpenOrFail(path);
  for (const auto& c : reader->metadata().schema.columns) {
    std::printf("%s %s %s\n", Quote(c.name).c_str(), ColumnTypeText(c).c_str(), c.nullable ? "OPTIONAL" : "REQUIRED");
  }
}

void PrintMeta(const std::string& path) {
  auto reader = OpenOrFail(path);
  const FileMetadata& m = reader->metadata();
  std::printf("file: %s\n", path.c_str());
  std::printf("created_by: %s\n", Quote(m.created_by).c_str());
  std::printf("version: %d\n", m.version);
  std::printf("rows: %lld\n", static_cast<long long>(m.num_rows));
  std::printf("columns: %zu\n", m.schema.columns.size());
  std::printf("row_groups: %zu\n", m.row_groups.size());
  for (size_t g = 0; g < m.row_groups.size(); ++g) {
    const RowGroupInfo& rg = m.row_groups[g];
    std::printf("row_group %zu: rows=%lld total_byte_size=%lld\n", g, static_cast<long long>(rg.num_rows), static_cast<long long>(rg.total_byte_size));
    for (size_t c = 0; c < rg.columns.size(); ++c) {
      const ColumnChunkInfo& ci = rg.columns[c];
      const ColumnSchema& cs = m.schema.columns[c];
      std::string enc;
      for (const auto& e : ci.encodings) enc += (enc.empty() ? "" : ",") + e;
      std::printf("  column %s: type=%s codec=%s encodings=%s values=%lld compressed=%lld uncompressed=%lld data_page_offset=%lld",
                  Quote(ci.column).c_str(), ColumnTypeText(cs).c_str(), CompressionName(ci.codec), enc.c_str(),
                  static_cast<long long>(ci.num_values), static_cast<long long>(ci.compressed_bytes),
                  static_cast<long long>(ci.uncompressed_bytes), static_cast<long long>(ci.data_page_offset));
      if (ci.dictionary_page_offset) std::printf(" dictionary_page_offset=%lld", static_cast<long long>(*ci.dictionary_page_offset));
      if (ci.null_count) std::printf(" nulls=%lld", static_cast<long long>(*ci.null_count));
      // Strings and raw bytes are quoted; dates, numbers, decimals are not.
      const bool free_text = (cs.physical == PhysicalType::kByteArray || cs.physical == PhysicalType::kFixedLenByteArray) &&
                             (cs.logical == LogicalType::kNone || cs.logical == LogicalType::kString);
      auto stat = [&](const char* label, const std::optional<std::string>& v) {
        if (!v) return;
        auto text = FormatStatistic(cs, *v);
        if (!text) std::printf(" %s=<%zu bytes>", label, v->size());
        else if (free_text) std::printf(" %s=%s", label, Quote(text->text).c_str());
        else std::printf(" %s=%s", label, text->text.c_str());
      };
      stat("min", ci.min_value);
      stat("max", ci.max_value);
      std::printf("\n");
    }
  }
}

void Cat(const std::string& path, int64_t limit, bool verify_checksums) {
  ReaderOptions options;
  options.verify_checksums = verify_checksums;
  auto reader = OpenOrFail(path, options);
  const FileMetadata& m = reader->metadata();
  const size_t ncols = m.schema.columns.size();
  std::vector<std::string> keys;
  for (const auto& c : m.schema.columns) keys.push_back(Quote(c.name) + ":");
  int64_t printed = 0;
  std::string line;
  for (size_t g = 0; g < m.row_groups.size(); ++g) {
    if (limit >= 0 && printed >= limit) break;
    std::vector<ColumnVector> cols;
    cols.reserve(ncols);
    for (size_t c = 0; c < ncols; ++c) {
      auto col = reader->ReadColumn(static_cast<int>(g), static_cast<int>(c));
      if (!col.ok()) {
        std::fflush(stdout);
        Fail(col.status().message());
      }
      cols.push_back(std::move(*col));
    }
    const int64_t rows = m.row_groups[g].num_rows;
    for (int64_t r = 0; r < rows; ++r) {
      if (limit >= 0 && printed >= limit) break;
      line.assign("{");
      for (size_t c = 0; c < ncols; ++c) {
        if (c) line.push_back(',');
        line.append(keys[c]);
        auto value = FormatValue(m.schema.columns[c], cols[c], static_cast<size_t>(r));
        if (!value) {
          std::fflush(stdout);
          Fail(path + ": row group " + std::to_string(g) + ", column '" + m.schema.columns[c].name + "', row " + std::to_string(r) + ": value does not fit the column's type " + ColumnTypeText(m.schema.columns[c]));
        }
        AppendJson(*value, &line);
      }
      line.append("}\n");
      std::fwrite(line.data(), 1, line.size(), stdout);
      ++printed;
    }
  }
  std::fflush(stdout);
}

}  // namespace

void AddParquetCommand(CLI::App& app) {
  auto* pq = app.add_subcommand("parquet", "Inspect Parquet files (schema, metadata, rows)");
  pq->require_subcommand(1);

  auto schema_file = std::make_shared<std::string>();
  auto* schema = pq->add_subcommand("schema", "Print the columns: name, type, repetition");
  schema->add_option("FILE", *schema_file, "Parquet file")->required();
  schema->callback([schema_file] { PrintSchema(*schema_file); });

  auto meta_file = std::make_shared<std::string>();
  auto* meta = pq->add_subcommand("meta", "Print row groups and column chunks with encodings, codecs, sizes, statistics");
  meta->add_option("FILE", *meta_file, "Parquet file")->required();
  meta->callback([meta_file] { PrintMeta(*meta_file); });

  auto cat_file = std::make_shared<std::string>();
  auto cat_limit = std::make_shared<int64_t>(-1);
  auto cat_no_verify = std::make_shared<bool>(false);
  auto* cat = pq->add_subcommand("cat", "Print rows as JSON Lines");
  cat->add_option("FILE", *cat_file, "Parquet file")->required();
  cat->add_option("--limit", *cat_limit, "Print at most N rows");
  cat->add_flag("--no-verify-checksums", *cat_no_verify, "Do not check the pages' CRC32 checksums");
  cat->callback([cat_file, cat_limit, cat_no_verify] { Cat(*cat_file, *cat_limit, !*cat_no_verify); });
}

}  // namespace arxivflow::cli
