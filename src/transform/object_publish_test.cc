#include "transform/object_publish.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/scoped_temp_dir_test_util.h"

namespace arxivflow::transform {
namespace {

TEST(ObjectPublishTest, RunObjects) {
  EXPECT_TRUE(IsRunObject("papers/part-00000-20261123T235501Z-1a2b3c4d.parquet"));
  EXPECT_TRUE(IsRunObject("titles/part-00003.parquet"));
  EXPECT_TRUE(IsRunObject("_rejects-20261123T235501Z-1a2b3c4d.jsonl"));
  EXPECT_TRUE(IsRunObject("_rejects.jsonl"));
  EXPECT_FALSE(IsRunObject("_manifest.json"));
  EXPECT_FALSE(IsRunObject("_redshift_manifest_papers.json"));
  EXPECT_FALSE(IsRunObject("notes/part-00000.parquet"));        // not a table
  EXPECT_FALSE(IsRunObject("papers/readme.parquet"));
  EXPECT_FALSE(IsRunObject("papers/sub/part-00000.parquet"));
  EXPECT_FALSE(IsRunObject("other/_rejects.jsonl"));
}

TEST(ObjectPublishTest, RunIdsDiffer) {
  const std::string a = NewRunId(), b = NewRunId();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), std::string("20261123T235501Z-1a2b3c4d").size());
}

TEST(ObjectPublishTest, RemoveUnlistedKeepsListedAndForeign) {
  const ScopedTempDir dir("af_object_publish_test_");
  const std::string root = (dir.path() / "store").string();
  auto store = remote::MakeLocalObjectStore(root);
  for (const char* p : {"papers/part-00000-old.parquet", "papers/part-00000-new.parquet", "_rejects-old.jsonl",
                        "_rejects-new.jsonl", "_manifest.json", "keep/me.txt"}) {
    ASSERT_TRUE(PutText(*store, p, "x").ok()) << p;
  }
  size_t removed = 0;
  ASSERT_TRUE(RemoveUnlisted(*store, {"papers/part-00000-new.parquet", "_rejects-new.jsonl"}, &removed).ok());
  EXPECT_EQ(removed, 2u);
  auto left = store->List("");
  ASSERT_TRUE(left.ok());
  std::vector<std::string> paths;
  for (const auto& e : *left) paths.push_back(e.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"_manifest.json", "_rejects-new.jsonl", "keep/me.txt",
                                             "papers/part-00000-new.parquet"}));
  DiscardRun(*store, "new");
  left = store->List("");
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(left->size(), 2u);
}

}  // namespace
}  // namespace arxivflow::transform
