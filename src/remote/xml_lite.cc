#include "remote/xml_lite.h"

#include <cstdint>

namespace arxivflow::remote {
namespace {

constexpr size_t kMaxDocument = 16u << 20;
constexpr int kMaxDepth = 64;

class Parser {
 public:
  explicit Parser(std::string_view doc) : doc_(doc) {}

  Result<XmlElement> ParseDocument() {
    AF_RETURN_IF_ERROR(SkipProlog());
    if (pos_ >= doc_.size() || doc_[pos_] != '<') return Error("expected the root element");
    XmlElement root;
    AF_RETURN_IF_ERROR(ParseElement(&root, 0));
    AF_RETURN_IF_ERROR(SkipMisc());
    if (pos_ != doc_.size()) return Error("content after the root element");
    return root;
  }

 private:
  Status Error(std::string_view what) const {
    return Status::Corruption("XML: " + std::string(what) + " at byte " + std::to_string(pos_));
  }

  bool StartsWith(std::string_view s) const { return doc_.substr(pos_, s.size()) == s; }

  void SkipSpace() {
    while (pos_ < doc_.size() && (doc_[pos_] == ' ' || doc_[pos_] == '\t' || doc_[pos_] == '\n' || doc_[pos_] == '\r')) ++pos_;
  }

  Status SkipUntil(std::string_view terminator) {
    size_t end = doc_.find(terminator, pos_);
    if (end == std::string_view::npos) return Error("unterminated markup");
    pos_ = end + terminator.size();
    return Status::OK();
  }

  // Comments, processing instructions and whitespace between elements.
  Status SkipMisc() {
    for (;;) {
      SkipSpace();
      if (StartsWith("<?")) {
        AF_RETURN_IF_ERROR(SkipUntil("?>"));
      } else if (StartsWith("<!--")) {
        AF_RETURN_IF_ERROR(SkipUntil("-->"));
      } else {
        return Status::OK();
      }
    }
  }

  Status SkipProlog() {
    if (StartsWith("\xEF\xBB\xBF")) pos_ += 3;  // UTF-8 byte order mark
    for (;;) {
      AF_RETURN_IF_ERROR(SkipMisc());
      if (StartsWith("<!DOCTYPE")) {
        AF_RETURN_IF_ERROR(SkipUntil(">"));  // internal subsets are not supported
      } else {
        return Status::OK();
      }
    }
  }

  static bool IsNameChar(char c) {
    return !(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '/' || c == '>' || c == '=' || c == '<');
  }

  Result<std::string> ParseName() {
    size_t start = pos_;
    while (pos_ < doc_.size() && IsNameChar(doc_[pos_])) ++pos_;
    if (pos_ == start) return Error("expected a name");
    return std::string(doc_.substr(start, pos_ - start));
  }

