// The sorter must give SQLite's order (checked against SQLite's own ORDER BY),
// across spilled runs, with equal keys in the order they came, and refuse
// duplicates of a UNIQUE index as SQLite does (NULLs are never duplicates).
#include "warehouse/index_sorter.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/scoped_temp_dir_test_util.h"

namespace arxivflow::warehouse {
namespace {

struct TestValue {
  enum Kind { kNull, kInteger, kText, kBlob } kind;
  int64_t integer = 0;
  std::string bytes;
};

std::string SortKey(const TestValue& v) {
  std::string key;
  switch (v.kind) {
    case TestValue::kNull: AppendSortKeyNull(&key); break;
    case TestValue::kInteger: AppendSortKeyInteger(v.integer, &key); break;
    case TestValue::kText: AppendSortKeyText(v.bytes, &key); break;
    case TestValue::kBlob: AppendSortKeyBlob(v.bytes, &key); break;
  }
  return key;
}

TEST(IndexSorterTest, SortKeysOrderValuesAsSqliteDoes) {
  using std::string_literals::operator""s;
  const std::vector<TestValue> values = {
      {TestValue::kText, 0, "b"},       {TestValue::kInteger, INT64_MAX, ""}, {TestValue::kNull, 0, ""},
      {TestValue::kText, 0, "a\0b"s},   {TestValue::kInteger, -5, ""},        {TestValue::kText, 0, ""},
      {TestValue::kBlob, 0, "\x01"s},   {TestValue::kText, 0, "a"},           {TestValue::kInteger, 0, ""},
      {TestValue::kText, 0, "a\0"s},    {TestValue::kBlob, 0, ""},            {TestValue::kInteger, INT64_MIN, ""},
      {TestValue::kText, 0, "\xff"},    {TestValue::kText, 0, "ab"},          {TestValue::kBlob, 0, "\0"s},
      {TestValue::kInteger, 3, ""},     {TestValue::kText, 0, "a\0\0"s},      {TestValue::kInteger, -256, ""},
  };
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t (v)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_stmt* insert = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "INSERT INTO t (rowid, v) VALUES (?, ?)", -1, &insert, nullptr), SQLITE_OK);
  for (size_t i = 0; i < values.size(); ++i) {
    const TestValue& v = values[i];
    sqlite3_bind_int64(insert, 1, static_cast<int64_t>(i));
    switch (v.kind) {
      case TestValue::kNull: sqlite3_bind_null(insert, 2); break;
      case TestValue::kInteger: sqlite3_bind_int64(insert, 2, v.integer); break;
      case TestValue::kText: sqlite3_bind_text(insert, 2, v.bytes.data(), static_cast<int>(v.bytes.size()), SQLITE_TRANSIENT); break;
      case TestValue::kBlob: sqlite3_bind_blob(insert, 2, v.bytes.data(), static_cast<int>(v.bytes.size()), SQLITE_TRANSIENT); break;
    }
    ASSERT_EQ(sqlite3_step(insert), SQLITE_DONE);
    sqlite3_reset(insert);
  }
  sqlite3_finalize(insert);
  std::vector<size_t> sqlite_order;
  sqlite3_stmt* select = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT rowid FROM t ORDER BY v, rowid", -1, &select, nullptr), SQLITE_OK);
  while (sqlite3_step(select) == SQLITE_ROW) sqlite_order.push_back(static_cast<size_t>(sqlite3_column_int64(select, 0)));
  sqlite3_finalize(select);
  sqlite3_close(db);

  std::vector<size_t> ours(values.size());
  for (size_t i = 0; i < ours.size(); ++i) ours[i] = i;
  std::stable_sort(ours.begin(), ours.end(), [&](size_t a, size_t b) { return SortKey(values[a]) < SortKey(values[b]); });
  EXPECT_EQ(ours, sqlite_order);
}

struct Entry {
  std::string key;
  std::string record;  // here: the entry's number, to check the order of equal keys
};

