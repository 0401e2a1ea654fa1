// Valid files that other writers produce and other readers accept: the
// reader reads them too, within its bounds, or names why it cannot.
#include <gtest/gtest.h>

#include "parquet/reader.h"
#include "parquet/test_files.h"
#include "parquet/writer.h"

namespace arxivflow::parquet {
namespace {

using namespace testing;

std::string DictionaryFile() {
  Schema s;
  s.columns = {StringColumn("s", false), Int64Column("i", false)};
  WriterOptions opt;
  opt.compression = Compression::kSnappy;
  opt.page_bytes = 512;
  std::string out;
  auto w = Writer::Open(MakeStringSink(&out), s, opt);
  for (int r = 0; r < 400; ++r) {
    (*w)->AppendString(0, "value-" + std::to_string(r % 23));
    (*w)->AppendInt64(1, r % 7);
    EXPECT_TRUE((*w)->EndRow().ok());
  }
  EXPECT_TRUE((*w)->Close().ok());
  return out;
}

Result<std::vector<std::string>> Strings(const std::string& f, int column = 0) {
  AF_ASSIGN_OR_RETURN(auto r, Reader::Open(MakeStringFile(f, "f.parquet")));
  std::vector<std::string> out;
  for (size_t g = 0; g < r->metadata().row_groups.size(); ++g) {
    AF_ASSIGN_OR_RETURN(ColumnVector col, r->ReadColumn(static_cast<int>(g), column));
    for (int64_t i = 0; i < col.size; ++i) {
      out.push_back(col.physical == PhysicalType::kByteArray ? std::string(col.strings[i]) : std::to_string(col.i64[i]));
    }
  }
  return out;
}

size_t HeaderLength(const std::string& f, int64_t offset) {
  format::PageHeader h;
  size_t hlen = 0;
  EXPECT_TRUE(format::ParsePageHeader(reinterpret_cast<const uint8_t*>(f.data()) + offset, f.size() - offset, &h, &hlen).ok());
  EXPECT_EQ(h.type, format::kDictionaryPage);
  return hlen;
}

TEST(ReaderCompat, ZeroRowChunkWithOnlyADictionaryPage) {
  // Arrow C++ writes an empty table's chunks as a lone dictionary page at
  // offset 4, with data_page_offset 0 (or, without a dictionary, offset 0 and
  // size 0).
  auto dict = WithCrc(DictPage(0), "");
  std::string f = HandMade({dict}, 0, true);
  Parts p = Split(f);
  auto& md = *p.meta.row_groups[0].columns[0].meta_data;
  md.dictionary_page_offset = 4;
  md.data_page_offset = 0;
  auto r = Reader::Open(MakeStringFile(Join(p)));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto col = (*r)->ReadColumn(0, 0);
  ASSERT_TRUE(col.ok()) << col.status().ToString();
  EXPECT_EQ(col->size, 0);
  md.dictionary_page_offset.reset();
  md.total_compressed_size = 0;
  r = Reader::Open(MakeStringFile(Join(p)));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE((*r)->ReadColumn(0, 0).ok());
  // With values, a chunk still has to lie inside the file.
  p.meta.num_rows = p.meta.row_groups[0].num_rows = md.num_values = 1;
  EXPECT_NE(Reader::Open(MakeStringFile(Join(p))).status().message().find("lies outside the file's data area"), std::string::npos);
}

TEST(ReaderCompat, ChunkSizeThatLeavesOutTheDictionaryPageHeader) {
  // Old parquet-mr (before 1.2.9) and Impala left the dictionary page header
  // out of total_compressed_size, and parquet-mr pointed data_page_offset at
  // the dictionary page without setting dictionary_page_offset. Arrow pads
  // the read, DuckDB reads pages past the declared end; so do we, by at most
  // that header.
  const std::string good = DictionaryFile();
  auto want = Strings(good);
  ASSERT_TRUE(want.ok());
  for (bool with_dictionary_offset : {false, true}) {
    Parts p = Split(good);
    p.meta.created_by = "parquet-mr version 1.2.8 (build abcd)";
    for (auto& cc : p.meta.row_groups[0].columns) {
      auto& md = *cc.meta_data;
      ASSERT_TRUE(md.dictionary_page_offset.has_value());
      md.total_compressed_size -= static_cast<int64_t>(HeaderLength(good, *md.dictionary_page_offset));
      if (!with_dictionary_offset) {  // parquet-mr: data_page_offset at the dictionary page
        md.data_page_offset = *md.dictionary_page_offset;
        md.dictionary_page_offset.reset();
      }
    }
    const std::string old = Join(p);
    auto got = Strings(old);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, *want);
    auto ints = Strings(old, 1);
    ASSERT_TRUE(ints.ok()) << ints.status().ToString();
    // One byte more missing than the header is a damaged file.
    p.meta.row_groups[0].columns[0].meta_data->total_compressed_size -= 1;
    EXPECT_EQ(Strings(Join(p)).status().code(), Status::Code::kCorruption);
  }
}

TEST(ReaderCompat, ChunkWithoutADictionaryMayNotRunPastItsSize) {
  Schema s;
  s.columns = {Int32Column("i", false)};
  WriterOptions opt;
  opt.dictionary = false;
  std::string f;
  auto w = Writer::Open(MakeStringSink(&f), s, opt);
  for (int r = 0; r < 10; ++r) {
    (*w)->AppendInt32(0, r);
    ASSERT_TRUE((*w)->EndRow().ok());
  }
  ASSERT_TRUE((*w)->Close().ok());
  Parts p = Split(f);
  p.meta.row_groups[0].columns[0].meta_data->total_compressed_size -= 3;
  auto r = Reader::Open(MakeStringFile(Join(p), "f.parquet"));
  ASSERT_TRUE(r.ok());
  Status st = (*r)->ReadColumn(0, 0).status();
  EXPECT_EQ(st.code(), Status::Code::kCorruption);
  EXPECT_NE(st.message().find("runs past the column chunk"), std::string::npos) << st.message();
}

TEST(ReaderCompat, EncryptedFooterIsReportedAsEncryption) {
  // Parquet Modular Encryption with an encrypted footer: "PARE" at both ends.
  std::string f = DictionaryFile();
  f.replace(0, 4, "PARE");
  f.replace(f.size() - 4, 4, "PARE");
  Status st = Reader::Open(MakeStringFile(f, "enc.parquet")).status();
  EXPECT_EQ(st.code(), Status::Code::kUnsupported);
  EXPECT_EQ(st.message(), "enc.parquet: encrypted files are not supported (encrypted footer, PARE magic)");
}

}  // namespace
}  // namespace arxivflow::parquet
