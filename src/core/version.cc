#include "provisio/core/version.h"

namespace provisio {

std::string_view ToolVersion() {
  return PROVISIO_VERSION;
}
std::string_view ToolName() {
  return "provisio";
}

}  // namespace provisio
