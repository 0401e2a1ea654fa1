// Hostile input: every malformed file must fail with Status::Corruption (or
// Unsupported) naming the file, without crashing, hanging or allocating
// without bound.
#include "parquet/reader.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "parquet/format.h"
#include "parquet/test_files.h"
#include "parquet/writer.h"

namespace arxivflow::parquet {
namespace {

using namespace testing;

std::string ValidFile(Compression codec = Compression::kUncompressed, bool dict = true, int rows = 200) {
  Schema s;
  s.columns = {StringColumn("s"), Int32Column("i", false)};
  WriterOptions opt;
  opt.compression = codec;
  opt.dictionary = dict;
  opt.page_bytes = 256;
  std::string out;
  auto w = Writer::Open(MakeStringSink(&out), s, opt);
  for (int r = 0; r < rows; ++r) {
    if (r % 3 == 0) (*w)->AppendNull(0);
    else (*w)->AppendString(0, "v" + std::to_string(r % 17));
    (*w)->AppendInt32(1, r * 7);
    EXPECT_TRUE((*w)->EndRow().ok());
  }
  EXPECT_TRUE((*w)->Close().ok());
  return out;
}

// Opens and reads every column; the first error, or OK.
Status ReadAll(const std::string& data, const ReaderOptions& opt = ReaderOptions{}) {
  auto r = Reader::Open(MakeStringFile(data, "bad.parquet"), opt);
  if (!r.ok()) return r.status();
  const auto& m = (*r)->metadata();
  for (size_t g = 0; g < m.row_groups.size(); ++g) {
    for (size_t c = 0; c < m.schema.columns.size(); ++c) {
      auto col = (*r)->ReadColumn(static_cast<int>(g), static_cast<int>(c));
      if (!col.ok()) return col.status();
    }
  }
  return Status::OK();
}

void ExpectCorrupt(const std::string& data, const std::string& fragment = "", const ReaderOptions& opt = ReaderOptions{}) {
  Status st = ReadAll(data, opt);
  EXPECT_EQ(st.code(), Status::Code::kCorruption) << st.ToString();
  EXPECT_EQ(st.message().rfind("bad.parquet: ", 0), 0u) << st.message();
  if (!fragment.empty()) {
    EXPECT_NE(st.message().find(fragment), std::string::npos) << st.message();
  }
}

TEST(ReaderHostile, HandMadeFileIsReadable) {
  // Sanity check of the helpers: a correct hand-made file reads fine.
  std::string f = HandMade({{DictPage(2), Plain({"a", "b"})}, {DataPage(3, format::kRleDictionary), Levels({1, 0, 1}) + std::string("\x01\x03\x01", 3)}}, 3, true);
  auto r = Reader::Open(MakeStringFile(f));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto col = (*r)->ReadColumn(0, 0);
  ASSERT_TRUE(col.ok()) << col.status().ToString();
  EXPECT_EQ(col->strings[0], "b");
  EXPECT_TRUE(col->IsNull(1));
  EXPECT_EQ(col->strings[2], "a");
}

TEST(ReaderHostile, TruncatedFiles) {
  std::string f = ValidFile();
  for (size_t n = 0; n < f.size(); n += 3) {
    Status st = ReadAll(f.substr(0, n));
    EXPECT_EQ(st.code(), Status::Code::kCorruption) << n << ": " << st.ToString();
  }
}

TEST(ReaderHostile, BadMagic) {
  std::string f = ValidFile();
  std::string head = f;
  head[0] = 'X';
  ExpectCorrupt(head, "magic");
  std::string tail = f;
  tail[tail.size() - 1] = 'X';
  ExpectCorrupt(tail, "magic");
  ExpectCorrupt("PAR1PAR1", "too small");
  EXPECT_EQ(ReadAll("PAR1" + std::string(8, '\0') + "PARE").code(), Status::Code::kUnsupported);
}

TEST(ReaderHostile, FooterLengthPastFile) {
  std::string f = ValidFile();
  uint32_t len = 0x7fffffff;
  std::memcpy(f.data() + f.size() - 8, &len, 4);
  ExpectCorrupt(f, "footer length");
  len = static_cast<uint32_t>(f.size() - 8);  // footer would overlap the leading magic
  std::memcpy(f.data() + f.size() - 8, &len, 4);
  ExpectCorrupt(f, "footer length");
}

TEST(ReaderHostile, FooterLimit) {
  ReaderOptions opt;
  opt.max_footer_bytes = 16;
  ExpectCorrupt(ValidFile(), "limit", opt);
}

TEST(ReaderHostile, AbsurdSizesAndCounts) {
  const std::string f = ValidFile();
  auto mutate = [&](auto fn) {
    Parts p = Split(f);
    fn(p.meta);
    return Join(p);
  };
  ExpectCorrupt(mutate([](format::FileMetaData& m) { m.row_groups[0].columns[0].meta_data->num_values = int64_t{1} << 40; }));
  ExpectCorrupt(mutate([](format::FileMetaData& m) {
    m.row_groups[0].num_rows = int64_t{1} << 40;
    m.num_rows = int64_t{1} << 40;
    for (auto& c : m.row_groups[0].columns) c.meta_data->num_values = int64_t{1} << 40;
  }), "limit");
  ExpectCorrupt(mutate([](format::FileMetaData& m) { m.row_groups[0].columns[1].meta_data->total_compressed_size = int64_t{1} << 50; }), "outside");
  ExpectCorrupt(mutate([](format::FileMetaData& m) { m.row_groups[0].columns[1].meta_data->total_compressed_size = -5; }), "outside");
  ExpectCorrupt(mutate([](format::FileMetaData& m) { m.row_groups[0].columns[0].meta_data->data_page_offset = -100; }), "outside");
  ExpectCorrupt(mutate([](format::FileMetaData& m) { m.row_groups[0].columns[0].meta_data->data_page_offset = int64_t{1} << 62; }), "outside");
  ExpectCorrupt(mutate([](format::FileMetaData& m) { m.row_groups[0].num_rows = -1; }), "negative");
  ExpectCorrupt(mutate([](format::FileMetaData& m) { m.num_rows = 12345; }), "rows");
  ExpectCorrupt(mutate([](format::FileMetaData& m) { m.schema[0].num_children = 1000000; }), "children");
  ExpectCorrupt(mutate([](format::FileMetaData& m) { m.row_groups[0].columns.pop_back(); }), "column chunks");
  ExpectCorrupt(mutate([](format::FileMetaData& m) { m.row_groups[0].columns[0].meta_data->type = format::kInt64; }), "type");
  ExpectCorrupt(mutate([](format::FileMetaData& m) { m.schema[1].repetition_type = 9; }), "repetition");
  EXPECT_EQ(ReadAll(mutate([](format::FileMetaData& m) { m.row_groups[0].columns[0].meta_data->codec = format::kLzo; })).code(),
            Status::Code::kUnsupported);
  EXPECT_EQ(ReadAll(mutate([](format::FileMetaData& m) { m.schema[1].type = format::kInt96; })).code(), Status::Code::kUnsupported);
}

TEST(ReaderHostile, InvalidThrift) {
  const std::string body = Split(ValidFile()).body;
  using namespace std::string_literals;
  ExpectCorrupt(WithFooter(body, "\x1d\x00"s), "wire type 13");                  // a wire type that does not exist
  ExpectCorrupt(WithFooter(body, "\x15\x02\x00"s), "lacks the schema");           // version only
  ExpectCorrupt(WithFooter(body, "\x18\x01x\x00"s), "expected i32");             // version as binary
  ExpectCorrupt(WithFooter(body, "\x0c\xc8\x01"s + std::string(5000, '\x1c')), "nested");  // unknown field 100, deeply nested
  ExpectCorrupt(WithFooter(body, "\x36"s + std::string(12, '\xff') + "\x00"s), "varint");  // num_rows varint overflow
  ExpectCorrupt(WithFooter(body, "\x29\xfc\xff\xff\xff\xff\x0f"s), "list of");    // schema list of 4 G structs
  ExpectCorrupt(WithFooter(body, "\x15\x02\x19\x1c\x48\x05hello"s), "truncated");  // ends inside the schema
}

TEST(ReaderHostile, CorruptCompressedPages) {
  for (Compression codec : {Compression::kSnappy, Compression::kGzip, Compression::kZstd}) {
    SCOPED_TRACE(CompressionName(codec));
    std::string f = ValidFile(codec, false, 50);
    Parts p = Split(f);
    const auto& md = *p.meta.row_groups[0].columns[1].meta_data;
    format::PageHeader h;
    size_t hlen = 0;
    ASSERT_TRUE(format::ParsePageHeader(reinterpret_cast<const uint8_t*>(f.data()) + md.data_page_offset, 64, &h, &hlen).ok());
    std::string bad = f;
    for (int i = 0; i < h.compressed_page_size; ++i) bad[md.data_page_offset + hlen + i] = static_cast<char>(0xA5 ^ i);
    ExpectCorrupt(bad, "CRC32 mismatch");
    // Without the checksum, the codec itself must refuse the damaged page.
    ReaderOptions unchecked;
    unchecked.verify_checksums = false;
    ExpectCorrupt(bad, "", unchecked);
    // A page that claims to expand to more than the limit.
    ReaderOptions small;
    small.max_page_bytes = 16;
    ExpectCorrupt(f, "limit", small);
  }
}

TEST(ReaderHostile, DecompressionBombIsRefusedBeforeAllocating) {
  format::PageHeader h = DataPage(1, format::kPlain);
  h.uncompressed_page_size = 1 << 30;
  std::string f = HandMade({{h, std::string(10, 'x')}}, 1, false);
  // Pretend the chunk is gzip-compressed: 10 bytes cannot expand to 1 GiB.
  Parts p = Split(f);
  p.meta.row_groups[0].columns[0].meta_data->codec = format::kGzip;
  ExpectCorrupt(Join(p), "impossible");
}

TEST(ReaderHostile, DictionaryIndexOutOfRange) {
  ExpectCorrupt(HandMade({{DictPage(2), Plain({"a", "b"})}, {DataPage(4, format::kRleDictionary), std::string("\x02\x08\x03", 3)}}, 4, false),
                "dictionary index 3");
  ExpectCorrupt(HandMade({{DataPage(1, format::kRleDictionary), std::string("\x01\x02\x00", 3)}}, 1, false), "without a dictionary");
  ExpectCorrupt(HandMade({{DictPage(2), Plain({"a", "b"})}, {DataPage(1, format::kRleDictionary), std::string("\x40\x02\x00", 3)}}, 1, false),
                "bit width");
  ExpectCorrupt(HandMade({{DictPage(1000000), Plain({"a"})}, {DataPage(1, format::kRleDictionary), std::string("\x01\x02\x00", 3)}}, 1, false),
                "does not fit");
  ExpectCorrupt(HandMade({{DataPage(1, format::kPlain), Plain({"a"})}, {DictPage(1), Plain({"a"})}}, 2, false), "after data pages");
}

TEST(ReaderHostile, DefinitionLevels) {
  // A level of 2 where the maximum is 1.
  ExpectCorrupt(HandMade({{DataPage(2, format::kPlain), std::string("\x02\x00\x00\x00\x04\x02", 6) + Plain({"a", "b"})}}, 2, true),
                "exceeds the maximum");
  // Level section longer than the page.
  ExpectCorrupt(HandMade({{DataPage(2, format::kPlain), std::string("\xff\x00\x00\x00\x04\x01", 6)}}, 2, true), "run past");
  // Fewer levels than values.
  ExpectCorrupt(HandMade({{DataPage(100, format::kPlain), Levels({1, 1}) + Plain({"a", "b"})}}, 100, true), "definition levels");
  // More values in the page than in the chunk.
  ExpectCorrupt(HandMade({{DataPage(50, format::kPlain), Levels({1, 1}) + Plain({"a", "b"})}}, 2, true), "exceeds");
  // Values missing behind the levels.
  ExpectCorrupt(HandMade({{DataPage(2, format::kPlain), Levels({1, 1}) + Plain({"a"})}}, 2, true), "runs past");
  // String length past the page.
  ExpectCorrupt(HandMade({{DataPage(1, format::kPlain), std::string("\xff\xff\xff\x7f", 4)}}, 1, false), "runs past");
  // Chunk ends before all values.
  ExpectCorrupt(HandMade({{DataPage(1, format::kPlain), Plain({"a"})}}, 3, false), "ends after");
  // Page sizes that lie.
  format::PageHeader big = DataPage(1, format::kPlain);
  big.compressed_page_size = 1 << 30;
  ExpectCorrupt(HandMade({{big, Plain({"a"})}}, 1, false), "runs past");
  format::PageHeader neg = DataPage(1, format::kPlain);
  neg.uncompressed_page_size = -7;
  ExpectCorrupt(HandMade({{neg, Plain({"a"})}}, 1, false), "negative");
  // Fixed-width values past the page.
  ExpectCorrupt(HandMade({{DataPage(3, format::kPlain), std::string(8, 'x')}}, 3, false, format::kInt32), "run past");
}

TEST(ReaderHostile, UnsupportedEncodingIsReported) {
  Status st = ReadAll(HandMade({{DataPage(1, format::kBitPacked), std::string(8, 'x')}}, 1, false, format::kInt32));
  EXPECT_EQ(st.code(), Status::Code::kUnsupported) << st.ToString();
  st = ReadAll(HandMade({{DataPage(1, format::kDeltaBinaryPacked), std::string(8, 'x')}}, 1, false, format::kByteArray));
  EXPECT_EQ(st.code(), Status::Code::kUnsupported) << st.ToString();
}

TEST(ReaderHostile, DeltaEncodings) {
  using namespace std::string_literals;
  // Valid: block 128, 4 miniblocks, 3 values, first 5 (zigzag 10); min delta 1 (zigzag 2), widths 0.
  std::string ok = "\x80\x01\x04\x03\x0a\x02"s + std::string(4, '\0');
  auto r = Reader::Open(MakeStringFile(HandMade({{DataPage(3, format::kDeltaBinaryPacked), ok}}, 3, false, format::kInt64)));
  ASSERT_TRUE(r.ok());
  auto col = (*r)->ReadColumn(0, 0);
  ASSERT_TRUE(col.ok()) << col.status().ToString();
  EXPECT_EQ(col->i64, (std::vector<int64_t>{5, 6, 7}));
  // Block size not a multiple of 128.
  ExpectCorrupt(HandMade({{DataPage(3, format::kDeltaBinaryPacked), "\x78\x04\x03\x0a\x02"s + std::string(4, '\0')}}, 3, false, format::kInt64), "block size");
  // Fewer values than the page.
  ExpectCorrupt(HandMade({{DataPage(3, format::kDeltaBinaryPacked), "\x80\x01\x04\x02\x0a\x02"s + std::string(4, '\0')}}, 3, false, format::kInt64), "holds 2 values");
  // Miniblock of width 64 with no data behind it.
  ExpectCorrupt(HandMade({{DataPage(3, format::kDeltaBinaryPacked), "\x80\x01\x04\x03\x0a\x02\x40\0\0\0"s}}, 3, false, format::kInt64), "truncated");
  // Bit width past 64.
  ExpectCorrupt(HandMade({{DataPage(3, format::kDeltaBinaryPacked), "\x80\x01\x04\x03\x0a\x02\x41\0\0\0"s}}, 3, false, format::kInt64), "bit width");
  // DELTA_LENGTH_BYTE_ARRAY whose lengths exceed the data (two values of length 5, 3 bytes follow).
  ExpectCorrupt(HandMade({{DataPage(2, format::kDeltaLengthByteArray), "\x80\x01\x04\x02\x0a\x00"s + std::string(4, '\0') + "abc"}}, 2, false), "runs past");
}

TEST(ReaderHostile, RandomMutationsNeverCrash) {
  std::mt19937 rng(1234);
  for (Compression codec : {Compression::kUncompressed, Compression::kSnappy, Compression::kGzip, Compression::kZstd}) {
    for (bool dict : {false, true}) {
      const std::string f = ValidFile(codec, dict, 120);
      ASSERT_TRUE(ReadAll(f).ok());
      for (int i = 0; i < 300; ++i) {
        std::string m = f;
        int flips = 1 + static_cast<int>(rng() % 4);
        for (int k = 0; k < flips; ++k) m[rng() % m.size()] = static_cast<char>(rng());
        // Any outcome but a crash is fine; without checksums the decoders
        // see the damaged pages themselves.
        Status st = ReadAll(m);
        EXPECT_TRUE(st.ok() || st.code() != Status::Code::kOk);
        ReaderOptions unchecked;
        unchecked.verify_checksums = false;
        st = ReadAll(m, unchecked);
        EXPECT_TRUE(st.ok() || st.code() != Status::Code::kOk);
      }
    }
  }
}

TEST(ReaderHostile, ColumnIndexesAreChecked) {
  auto r = Reader::Open(MakeStringFile(ValidFile()));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->ReadColumn(0, 5).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ((*r)->ReadColumn(9, 0).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ((*r)->ReadColumn(-1, 0).status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace arxivflow::parquet