  static std::string LocalName(const std::string& name) {
    size_t colon = name.find(':');
    return colon == std::string::npos ? name : name.substr(colon + 1);
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  // At '&': decodes one reference into *out.
  Status ParseReference(std::string* out) {
    size_t semi = doc_.find(';', pos_);
    if (semi == std::string_view::npos || semi - pos_ > 12) return Error("bad entity reference");
    std::string_view ref = doc_.substr(pos_ + 1, semi - pos_ - 1);
    if (ref == "amp") out->push_back('&');
    else if (ref == "lt") out->push_back('<');
    else if (ref == "gt") out->push_back('>');
    else if (ref == "quot") out->push_back('"');
    else if (ref == "apos") out->push_back('\'');
    else if (ref.size() >= 2 && ref[0] == '#') {
      uint32_t cp = 0;
      bool hex = ref[1] == 'x' || ref[1] == 'X';
      std::string_view digits = ref.substr(hex ? 2 : 1);
      if (digits.empty()) return Error("bad character reference");
      for (char c : digits) {
        int d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else return Error("bad character reference");
        cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(d);
        if (cp > 0x10FFFF) return Error("character reference out of range");
      }
      AppendUtf8(cp, out);
    } else {
      return Error("unknown entity &" + std::string(ref) + ";");
    }
    pos_ = semi + 1;
    return Status::OK();
  }

  Status SkipAttributes(bool* self_closing) {
    for (;;) {
      SkipSpace();
      if (pos_ >= doc_.size()) return Error("unterminated start tag");
      if (doc_[pos_] == '>') { ++pos_; *self_closing = false; return Status::OK(); }
      if (StartsWith("/>")) { pos_ += 2; *self_closing = true; return Status::OK(); }
      AF_ASSIGN_OR_RETURN(std::string attr, ParseName());
      SkipSpace();
      if (pos_ >= doc_.size() || doc_[pos_] != '=') return Error("expected '=' after attribute " + attr);
      ++pos_;
      SkipSpace();
      if (pos_ >= doc_.size() || (doc_[pos_] != '"' && doc_[pos_] != '\'')) return Error("expected a quoted attribute value");
      char quote = doc_[pos_++];
      size_t end = doc_.find(quote, pos_);
      if (end == std::string_view::npos) return Error("unterminated attribute value");
      pos_ = end + 1;
    }
  }

  // At '<' of a start tag.
  Status ParseElement(XmlElement* el, int depth) {
    if (depth >= kMaxDepth) return Error("elements nested too deeply");
    ++pos_;
    AF_ASSIGN_OR_RETURN(std::string raw_name, ParseName());
    el->name = LocalName(raw_name);
    bool self_closing = false;
    AF_RETURN_IF_ERROR(SkipAttributes(&self_closing));
    if (self_closing) return Status::OK();
    for (;;) {
      if (pos_ >= doc_.size()) return Error("missing </" + raw_name + ">");
      char c = doc_[pos_];
      if (c == '&') {
        AF_RETURN_IF_ERROR(ParseReference(&el->text));
      } else if (c != '<') {
        el->text.push_back(c);
        ++pos_;
      } else if (StartsWith("</")) {
        pos_ += 2;
        AF_ASSIGN_OR_RETURN(std::string end_name, ParseName());
        if (end_name != raw_name) return Error("</" + end_name + "> closes <" + raw_name + ">");
        SkipSpace();
        if (pos_ >= doc_.size() || doc_[pos_] != '>') return Error("unterminated end tag");
        ++pos_;
        return Status::OK();
      } else if (StartsWith("<!--")) {
        AF_RETURN_IF_ERROR(SkipUntil("-->"));
      } else if (StartsWith("<![CDATA[")) {
        pos_ += 9;
        size_t end = doc_.find("]]>", pos_);
        if (end == std::string_view::npos) return Error("unterminated CDATA");
        el->text.append(doc_.substr(pos_, end - pos_));
        pos_ = end + 3;
      } else if (StartsWith("<?")) {
        AF_RETURN_IF_ERROR(SkipUntil("?>"));
      } else {
        el->children.emplace_back();
        AF_RETURN_IF_ERROR(ParseElement(&el->children.back(), depth + 1));
      }
    }
  }

  std::string_view doc_;
  size_t pos_ = 0;
};

}  // namespace

const XmlElement* XmlElement::Child(std::string_view child) const {
  for (const XmlElement& c : children) {
    if (c.name == child) return &c;
  }
  return nullptr;
}

std::string XmlElement::ChildText(std::string_view child) const {
  const XmlElement* c = Child(child);
  return c ? c->text : std::string();
}

const XmlElement* XmlElement::Find(std::string_view path) const {
  const XmlElement* cur = this;
  while (cur && !path.empty()) {
    size_t slash = path.find('/');
    cur = cur->Child(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  }
  return cur;
}

std::vector<const XmlElement*> XmlElement::Children(std::string_view child) const {
  std::vector<const XmlElement*> out;
  for (const XmlElement& c : children) {
    if (c.name == child) out.push_back(&c);
  }
  return out;
}

Result<XmlElement> ParseXml(std::string_view document) {
  if (document.size() > kMaxDocument) {
    return Status::Corruption("XML: document of " + std::to_string(document.size()) + " bytes exceeds the 16 MiB limit");
  }
  return Parser(document).ParseDocument();
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

}  // namespace arxivflow::remote
