#include "transform/record_parser.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

namespace arxivflow::transform {
namespace {

class RecordParserTest : public ::testing::Test {
 protected:
  // Parses one record into a fresh batch; on success rec_ is the record.
  std::string Parse(std::string_view text) {
    batch_.Clear();
    std::string r = parser_.ParseCopy(text, &batch_);
    if (r.empty()) {
      EXPECT_EQ(batch_.records.size(), 1u);
      rec_ = batch_.records.back();
    }
    return r;
  }
  std::vector<ArxivAuthor> Authors() const {
    auto a = batch_.AuthorsOf(rec_);
    return {a.begin(), a.end()};
  }
  std::vector<ArxivVersion> Versions() const {
    auto v = batch_.VersionsOf(rec_);
    return {v.begin(), v.end()};
  }
  std::vector<std::string_view> Categories() const {
    auto c = batch_.CategoriesOf(rec_);
    return {c.begin(), c.end()};
  }
  RecordParser parser_;
  ArxivBatch batch_;
  ArxivRecord rec_;
};

TEST_F(RecordParserTest, SampleRecord) {
  std::ifstream f(ARXIVFLOW_SOURCE_DIR "/tests/data/arxiv-sample-200.jsonl");
  std::string line;
  ASSERT_TRUE(std::getline(f, line));
  ASSERT_EQ(Parse(line), "");
  EXPECT_EQ(rec_.id, "0704.0001");
  EXPECT_EQ(rec_.title,
            "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies");
  EXPECT_EQ(rec_.doi, "10.1103/PhysRevD.76.013009");
  EXPECT_TRUE(rec_.license.empty());
  EXPECT_EQ(rec_.journalref, "Phys.Rev.D76:013009,2007");
  ASSERT_EQ(Versions().size(), 2u);
  EXPECT_EQ(Versions()[0].version, "v1");
  EXPECT_EQ(*Versions()[0].created, 1175541522000000LL);
  ASSERT_EQ(Authors().size(), 4u);
  EXPECT_EQ(Authors()[0].full, "Bal\xC3\xA1zs C.");
  EXPECT_TRUE(Authors()[0].suffix.empty());
  EXPECT_EQ(Categories(), std::vector<std::string_view>{"hep-ph"});
  EXPECT_EQ(*rec_.update_date, 14209);
  EXPECT_FALSE(rec_.abstract.empty());
  EXPECT_EQ(rec_.abstract.find('\n'), std::string::npos);
}

TEST_F(RecordParserTest, NullsAndMissingFieldsAreAccepted) {
  ASSERT_EQ(Parse(R"({"id":"x1","title":"T","submitter":null,"authors":null,"comments":null,
    "journal-ref":null,"doi":null,"report-no":null,"categories":null,"license":null,
    "abstract":null,"versions":null,"update_date":null,"authors_parsed":null})"),
            "");
  EXPECT_TRUE(rec_.abstract.empty());
  EXPECT_TRUE(Versions().empty());
  EXPECT_TRUE(Authors().empty());
  EXPECT_TRUE(Categories().empty());
  ASSERT_EQ(Parse(R"({"id":"x2","title":"T"})"), "");
  ASSERT_EQ(Parse(R"({"title":"T","id":"hep-th/9901001","extra":{"a":[1,2,{"b":null}]},"n":1e5})"), "");
  EXPECT_EQ(rec_.id, "hep-th/9901001");
}

TEST_F(RecordParserTest, VersionAndAuthorDetails) {
  ASSERT_EQ(Parse(R"({"id":"a","title":"T","versions":[{"version":"v1","created":"garbage"},
      {"version":null,"created":null},{"x":1}],
      "authors_parsed":[["Last","First","Jr"],["","",""],["Solo"],[],["A","B","","Affiliation"]],
      "categories":"  math.CO   cs.CG "})"),
            "");
  ASSERT_EQ(Versions().size(), 3u);
  EXPECT_FALSE(Versions()[0].created);
  EXPECT_EQ(rec_.unparsed_dates, 1u);
  ASSERT_EQ(Authors().size(), 5u);
  EXPECT_EQ(Authors()[0].full, "Last First Jr");
  EXPECT_TRUE(Authors()[1].full.empty());
  EXPECT_EQ(Authors()[2].full, "Solo");
  EXPECT_TRUE(Authors()[3].full.empty());
  EXPECT_EQ(Authors()[4].full, "A B");
  EXPECT_EQ(rec_.categories, "math.CO cs.CG");
  EXPECT_EQ(Categories(), (std::vector<std::string_view>{"math.CO", "cs.CG"}));
}

