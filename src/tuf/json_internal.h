// PRIVATE to the tuf module: canonical JSON over nlohmann trees, and a small
// writer that emits our structs either as canonical JSON (the bytes that are
// signed; strings keep raw control characters, so this is not always valid
// JSON) or as "sorted compact JSON" (the same, but with control characters
// escaped: valid JSON, and what metadata files contain).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "formats/document.h"
#include "provisio/tuf/canonical_json.h"
#include "provisio/tuf/keys.h"

namespace provisio::tuf::internal {

using Json = formats::Json;

enum class Style {
  kCanonical,  // OLPC canonical JSON: only '\\' and '"' escaped.
  kJson,       // Sorted compact JSON: also control characters escaped (valid JSON).
};

// One string in `style`, with quotes.
std::string EncodeString(std::string_view utf8, Style style);

// Sorted compact JSON of `value` (how unknown fields and "custom" are kept).
// REQUIRES: !ContainsFloat(value).
std::string CompactJson(const Json& value);

// Re-encodes stored JSON text (an UnknownFields value, custom_json) in
// `style`. Text that does not parse is copied as is.
std::string StoredJsonIn(std::string_view json_text, Style style);

// The key object {"keytype","keyval","scheme",...} in `style` (keys.cc).
std::string KeyObjectJson(const Key& key, Style style);

// True when `value` holds a floating-point number anywhere.
bool ContainsFloat(const Json& value);

// Canonical encoding of `value`. REQUIRES: !ContainsFloat(value).
std::string Canonical(const Json& value, KeyOrder order = KeyOrder::kCodePoint);

// True when some object in `value` has keys whose kCodePoint and kUtf16 orders
// could differ (cheap pre-check: a key with a character >= U+E000).
bool MayDependOnKeyOrder(const Json& value);

// Builds one canonical JSON object from already-encoded member values.
class ObjectWriter {
 public:
  explicit ObjectWriter(Style style) : style_(style) {}
  Style style() const { return style_; }

  // `raw` must already be encoded in style(). The first value given for a key wins.
  ObjectWriter& Raw(std::string_view key, std::string raw);
  ObjectWriter& String(std::string_view key, std::string_view value);
  ObjectWriter& Int(std::string_view key, std::int64_t value);
  ObjectWriter& Uint(std::string_view key, std::uint64_t value);
  ObjectWriter& Bool(std::string_view key, bool value);
  ObjectWriter& StringArray(std::string_view key, const std::vector<std::string>& values);
  // Stored JSON text per field, re-encoded in style().
  ObjectWriter& Unknown(const UnknownFields& fields);
  // Members sorted by code point, e.g. {"a":1,"b":"x"}.
  std::string Finish();

 private:
  Style style_;
  std::vector<std::pair<std::string, std::string>> members_;
};

std::string StringArrayJson(const std::vector<std::string>& values, Style style);

}  // namespace provisio::tuf::internal
