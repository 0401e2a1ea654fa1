#include "quality/condition.h"

#include <cmath>
#include <cstdio>

namespace arxivflow::quality {

namespace {

constexpr size_t kMaxLength = 1024;
constexpr size_t kMaxTokens = 256;
constexpr int kMaxDepth = 32;

enum class Tok { kNumber, kResult, kManifest, kDot, kName, kOp, kAnd, kOr, kNot, kLParen, kRParen, kMinus, kEnd };

struct Token {
  Tok kind;
  std::string text;
  size_t offset;
};

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Status ErrorAt(size_t offset, const std::string& what) {
  return Status::InvalidArgument("condition: " + what + " at offset " + std::to_string(offset));
}

Result<std::vector<Token>> Tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    if (out.size() >= kMaxTokens) return ErrorAt(i, "too many tokens (limit " + std::to_string(kMaxTokens) + ")");
    const size_t start = i;
    if (IsDigit(c)) {
      while (i < s.size() && IsDigit(s[i])) ++i;
      if (i < s.size() && s[i] == '.') {
        ++i;
        if (i >= s.size() || !IsDigit(s[i])) return ErrorAt(i, "expected digits after '.'");
        while (i < s.size() && IsDigit(s[i])) ++i;
      }
      if (i < s.size() && IsNameChar(s[i])) return ErrorAt(i, "unexpected character after a number");
      if (i - start > 40) return ErrorAt(start, "number too long");
      out.push_back({Tok::kNumber, std::string(s.substr(start, i - start)), start});
      continue;
    }
    if (IsNameStart(c)) {
      while (i < s.size() && IsNameChar(s[i])) ++i;
      std::string word(s.substr(start, i - start));
      if (word.size() > 63) return ErrorAt(start, "name too long");
      Tok kind = Tok::kName;
      if (word == "result") kind = Tok::kResult;
      else if (word == "manifest") kind = Tok::kManifest;
      else if (word == "and") kind = Tok::kAnd;
      else if (word == "or") kind = Tok::kOr;
      else if (word == "not") kind = Tok::kNot;
      out.push_back({kind, std::move(word), start});
      continue;
    }
    auto two = s.substr(i, 2);
    if (two == "==" || two == "!=" || two == "<=" || two == ">=") {
      out.push_back({Tok::kOp, std::string(two), start});
      i += 2;
      continue;
    }
    switch (c) {
      case '<': case '>': out.push_back({Tok::kOp, std::string(1, c), start}); break;
      case '(': out.push_back({Tok::kLParen, "(", start}); break;
      case ')': out.push_back({Tok::kRParen, ")", start}); break;
      case '.': out.push_back({Tok::kDot, ".", start}); break;
      case '-': out.push_back({Tok::kMinus, "-", start}); break;
      case '=': return ErrorAt(i, "'=' is not an operator (use '==')");
      default: {
        char shown[16];
        std::snprintf(shown, sizeof(shown), (c >= 0x20 && c < 0x7f) ? "'%c'" : "byte 0x%02x",
                      (c >= 0x20 && c < 0x7f) ? c : static_cast<unsigned char>(c));
        return ErrorAt(i, std::string("unexpected character ") + shown);
      }
    }
    ++i;
  }
  out.push_back({Tok::kEnd, "", s.size()});
  return out;
}

}  // namespace

struct ConditionNode {
  enum class Kind { kNumber, kResult, kManifest, kCompare, kAnd, kOr, kNot };
  Kind kind;
  long double number = 0;
  std::string number_text;
  std::vector<std::string> path;  // kManifest
  std::string op;                 // kCompare
  std::shared_ptr<const ConditionNode> left, right;
};

namespace {

using NodePtr = std::shared_ptr<const ConditionNode>;

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Result<NodePtr> ParseAll() {
    AF_ASSIGN_OR_RETURN(NodePtr root, ParseOr(0));
    if (Peek().kind != Tok::kEnd) return ErrorAt(Peek().offset, "unexpected '" + Peek().text + "'");
    return root;
  }

