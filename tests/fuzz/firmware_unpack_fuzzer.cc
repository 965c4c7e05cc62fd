// libFuzzer target for the whole firmware pipeline (carving, uImage, TRX,
// libarchive, libsquashfs, libext2fs, checks) on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "provisio/firmware/analyzer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  provisio::firmware::AnalyzerOptions options;
  options.threads = 1;
  options.limits.max_total_bytes = 64U << 20;
  options.limits.max_file_bytes = 16U << 20;
  auto report = provisio::firmware::ScanBuffer(
      std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.bin", options);
  (void)report;
  return 0;
}
