#include "provisio/tuf/canonical_json.h"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "formats/document.h"
#include "tuf/json_internal.h"

namespace provisio::tuf {
namespace {

// Decodes the UTF-8 sequence at `s[i]` and advances `i`. Invalid bytes decode
// as themselves (one byte), so the comparison stays a total order.
std::uint32_t NextCodePoint(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t extra = 0;
  std::uint32_t cp = b0;
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    extra = 3;
    cp = b0 & 0x07U;
  } else if (b0 >= 0xE0) {
    extra = 2;
    cp = b0 & 0x0FU;
  } else if (b0 >= 0xC0) {
    extra = 1;
    cp = b0 & 0x1FU;
  }
  if (extra == 0 || i + extra >= s.size()) {
    ++i;
    return b0;
  }
  for (std::size_t k = 1; k <= extra; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0U) != 0x80U) {
      ++i;
      return b0;
    }
    cp = (cp << 6) | (b & 0x3FU);
  }
  i += extra + 1;
  return cp;
}

// Sort key of a code point in UTF-16 code-unit order: supplementary
// characters become their surrogate pair, which sorts below U+E000.
std::uint64_t Utf16Rank(std::uint32_t cp) {
  if (cp < 0x10000) {
    return static_cast<std::uint64_t>(cp) << 16;
  }
  const std::uint32_t v = cp - 0x10000;
  const std::uint64_t high = 0xD800 + (v >> 10);
  const std::uint64_t low = 0xDC00 + (v & 0x3FF);
  return (high << 16) | low;
}

}  // namespace

bool KeyLess(std::string_view a, std::string_view b, KeyOrder order) {
  if (order == KeyOrder::kCodePoint) {
    return a < b;  // UTF-8 byte order is code point order.
  }
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    const std::uint32_t ca = NextCodePoint(a, i);
    const std::uint32_t cb = NextCodePoint(b, j);
    if (ca != cb) {
      return Utf16Rank(ca) < Utf16Rank(cb);
    }
  }
  return i == a.size() && j < b.size();
}

std::string CanonicalString(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size() + 2);
  out += '"';
  for (const char c : utf8) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  out += '"';
  return out;
}

Result<std::string> CanonicalizeJson(std::string_view json_text, KeyOrder order) {
  Result<formats::Document> doc = formats::ParseJson(json_text, "json");
  if (!doc) {
    return Fail(doc.error());
  }
  if (internal::ContainsFloat(doc->value)) {
    return Fail(ErrorCode::kParse, "canonical JSON has no floating-point numbers");
  }
  return internal::Canonical(doc->value, order);
}

Result<bool> KeyOrdersDiffer(std::string_view json_text) {
  Result<formats::Document> doc = formats::ParseJson(json_text, "json");
  if (!doc) {
    return Fail(doc.error());
  }
  if (internal::ContainsFloat(doc->value)) {
    return Fail(ErrorCode::kParse, "canonical JSON has no floating-point numbers");
  }
  if (!internal::MayDependOnKeyOrder(doc->value)) {
    return false;
  }
  return internal::Canonical(doc->value, KeyOrder::kCodePoint) !=
         internal::Canonical(doc->value, KeyOrder::kUtf16);
}

namespace internal {
namespace {

void AppendEncoded(const Json& value, KeyOrder order, Style style, std::string& out) {
  switch (value.type()) {
    case Json::value_t::null:
      out += "null";
      return;
    case Json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case Json::value_t::number_integer:
      out += std::to_string(value.get<std::int64_t>());
      return;
    case Json::value_t::number_unsigned:
      out += std::to_string(value.get<std::uint64_t>());
      return;
    case Json::value_t::string:
      out += EncodeString(value.get_ref<const std::string&>(), style);
      return;
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const Json& item : value) {
        if (!first) {
          out += ',';
        }
        first = false;
        AppendEncoded(item, order, style, out);
      }
      out += ']';
      return;
    }
    case Json::value_t::object: {
      std::vector<const std::string*> keys;
      keys.reserve(value.size());
      for (auto it = value.begin(); it != value.end(); ++it) {
        keys.push_back(&it.key());
      }
      // nlohmann's object map iterates in byte (= code point) order already.
      if (order == KeyOrder::kUtf16) {
        std::stable_sort(keys.begin(), keys.end(), [](const std::string* a, const std::string* b) {
          return KeyLess(*a, *b, KeyOrder::kUtf16);
        });
      }
      out += '{';
      bool first = true;
      for (const std::string* key : keys) {
        if (!first) {
          out += ',';
        }
        first = false;
        out += EncodeString(*key, style);
        out += ':';
        AppendEncoded(value.find(*key).value(), order, style, out);
      }
      out += '}';
      return;
    }
    case Json::value_t::number_float:
    case Json::value_t::binary:
    case Json::value_t::discarded:
      // Callers reject floats first (ContainsFloat); binary never comes from parsing.
      PROVISIO_CHECK(false);
  }
}

