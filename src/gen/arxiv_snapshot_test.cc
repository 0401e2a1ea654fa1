#include "gen/arxiv_snapshot.h"

#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gen/civil_time.h"

namespace arxivflow::gen {
namespace {

std::string Generate(uint64_t records, uint64_t seed, int threads) {
  std::string out;
  SnapshotOptions opts{records, seed, threads};
  Status st = GenerateArxivSnapshot(opts, [&](std::string_view chunk) {
    out.append(chunk);
    return Status::OK();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> lines;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(ArxivSnapshotTest, DeterministicForSeedAndIndependentOfThreads) {
  const std::string a = Generate(10000, 7, 1);
  EXPECT_EQ(a, Generate(10000, 7, 2));
  EXPECT_EQ(a, Generate(10000, 7, 5));
  EXPECT_NE(a, Generate(10000, 8, 2));
  EXPECT_EQ(Lines(a).size(), 10000u);
  EXPECT_EQ(a.back(), '\n');
}

TEST(ArxivSnapshotTest, EveryLineIsValidJsonWithTheRealFieldsInOrder) {
  const std::vector<std::string> kFields = {
      "id", "submitter", "authors", "title", "comments", "journal-ref", "doi", "report-no",
      "categories", "license", "abstract", "versions", "update_date", "authors_parsed"};
  const std::set<std::string> kNullable = {"submitter", "comments", "journal-ref", "doi",
                                           "report-no", "license"};
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::set<std::string> ids;
  std::map<std::string, int> nulls;
  for (const std::string& line : Lines(Generate(20000, 3, 2))) {
    nlohmann::ordered_json rec;
    ASSERT_NO_THROW(rec = nlohmann::ordered_json::parse(line)) << line;
    std::vector<std::string> keys;
    for (auto it = rec.begin(); it != rec.end(); ++it) keys.push_back(it.key());
    ASSERT_EQ(keys, kFields) << line;
    for (const auto& k : kFields) {
      if (rec[k].is_null()) {
        ASSERT_TRUE(kNullable.count(k)) << k << " null in " << line;
        ++nulls[k];
      }
    }
    ASSERT_TRUE(ids.insert(rec["id"].get<std::string>()).second);
    ASSERT_TRUE(rec["abstract"].is_string());
    const auto cats = rec["categories"].get<std::string>();
    const auto ncat = 1 + std::count(cats.begin(), cats.end(), ' ');
    ASSERT_GE(ncat, 1);
    ASSERT_LE(ncat, 5);
    const auto& versions = rec["versions"];
    ASSERT_GE(versions.size(), 1u);
    ASSERT_LE(versions.size(), 10u);
    for (size_t v = 0; v < versions.size(); ++v) {
      ASSERT_EQ(versions[v]["version"], "v" + std::to_string(v + 1));
      // "Mon, 2 Apr 2007 19:18:42 GMT": the weekday must match the date.
      const std::string created = versions[v]["created"];
      char wd[4] = {}, mon[4] = {};
      int day = 0, year = 0, hh = 0, mm = 0, ss = 0;
      ASSERT_EQ(std::sscanf(created.c_str(), "%3s, %d %3s %d %d:%d:%d GMT", wd, &day, mon, &year,
                            &hh, &mm, &ss), 7)
          << created;
      int month = 0;
      while (month < 12 && std::string(kMonths[month]) != mon) ++month;
      ASSERT_LT(month, 12);
      ASSERT_EQ(std::string(wd), kDays[WeekdayFromDays(DaysFromCivil(year, month + 1, day))]) << created;
    }
    const std::string upd = rec["update_date"];
    ASSERT_EQ(upd.size(), 10u);
    ASSERT_EQ(upd[4], '-');
    ASSERT_TRUE(rec["authors_parsed"].is_array());
    ASSERT_GE(rec["authors_parsed"].size(), 1u);
    for (const auto& a : rec["authors_parsed"]) {
      ASSERT_GE(a.size(), 3u);
      for (const auto& part : a) ASSERT_TRUE(part.is_string());
    }
  }
  EXPECT_GT(nulls["comments"], 20000 * 0.20);
  EXPECT_LT(nulls["comments"], 20000 * 0.30);
  EXPECT_GT(nulls["report-no"], 20000 * 0.85);
}

TEST(ArxivSnapshotTest, SinkErrorStopsGeneration) {
  int calls = 0;
  SnapshotOptions opts{50000, 1, 2};
  Status st = GenerateArxivSnapshot(opts, [&](std::string_view) {
    return ++calls == 3 ? Status::IOError("disk full") : Status::OK();
  });
  EXPECT_EQ(st.code(), Status::Code::kIOError);
  EXPECT_EQ(calls, 3);
}

TEST(ArxivSnapshotTest, ZeroRecordsAndLimits) {
  EXPECT_EQ(Generate(0, 1, 2), "");
  SnapshotOptions opts{kMaxRecords + 1, 1, 2};
  EXPECT_EQ(GenerateArxivSnapshot(opts, [](std::string_view) { return Status::OK(); }).code(),
            Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace arxivflow::gen
