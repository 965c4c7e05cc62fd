// URI and language-tag checks shared by vdp.yaml validation and the
// security.txt checker (RFC 3986 syntax, RFC 9116 "web URIs MUST begin with
// https://", RFC 5646 tags).
#pragma once

#include <string>
#include <string_view>

#include "provisio/core/text.h"

namespace provisio::disclosure::internal {

// Empty when `uri` is an absolute URI (scheme ":" rest) with only RFC 3986
// characters and, for http(s), mailto and tel, a plausible scheme-specific
// part; otherwise the reason, e.g. "contains a space".
std::string UriProblem(std::string_view uri);

// True for http: and https: URIs (scheme compared case-insensitively).
bool IsWebUri(std::string_view uri);

// True when the scheme is https (case-insensitive).
bool IsHttpsUri(std::string_view uri);

// True for a well-formed RFC 5646 language tag such as "en", "de-AT",
// "zh-Hant-TW" (shape check: alphanumeric subtags of 1-8, first alphabetic).
bool IsLanguageTag(std::string_view tag);

using provisio::AsciiLower;

}  // namespace provisio::disclosure::internal
