// A small, strict-enough XML reader for AWS responses (S3 and the Query APIs
// of Redshift/IAM): elements, text, the five named entities and numeric
// character references. Attributes, comments, processing instructions,
// CDATA and a DOCTYPE are accepted and skipped (CDATA text is kept).
//
// Contract:
// - ParseXml never crashes or recurses without bound on hostile input: depth
//   is limited (64) and input size is limited (16 MiB); malformed input gives
//   Status::Corruption with the byte offset.
// - Namespaces are ignored: an element's name is its local name ("s3:Key" is "Key").
// - The tree owns its strings; XmlElement is a plain value type.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace arxivflow::remote {

struct XmlElement {
  std::string name;
  std::string text;  // concatenated character data directly inside this element
  std::vector<XmlElement> children;

  // First child called `child`, or nullptr.
  const XmlElement* Child(std::string_view child) const;
  // Text of the first child called `child`, or "" when absent.
  std::string ChildText(std::string_view child) const;
  // Follows a path of child names ("Endpoint/Address"); nullptr when absent.
  const XmlElement* Find(std::string_view path) const;
  // Every direct child called `child`.
  std::vector<const XmlElement*> Children(std::string_view child) const;
};

// Parses a document and returns its root element.
Result<XmlElement> ParseXml(std::string_view document);

// Escapes &, <, >, " and ' for element text.
std::string XmlEscape(std::string_view text);

}  // namespace arxivflow::remote
