// The catalogue data files, embedded at build time (see CMakeLists.txt).
#pragma once

#include <string_view>

namespace provisio::catalog::embedded {

std::string_view En303645V313();  // data/catalog/en303645-v3.1.3.yaml
std::string_view En303645V211();  // data/catalog/en303645-v2.1.1.yaml
std::string_view UkPsti();        // data/catalog/uk-psti.yaml

}  // namespace provisio::catalog::embedded
