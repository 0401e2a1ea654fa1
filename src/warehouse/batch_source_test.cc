#include "warehouse/batch_source.h"

#include <gtest/gtest.h>

#include "warehouse/test_batches.h"

namespace arxivflow::warehouse {
namespace {

using testing::GeneratedBatch;

// Hands out `n` batches, then fails when `fail` is set.
class CountingSource : public BatchSource {
 public:
  CountingSource(int n, bool fail) : n_(n), fail_(fail) {}
  Result<bool> Next(Batch* batch) override {
    if (given_ == n_) {
      if (fail_) return Status::Corruption("part-00001.parquet row group 7: bad page");
      return false;
    }
    *batch = GeneratedBatch(schema::Table(schema::TableId::kTitles), 3, given_ * 3);
    ++given_;
    return true;
  }

 private:
  int n_;
  bool fail_;
  int given_ = 0;
};

TEST(PrefetchingBatchSourceTest, SameBatchesInOrder) {
  CountingSource raw(20, false);
  auto source = MakePrefetchingBatchSource(&raw, 2);
  Batch batch;
  for (int i = 0; i < 20; ++i) {
    auto more = source->Next(&batch);
    ASSERT_TRUE(more.ok() && *more);
    EXPECT_EQ(batch.rows, 3);
    EXPECT_EQ(batch.columns[0].strings[0], "2301." + std::to_string(10000 + i * 3));
  }
  auto end = source->Next(&batch);
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(*end);
}

TEST(PrefetchingBatchSourceTest, ErrorsArriveAfterTheGoodBatches) {
  CountingSource raw(2, true);
  auto source = MakePrefetchingBatchSource(&raw, 4);
  Batch batch;
  EXPECT_TRUE(*source->Next(&batch));
  EXPECT_TRUE(*source->Next(&batch));
  auto failed = source->Next(&batch);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("row group 7"), std::string::npos);
}

TEST(PeekedBatchSourceTest, TheFirstBatchIsHandedOutOnceThenTheRest) {
  CountingSource raw(3, false);
  PeekedBatchSource source(&raw);
  auto first = source.Peek();
  ASSERT_TRUE(first.ok() && *first);
  EXPECT_EQ((*first)->columns[0].strings[0], "2301.10000");
  auto again = source.Peek();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *first);
  Batch batch;
  for (int i = 0; i < 3; ++i) {
    auto more = source.Next(&batch);
    ASSERT_TRUE(more.ok() && *more);
    EXPECT_EQ(batch.columns[0].strings[0], "2301." + std::to_string(10000 + i * 3));
  }
  auto end = source.Next(&batch);
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(*end);
}

TEST(PeekedBatchSourceTest, EmptyAndFailingSources) {
  CountingSource empty(0, false);
  PeekedBatchSource nothing(&empty);
  auto first = nothing.Peek();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, nullptr);
  Batch batch;
  auto end = nothing.Next(&batch);
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(*end);

  CountingSource bad(0, true);
  PeekedBatchSource failing(&bad);
  auto failed = failing.Peek();
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("row group 7"), std::string::npos);

  // Next() without a Peek() reads straight through.
  CountingSource two(2, false);
  PeekedBatchSource unpeeked(&two);
  EXPECT_TRUE(*unpeeked.Next(&batch));
  EXPECT_TRUE(*unpeeked.Next(&batch));
  EXPECT_FALSE(*unpeeked.Next(&batch));
}

TEST(BatchBytesPerRowTest, TextByItsLengthOtherValuesEightBytes) {
  Batch batch;
  batch.rows = 2;
  batch.columns.push_back(testing::StringVector({std::string(100, 'a'), std::nullopt}));
  batch.columns.push_back(testing::Int32Vector({1, 2}));
  batch.columns.push_back(testing::Int64Vector({std::nullopt, 4}));
  EXPECT_DOUBLE_EQ(BatchBytesPerRow(batch), (100 + 16 + 16) / 2.0);
  EXPECT_DOUBLE_EQ(BatchBytesPerRow(Batch{}), 0);
}

TEST(PrefetchingBatchSourceTest, StopsWhenDestroyedEarly) {
  CountingSource raw(1000, false);
  auto source = MakePrefetchingBatchSource(&raw, 2);
  Batch batch;
  EXPECT_TRUE(*source->Next(&batch));
  source.reset();  // joins the reader thread without draining the source
}

}  // namespace
}  // namespace arxivflow::warehouse