// The records in the order a stable sort by key gives.
std::vector<std::string> StableOrder(std::vector<Entry> entries) {
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.key < b.key; });
  std::vector<std::string> records;
  for (const auto& e : entries) records.push_back(e.record);
  return records;
}

std::vector<std::string> Sorted(IndexSorter& sorter) {
  std::vector<std::string> out;
  const Status st = sorter.WriteTo([&](std::string_view record) {
    out.emplace_back(record);
    return Status::OK();
  });
  EXPECT_TRUE(st.ok()) << st.message();
  return out;
}

// Random keys with many repeats, in runs of a few KiB: the output is the
// stable order of the keys.
TEST(IndexSorterTest, SortsAcrossSpilledRunsKeepingEqualKeysInOrder) {
  const ScopedTempDir tmp("af_index_sorter_");
  std::mt19937 random(7);
  for (size_t memory : {size_t{1} << 30, size_t{4096}, size_t{200}}) {
    SCOPED_TRACE(memory);
    IndexSorter sorter(tmp.path().string(), memory, "");
    std::vector<Entry> entries;
    for (int i = 0; i < 5000; ++i) {
      std::string text(random() % 24, 'a');
      for (auto& c : text) c = static_cast<char>("ab\0z"[random() % 4]);
      std::string key;
      AppendSortKeyText(text, &key);
      AppendSortKeyInteger(static_cast<int64_t>(random() % 3) - 1, &key);
      entries.push_back({key, std::to_string(i)});
      ASSERT_TRUE(sorter.Add(key, entries.back().record, false).ok());
    }
    EXPECT_EQ(Sorted(sorter), StableOrder(entries));
    if (memory < 5000) {
      EXPECT_GT(sorter.runs(), 10u);
    }
  }
}

// One run sorted by bytes of the kept 16-byte prefixes: keys whose leading
// bytes are all alike (the tags, an integer's high bytes), wide and narrow
// ranges per byte, and a crowd of keys equal in their first 16 bytes that
// differ only after them, or not at all. The output is the stable order.
TEST(IndexSorterTest, SortsByPrefixBytesThenWholeKeysStably) {
  const ScopedTempDir tmp("af_index_sorter_radix_");
  std::mt19937 random(11);
  IndexSorter sorter(tmp.path().string(), size_t{1} << 30, "");
  std::vector<Entry> entries;
  for (int i = 0; i < 30000; ++i) {
    std::string key;
    switch (random() % 3) {
      case 0:  // (year, month, id), as versions' index
        AppendSortKeyInteger(1990 + static_cast<int64_t>(random() % 36), &key);
        AppendSortKeyInteger(1 + static_cast<int64_t>(random() % 12), &key);
        AppendSortKeyText("id" + std::to_string(random() % 50), &key);
        break;
      case 1:  // 15 shared bytes, then a tail that decides, or none
        AppendSortKeyText("the same prefix" + std::string(random() % 3, "xy"[random() % 2]), &key);
        AppendSortKeyInteger(static_cast<int64_t>(random() % 4) - 2, &key);
        break;
      default:  // short text: differing in the first bytes, or in length
        AppendSortKeyText(std::string(random() % 4, "ab"[random() % 2]), &key);
        break;
    }
    entries.push_back({key, std::to_string(i)});
    ASSERT_TRUE(sorter.Add(key, entries.back().record, false).ok());
  }
  EXPECT_EQ(Sorted(sorter), StableOrder(entries));
  EXPECT_EQ(sorter.runs(), 0u);
}

// A run's memory counts the 24-byte item of each entry besides its bytes:
// with short entries the items are most of it.
TEST(IndexSorterTest, ARunsMemoryCountsItsItems) {
  const ScopedTempDir tmp("af_index_sorter_items_");
  IndexSorter sorter(tmp.path().string(), 24 << 10, "");
  std::vector<std::string> expected;
  for (int i = 0; i < 2000; ++i) {
    std::string key;
    AppendSortKeyInteger((i * 7919) % 2000, &key);  // out of order: each run is sorted
    ASSERT_TRUE(sorter.Add(key, "x", false).ok());
    expected.push_back("x");
  }
  // 19 bytes of entry and 24 of item: about 570 entries a run, not the
  // 1290 that the entries' bytes alone would hold.
  EXPECT_GE(sorter.runs(), 3u);
  EXPECT_EQ(Sorted(sorter), expected);
}

