#include "assess/xml_reader.h"

#include <cstdint>
#include <utility>

namespace provisio::assess {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool IsNameStart(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || u >= 0x80;
}

bool IsNameChar(char c) {
  return IsNameStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

void AppendUtf8(std::uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Parser {
 public:
  Parser(std::string_view text, std::string_view source_name, const XmlLimits& limits)
      : text_(text), source_name_(source_name), limits_(limits) {}

  Result<XmlElement> Parse() {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") {
      pos_ = 3;
    }
    Result<void> prolog = SkipMisc();
    if (!prolog) {
      return Fail(prolog.error());
    }
    if (AtEnd() || Peek() != '<') {
      return Error("expected the root element");
    }
    Result<XmlElement> root = ParseElements();
    if (!root) {
      return root;
    }
    Result<void> epilog = SkipMisc();
    if (!epilog) {
      return Fail(epilog.error());
    }
    if (!AtEnd()) {
      return Error("unexpected content after the root element");
    }
    return root;
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }
  bool StartsWith(std::string_view prefix) const {
    return text_.substr(pos_, prefix.size()) == prefix;
  }
  void SkipSpace() {
    while (!AtEnd() && IsSpace(Peek())) {
      ++pos_;
    }
  }

  // Line of `offset`, counted incrementally (offsets only grow).
  int LineAt(std::size_t offset) {
    for (; line_offset_ < offset && line_offset_ < text_.size(); ++line_offset_) {
      if (text_[line_offset_] == '\n') {
        ++line_;
      }
    }
    return line_;
  }

  tl::unexpected<provisio::Error> Error(const std::string& what) { return ErrorAt(pos_, what); }

  tl::unexpected<provisio::Error> ErrorAt(std::size_t offset, const std::string& what) {
    int line = 1;
    int column = 1;
    for (std::size_t i = 0; i < offset && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return Fail(ErrorCode::kParse, std::string(source_name_) + ":" + std::to_string(line) + ":" +
                                       std::to_string(column) + ": invalid XML: " + what);
  }

  // Skips to just after `terminator`, failing with `what` if it never comes.
  Result<void> SkipPast(std::string_view terminator, const std::string& what) {
    const std::size_t end = text_.find(terminator, pos_);
    if (end == std::string_view::npos) {
      return Error(what);
    }
    pos_ = end + terminator.size();
    return {};
  }

  // Whitespace, comments and processing instructions outside the root.
  Result<void> SkipMisc() {
    while (true) {
      SkipSpace();
      if (StartsWith("<!--")) {
        Result<void> skipped = SkipPast("-->", "unterminated comment (expected '-->')");
        if (!skipped) {
          return skipped;
        }
      } else if (StartsWith("<?")) {
        Result<void> skipped = SkipPast("?>", "unterminated processing instruction");
        if (!skipped) {
          return skipped;
        }
      } else if (StartsWith("<!DOCTYPE") || StartsWith("<!doctype")) {
        return Error("DOCTYPE declarations are not supported");
      } else {
        return {};
      }
    }
  }

  Result<std::string> ParseName() {
    if (AtEnd() || !IsNameStart(Peek())) {
      return Error("expected a name");
    }
    const std::size_t start = pos_;
    while (!AtEnd() && IsNameChar(Peek())) {
      ++pos_;
    }
    return std::string(text_.substr(start, pos_ - start));
  }

  // Decodes one entity reference; pos_ is at '&'.
  Result<void> DecodeEntity(std::string& out) {
    const std::size_t end = text_.find(';', pos_);
    if (end == std::string_view::npos || end - pos_ > 12) {
      return Error("unterminated entity reference (expected ';')");
    }
    const std::string_view name = text_.substr(pos_ + 1, end - pos_ - 1);
    if (name == "lt") {
      out += '<';
    } else if (name == "gt") {
      out += '>';
    } else if (name == "amp") {
      out += '&';
    } else if (name == "apos") {
      out += '\'';
    } else if (name == "quot") {
      out += '"';
    } else if (name.size() > 1 && name[0] == '#') {
      const bool hex = name[1] == 'x';
      const std::string_view digits = name.substr(hex ? 2 : 1);
      if (digits.empty()) {
        return Error("empty character reference");
      }
      std::uint32_t cp = 0;
      for (char c : digits) {
        std::uint32_t digit = 0;
        if (c >= '0' && c <= '9') {
          digit = static_cast<std::uint32_t>(c - '0');
        } else if (hex && c >= 'a' && c <= 'f') {
          digit = static_cast<std::uint32_t>(c - 'a' + 10);
        } else if (hex && c >= 'A' && c <= 'F') {
          digit = static_cast<std::uint32_t>(c - 'A' + 10);
        } else {
          return Error("bad character reference '&" + std::string(name) + ";'");
        }
        cp = cp * (hex ? 16U : 10U) + digit;
        if (cp > 0x10FFFF) {
          return Error("character reference out of range");
        }
      }
      if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return Error("character reference to an invalid character");
      }
      AppendUtf8(cp, out);
    } else {
      return Error("unknown entity '&" + std::string(name) + ";'");
    }
    pos_ = end + 1;
    return {};
  }

  Result<void> ParseAttributes(XmlElement& element, bool& self_closing) {
    while (true) {
      const std::size_t before = pos_;
      SkipSpace();
      if (AtEnd()) {
        return Error("unterminated start tag <" + element.name + ">");
      }
      if (StartsWith("/>")) {
        pos_ += 2;
        self_closing = true;
        return {};
      }
      if (Peek() == '>') {
        ++pos_;
        self_closing = false;
        return {};
      }
      if (pos_ == before) {
        return Error("expected whitespace, '>' or '/>' in <" + element.name + ">");
      }
      Result<std::string> key = ParseName();
      if (!key) {
        return Fail(key.error());
      }
      SkipSpace();
      if (AtEnd() || Peek() != '=') {
        return Error("expected '=' after attribute '" + *key + "'");
      }
      ++pos_;
      SkipSpace();
      if (AtEnd() || (Peek() != '"' && Peek() != '\'')) {
        return Error("expected a quoted value for attribute '" + *key + "'");
      }
      const char quote = Peek();
      ++pos_;
      std::string value;
      while (true) {
        if (AtEnd()) {
          return Error("unterminated value of attribute '" + *key + "'");
        }
        const char c = Peek();
        if (c == quote) {
          ++pos_;
          break;
        }
        if (c == '<') {
          return Error("'<' is not allowed in attribute values");
        }
        if (c == '&') {
          Result<void> decoded = DecodeEntity(value);
          if (!decoded) {
            return decoded;
          }
          continue;
        }
        value += c;
        ++pos_;
      }
      if (element.attributes.contains(*key)) {
        return Error("duplicate attribute '" + *key + "'");
      }
      element.attributes.emplace(std::move(*key), std::move(value));
    }
  }

  // Parses the root element and everything inside it without recursion.
  Result<XmlElement> ParseElements() {
    std::vector<XmlElement> stack;
    std::size_t elements = 0;
    while (true) {
      if (AtEnd()) {
        return Error(stack.empty()
                         ? std::string("unexpected end of document")
                         : "unexpected end of document: <" + stack.back().name + "> is not closed");
      }
      if (Peek() != '<') {
        if (stack.empty()) {
          return Error("expected '<'");
        }
        std::string& text = stack.back().text;
        while (!AtEnd() && Peek() != '<') {
          if (Peek() == '&') {
            Result<void> decoded = DecodeEntity(text);
            if (!decoded) {
              return Fail(decoded.error());
            }
          } else {
            text += Peek();
            ++pos_;
          }
        }
        continue;
      }
      if (StartsWith("<!--")) {
        Result<void> skipped = SkipPast("-->", "unterminated comment (expected '-->')");
        if (!skipped) {
          return Fail(skipped.error());
        }
        continue;
      }
      if (StartsWith("<![CDATA[") && !stack.empty()) {
        const std::size_t start = pos_ + 9;
        const std::size_t end = text_.find("]]>", start);
        if (end == std::string_view::npos) {
          return Error("unterminated CDATA section (expected ']]>')");
        }
        stack.back().text += std::string(text_.substr(start, end - start));
        pos_ = end + 3;
        continue;
      }
      if (StartsWith("<?")) {
        Result<void> skipped = SkipPast("?>", "unterminated processing instruction");
        if (!skipped) {
          return Fail(skipped.error());
        }
        continue;
      }
      if (StartsWith("<!")) {
        return Error("unexpected markup declaration inside an element");
      }
      if (StartsWith("</")) {
        if (stack.empty()) {
          return Error("end tag without a start tag");
        }
        const std::size_t end_tag = pos_;
        pos_ += 2;
        Result<std::string> name = ParseName();
        if (!name) {
          return Fail(name.error());
        }
        if (*name != stack.back().name) {
          return ErrorAt(end_tag,
                         "expected </" + stack.back().name + "> but found </" + *name + ">");
        }
        SkipSpace();
        if (AtEnd() || Peek() != '>') {
          return Error("expected '>' to end </" + *name + ">");
        }
        ++pos_;
        XmlElement done = std::move(stack.back());
        stack.pop_back();
        if (stack.empty()) {
          return done;
        }
        stack.back().children.push_back(std::move(done));
        continue;
      }
      // A start tag.
      const std::size_t tag_start = pos_;
      ++pos_;
      XmlElement element;
      element.line = LineAt(tag_start);
      Result<std::string> name = ParseName();
      if (!name) {
        return Fail(name.error());
      }
      element.name = std::move(*name);
      bool self_closing = false;
      Result<void> attributes = ParseAttributes(element, self_closing);
      if (!attributes) {
        return Fail(attributes.error());
      }
      if (++elements > limits_.max_elements) {
        return Error("more than " + std::to_string(limits_.max_elements) + " elements");
      }
      if (self_closing) {
        if (stack.empty()) {
          return element;
        }
        stack.back().children.push_back(std::move(element));
      } else {
        if (stack.size() >= limits_.max_depth) {
          return Error("elements nested deeper than " + std::to_string(limits_.max_depth));
        }
        stack.push_back(std::move(element));
      }
    }
  }

  std::string_view text_;
  std::string_view source_name_;
  XmlLimits limits_;
  std::size_t pos_ = 0;
  std::size_t line_offset_ = 0;
  int line_ = 1;
};

}  // namespace

std::string XmlElement::Attribute(std::string_view key) const {
  const auto it = attributes.find(std::string(key));
  return it == attributes.end() ? std::string() : it->second;
}

Result<XmlElement> ParseXml(std::string_view text,
                            std::string_view source_name,
                            const XmlLimits& limits) {
  Parser parser(text, source_name, limits);
  return parser.Parse();
}

}  // namespace provisio::assess
