// The version of provisio, as written into evidence records and reports.
#pragma once

#include <string_view>

namespace provisio {

std::string_view ToolVersion();  // e.g. "0.1.0"
std::string_view ToolName();     // "provisio"

}  // namespace provisio
