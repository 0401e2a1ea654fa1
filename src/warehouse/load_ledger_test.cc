#include "warehouse/load_ledger.h"

#include <gtest/gtest.h>

namespace arxivflow::warehouse {
namespace {

TEST(LoadLedgerTest, LoadIdsAreStablePerRunAndFreshOtherwise) {
  const auto a = LoadIdentityForRun("manual__2026-01-01T00:00:00+00:00");
  EXPECT_EQ(a.load_id, LoadIdentityForRun("manual__2026-01-01T00:00:00+00:00").load_id);
  EXPECT_TRUE(IsValidLoadId(a.load_id));
  EXPECT_NE(a.load_id, LoadIdentityForRun("manual__2026-01-02T00:00:00+00:00").load_id);
  const auto x = LoadIdentityForRun("");
  const auto y = LoadIdentityForRun("");
  EXPECT_TRUE(IsValidLoadId(x.load_id));
  EXPECT_NE(x.load_id, y.load_id);
  EXPECT_FALSE(IsValidLoadId("1234"));
  EXPECT_FALSE(IsValidLoadId("ABCDEFABCDEF"));
  EXPECT_EQ(StageTableName("papers", "0123456789ab"), "papers__stage_0123456789ab");
}

TEST(LoadLedgerTest, ValuesAreQuotedLiterals) {
  LoadIdentity load{"0123456789ab", "run'; DROP TABLE papers; --"};
  const auto sql = LedgerStageSql(load, "papers", "papers__stage_0123456789ab", 42, "area");
  ASSERT_EQ(sql.size(), 2u);
  EXPECT_NE(sql[1].find("'run''; DROP TABLE papers; --'"), std::string::npos) << sql[1];
  EXPECT_NE(sql[1].find(", 42, 'area', "), std::string::npos) << sql[1];
  const auto publish = LedgerPublishSql("0123456789ab", {"papers", "authors"}, "2026-01-01T00:00:00Z");
  EXPECT_NE(publish[0].find("IN ('papers', 'authors')"), std::string::npos) << publish[0];
}

}  // namespace
}  // namespace arxivflow::warehouse
