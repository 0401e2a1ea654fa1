// Condition: the pass/fail rule of a data-quality check, e.g.
//   result >= 1
//   result == manifest.papers.rows
//   not (result > 100) and result != manifest.records.rejected
//
// Grammar (parsed by a tokenizer and a recursive-descent parser; never
// evaluated as code):
//   expr       := and_expr ( "or" and_expr )*
//   and_expr   := not_expr ( "and" not_expr )*
//   not_expr   := "not" not_expr | "(" expr ")" | comparison
//   comparison := operand ( "==" | "!=" | "<" | "<=" | ">" | ">=" ) operand
//   operand    := number | "-" number | "result" | "manifest" ( "." name )+
//   number     := digits [ "." digits ]
// Keywords are lower-case. Limits: 1024 bytes, 256 tokens, nesting depth 32.
//
// Contract: Parse() returns kInvalidArgument with the byte offset of the
// problem. Evaluate() compares numerically (exact for 64-bit integers); a
// NULL or non-numeric result is an error, as is a manifest path the lookup
// does not know. A Condition is immutable once parsed; thread-safe to share.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace arxivflow::quality {

struct ConditionNode;

// Resolves a manifest path ("papers","rows") to a number; nullopt if unknown.
using ManifestLookup = std::function<std::optional<int64_t>(const std::vector<std::string>& path)>;

class Condition {
 public:
  static Result<Condition> Parse(std::string_view text);

  // `result` is the check query's value (nullopt when NULL or not a number).
  // `manifest` may be empty when no manifest is available.
  Result<bool> Evaluate(std::optional<long double> result, const ManifestLookup& manifest) const;
  // The condition with manifest paths replaced by their values where known,
  // e.g. "result == 200".
  std::string Render(const ManifestLookup& manifest) const;
  // True when the condition reads the manifest.
  bool UsesManifest() const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::shared_ptr<const ConditionNode> root_;
};

}  // namespace arxivflow::quality
