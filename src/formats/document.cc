#include "formats/document.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <regex>

#include <yaml-cpp/yaml.h>

#include "provisio/core/files.h"

namespace provisio::formats {
namespace {

SourcePosition LineColumnAt(std::string_view text, std::size_t byte_offset) {
  SourcePosition pos{1, 1};
  const std::size_t end = std::min(byte_offset, text.size());
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++pos.line;
      pos.column = 1;
    } else {
      ++pos.column;
    }
  }
  return pos;
}

std::string FormatWhere(std::string_view source, SourcePosition pos) {
  std::string out(source);
  if (pos.line > 0) {
    out += ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column);
  }
  return out;
}

// Plain scalars are typed as YAML 1.2's core schema says.
Json PlainScalar(const std::string& text) {
  static const std::regex kNull("^(~|null|Null|NULL|)$");
  static const std::regex kTrue("^(true|True|TRUE)$");
  static const std::regex kFalse("^(false|False|FALSE)$");
  static const std::regex kInt("^[-+]?[0-9]+$");
  static const std::regex kFloat(R"(^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$)");
  if (std::regex_match(text, kNull)) {
    return nullptr;
  }
  if (std::regex_match(text, kTrue)) {
    return true;
  }
  if (std::regex_match(text, kFalse)) {
    return false;
  }
  if (std::regex_match(text, kInt)) {
    errno = 0;
    char* end = nullptr;
    const long long value = std::strtoll(text.c_str(), &end, 10);
    if (errno == 0) {
      return value;
    }
    return text;  // Too large for an integer: keep the digits.
  }
  if (std::regex_match(text, kFloat)) {
    return std::strtod(text.c_str(), nullptr);
  }
  return text;
}

class YamlConverter {
 public:
  explicit YamlConverter(Document& doc) : doc_(doc) {}

  Result<Json> Convert(const YAML::Node& node, const std::string& pointer) {
    const YAML::Mark mark = node.Mark();
    if (mark.line >= 0) {
      doc_.positions[pointer] = SourcePosition{mark.line + 1, mark.column + 1};
    }
    switch (node.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        return Json(nullptr);
      case YAML::NodeType::Scalar:
        // yaml-cpp tags plain scalars "?" and quoted ones "!".
        if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str") {
          return Json(node.Scalar());
        }
        return PlainScalar(node.Scalar());
      case YAML::NodeType::Sequence: {
        Json array = Json::array();
        std::size_t index = 0;
        for (const YAML::Node& item : node) {
          Result<Json> converted = Convert(item, pointer + "/" + std::to_string(index++));
          if (!converted) {
            return converted;
          }
          array.push_back(std::move(*converted));
        }
        return array;
      }
      case YAML::NodeType::Map: {
        Json object = Json::object();
        for (const auto& entry : node) {
          if (!entry.first.IsScalar()) {
            return Fail(ErrorCode::kParse, FormatWhere(doc_.source_name, Position(entry.first)) +
                                               ": mapping keys must be plain strings");
          }
          const std::string key = entry.first.Scalar();
          if (object.contains(key)) {
            return Fail(ErrorCode::kParse, FormatWhere(doc_.source_name, Position(entry.first)) +
                                               ": duplicate key '" + key + "'");
          }
          Result<Json> converted = Convert(entry.second, pointer + "/" + PointerSegment(key));
          if (!converted) {
            return converted;
          }
          // Point the key's own position at the key, which is where readers look.
          doc_.positions[pointer + "/" + PointerSegment(key)] = Position(entry.first);
          object[key] = std::move(*converted);
        }
        return object;
      }
    }
    return Json(nullptr);
  }

 private:
  static SourcePosition Position(const YAML::Node& node) {
    const YAML::Mark mark = node.Mark();
    if (mark.line < 0) {
      return {};
    }
    return SourcePosition{mark.line + 1, mark.column + 1};
  }

  Document& doc_;
};

// Records where each member and element of already-validated JSON text
// starts, keyed by JSON pointer, so semantic errors can name line:col.
class JsonPositionScanner {
 public:
  JsonPositionScanner(std::string_view text, std::map<std::string, SourcePosition>& out)
      : text_(text), out_(out) {}

  void Scan() {
    SkipSpace();
    Value("");
  }

