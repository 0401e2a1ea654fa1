#include "orchestrator/audit_log.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "orchestrator/admin_changes.h"
#include "orchestrator/test_home_test_util.h"
#include "orchestrator/time_util.h"

namespace arxivflow::orchestrator {
namespace {

const char* kDag = R"(dag_id: etl
tasks:
  - {task_id: extract, operator: noop}
  - {task_id: load, operator: noop, upstream: [extract]}
)";

// A query with one field set (designated initializers would warn about the rest).
template <typename Field, typename Value>
AuditQuery Where(Field AuditQuery::*field, Value value) {
  AuditQuery q;
  q.*field = std::move(value);
  return q;
}

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_.WriteDag("etl.yaml", kDag);
    control_ = std::make_unique<RunControl>(home_.store(), home_.catalog(), AuditListener(home_.store()));
  }

  std::vector<AuditRecord> All(AuditQuery q = {}) {
    q.limit = 1000;
    auto page = ListEventLogs(home_.store(), q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->items : std::vector<AuditRecord>{};
  }

  std::string AllText() {
    std::string text;
    for (const auto& r : All()) text += EventLogJson(r).dump() + "\n";
    return text;
  }

  TestHome home_;
  std::unique_ptr<RunControl> control_;
  Actor web_{"alice", "api 127.0.0.1"};
  Actor cli_{"bob", "cli"};
};

TEST_F(AuditLogTest, RunControlVerbsAreRecordedWithWhoWhatWhereAndBeforeAfter) {
  TriggerRequest req;
  req.dag_id = "etl";
  req.run_id = "r1";
  req.logical_date = "2026-01-02T00:00:00+00:00";
  ASSERT_TRUE(control_->Trigger(web_, req).ok());
  ASSERT_TRUE(control_->SetPaused(cli_, "etl", true).ok());
  ASSERT_TRUE(control_->SetPaused(cli_, "etl", true).ok());  // no change: no row
  ASSERT_TRUE(control_->MarkTaskInstance(web_, {"etl", "r1", "extract"}, TiState::kSuccess, false).ok());
  ASSERT_TRUE(control_->MarkTaskInstance(web_, {"etl", "r1", "load"}, TiState::kFailed, /*dry_run=*/true).ok());
  ClearRequest clear;
  ASSERT_TRUE(control_->Clear(web_, "etl", clear).ok());

  auto rows = All();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].event, "trigger");
  EXPECT_EQ(rows[0].owner, "alice");
  EXPECT_EQ(rows[0].origin, "api 127.0.0.1");
  EXPECT_EQ(rows[0].dag_id, "etl");
  EXPECT_EQ(rows[0].run_id, "r1");
  EXPECT_EQ(rows[0].logical_date.substr(0, 10), "2026-01-02");
  EXPECT_FALSE(rows[0].when.empty());

  EXPECT_EQ(rows[1].event, "pause");
  EXPECT_EQ(rows[1].owner, "cli:bob");
  EXPECT_EQ(rows[1].origin, "cli");
  EXPECT_NE(rows[1].extra.find("\"before\":\"false\""), std::string::npos) << rows[1].extra;
  EXPECT_NE(rows[1].extra.find("\"after\":\"true\""), std::string::npos) << rows[1].extra;

  EXPECT_EQ(rows[2].event, "mark_task_instance");
  EXPECT_EQ(rows[2].task_id, "extract");
  EXPECT_NE(rows[2].extra.find("\"after\":\"success\""), std::string::npos) << rows[2].extra;

  EXPECT_EQ(rows[3].event, "clear");
  EXPECT_EQ(rows[3].task_id, "extract");  // the only task instance that had a state
  EXPECT_NE(rows[3].extra.find("\"before\":\"success\""), std::string::npos) << rows[3].extra;
}