 private:
  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Take() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }

  static NodePtr Binary(ConditionNode::Kind kind, NodePtr l, NodePtr r, std::string op = "") {
    auto n = std::make_shared<ConditionNode>();
    n->kind = kind;
    n->left = std::move(l);
    n->right = std::move(r);
    n->op = std::move(op);
    return n;
  }

  Result<NodePtr> ParseOr(int depth) {
    if (depth > kMaxDepth) return ErrorAt(Peek().offset, "nesting too deep");
    AF_ASSIGN_OR_RETURN(NodePtr left, ParseAnd(depth));
    while (Peek().kind == Tok::kOr) {
      Take();
      AF_ASSIGN_OR_RETURN(NodePtr right, ParseAnd(depth));
      left = Binary(ConditionNode::Kind::kOr, left, right);
    }
    return left;
  }

  Result<NodePtr> ParseAnd(int depth) {
    AF_ASSIGN_OR_RETURN(NodePtr left, ParseNot(depth));
    while (Peek().kind == Tok::kAnd) {
      Take();
      AF_ASSIGN_OR_RETURN(NodePtr right, ParseNot(depth));
      left = Binary(ConditionNode::Kind::kAnd, left, right);
    }
    return left;
  }

  Result<NodePtr> ParseNot(int depth) {
    if (depth > kMaxDepth) return ErrorAt(Peek().offset, "nesting too deep");
    if (Peek().kind == Tok::kNot) {
      Take();
      AF_ASSIGN_OR_RETURN(NodePtr inner, ParseNot(depth + 1));
      return Binary(ConditionNode::Kind::kNot, inner, nullptr);
    }
    if (Peek().kind == Tok::kLParen) {
      Take();
      AF_ASSIGN_OR_RETURN(NodePtr inner, ParseOr(depth + 1));
      if (Peek().kind != Tok::kRParen) return ErrorAt(Peek().offset, "expected ')'");
      Take();
      return inner;
    }
    AF_ASSIGN_OR_RETURN(NodePtr left, ParseOperand());
    if (Peek().kind != Tok::kOp) {
      return ErrorAt(Peek().offset, "expected a comparison operator (== != < <= > >=)");
    }
    std::string op = Take().text;
    AF_ASSIGN_OR_RETURN(NodePtr right, ParseOperand());
    return Binary(ConditionNode::Kind::kCompare, left, right, op);
  }

  Result<NodePtr> ParseOperand() {
    auto n = std::make_shared<ConditionNode>();
    const Token& t = Peek();
    if (t.kind == Tok::kResult) {
      Take();
      n->kind = ConditionNode::Kind::kResult;
      return NodePtr(n);
    }
    if (t.kind == Tok::kNumber || t.kind == Tok::kMinus) {
      bool negative = false;
      if (t.kind == Tok::kMinus) {
        Take();
        negative = true;
        if (Peek().kind != Tok::kNumber) return ErrorAt(Peek().offset, "expected a number after '-'");
      }
      const Token& num = Take();
      n->kind = ConditionNode::Kind::kNumber;
      n->number_text = (negative ? "-" : "") + num.text;
      n->number = std::strtold(num.text.c_str(), nullptr);
      if (negative) n->number = -n->number;
      return NodePtr(n);
    }
    if (t.kind == Tok::kManifest) {
      Take();
      n->kind = ConditionNode::Kind::kManifest;
      while (Peek().kind == Tok::kDot) {
        Take();
        const Token& part = Peek();
        if (part.kind != Tok::kName) return ErrorAt(part.offset, "expected a name after '.'");
        n->path.push_back(Take().text);
        if (n->path.size() > 8) return ErrorAt(part.offset, "manifest path too long");
      }
      if (n->path.empty()) return ErrorAt(Peek().offset, "expected '.' after manifest (e.g. manifest.papers.rows)");
      return NodePtr(n);
    }
    if (t.kind == Tok::kEnd) return ErrorAt(t.offset, "unexpected end (expected result, a number or manifest.<path>)");
    return ErrorAt(t.offset, "unexpected '" + t.text + "' (expected result, a number or manifest.<path>)");
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

std::string JoinPath(const std::vector<std::string>& path) {
  std::string out = "manifest";
  for (const auto& p : path) out += "." + p;
  return out;
}

Result<long double> Operand(const ConditionNode& n, std::optional<long double> result, const ManifestLookup& manifest) {
  switch (n.kind) {
    case ConditionNode::Kind::kNumber: return n.number;
    case ConditionNode::Kind::kResult:
      if (!result) return Status::InvalidArgument("the check query returned NULL or a non-number");
      return *result;
    case ConditionNode::Kind::kManifest: {
      std::optional<int64_t> v = manifest ? manifest(n.path) : std::nullopt;
      if (!v) {
        return Status::NotFound(JoinPath(n.path) + (manifest ? " is not in the manifest" : " needs a manifest (--from DIR)"));
      }
      return static_cast<long double>(*v);
    }
    default: return Status::Internal("condition: operand expected");
  }
}

Result<bool> Eval(const ConditionNode& n, std::optional<long double> result, const ManifestLookup& manifest) {
  switch (n.kind) {
    case ConditionNode::Kind::kAnd: {
      AF_ASSIGN_OR_RETURN(bool l, Eval(*n.left, result, manifest));
      AF_ASSIGN_OR_RETURN(bool r, Eval(*n.right, result, manifest));
      return l && r;
    }
    case ConditionNode::Kind::kOr: {
      AF_ASSIGN_OR_RETURN(bool l, Eval(*n.left, result, manifest));
      AF_ASSIGN_OR_RETURN(bool r, Eval(*n.right, result, manifest));
      return l || r;
    }
    case ConditionNode::Kind::kNot: {
      AF_ASSIGN_OR_RETURN(bool v, Eval(*n.left, result, manifest));
      return !v;
    }
    case ConditionNode::Kind::kCompare: {
      AF_ASSIGN_OR_RETURN(long double l, Operand(*n.left, result, manifest));
      AF_ASSIGN_OR_RETURN(long double r, Operand(*n.right, result, manifest));
      if (n.op == "==") return l == r;
      if (n.op == "!=") return l != r;
      if (n.op == "<") return l < r;
      if (n.op == "<=") return l <= r;
      if (n.op == ">") return l > r;
      if (n.op == ">=") return l >= r;
      return Status::Internal("condition: unknown operator");
    }
    default: return Status::Internal("condition: boolean expected");
  }
}

std::string RenderNode(const ConditionNode& n, const ManifestLookup& manifest, bool top) {
  switch (n.kind) {
    case ConditionNode::Kind::kNumber: return n.number_text;
    case ConditionNode::Kind::kResult: return "result";
    case ConditionNode::Kind::kManifest: {
      std::optional<int64_t> v = manifest ? manifest(n.path) : std::nullopt;
      return v ? std::to_string(*v) : JoinPath(n.path);
    }
    case ConditionNode::Kind::kCompare:
      return RenderNode(*n.left, manifest, false) + " " + n.op + " " + RenderNode(*n.right, manifest, false);
    case ConditionNode::Kind::kNot: return "not (" + RenderNode(*n.left, manifest, true) + ")";
    case ConditionNode::Kind::kAnd:
    case ConditionNode::Kind::kOr: {
      std::string s = RenderNode(*n.left, manifest, false) +
                      (n.kind == ConditionNode::Kind::kAnd ? " and " : " or ") + RenderNode(*n.right, manifest, false);
      return top ? s : "(" + s + ")";
    }
  }
  return "";
}

bool UsesManifestNode(const ConditionNode* n) {
  if (!n) return false;
  return n->kind == ConditionNode::Kind::kManifest || UsesManifestNode(n->left.get()) ||
         UsesManifestNode(n->right.get());
}

}  // namespace

Result<Condition> Condition::Parse(std::string_view text) {
  if (text.size() > kMaxLength) {
    return Status::InvalidArgument("condition: longer than " + std::to_string(kMaxLength) + " bytes");
  }
  AF_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(text));
  if (tokens.size() == 1) return Status::InvalidArgument("condition: empty");
  Parser parser(std::move(tokens));
  AF_ASSIGN_OR_RETURN(NodePtr root, parser.ParseAll());
  Condition c;
  c.text_ = std::string(text);
  c.root_ = std::move(root);
  return c;
}

Result<bool> Condition::Evaluate(std::optional<long double> result, const ManifestLookup& manifest) const {
  if (!root_) return Status::Internal("condition: not parsed");
  return Eval(*root_, result, manifest);
}

std::string Condition::Render(const ManifestLookup& manifest) const {
  return root_ ? RenderNode(*root_, manifest, true) : "";
}

bool Condition::UsesManifest() const { return UsesManifestNode(root_.get()); }

}  // namespace arxivflow::quality