 private:
  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      Advance();
    }
  }
  void Advance() {
    if (text_[pos_] == '\n') {
      ++line_;
      column_ = 1;
    } else if ((static_cast<unsigned char>(text_[pos_]) & 0xC0) != 0x80) {
      ++column_;  // Count characters, not UTF-8 continuation bytes.
    }
    ++pos_;
  }
  std::string String() {
    std::string out;
    Advance();  // Opening quote.
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) {
        Advance();
        // Keys with escapes are rare; keep the escaped character as written.
      }
      out += text_[pos_];
      Advance();
    }
    if (pos_ < text_.size()) {
      Advance();  // Closing quote.
    }
    return out;
  }
  void Value(const std::string& pointer) {
    if (pos_ >= text_.size() || ++depth_ > 256) {
      return;
    }
    out_.emplace(pointer, SourcePosition{line_, column_});
    const char c = text_[pos_];
    if (c == '{') {
      Advance();
      SkipSpace();
      while (pos_ < text_.size() && text_[pos_] != '}') {
        if (text_[pos_] == ',') {
          Advance();
          SkipSpace();
          continue;
        }
        const SourcePosition key_at{line_, column_};
        const std::string member = pointer + "/" + PointerSegment(String());
        SkipSpace();
        if (pos_ < text_.size() && text_[pos_] == ':') {
          Advance();
        }
        SkipSpace();
        Value(member);
        out_[member] = key_at;
        SkipSpace();
      }
      if (pos_ < text_.size()) {
        Advance();
      }
    } else if (c == '[') {
      Advance();
      SkipSpace();
      std::size_t index = 0;
      while (pos_ < text_.size() && text_[pos_] != ']') {
        if (text_[pos_] == ',') {
          Advance();
          SkipSpace();
          continue;
        }
        Value(pointer + "/" + std::to_string(index++));
        SkipSpace();
      }
      if (pos_ < text_.size()) {
        Advance();
      }
    } else if (c == '"') {
      String();
    } else {
      while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '}' &&
             text_[pos_] != ']' && text_[pos_] != ' ' && text_[pos_] != '\n' &&
             text_[pos_] != '\r' && text_[pos_] != '\t') {
        Advance();
      }
    }
    --depth_;
  }

  std::string_view text_;
  std::map<std::string, SourcePosition>& out_;
  std::size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
  int depth_ = 0;
};

}  // namespace

std::string PointerSegment(std::string_view key) {
  std::string out;
  for (const char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Document::Where(std::string_view pointer) const {
  std::string p(pointer);
  for (;;) {
    const auto it = positions.find(p);
    if (it != positions.end()) {
      return FormatWhere(source_name, it->second);
    }
    if (p.empty()) {
      return source_name;
    }
    const std::size_t slash = p.rfind('/');
    p = slash == std::string::npos ? std::string() : p.substr(0, slash);
  }
}

Result<Document> ParseJson(std::string_view text, std::string_view source_name) {
  Document doc;
  doc.source_name = std::string(source_name);
  try {
    doc.value = Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    // e.byte is 1-based and points just past the offending character.
    const std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    std::string what = e.what();
    // Drop nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 2: ".
    const std::size_t colon = what.find(": ", what.find("parse error"));
    if (colon != std::string::npos) {
      what = what.substr(colon + 2);
    }
    return Fail(ErrorCode::kParse,
                FormatWhere(source_name, LineColumnAt(text, offset)) + ": invalid JSON: " + what);
  } catch (const Json::exception& e) {
    // Valid syntax the library still refuses, such as a number too large
    // for a double ("1e999"): hostile input, so an error, never a throw.
    std::string what = e.what();
    const std::size_t bracket = what.find("] ");
    if (bracket != std::string::npos) {
      what = what.substr(bracket + 2);
    }
    return Fail(ErrorCode::kParse, std::string(source_name) + ": invalid JSON: " + what);
  }
  JsonPositionScanner(text, doc.positions).Scan();
  return doc;
}

Result<Document> ParseYaml(std::string_view text, std::string_view source_name) {
  Document doc;
  doc.source_name = std::string(source_name);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    return Fail(ErrorCode::kParse,
                FormatWhere(source_name, SourcePosition{e.mark.line + 1, e.mark.column + 1}) +
                    ": invalid YAML: " + e.msg);
  } catch (const YAML::Exception& e) {
    return Fail(ErrorCode::kParse, std::string(source_name) + ": invalid YAML: " + e.msg);
  }
  try {
    YamlConverter converter(doc);
    Result<Json> value = converter.Convert(root, "");
    if (!value) {
      return Fail(value.error());
    }
    doc.value = std::move(*value);
  } catch (const YAML::Exception& e) {
    return Fail(ErrorCode::kParse, std::string(source_name) + ": invalid YAML: " + e.msg);
  }
  return doc;
}

Result<Document> ReadJsonFile(const std::filesystem::path& path) {
  Result<std::string> text = ReadFile(path);
  if (!text) {
    return Fail(text.error());
  }
  return ParseJson(*text, path.string());
}

Result<Document> ReadYamlFile(const std::filesystem::path& path) {
  Result<std::string> text = ReadFile(path);
  if (!text) {
    return Fail(text.error());
  }
  return ParseYaml(*text, path.string());
}

std::string DumpJson(const Json& value, int indent) {
  return value.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace provisio::formats
