#include "transform/block_reader.h"

#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include "transform/input.h"

namespace arxivflow::transform {
namespace {

struct Rec {
  std::string text;
  uint64_t line, offset;
  bool operator==(const Rec& o) const {
    return text == o.text && line == o.line && offset == o.offset;
  }
};

Result<std::vector<Rec>> ReadAll(ByteSource* src, Layout layout, BlockReaderOptions o = {}) {
  BlockReader reader(src, layout, "test", o);
  std::vector<Rec> out;
  Block b;
  for (;;) {
    AF_ASSIGN_OR_RETURN(bool got, reader.Next(&b));
    if (!got) break;
    EXPECT_GE(b.data.size(), b.used + 64);
    for (const Span& s : b.spans) {
      out.push_back({std::string(b.data.data() + s.offset, s.length), s.line, s.byte_offset});
    }
  }
  return out;
}

std::vector<Rec> Lines(const std::string& text, size_t block = 8u << 20) {
  StringSource src(text);
  BlockReaderOptions o;
  o.block_bytes = block;
  auto r = ReadAll(&src, Layout::kJsonLines, o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<Rec>{};
}

TEST(BlockReader, LinesWithExactPositions) {
  auto recs = Lines("{\"a\":1}\n\n{\"b\":2}\r\n{\"c\":3}");
  ASSERT_EQ(recs.size(), 4u);
  EXPECT_EQ(recs[0], (Rec{"{\"a\":1}", 1, 0}));
  EXPECT_EQ(recs[1], (Rec{"", 2, 8}));
  EXPECT_EQ(recs[2], (Rec{"{\"b\":2}\r", 3, 9}));
  EXPECT_EQ(recs[3], (Rec{"{\"c\":3}", 4, 18}));  // no final newline
  EXPECT_TRUE(Lines("").empty());
  auto bom = Lines("\xEF\xBB\xBF{}\n");
  ASSERT_EQ(bom.size(), 1u);
  EXPECT_EQ(bom[0], (Rec{"{}", 1, 3}));
}

TEST(BlockReader, SmallBlocksAndHugeLines) {
  std::string text;
  for (int i = 0; i < 1000; ++i) {
    text += std::string(i % 37 == 0 ? 5000 : i % 13, 'x') + "\n";
  }
  auto small = Lines(text, 64);
  auto big = Lines(text);
  ASSERT_EQ(small.size(), 1000u);
  EXPECT_EQ(small, big);
}

TEST(BlockReader, ByteRangeShardsCoverExactlyOnce) {
  std::string text;
  for (int i = 0; i < 500; ++i) text += "line-" + std::to_string(i) + std::string(i % 50, 'z') + "\n";
  text += "last-without-newline";
  auto all = Lines(text);
  for (uint64_t n : {2u, 3u, 7u, 64u}) {
    std::vector<Rec> merged;
    for (uint64_t k = 0; k < n; ++k) {
      BlockReaderOptions o;
      o.block_bytes = 100;
      o.byte_range = true;
      o.range_begin = text.size() * k / n;
      o.range_end = text.size() * (k + 1) / n;
      if (o.range_begin > 0) {
        o.stream_offset = o.range_begin - 1;
        o.first_line = 1 + std::count(text.begin(), text.begin() + o.stream_offset, '\n');
      }
      StringSource src(text.substr(o.stream_offset));
      auto r = ReadAll(&src, Layout::kJsonLines, o);
      ASSERT_TRUE(r.ok());
      merged.insert(merged.end(), r->begin(), r->end());
    }
    EXPECT_EQ(merged, all) << n << " shards";
  }
}

TEST(BlockReader, ModuloShardsCoverExactlyOnce) {
  std::string text;
  for (int i = 0; i < 300; ++i) text += "r" + std::to_string(i) + "\n";
  auto all = Lines(text, 50);
  std::vector<Rec> merged;
  for (uint64_t k = 0; k < 4; ++k) {
    BlockReaderOptions o;
    o.block_bytes = 50;
    o.modulo = 4;
    o.remainder = k;
    StringSource src(text);
    auto r = ReadAll(&src, Layout::kJsonLines, o);
    ASSERT_TRUE(r.ok());
    merged.insert(merged.end(), r->begin(), r->end());
  }
  std::sort(merged.begin(), merged.end(), [](const Rec& a, const Rec& b) { return a.line < b.line; });
  EXPECT_EQ(merged, all);
}

TEST(BlockReader, JsonArray) {
  const std::string text = "\xEF\xBB\xBF [\n {\"id\":\"a\",\"t\":\"x],\\\"{\"},\n\n{\"id\":[1,{\"b\":2}]} , 3,\"s\"\n]\n";
  EXPECT_EQ(DetectLayout(text), Layout::kJsonArray);
  EXPECT_EQ(DetectLayout("  {\"a\":1}"), Layout::kJsonLines);
  for (size_t block : {4u, 1u << 20}) {
    StringSource src(text);
    BlockReaderOptions o;
    o.block_bytes = block;
    auto r = ReadAll(&src, Layout::kJsonArray, o);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->size(), 4u);
    EXPECT_EQ((*r)[0], (Rec{"{\"id\":\"a\",\"t\":\"x],\\\"{\"}", 2, 7}));
    EXPECT_EQ((*r)[1].text, "{\"id\":[1,{\"b\":2}]}");
    EXPECT_EQ((*r)[1].line, 4u);
    EXPECT_EQ((*r)[2].text, "3");
    EXPECT_EQ((*r)[3].text, "\"s\"");
  }
  for (const char* bad : {"[{\"a\":1}", "[1,2] x", "[1}", "[\"open"}) {
    StringSource src(bad);
    EXPECT_FALSE(ReadAll(&src, Layout::kJsonArray).ok()) << bad;
  }
  StringSource empty("[ ]");
  auto r = ReadAll(&empty, Layout::kJsonArray);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

std::string Gzip(const std::string& in) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, in.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string Zstd(const std::string& in) {
  std::string out(ZSTD_compressBound(in.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3));
  return out;
}

TEST(Input, CompressedRoundTripAndTruncation) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "{\"id\":\"" + std::to_string(i) + "\"}\n";
  const auto plain = Lines(text);
  for (auto [c, packed] : {std::pair{Compression::kGzip, Gzip(text)},
                           std::pair{Compression::kZstd, Zstd(text)}}) {
    EXPECT_EQ(DetectCompression(packed), c);
    {
      StringSource raw(packed + (c == Compression::kGzip ? Gzip("{\"id\":\"x\"}\n") : ""));
      auto dec = MakeDecoder(c, &raw, "f");
      auto r = ReadAll(dec.get(), Layout::kJsonLines);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      EXPECT_EQ(r->size(), plain.size() + (c == Compression::kGzip ? 1 : 0));
    }
    {
      StringSource raw(packed.substr(0, packed.size() / 2));
      auto dec = MakeDecoder(c, &raw, "cut.gz");
      auto r = ReadAll(dec.get(), Layout::kJsonLines);
      ASSERT_FALSE(r.ok());
      EXPECT_NE(r.status().message().find("truncated"), std::string::npos) << r.status().ToString();
    }
  }
  EXPECT_EQ(DetectCompression("{\"a\""), Compression::kNone);
}

}  // namespace
}  // namespace arxivflow::transform
