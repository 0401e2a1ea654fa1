#include "notify/notification.h"

#include <gtest/gtest.h>

#include "notify/notifier_spec.h"

namespace arxivflow::notify {
namespace {

Notification Sample() {
  Notification n;
  n.event = "failure";
  n.dag_id = "d";
  n.run_id = "manual__<x>&\"y\"";
  n.task_id = "t";
  n.try_number = 2;
  n.state = "failed";
  n.start_date = "2026-01-01T00:00:00+00:00";
  n.end_date = "2026-01-01T00:00:05+00:00";
  n.duration = 5;
  n.log_url = "http://h/api/v1/dags/d/dagRuns/r/taskInstances/t/logs/2";
  n.error = "exit <code> 1\nnext";
  return n;
}

TEST(Notification, HtmlEscapesEveryValue) {
  std::string html = Sample().Html();
  EXPECT_EQ(html.find("<x>"), std::string::npos);
  EXPECT_NE(html.find("manual__&lt;x&gt;&amp;&quot;y&quot;"), std::string::npos);
  EXPECT_NE(html.find("exit &lt;code&gt; 1"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"http://h/api/v1/dags/d/dagRuns/r/taskInstances/t/logs/2\">"), std::string::npos);
}

TEST(Notification, WebhookJsonCarriesEveryFactAndASlackText) {
  auto j = Sample().WebhookJson();
  EXPECT_EQ(j["event"], "failure");
  EXPECT_EQ(j["try_number"], 2);
  EXPECT_EQ(j["duration"], 5.0);
  EXPECT_EQ(j["error"], "exit <code> 1\nnext");
  std::string text = j["text"];
  EXPECT_NE(text.find("Task d.t (run manual__&lt;x&gt;&amp;\"y\") failed (try 2) after 5.0 s"), std::string::npos);
  EXPECT_NE(text.find("<http://h/api/v1/dags/d/dagRuns/r/taskInstances/t/logs/2|log>"), std::string::npos);
  Notification run;
  run.event = "success";
  EXPECT_TRUE(run.WebhookJson()["task_id"].is_null());
}

TEST(Notification, EnvironmentHasNoControlCharacters) {
  auto env = Sample().Environment();
  bool found = false;
  for (const auto& e : env) {
    EXPECT_EQ(e.find('\n'), std::string::npos) << e;
    if (e == "ARXIVFLOW_ERROR=exit <code> 1 next") found = true;
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(Sample().Subject(), "[arxivflow] Task d.t (run manual__<x>&\"y\") failed");
}

struct BadSpec {
  const char* json;
  const char* message;
};

TEST(NotifierSpec, ParsesTheThreeKindsWithDefaults) {
  auto specs = ParseNotifiers(nlohmann::json::parse(R"([
      {"notifier": "webhook", "conn_id": "hook"},
      {"notifier": "email", "to": "a@example.com"},
      {"notifier": "command", "argv": ["page", 1], "timeout": 3, "retries": 1}])"),
                              "on_failure");
  ASSERT_TRUE(specs.ok()) << specs.status().message();
  ASSERT_EQ(specs->size(), 3u);
  EXPECT_EQ((*specs)[0].retries, 2);
  EXPECT_EQ((*specs)[1].conn_id, "smtp_default");
  EXPECT_EQ((*specs)[1].to, std::vector<std::string>{"a@example.com"});
  EXPECT_EQ((*specs)[2].argv, (std::vector<std::string>{"page", "1"}));
  EXPECT_EQ((*specs)[2].timeout, 3);
  auto one = ParseNotifiers(nlohmann::json::parse(R"({"notifier": "webhook", "conn_id": "x"})"), "on_retry");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->size(), 1u);
}

TEST(NotifierSpec, RefusesBadSpecsWithTheKeyNamed) {
  const BadSpec cases[] = {
      {R"([{"notifier": "sms"}])", "on_failure[0]: unknown notifier 'sms'"},
      {R"([{"conn_id": "x"}])", "on_failure[0]: missing 'notifier'"},
      {R"({"notifier": "webhook"})", "on_failure: the webhook notifier needs 'conn_id'"},
      {R"({"notifier": "email"})", "on_failure: the email notifier needs 'to'"},
      {R"({"notifier": "email", "to": ["not-an-address"]})", "is not an e-mail address"},
      {R"({"notifier": "email", "to": ["a@b>\r\nRCPT TO:<c@d"]})", "is not an e-mail address"},
      {R"({"notifier": "command"})", "needs a non-empty 'argv'"},
      {R"({"notifier": "command", "argv": [], "conn_id": "x"})", "needs a non-empty 'argv'"},
      {R"({"notifier": "webhook", "conn_id": "x", "argv": ["a"]})", "'argv' is for the command notifier"},
      {R"({"notifier": "webhook", "conn_id": "x", "timeout": 0})", "'timeout' must be a number"},
      {R"({"notifier": "webhook", "conn_id": "x", "retries": 1.5})", "'retries' must be an integer"},
      {R"({"notifier": "webhook", "conn_id": "x", "retries": 11})", "'retries' must be a number from 0 to 10"},
      {R"({"notifier": "webhook", "conn_id": "x", "shell": true})", "unknown key 'shell'"},
      {R"("webhook")", "must be a notifier map or a list"},
      {R"([1])", "on_failure[0] must be a map"},
  };
  for (const auto& c : cases) {
    auto r = ParseNotifiers(nlohmann::json::parse(c.json), "on_failure");
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_NE(r.status().message().find(c.message), std::string::npos) << c.json << " -> " << r.status().message();
  }
  nlohmann::json many = nlohmann::json::array();
  for (int i = 0; i < 17; ++i) many.push_back({{"notifier", "webhook"}, {"conn_id", "x"}});
  EXPECT_FALSE(ParseNotifiers(many, "on_failure").ok());
}

}  // namespace
}  // namespace arxivflow::notify
