// PRIVATE to the tuf module: canonical JSON over nlohmann trees, and a small
// writer that emits canonical JSON directly from our structs (so writing
// never needs to re-parse unknown fields, which are kept as canonical text).
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
  // `raw` must be canonical JSON text. The first value given for a key wins.
  ObjectWriter& Raw(std::string_view key, std::string raw);
  ObjectWriter& String(std::string_view key, std::string_view value);
  ObjectWriter& Int(std::string_view key, std::int64_t value);
  ObjectWriter& Uint(std::string_view key, std::uint64_t value);
  ObjectWriter& Bool(std::string_view key, bool value);
  ObjectWriter& StringArray(std::string_view key, const std::vector<std::string>& values);
  ObjectWriter& Unknown(const UnknownFields& fields);
  // Members sorted by code point, e.g. {"a":1,"b":"x"}.
  std::string Finish();

 private:
  std::vector<std::pair<std::string, std::string>> members_;
};

std::string CanonicalStringArray(const std::vector<std::string>& values);

}  // namespace provisio::tuf::internal
