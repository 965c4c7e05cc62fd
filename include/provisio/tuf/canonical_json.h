// OLPC canonical JSON as TUF uses it: objects with sorted keys, no whitespace,
// strings with only '\\' and '"' escaped (every other byte, control characters
// and non-ASCII included, is written as is), integers only (floats are
// refused), true/false/null. Signatures are made over these bytes.
//
// Key order. python-tuf/securesystemslib sort keys by Unicode code point (the
// same as comparing UTF-8 bytes); tuf-js sorts JavaScript strings, i.e. by
// UTF-16 code units. The two differ only when an object holds one key whose
// first differing character is in U+E000..U+FFFF and another whose is beyond
// U+FFFF (a surrogate pair sorts before U+E000 in UTF-16). String escaping
// is the same in both (tuf-js's canonicalizeString escapes only '\\' and '"').
// Verification accepts a signature over either order (see metadata.h); writing
// always uses kCodePoint, the form the specification describes, and
// KeyOrdersDiffer() lets a repository tool refuse names that tuf-js clients
// would canonicalize differently.
#pragma once

#include <string>
#include <string_view>

#include "provisio/core/result.h"

namespace provisio::tuf {

enum class KeyOrder {
  kCodePoint,  // securesystemslib, python-tuf, go-tuf, the specification.
  kUtf16,      // tuf-js (Array.prototype.sort on Object.keys).
};

// Parses `json_text` and returns its canonical encoding in `order`.
// Fails with kParse on invalid JSON (including invalid UTF-8) and on any
// non-integer number.
Result<std::string> CanonicalizeJson(std::string_view json_text,
                                     KeyOrder order = KeyOrder::kCodePoint);

// True when canonicalizing `json_text` in kCodePoint and kUtf16 order gives
// different bytes. Fails like CanonicalizeJson.
Result<bool> KeyOrdersDiffer(std::string_view json_text);

// True when `a` sorts before `b` in `order`. Both are UTF-8.
bool KeyLess(std::string_view a, std::string_view b, KeyOrder order);

// The canonical encoding of one string: '"' + value with '\\' and '"'
// escaped + '"'. REQUIRES: `utf8` is valid UTF-8.
std::string CanonicalString(std::string_view utf8);

}  // namespace provisio::tuf
