#include "common/sqlite.h"

#include <gtest/gtest.h>

#include "common/scoped_temp_dir_test_util.h"

namespace arxivflow::sqlite {
namespace {

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(db_.Open(dir_ + "/t.db", {}, "test DB").ok());
    ASSERT_TRUE(db_.Exec("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)").ok());
  }

  int64_t Count() {
    auto st = db_.Prepare("SELECT COUNT(*) FROM t");
    EXPECT_TRUE(st.ok());
    EXPECT_TRUE(*st->Step());
    return st->Int(0);
  }

  Status Insert(const std::string& k) {
    AF_ASSIGN_OR_RETURN(auto st, db_.Prepare("INSERT INTO t VALUES (?, 1)"));
    return st.Bind(1, k).Run();
  }

  const ScopedTempDir tmp_{"af_sqlite_test_"};  // first: removed after db_ closed
  const std::string dir_ = tmp_.path().string();
  Database db_;
};

TEST_F(SqliteTest, BindsStepsAndReusesStatements) {
  auto ins = db_.Prepare("INSERT INTO t VALUES (?, ?)");
  ASSERT_TRUE(ins.ok());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(ins->Bind(1, "k" + std::to_string(i)).Bind(2, i).Run().ok());
    ins->Reset();
  }
  EXPECT_EQ(db_.Changes(), 1);
  EXPECT_EQ(Count(), 3);
  auto sel = db_.Prepare("SELECT v, NULL FROM t WHERE k = ?");
  sel->Bind(1, std::optional<std::string>("k2"));
  ASSERT_TRUE(*sel->Step());
  EXPECT_EQ(sel->Int(0), 2);
  EXPECT_TRUE(sel->IsNull(1));
  EXPECT_EQ(sel->OptText(1), std::nullopt);
  auto dup = db_.Prepare("INSERT INTO t VALUES ('k0', 0)");
  Status st = dup->Run();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("t.db"), std::string::npos) << st.message();
  EXPECT_EQ(db_.Prepare("SELEC nonsense").status().code(), Status::Code::kInternal);
}

TEST_F(SqliteTest, TransactionsCommitOrRollBack) {
  {
    Transaction tx(db_);
    ASSERT_TRUE(tx.Begin().ok());
    ASSERT_TRUE(Insert("a").ok());
  }  // no Commit: rolled back
  EXPECT_EQ(Count(), 0);
  Transaction tx(db_);
  ASSERT_TRUE(tx.Begin().ok());
  ASSERT_TRUE(Insert("a").ok());
  ASSERT_TRUE(tx.Commit().ok());
  EXPECT_EQ(Count(), 1);
}

TEST_F(SqliteTest, NestedTransactionsJoinTheOuterOne) {
  {
    Transaction outer(db_);
    ASSERT_TRUE(outer.Begin().ok());
    {
      Transaction inner(db_);
      ASSERT_TRUE(inner.Begin().ok());
      ASSERT_TRUE(Insert("a").ok());
      ASSERT_TRUE(inner.Commit().ok());  // joins: nothing committed yet
    }
    ASSERT_TRUE(Insert("b").ok());
  }  // the outer one ends without Commit: both inserts go
  EXPECT_EQ(Count(), 0);

  Transaction outer(db_);
  ASSERT_TRUE(outer.Begin().ok());
  ASSERT_TRUE(Insert("a").ok());
  {
    Transaction inner(db_);
    ASSERT_TRUE(inner.Begin().ok());
    ASSERT_TRUE(Insert("b").ok());
  }  // an inner step failed: the whole transaction must not commit
  EXPECT_EQ(outer.Commit().code(), Status::Code::kAborted);
  EXPECT_EQ(Count(), 0);
  Transaction again(db_);  // and the connection is usable again
  ASSERT_TRUE(again.Begin().ok());
  ASSERT_TRUE(Insert("c").ok());
  ASSERT_TRUE(again.Commit().ok());
  EXPECT_EQ(Count(), 1);
}