TEST_F(AuditLogTest, AdminChangesNeverRecordSecrets) {
  Connection c;
  c.conn_id = "pg";
  c.conn_type = "postgres";
  c.host = "db.internal";
  c.login = "loader";
  c.password = "Sup3rSecretPw";
  c.extra = {{"sslrootcert_token", "ExtraSecretValue"}, {"region", "eu-west-1-plain"}};
  ASSERT_TRUE(CreateConnection(home_.store(), web_, c).ok());
  EXPECT_EQ(CreateConnection(home_.store(), web_, c).code(), Status::Code::kAlreadyExists);
  c.password = "An0therSecretPw";
  c.host = "db2.internal";
  ASSERT_TRUE(UpdateConnection(home_.store(), cli_, c).ok());
  ASSERT_TRUE(DeleteConnection(home_.store(), web_, "pg").ok());
  EXPECT_EQ(DeleteConnection(home_.store(), web_, "pg").code(), Status::Code::kNotFound);

  ASSERT_TRUE(SetVariable(home_.store(), web_, "API_TOKEN", "VariableSecretValue", "").ok());
  ASSERT_TRUE(SetVariable(home_.store(), web_, "LAKE_URI", "/data/lake-one", "").ok());
  ASSERT_TRUE(SetVariable(home_.store(), web_, "LAKE_URI", "/data/lake-two", "moved").ok());
  ASSERT_TRUE(DeleteVariable(home_.store(), web_, "API_TOKEN").ok());

  ASSERT_TRUE(home_.store().UpsertUser({"erin", "x", "admin", ""}).ok());  // so carol is not the last admin
  ASSERT_TRUE(CreateUser(home_.store(), cli_, {"carol", "$argon2id$HashMustNotLeak", "viewer", ""}).ok());
  ASSERT_TRUE(UpdateUser(home_.store(), cli_, "carol", std::string("$argon2id$NewHashMustNotLeak"), std::nullopt).ok());
  ASSERT_TRUE(UpdateUser(home_.store(), web_, "carol", std::nullopt, std::string("admin")).ok());
  ASSERT_TRUE(DeleteUser(home_.store(), web_, "carol").ok());

  std::string text = AllText();
  for (const char* secret : {"Sup3rSecretPw", "An0therSecretPw", "ExtraSecretValue", "eu-west-1-plain",
                             "VariableSecretValue", "HashMustNotLeak", "argon2id"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " leaked into:\n" << text;
  }
  EXPECT_NE(text.find("db2.internal"), std::string::npos);
  // Variable values are encrypted at rest: the log keeps none, not even plain ones.
  EXPECT_EQ(text.find("/data/lake-one"), std::string::npos);
  EXPECT_NE(text.find("\\\"value_changed\\\":true"), std::string::npos) << text;
  std::vector<std::string> events;
  for (const auto& r : All()) events.push_back(r.event);
  EXPECT_EQ(events, (std::vector<std::string>{"connection_create", "connection_update", "connection_delete",
                                              "variable_create", "variable_create", "variable_update",
                                              "variable_delete", "user_create", "user_update", "user_update",
                                              "user_delete"}));
  auto updates = All(Where(&AuditQuery::event, std::string("user_update")));
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_NE(updates[0].extra.find("\"password_changed\":true"), std::string::npos) << updates[0].extra;
  EXPECT_NE(updates[1].extra.find("\"after\":{\"role\":\"admin\"}"), std::string::npos) << updates[1].extra;
}

// Two writers creating the same keys at once, each on its own connection: for
// every key exactly one create wins, the other is told it exists, and the log
// holds one variable_create per key.
TEST_F(AuditLogTest, ConcurrentCreatesOfOneVariableHaveOneWinner) {
  constexpr int kKeys = 40;
  std::atomic<int> created{0}, refused{0}, failed{0};
  auto writer = [&](const char* value) {
    auto store = MetadataStore::Open(home_.home(), false);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    for (int i = 0; i < kKeys; ++i) {
      Status st = CreateVariable(**store, web_, "key_" + std::to_string(i), value, "");
      if (st.ok()) {
        ++created;
      } else if (st.code() == Status::Code::kAlreadyExists) {
        ++refused;
      } else {
        ++failed;
        ADD_FAILURE() << st.ToString();
      }
    }
  };
  std::thread a(writer, "from-a"), b(writer, "from-b");
  a.join();
  b.join();
  EXPECT_EQ(created.load(), kKeys);
  EXPECT_EQ(refused.load(), kKeys);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(All(Where(&AuditQuery::event, std::string("variable_create"))).size(), static_cast<size_t>(kKeys));
  EXPECT_EQ(CreateVariable(home_.store(), web_, "key_0", "again", "").code(), Status::Code::kAlreadyExists);
}

TEST_F(AuditLogTest, UpdatingAVariableKeepsWhatItDoesNotNameAndNeverCreates) {
  EXPECT_EQ(UpdateVariable(home_.store(), web_, "gone", std::string("x"), std::nullopt).status().code(),
            Status::Code::kNotFound);
  auto gone = home_.store().GetVariableRecord("gone");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  EXPECT_TRUE(All().empty());

  ASSERT_TRUE(CreateVariable(home_.store(), web_, "LAKE_URI", "/data/lake", "where the lake is").ok());
  auto v = UpdateVariable(home_.store(), cli_, "LAKE_URI", std::string("/data/lake-two"), std::nullopt);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->value, "/data/lake-two");
  EXPECT_EQ(v->description, "where the lake is");
  v = UpdateVariable(home_.store(), cli_, "LAKE_URI", std::nullopt, std::string("moved"));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->value, "/data/lake-two");
  auto stored = home_.store().GetVariableRecord("LAKE_URI");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->description, "moved");
  auto updates = All(Where(&AuditQuery::event, std::string("variable_update")));
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_NE(updates[0].extra.find("\"value_changed\":true"), std::string::npos) << updates[0].extra;
  EXPECT_NE(updates[1].extra.find("\"value_changed\":false"), std::string::npos) << updates[1].extra;
}

