// Small text helpers shared by every module.
#pragma once

#include <string>
#include <string_view>

namespace provisio {

// `text` with the ASCII letters A-Z lower-cased and every other byte kept
// (no locale: UTF-8 and binary data pass through unchanged).
std::string AsciiLower(std::string_view text);

}  // namespace provisio
