// libFuzzer target for our own firmware header parsers (uImage, TRX).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "firmware/headers.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (auto uimage = provisio::firmware::ParseUImage(input)) {
    for (const auto& [offset, length] : uimage->parts) {
      if (offset + length > size)
        __builtin_trap();
    }
  }
  if (auto trx = provisio::firmware::ParseTrx(input)) {
    for (const auto& [offset, length] : trx->partitions) {
      if (offset + length > size)
        __builtin_trap();
    }
  }
  return 0;
}