// A key read from several files, each in key order: the stretches in order
// are spilled as they are, and merged.
TEST(IndexSorterTest, MergesStretchesThatCameInOrder) {
  const ScopedTempDir tmp("af_index_sorter_runs_");
  IndexSorter sorter(tmp.path().string(), 64 << 10, "UNIQUE constraint failed: t.k");
  std::vector<std::string> expected;
  for (int part = 0; part < 3; ++part) {
    for (int i = part; i < 6000; i += 3) {
      std::string key;
      AppendSortKeyInteger(i, &key);
      ASSERT_TRUE(sorter.Add(key, std::to_string(i), false).ok());
    }
  }
  for (int i = 0; i < 6000; ++i) expected.push_back(std::to_string(i));
  EXPECT_EQ(Sorted(sorter), expected);
  EXPECT_GE(sorter.runs(), 3u);
}

// Neighbours in a run share most of their key and record: a run keeps the
// rest. Long shared prefixes (past one varint byte) and a neighbour that is
// a prefix of the next come back whole.
TEST(IndexSorterTest, RunsKeepWhatNeighboursDoNotShare) {
  const ScopedTempDir tmp("af_index_sorter_shared_");
  IndexSorter sorter(tmp.path().string(), 32 << 10, "UNIQUE constraint failed: t.k");
  const std::string long_prefix(300, 'p');
  std::vector<std::string> texts;
  for (int i = 0; i < 4000; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "%04d.%05d", 704 + i / 1000, i % 1000);
    // Every third text is the one before it plus "x": a prefix of its neighbour.
    texts.push_back((i % 2 ? long_prefix : std::string()) + id + (i % 3 == 2 ? "x" : ""));
    if (i % 3 == 2) texts.back() = texts[texts.size() - 2] + "x";
  }
  std::vector<std::string> order = texts;
  std::shuffle(order.begin(), order.end(), std::mt19937(11));  // each run is sorted in memory
  uint64_t raw_bytes = 0;
  for (const auto& text : order) {
    std::string key;
    AppendSortKeyText(text, &key);
    const std::string record = "rec:" + text;
    raw_bytes += 9 + key.size() + record.size();
    ASSERT_TRUE(sorter.Add(key, record, false).ok());
  }
  EXPECT_GE(sorter.runs(), 3u);
  std::sort(texts.begin(), texts.end());
  std::vector<std::string> expected;
  for (const auto& text : texts) expected.push_back("rec:" + text);
  EXPECT_EQ(Sorted(sorter), expected);
  EXPECT_LT(sorter.spilled_bytes(), raw_bytes / 2);
}

TEST(IndexSorterTest, DuplicatesOfAUniqueIndexFailButNullKeysDoNot) {
  const ScopedTempDir tmp("af_index_sorter_unique_");
  for (size_t memory : {size_t{1} << 20, size_t{64}}) {
    IndexSorter nulls(tmp.path().string(), memory, "UNIQUE constraint failed: t.k");
    std::string null_key;
    AppendSortKeyNull(&null_key);
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(nulls.Add(null_key, std::to_string(i), true).ok());
    EXPECT_EQ(Sorted(nulls).size(), 10u);

    IndexSorter dup(tmp.path().string(), memory, "UNIQUE constraint failed: t.k");
    for (int i : {5, 1, 9, 1, 3}) {
      std::string key;
      AppendSortKeyInteger(i, &key);
      ASSERT_TRUE(dup.Add(key, std::to_string(i), false).ok());
    }
    const Status st = dup.WriteTo([](std::string_view) { return Status::OK(); });
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.message(), "UNIQUE constraint failed: t.k");
  }
}

}  // namespace
}  // namespace arxivflow::warehouse