TEST_F(AuditLogTest, AFailedChangeRecordsNothing) {
  EXPECT_EQ(DeleteVariable(home_.store(), web_, "missing").code(), Status::Code::kNotFound);
  EXPECT_EQ(UpdateUser(home_.store(), web_, "nobody", std::nullopt, std::string("viewer")).code(),
            Status::Code::kNotFound);
  EXPECT_TRUE(All().empty());
}

TEST_F(AuditLogTest, FailedLoginsFoldAndAreCapped) {
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(RecordLoginEvent(home_.store(), "failed_login", "", 11, "10.0.0.1").ok());
  ASSERT_TRUE(RecordLoginEvent(home_.store(), "failed_login", "alice", 5, "10.0.0.2").ok());
  ASSERT_TRUE(RecordLoginEvent(home_.store(), "login", "alice", 5, "10.0.0.2").ok());
  auto failed = All(Where(&AuditQuery::event, std::string("failed_login")));
  ASSERT_EQ(failed.size(), 2u);
  EXPECT_EQ(failed[0].count, 50);
  EXPECT_EQ(failed[0].owner, "");
  EXPECT_EQ(failed[0].origin, "api 10.0.0.1");
  EXPECT_NE(failed[0].extra.find("unknown_user_name_bytes"), std::string::npos);
  EXPECT_EQ(failed[1].owner, "alice");
  EXPECT_EQ(All(Where(&AuditQuery::event, std::string("login"))).size(), 1u);

  // The store keeps only the newest rows of an event when asked to.
  for (int i = 0; i < 5; ++i) {
    AuditRecord r;
    r.event = "probe";
    r.origin = "o" + std::to_string(i);
    r.when = FormatIso(NowEpoch());
    ASSERT_TRUE(home_.store().AppendAudit(r, "", 3).ok());
  }
  auto probes = All(Where(&AuditQuery::event, std::string("probe")));
  ASSERT_EQ(probes.size(), 3u);
  EXPECT_EQ(probes[0].origin, "o2");
}

TEST_F(AuditLogTest, ListFiltersPagesAndOrders) {
  for (const char* dag : {"a", "b", "a"}) {
    AuditRecord r;
    r.dag_id = dag;
    ASSERT_TRUE(RecordAudit(home_.store(), web_, std::string("ev_") + dag, r).ok());
  }
  ASSERT_TRUE(RecordAudit(home_.store(), cli_, "other").ok());
  EXPECT_EQ(All(Where(&AuditQuery::dag_id, std::string("a"))).size(), 2u);
  EXPECT_EQ(All(Where(&AuditQuery::owner, std::string("cli:bob"))).size(), 1u);
  EXPECT_EQ(All(Where(&AuditQuery::included_events, std::vector<std::string>{"ev_a", "other"})).size(), 3u);
  EXPECT_EQ(All(Where(&AuditQuery::excluded_events, std::vector<std::string>{"ev_a"})).size(), 2u);
  EXPECT_EQ(All(Where(&AuditQuery::after, std::string("2000-01-01T00:00:00Z"))).size(), 4u);
  EXPECT_EQ(All(Where(&AuditQuery::before, std::string("2000-01-01"))).size(), 0u);

  AuditQuery q;
  q.order_by = "-event_log_id";
  q.limit = 2;
  q.offset = 1;
  auto page = ListEventLogs(home_.store(), q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 4);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].event, "ev_a");
  EXPECT_EQ(page->items[1].event, "ev_b");
  auto one = GetEventLog(home_.store(), page->items[0].id);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(EventLogJson(*one)["event"], "ev_a");
  EXPECT_EQ(GetEventLog(home_.store(), 999).status().code(), Status::Code::kNotFound);

  q.limit = kMaxEventLogPage + 1;
  EXPECT_EQ(ListEventLogs(home_.store(), q).status().code(), Status::Code::kInvalidArgument);
  q.limit = 10;
  q.order_by = "extra; DROP TABLE audit_log";
  EXPECT_EQ(ListEventLogs(home_.store(), q).status().code(), Status::Code::kInvalidArgument);
  q.order_by = "";
  q.after = "yesterday";
  EXPECT_EQ(ListEventLogs(home_.store(), q).status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace arxivflow::orchestrator
