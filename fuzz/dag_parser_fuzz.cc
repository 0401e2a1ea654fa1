// libFuzzer target: DAG files (YAML) must parse or fail with a Status, never
// crash, hang or leak, whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "orchestrator/dag_parser.h"
#include "orchestrator/template.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto dags = arxivflow::orchestrator::ParseDagYaml(text, "fuzz.yaml");
  (void)dags;
  auto rendered = arxivflow::orchestrator::RenderTemplate(
      text, [](const std::string& expr) -> arxivflow::Result<std::string> {
        if (expr.size() % 3 == 0) return arxivflow::Status::NotFound(expr);
        return expr;
      });
  (void)rendered;
  return 0;
}
