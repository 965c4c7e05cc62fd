// libFuzzer target for the whole firmware pipeline (carving, uImage, TRX,
// libarchive, libsquashfs, libext2fs, checks) on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>

#include "provisio/firmware/analyzer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  provisio::firmware::AnalyzerOptions options;
  options.threads = 1;
  options.limits.max_total_bytes = 64U << 20;
  options.limits.max_file_bytes = 16U << 20;
  // Compiling the Hyperscan databases costs ~1 s per input; loaded from the
  // cache it is ~1 ms (measured under ASan: 1 input/s before, 6-12 after).
  static const std::filesystem::path cache =
      std::filesystem::temp_directory_path() / "provisio-fuzz-patterns";
  options.pattern_cache_dir = cache;
  options.hash_image = false;
  auto report = provisio::firmware::ScanBuffer(
      std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.bin", options);
  (void)report;
  return 0;
}
