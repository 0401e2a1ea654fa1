#include "gen/nips_csv.h"

#include <gtest/gtest.h>

namespace arxivflow::gen {
namespace {

std::string Generate(uint64_t records, uint64_t seed) {
  std::string out;
  Status st = GenerateNipsCsv({records, seed}, [&](std::string_view chunk) {
    out.append(chunk);
    return Status::OK();
  });
  EXPECT_TRUE(st.ok());
  return out;
}

// A strict RFC 4180 reader, independent of the writer.
std::vector<std::vector<std::string>> ParseCsv(const std::string& s) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, was_quoted = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < s.size() && s[i + 1] == '"') { field.push_back('"'); ++i; }
        else quoted = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      EXPECT_TRUE(field.empty() && !was_quoted) << "quote inside an unquoted field at byte " << i;
      quoted = was_quoted = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
      was_quoted = false;
    } else if (c == '\n') {
      row.push_back(field);
      rows.push_back(row);
      row.clear();
      field.clear();
      was_quoted = false;
    } else {
      EXPECT_FALSE(was_quoted) << "text after a closing quote at byte " << i;
      field.push_back(c);
    }
  }
  EXPECT_FALSE(quoted);
  EXPECT_TRUE(row.empty() && field.empty()) << "missing final newline";
  return rows;
}

TEST(NipsCsvTest, HeaderRowsAndQuoting) {
  const std::string csv = Generate(400, 9);
  const auto rows = ParseCsv(csv);
  ASSERT_EQ(rows.size(), 401u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"id", "year", "title", "event_type", "pdf_name",
                                               "abstract", "paper_text"}));
  int missing = 0, empty_event = 0, multiline_abstract = 0;
  for (size_t r = 1; r < rows.size(); ++r) {
    ASSERT_EQ(rows[r].size(), 7u);
    EXPECT_EQ(rows[r][0], std::to_string(r));
    const int year = std::stoi(rows[r][1]);
    EXPECT_GE(year, 1987);
    EXPECT_LE(year, 2017);
    EXPECT_NE(rows[r][6].find('\n'), std::string::npos);  // paper_text spans lines
    EXPECT_EQ(rows[r][4].rfind(rows[r][0] + "-", 0), 0u);
    missing += rows[r][5] == "Abstract Missing";
    empty_event += rows[r][3].empty();
    multiline_abstract += rows[r][5].find('\n') != std::string::npos;
  }
  EXPECT_GT(missing, 50);
  EXPECT_GT(empty_event, 100);
  EXPECT_GT(multiline_abstract, 50);
}

TEST(NipsCsvTest, Deterministic) {
  EXPECT_EQ(Generate(50, 1), Generate(50, 1));
  EXPECT_NE(Generate(50, 1), Generate(50, 2));
}

}  // namespace
}  // namespace arxivflow::gen
