#include "common/yaml_text.h"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <unordered_map>

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

// Thrown by the budget walk to stop the parser at the offending event.
struct BudgetExceeded {
  YAML::Mark mark;
  std::string what;
};

// Walks a stream's events without building nodes, and measures what a full
// walk of the built nodes would cost: every alias counts as a copy of the
// node it names.
class BudgetWalk : public YAML::EventHandler {
 public:
  explicit BudgetWalk(const YamlLimits& limits) : limits_(limits) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override { anchors_.clear(); }
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { Leaf(mark, anchor, 0); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string& value) override {
    Leaf(mark, anchor, value.size());
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    for (const Open& o : open_) {
      if (o.anchor == anchor) throw BudgetExceeded{mark, "an alias refers to a node that contains it (a cycle)"};
    }
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) throw BudgetExceeded{mark, "an alias refers to an unknown anchor"};
    Count(mark, it->second);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Start(mark, anchor);
  }
  void OnSequenceEnd() override { End(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Start(mark, anchor);
  }
  void OnMapEnd() override { End(); }

 private:
  struct Size {
    size_t nodes = 0;  // in the subtree, aliases expanded
    int depth = 0;     // of the subtree, aliases expanded (a leaf is 1)
    size_t bytes = 0;  // of its scalars, aliases expanded
  };
  struct Open {
    YAML::anchor_t anchor;
    Size size;
  };

  // A node of `size` appears at the current position.
  void Count(const YAML::Mark& mark, const Size& size) {
    total_ += size.nodes;
    total_bytes_ += size.bytes;
    if (total_bytes_ > limits_.max_expanded_bytes) {
      throw BudgetExceeded{mark, "more than " + std::to_string(limits_.max_expanded_bytes) +
                                     " bytes of YAML scalars once aliases are expanded"};
    }
    if (total_ > limits_.max_nodes) {
      throw BudgetExceeded{mark, "more than " + std::to_string(limits_.max_nodes) +
                                     " YAML nodes once aliases are expanded"};
    }
    if (static_cast<int>(open_.size()) + size.depth > limits_.max_depth) {
      throw BudgetExceeded{mark, "YAML nested deeper than " + std::to_string(limits_.max_depth) +
                                     " levels once aliases are expanded"};
    }
    if (!open_.empty()) {
      Size& parent = open_.back().size;
      parent.nodes += size.nodes;
      parent.bytes += size.bytes;
      parent.depth = std::max(parent.depth, size.depth + 1);
    }
  }
  void Leaf(const YAML::Mark& mark, YAML::anchor_t anchor, size_t bytes) {
    Size leaf{1, 1, bytes};
    Count(mark, leaf);
    if (anchor) anchors_[anchor] = leaf;
  }
  void Start(const YAML::Mark& mark, YAML::anchor_t anchor) {
    Count(mark, Size{1, 1, 0});
    open_.push_back(Open{anchor, Size{1, 1, 0}});
  }
  void End() {
    if (open_.empty()) return;
    Open done = open_.back();
    open_.pop_back();
    // Its own node was counted at Start; pass the rest up.
    if (!open_.empty()) {
      Size& parent = open_.back().size;
      parent.nodes += done.size.nodes - 1;
      parent.bytes += done.size.bytes;
      parent.depth = std::max(parent.depth, done.size.depth + 1);
    }
    if (done.anchor) anchors_[done.anchor] = done.size;
  }

  const YamlLimits& limits_;
  size_t total_ = 0;
  size_t total_bytes_ = 0;
  std::vector<Open> open_;
  std::unordered_map<YAML::anchor_t, Size> anchors_;
};

std::string At(const std::string& name, const YAML::Mark& mark) {
  if (mark.line < 0) return name;
  return name + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

}  // namespace

Result<std::vector<YAML::Node>> LoadYamlDocuments(const std::string& text, const std::string& name,
                                                  const YamlLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return Status::InvalidArgument(name + ": " + std::to_string(text.size()) + " bytes; YAML files may hold at most " +
                                   std::to_string(limits.max_bytes) + " bytes");
  }
  AF_RETURN_IF_ERROR(ValidateYamlText(text, name));
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    BudgetWalk walk(limits);
    int documents = 0;
    while (parser.HandleNextDocument(walk)) {
      if (++documents > limits.max_documents) {
        return Status::InvalidArgument(name + ": more than " + std::to_string(limits.max_documents) +
                                       " YAML documents (or a malformed stream)");
      }
    }
    return YAML::LoadAll(text);
  } catch (const BudgetExceeded& e) {
    return Status::InvalidArgument(At(name, e.mark) + ": " + e.what);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(At(name, e.mark) + ": invalid YAML: " + e.msg);
  }
}

}  // namespace arxivflow
