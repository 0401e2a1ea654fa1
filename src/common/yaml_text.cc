#include "common/yaml_text.h"

#include <cstdio>
#include <sstream>

#include <yaml-cpp/eventhandler.h>

namespace arxivflow {

Status ValidateYamlText(std::string_view text, const std::string& name) {
  int line = 1;
  for (unsigned char c : text) {
    if (c == '\n') {
      ++line;
    } else if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", c);
      return Status::InvalidArgument(name + ": line " + std::to_string(line) + ": control character " + hex +
                                     " is not allowed in YAML");
    }
  }
  return Status::OK();
}

namespace {

// Receives a document's events and drops them: only the count matters.
class DocumentCounter : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

}  // namespace

Result<std::vector<YAML::Node>> LoadYamlDocuments(const std::string& text, const std::string& name,
                                                  int max_documents) {
  AF_RETURN_IF_ERROR(ValidateYamlText(text, name));
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentCounter counter;
    int documents = 0;
    while (parser.HandleNextDocument(counter)) {
      if (++documents > max_documents) {
        return Status::InvalidArgument(name + ": more than " + std::to_string(max_documents) +
                                       " YAML documents (or a malformed stream)");
      }
    }
    return YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    if (e.mark.line < 0) return Status::InvalidArgument(name + ": invalid YAML: " + e.msg);
    return Status::InvalidArgument(name + ":" + std::to_string(e.mark.line + 1) + ":" +
                                   std::to_string(e.mark.column + 1) + ": invalid YAML: " + e.msg);
  }
}

}  // namespace arxivflow
