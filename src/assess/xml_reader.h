// A small, strict, non-validating XML reader: enough to read JUnit reports
// (elements, attributes, text, comments, CDATA, processing instructions,
// the predefined and numeric character entities). DOCTYPE declarations are
// rejected, so there is no entity expansion to abuse. Private to `assess`.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "provisio/core/result.h"

namespace provisio::assess {

struct XmlElement {
  std::string name;
  std::map<std::string, std::string> attributes;
  std::vector<XmlElement> children;
  std::string text;  // Character data directly inside this element.
  int line = 0;

  // Returns the attribute's value, or "" when absent.
  std::string Attribute(std::string_view key) const;
};

struct XmlLimits {
  std::size_t max_depth = 256;         // Deeper nesting is rejected.
  std::size_t max_elements = 1000000;  // More elements are rejected.
};

// Parses one XML document and returns its root element. Fails with kParse
// and "source:line:col: what was expected" on malformed input.
Result<XmlElement> ParseXml(std::string_view text,
                            std::string_view source_name,
                            const XmlLimits& limits = {});

}  // namespace provisio::assess