TEST_F(SqliteTest, DataVersionSeesOtherConnectionsCommits) {
  Database other;
  ASSERT_TRUE(other.Open(dir_ + "/t.db").ok());
  int64_t before = db_.DataVersion();
  ASSERT_TRUE(other.Exec("INSERT INTO t VALUES ('x', 1)").ok());
  EXPECT_NE(db_.DataVersion(), before);
  Database ro;
  ASSERT_TRUE(ro.Open(dir_ + "/t.db", {.read_only = true}).ok());
  EXPECT_FALSE(ro.Exec("INSERT INTO t VALUES ('y', 1)").ok());
  Database missing;
  OpenOptions no_create;
  no_create.create = false;
  Status st = missing.Open(dir_ + "/absent.db", no_create, "warehouse");
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("cannot open the warehouse"), std::string::npos) << st.message();
}

}  // namespace
TEST_F(SqliteTest, QueryHelpersReadTheFirstColumn) {
  ASSERT_TRUE(db_.Exec("INSERT INTO t VALUES ('a', 1), ('b', NULL)").ok());
  EXPECT_EQ(*db_.QueryInt("SELECT v FROM t WHERE k = 'a'"), std::optional<int64_t>(1));
  EXPECT_EQ(*db_.QueryInt("SELECT v FROM t WHERE k = 'b'"), std::nullopt);  // NULL
  EXPECT_EQ(*db_.QueryInt("SELECT v FROM t WHERE k = 'z'"), std::nullopt);  // no row
  EXPECT_EQ(*db_.QueryText("SELECT k FROM t WHERE v = 1"), std::optional<std::string>("a"));
  EXPECT_EQ(*db_.QueryColumn("SELECT k FROM t ORDER BY k"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(*db_.TableExists("t"));
  EXPECT_FALSE(*db_.TableExists("absent"));
  EXPECT_FALSE(db_.QueryInt("SELECT nope FROM t").ok());
}

TEST_F(SqliteTest, ErrorsNameTheConnection) {
  Database named;
  OpenOptions options;
  options.name = "sqlite:///named.db";
  ASSERT_TRUE(named.Open(dir_ + "/t.db", options).ok());
  Status st = named.Exec("INSERT INTO absent VALUES (1)");
  EXPECT_EQ(st.message().rfind("sqlite:///named.db: ", 0), 0u) << st.message();
  ASSERT_TRUE(named.Exec("INSERT INTO t VALUES ('a', 1)").ok());
  auto dup = named.Prepare("INSERT INTO t VALUES ('a', 2)");
  ASSERT_TRUE(dup.ok());
  st = dup->Run();
  EXPECT_EQ(st.message().rfind("sqlite:///named.db: ", 0), 0u) << st.message();
  EXPECT_EQ(db_.QueryInt("SELECT 1 FROM absent").status().message().rfind(dir_ + "/t.db: ", 0), 0u);
}

TEST_F(SqliteTest, RollbackEndsAnExecTransactionOnly) {
  db_.Rollback();  // none open: nothing happens
  ASSERT_TRUE(db_.Exec("BEGIN IMMEDIATE").ok());
  ASSERT_TRUE(Insert("a").ok());
  db_.Rollback();
  EXPECT_EQ(Count(), 0);
  ASSERT_TRUE(db_.Exec("BEGIN").ok());  // a transaction can begin again
  db_.Rollback();
}

TEST_F(SqliteTest, BusyHandlerDecidesHowLongToWait) {
  Database holder;
  ASSERT_TRUE(holder.Open(dir_ + "/t.db").ok());
  ASSERT_TRUE(holder.Exec("BEGIN IMMEDIATE").ok());
  std::vector<int> attempts;
  db_.SetBusyHandler([&](int attempt) {
    attempts.push_back(attempt);
    if (attempt == 2) holder.Rollback();  // the other writer lets go
    return attempt < 2;
  });
  // Gives up on the third call (attempt 2), just as the lock is released:
  // SQLITE_BUSY.
  EXPECT_FALSE(Insert("a").ok());
  EXPECT_EQ(attempts, (std::vector<int>{0, 1, 2}));
  attempts.clear();
  EXPECT_TRUE(Insert("a").ok());  // nothing holds the lock: never called
  EXPECT_TRUE(attempts.empty());
  ASSERT_TRUE(holder.Exec("BEGIN IMMEDIATE").ok());
  db_.SetBusyTimeout(0);  // the handler is dropped: fails at once
  EXPECT_FALSE(Insert("b").ok());
  EXPECT_TRUE(attempts.empty());
  holder.Rollback();
}

}  // namespace arxivflow::sqlite
