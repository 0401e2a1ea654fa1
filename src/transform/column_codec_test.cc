// Columns stored without compression (TransformOptions::uncompressed_columns):
// the names are checked against the six tables, the named columns' chunks
// are UNCOMPRESSED and every other one keeps the codec, and the manifest
// records the choice.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/scoped_temp_dir_test_util.h"
#include "parquet/reader.h"
#include "transform/transform.h"

namespace arxivflow::transform {
namespace {

namespace fs = std::filesystem;

TEST(ParseTableColumns, NamesOfTheSixTables) {
  auto names = ParseTableColumns(" abstracts.abstract, titles.title ,abstracts.abstract,,");
  ASSERT_TRUE(names.ok()) << names.status().ToString();
  EXPECT_EQ(*names, (std::vector<std::string>{"abstracts.abstract", "titles.title"}));
  auto none = ParseTableColumns("");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(ParseTableColumns, UnknownNamesAreRefusedWithTheKnownOnes) {
  auto table = ParseTableColumns("abstract.abstract");
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(table.status().message().find("abstracts"), std::string::npos) << table.status().message();
  auto column = ParseTableColumns("abstracts.text");
  ASSERT_FALSE(column.ok());
  EXPECT_NE(column.status().message().find("its columns: id, abstract"), std::string::npos)
      << column.status().message();
  EXPECT_FALSE(ParseTableColumns("abstracts").ok());
  EXPECT_FALSE(ParseTableColumns(".abstract").ok());
  EXPECT_FALSE(ParseTableColumns("abstracts.").ok());
  EXPECT_FALSE(ParseTableColumns(std::string(100000, 'x')).ok());
}

// codec of each column of every row group of every part of `table`, by column name.
std::vector<std::pair<std::string, parquet::Compression>> Codecs(const fs::path& area, const std::string& table) {
  std::vector<std::pair<std::string, parquet::Compression>> out;
  for (const auto& e : fs::directory_iterator(area / table)) {
    auto in = parquet::OpenLocalFile(e.path().string());
    EXPECT_TRUE(in.ok());
    auto r = parquet::Reader::Open(std::move(in).value());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    for (const auto& g : (*r)->metadata().row_groups) {
      for (const auto& c : g.columns) out.emplace_back(c.column, c.codec);
    }
  }
  return out;
}

TEST(UncompressedColumns, OnlyTheNamedColumnsAreStoredUncompressed) {
  const ScopedTempDir tmp("af-column-codec-");
  const fs::path dir = tmp.path();
  {
    std::ofstream f(dir / "in.jsonl");
    for (int i = 0; i < 500; ++i) {
      f << R"({"id":"0704.)" << 1000 + i << R"(","title":"Title )" << i << R"(","abstract":"Text of paper )" << i
        << R"(, repeated text, repeated text.","authors_parsed":[["Doe","Jane",""]],"categories":"hep-th"})"
        << "\n";
    }
  }
  TransformOptions o;
  o.input = (dir / "in.jsonl").string();
  o.output = (dir / "lake").string();
  o.threads = 2;
  o.progress = ProgressMode::kNever;
  o.uncompressed_columns = {"abstracts.abstract"};
  TransformSummary summary;
  ASSERT_TRUE(RunTransform(o, &summary).ok());
  const auto abstracts = Codecs(o.output, "abstracts");
  ASSERT_FALSE(abstracts.empty());
  for (const auto& [column, codec] : abstracts) {
    EXPECT_EQ(codec, column == "abstract" ? parquet::Compression::kUncompressed : parquet::Compression::kSnappy)
        << column;
  }
  for (const char* table : {"papers", "titles", "authors"}) {
    for (const auto& [column, codec] : Codecs(o.output, table)) {
      EXPECT_EQ(codec, parquet::Compression::kSnappy) << table << "." << column;
    }
  }
  std::ifstream m(fs::path(o.output) / "_manifest.json");
  const auto manifest = nlohmann::json::parse(m);
  EXPECT_EQ(manifest["options"]["uncompressed_columns"], nlohmann::json::array({"abstracts.abstract"}));
  EXPECT_EQ(manifest["options"]["compression"], "snappy");
}

TEST(UncompressedColumns, AnUnknownNameFailsBeforeAnythingIsWritten) {
  const ScopedTempDir tmp("af-column-codec-bad-");
  TransformOptions o;
  o.input = (tmp.path() / "missing.jsonl").string();
  o.output = (tmp.path() / "lake").string();
  o.progress = ProgressMode::kNever;
  o.uncompressed_columns = {"abstracts.text"};
  TransformSummary summary;
  const Status st = RunTransform(o, &summary);
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << st.ToString();
  EXPECT_FALSE(fs::exists(o.output));
}

}  // namespace
}  // namespace arxivflow::transform
