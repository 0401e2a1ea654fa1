#include "transform/record_parser.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

namespace arxivflow::transform {
namespace {

class RecordParserTest : public ::testing::Test {
 protected:
  std::string Parse(std::string_view text) { return parser_.ParseCopy(text, &rec_); }
  RecordParser parser_;
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
  EXPECT_EQ(rec_.doi.value, "10.1103/PhysRevD.76.013009");
  EXPECT_FALSE(rec_.license.present);
  EXPECT_EQ(rec_.journalref.value, "Phys.Rev.D76:013009,2007");
  ASSERT_EQ(rec_.version_count, 2u);
  EXPECT_EQ(rec_.versions[0].version.value, "v1");
  EXPECT_EQ(*rec_.versions[0].created, 1175541522000000LL);
  ASSERT_EQ(rec_.author_count, 4u);
  EXPECT_EQ(rec_.authors[0].full.value, "Bal\xC3\xA1zs C.");
  EXPECT_FALSE(rec_.authors[0].suffix.present);
  EXPECT_EQ(rec_.category_list, std::vector<std::string>{"hep-ph"});
  EXPECT_EQ(*rec_.update_date, 14209);
  EXPECT_EQ(rec_.abstract.value.find('\n'), std::string::npos);
}

TEST_F(RecordParserTest, NullsAndMissingFieldsAreAccepted) {
  ASSERT_EQ(Parse(R"({"id":"x1","title":"T","submitter":null,"authors":null,"comments":null,
    "journal-ref":null,"doi":null,"report-no":null,"categories":null,"license":null,
    "abstract":null,"versions":null,"update_date":null,"authors_parsed":null})"),
            "");
  EXPECT_FALSE(rec_.abstract.present);
  EXPECT_EQ(rec_.version_count, 0u);
  EXPECT_EQ(rec_.author_count, 0u);
  EXPECT_TRUE(rec_.category_list.empty());
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
  ASSERT_EQ(rec_.version_count, 3u);
  EXPECT_FALSE(rec_.versions[0].created);
  EXPECT_EQ(rec_.unparsed_dates, 1);
  ASSERT_EQ(rec_.author_count, 5u);
  EXPECT_EQ(rec_.authors[0].full.value, "Last First Jr");
  EXPECT_FALSE(rec_.authors[1].full.present);
  EXPECT_EQ(rec_.authors[2].full.value, "Solo");
  EXPECT_FALSE(rec_.authors[3].full.present);
  EXPECT_EQ(rec_.authors[4].full.value, "A B");
  EXPECT_EQ(rec_.categories.value, "math.CO cs.CG");
  EXPECT_EQ(rec_.category_list, (std::vector<std::string>{"math.CO", "cs.CG"}));
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
    EXPECT_EQ(parser_.ParseCopy(text, &rec_), r);
    std::string padded = std::string(text) + std::string(64, '\0');
    EXPECT_EQ(parser_.Parse(padded.data(), std::strlen(text), padded.size(), &rec_, RecordParser::Mode::kValidate), r) << text;
  }
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
  EXPECT_EQ(rec_.abstract.value.size(), 50u << 20);
  ASSERT_EQ(Parse(R"({"id":"small","title":"t"})"), "");
}

}  // namespace
}  // namespace arxivflow::transform
