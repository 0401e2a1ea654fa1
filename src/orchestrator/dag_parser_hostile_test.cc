// DAG files written to hurt: each must become an import error (a Status),
// never a crash, a hang or unbounded memory.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "common/scoped_temp_dir_test_util.h"
#include "orchestrator/dag_parser.h"

namespace arxivflow::orchestrator {
namespace {

TEST(DagParserHostileTest, AliasCycleIsAnImportError) {
  // The 72-byte file that used to take down the scheduler and the web server.
  std::string text = "dag_id: a\nparams: &a {x: *a}\ntasks: [{task_id: t, operator: noop}]\n";
  auto dags = ParseDagYaml(text, "dags/cycle.yaml");
  ASSERT_FALSE(dags.ok());
  EXPECT_NE(dags.status().message().find("dags/cycle.yaml:2:"), std::string::npos) << dags.status().message();
  EXPECT_NE(dags.status().message().find("a cycle"), std::string::npos) << dags.status().message();
}

TEST(DagParserHostileTest, BillionLaughsIsAnImportError) {
  std::string text = "dag_id: a\ntasks: [{task_id: t, operator: noop}]\nparams:\n  l0: &l0 [lol]\n";
  for (int i = 1; i <= 9; ++i) {
    text += "  l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) text += std::string(j ? "," : "") + "*l" + std::to_string(i - 1);
    text += "]\n";
  }
  auto dags = ParseDagYaml(text, "dags/laughs.yaml");
  ASSERT_FALSE(dags.ok());
  EXPECT_NE(dags.status().message().find("once aliases are expanded"), std::string::npos) << dags.status().message();
}

TEST(DagParserHostileTest, AnchorsForSharedArgsStillWork) {
  std::string text =
      "dag_id: a\n"
      "default_args: &policy {retries: 2, retry_delay: 1}\n"
      "tasks:\n"
      "  - {task_id: t1, operator: noop}\n"
      "  - task_id: t2\n"
      "    operator: shell\n"
      "    args: &sh {argv: [echo, hi]}\n"
      "  - {task_id: t3, operator: shell, args: *sh}\n";
  auto dags = ParseDagYaml(text, "dags/ok.yaml");
  ASSERT_TRUE(dags.ok()) << dags.status().ToString();
  EXPECT_EQ((*dags)[0].tasks.size(), 3u);
  EXPECT_EQ((*dags)[0].FindTask("t3")->args["argv"][1], "hi");
}

TEST(DagParserHostileTest, OversizedFileIsRefusedUnread) {
  const ScopedTempDir dir("af_dag_size_");
  std::string path = dir.File("big.yaml").string();
  {
    std::ofstream out(path);
    out << "dag_id: big\ntasks: [{task_id: t, operator: noop}]\n# " << std::string(2 << 20, 'x') << "\n";
  }
  auto dags = ParseDagFile(path);
  ASSERT_FALSE(dags.ok());
  EXPECT_NE(dags.status().message().find("DAG files may hold at most 1048576 bytes"), std::string::npos)
      << dags.status().message();
  setenv("ARXIVFLOW_DAG_FILE_MAX_BYTES", "4194304", 1);
  EXPECT_TRUE(ParseDagFile(path).ok());
  unsetenv("ARXIVFLOW_DAG_FILE_MAX_BYTES");
}

}  // namespace
}  // namespace arxivflow::orchestrator