TEST_F(RecordParserTest, Rejects) {
  const std::pair<const char*, const char*> cases[] = {
      {"{", "invalid JSON"},
      {"{\"id\":\"a\",\"title\":\"t\"} x", "invalid JSON"},
      {"[1,2]", "not a JSON object"},
      {"42", "not a JSON object"},
      {"\"text\"", "not a JSON object"},
      {R"({"title":"t"})", "missing id"},
      {R"({"id":null,"title":"t"})", "missing id"},
      {R"({"id":"","title":"t"})", "missing id"},
      {R"({"id":7,"title":"t"})", "field 'id' is a number"},
      {R"({"id":"a"})", "missing title"},
      {R"({"id":"a","title":" \n "})", "missing title"},
      {R"({"id":"a","title":null})", "missing title"},
      {R"({"id":"a","title":"t","doi":12})", "field 'doi' is a number"},
      {R"({"id":"a","title":"t","versions":{"version":"v1"}})", "field 'versions' is an object"},
      {R"({"id":"a","title":"t","versions":["v1"]})", "versions[0] is a string"},
      {R"({"id":"a","title":"t","versions":[{"created":5}]})", "versions[0].created is a number"},
      {R"({"id":"a","title":"t","authors_parsed":["A B"]})", "authors_parsed[0] is a string"},
      {R"({"id":"a","title":"t","authors_parsed":[["A",1]]})", "authors_parsed[0][1] is a number"},
      {R"({"id":"a","title":"t","authors_parsed":"x"})", "field 'authors_parsed' is a string"},
      {R"({"id":"a","title":"t","id":"b"})", "duplicate field 'id'"},
      {R"({"id":"a","title":"t","update_date":20080101})", "field 'update_date' is a number"},
      {"{\"id\":\"a\",\"title\":\"t\xff\"}", "invalid JSON"},
      {"{\"id\":\"a\",\"title\":\"\xc3\x28\"}", "invalid JSON"},
  };
  for (const auto& [text, reason] : cases) {
    const std::string r = Parse(text);
    EXPECT_NE(r.find(reason), std::string::npos) << text << " -> " << r;
    // A reject leaves the batch's records and their rows as they were.
    EXPECT_TRUE(batch_.records.empty()) << text;
    EXPECT_TRUE(batch_.authors.empty()) << text;
    EXPECT_TRUE(batch_.versions.empty()) << text;
    EXPECT_TRUE(batch_.categories.empty()) << text;
    std::string padded = std::string(text) + std::string(64, '\0');
    EXPECT_EQ(parser_.Parse(padded.data(), std::strlen(text), &batch_), r) << text;
  }
}

TEST_F(RecordParserTest, BatchOfManyRecordsKeepsEveryView) {
  // Enough text to fill several arena chunks; rejects in between (some after
  // their authors were parsed) leave no rows behind.
  ArxivBatch batch;
  const std::string words(1000, 'w');
  size_t accepted = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::string id = "r" + std::to_string(i);
    std::string text = R"({"id":")" + id + R"(","title":" T )" + std::to_string(i) +
                       R"( ","abstract":")" + words + R"(","authors_parsed":[["L)" +
                       std::to_string(i) + R"(","F",""],["M","",""]],"categories":"a b")";
    if (i % 7 == 3) text += R"(,"doi":5)";  // rejected after its authors
    text += "}";
    const std::string r = parser_.ParseCopy(text, &batch);
    EXPECT_EQ(r.empty(), i % 7 != 3) << r;
    accepted += r.empty();
  }
  ASSERT_EQ(batch.records.size(), accepted);
  EXPECT_EQ(batch.authors.size(), 2 * accepted);
  EXPECT_EQ(batch.categories.size(), 2 * accepted);
  size_t k = 0;
  for (int i = 0; i < 3000; ++i) {
    if (i % 7 == 3) continue;
    const ArxivRecord& rec = batch.records[k++];
    ASSERT_EQ(rec.id, "r" + std::to_string(i));
    ASSERT_EQ(rec.title, "T " + std::to_string(i));
    ASSERT_EQ(rec.abstract, words);
    auto authors = batch.AuthorsOf(rec);
    ASSERT_EQ(authors.size(), 2u);
    ASSERT_EQ(authors[0].full, "L" + std::to_string(i) + " F");
    ASSERT_EQ(authors[1].full, "M");
    ASSERT_EQ(batch.CategoriesOf(rec)[1], "b");
  }
  batch.Clear();
  EXPECT_TRUE(batch.records.empty());
  ASSERT_EQ(parser_.ParseCopy(R"({"id":"again","title":"t"})", &batch), "");
  EXPECT_EQ(batch.records[0].id, "again");
}

TEST_F(RecordParserTest, DeepNestingIsRejectedNotCrashing) {
  std::string deep = R"({"id":"a","title":"t","junk":)" + std::string(100000, '[') +
                     std::string(100000, ']') + "}";
  EXPECT_NE(Parse(deep), "");
  std::string ok = R"({"id":"a","title":"t","junk":)" + std::string(100, '[') +
                   std::string(100, ']') + "}";
  EXPECT_EQ(Parse(ok), "");
}

TEST_F(RecordParserTest, HugeRecord) {
  std::string big = R"({"id":"big","title":"t","abstract":")" + std::string(50u << 20, 'a') + "\"}";
  ASSERT_EQ(Parse(big), "");
  EXPECT_EQ(rec_.abstract.size(), 50u << 20);
  ASSERT_EQ(Parse(R"({"id":"small","title":"t"})"), "");
}

}  // namespace
}  // namespace arxivflow::transform