bool KeyHasHighCharacter(const std::string& key) {
  return std::any_of(key.begin(), key.end(),
                     [](char c) { return static_cast<unsigned char>(c) >= 0xEE; });
}

}  // namespace

bool ContainsFloat(const Json& value) {
  if (value.is_number_float() || value.is_binary()) {
    return true;
  }
  if (value.is_array() || value.is_object()) {
    for (const Json& item : value) {
      if (ContainsFloat(item)) {
        return true;
      }
    }
  }
  return false;
}

std::string Canonical(const Json& value, KeyOrder order) {
  std::string out;
  AppendEncoded(value, order, Style::kCanonical, out);
  return out;
}

std::string CompactJson(const Json& value) {
  std::string out;
  AppendEncoded(value, KeyOrder::kCodePoint, Style::kJson, out);
  return out;
}

std::string EncodeString(std::string_view utf8, Style style) {
  if (style == Style::kCanonical) {
    return CanonicalString(utf8);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(utf8.size() + 2);
  out += '"';
  for (const char c : utf8) {
    const auto b = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (b < 0x20) {
          out += "\\u00";
          out += kHex[b >> 4];
          out += kHex[b & 0x0f];
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::string StoredJsonIn(std::string_view json_text, Style style) {
  // Always re-encode from the parsed value: text given by a caller may have
  // whitespace or unsorted keys, and the signed bytes must be what a reader
  // of the file will canonicalize.
  Result<formats::Document> doc = formats::ParseJson(json_text, "stored");
  if (!doc || ContainsFloat(doc->value)) {
    return std::string(json_text);
  }
  return style == Style::kCanonical ? Canonical(doc->value) : CompactJson(doc->value);
}

bool MayDependOnKeyOrder(const Json& value) {
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (KeyHasHighCharacter(it.key()) || MayDependOnKeyOrder(it.value())) {
        return true;
      }
    }
  } else if (value.is_array()) {
    for (const Json& item : value) {
      if (MayDependOnKeyOrder(item)) {
        return true;
      }
    }
  }
  return false;
}

ObjectWriter& ObjectWriter::Raw(std::string_view key, std::string raw) {
  members_.emplace_back(std::string(key), std::move(raw));
  return *this;
}

ObjectWriter& ObjectWriter::String(std::string_view key, std::string_view value) {
  return Raw(key, EncodeString(value, style_));
}

ObjectWriter& ObjectWriter::Int(std::string_view key, std::int64_t value) {
  return Raw(key, std::to_string(value));
}

ObjectWriter& ObjectWriter::Uint(std::string_view key, std::uint64_t value) {
  return Raw(key, std::to_string(value));
}

ObjectWriter& ObjectWriter::Bool(std::string_view key, bool value) {
  return Raw(key, value ? "true" : "false");
}

ObjectWriter& ObjectWriter::StringArray(std::string_view key,
                                        const std::vector<std::string>& values) {
  return Raw(key, StringArrayJson(values, style_));
}

ObjectWriter& ObjectWriter::Unknown(const UnknownFields& fields) {
  for (const auto& [key, text] : fields) {
    Raw(key, StoredJsonIn(text, style_));
  }
  return *this;
}

std::string ObjectWriter::Finish() {
  std::stable_sort(members_.begin(), members_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out = "{";
  const std::string* previous = nullptr;
  for (const auto& [key, raw] : members_) {
    if (previous != nullptr && *previous == key) {
      continue;  // The first value given for a key wins.
    }
    if (previous != nullptr) {
      out += ',';
    }
    previous = &key;
    out += EncodeString(key, style_);
    out += ':';
    out += raw;
  }
  out += '}';
  members_.clear();
  return out;
}

std::string StringArrayJson(const std::vector<std::string>& values, Style style) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    out += EncodeString(values[i], style);
  }
  out += ']';
  return out;
}

}  // namespace internal
}  // namespace provisio::tuf
