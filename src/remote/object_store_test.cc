#include "remote/object_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/scoped_temp_dir_test_util.h"
#include "remote/parquet_object_io.h"

namespace arxivflow::remote {
namespace {
namespace fs = std::filesystem;

class LocalStore : public ::testing::Test {
 protected:
  void SetUp() override { store_ = MakeLocalObjectStore(root_); }
  const ScopedTempDir dir_{"af_object_store_test_"};
  const std::string root_ = (dir_.path() / "store").string();
  std::shared_ptr<const ObjectStore> store_;
};

TEST_F(LocalStore, WriterPublishesOnlyOnCommit) {
  auto w = store_->OpenWriter("papers/part-0.parquet");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE((*w)->Append("abc").ok());
  ASSERT_TRUE((*w)->Append("def").ok());
  EXPECT_EQ(store_->List("").value().size(), 0u);  // temp files are not listed
  EXPECT_EQ(store_->Size("papers/part-0.parquet").status().code(), Status::Code::kNotFound);
  ASSERT_TRUE((*w)->Commit().ok());
  EXPECT_EQ(*store_->Size("papers/part-0.parquet"), 6u);
  std::string out;
  ASSERT_TRUE(store_->ReadRange("papers/part-0.parquet", 2, 3, &out).ok());
  EXPECT_EQ(out, "cde");
  EXPECT_FALSE(store_->ReadRange("papers/part-0.parquet", 4, 3, &out).ok());
  std::string all;
  ASSERT_TRUE(store_->Read("papers/part-0.parquet", [&](std::string_view c) {
    all.append(c);
    return Status::OK();
  }).ok());
  EXPECT_EQ(all, "abcdef");
}

TEST_F(LocalStore, AbortedAndDroppedWritersLeaveNothing) {
  {
    auto w = store_->OpenWriter("a/x.bin");
    ASSERT_TRUE((*w)->Append("partial").ok());
  }
  auto w2 = store_->OpenWriter("a/y.bin");
  ASSERT_TRUE((*w2)->Append("partial").ok());
  (*w2)->Abort();
  (*w2)->Abort();
  EXPECT_FALSE((*w2)->Commit().ok());
  size_t files = 0;
  for (auto& e : fs::recursive_directory_iterator(root_)) files += e.is_regular_file();
  EXPECT_EQ(files, 0u);
}

TEST_F(LocalStore, ListsSortedWithPrefixAndDeletes) {
  for (const char* p : {"t/b", "t/a", "u/c"}) {
    auto w = store_->OpenWriter(p);
    ASSERT_TRUE((*w)->Append(p).ok());
    ASSERT_TRUE((*w)->Commit().ok());
  }
  auto all = store_->List("");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].path, "t/a");
  EXPECT_EQ(store_->List("t/")->size(), 2u);
  ASSERT_TRUE(store_->Delete("t/a").ok());
  ASSERT_TRUE(store_->Delete("t/a").ok());
  EXPECT_EQ(store_->List("t/")->size(), 1u);
  EXPECT_EQ(store_->Uri("t/b"), root_ + "/t/b");
}

TEST_F(LocalStore, RejectsEscapingPaths) {
  for (const char* bad : {"", "/abs", "../up", "a/../b", "a//b", "./a", "a/"}) {
    EXPECT_EQ(store_->OpenWriter(bad).status().code(), Status::Code::kInvalidArgument) << bad;
  }
}

TEST_F(LocalStore, ParquetAdapters) {
  auto w = store_->OpenWriter("t/f.parquet");
  auto sink = MakeObjectOutputSink(std::move(*w));
  ASSERT_TRUE(sink->Append("PAR1xxxxPAR1").ok());
  EXPECT_EQ(sink->BytesWritten(), 12u);
  ASSERT_TRUE(sink->Close().ok());
  EXPECT_FALSE(sink->Close().ok());
  auto in = OpenObjectInputFile(store_, "t/f.parquet");
  ASSERT_TRUE(in.ok());
  EXPECT_EQ((*in)->Size(), 12u);
  std::string out;
  ASSERT_TRUE((*in)->ReadAt(8, 4, &out).ok());
  EXPECT_EQ(out, "PAR1");
  EXPECT_EQ((*in)->ReadAt(10, 4, &out).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(OpenObjectInputFile(store_, "t/missing").status().code(), Status::Code::kNotFound);
}

TEST(ObjectStore, OpenPicksLocalOrS3) {
  auto local = OpenObjectStore("/tmp/somewhere");
  ASSERT_TRUE(local.ok());
  EXPECT_EQ((*local)->Uri("x"), "/tmp/somewhere/x");
  EXPECT_FALSE(OpenObjectStore("s3://BAD/x").ok());
  EXPECT_EQ(JoinObjectPath("a/", "/b"), "a/b");
}

}  // namespace
}  // namespace arxivflow::remote
