// libFuzzer target for our own CramFS reader
// (src/firmware/cramfs_reader.cc). Seeds: any mkfs.cramfs image (util-linux),
// e.g. mkfs.cramfs -z DIR seed.img.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "firmware/cramfs_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  provisio::firmware::UnpackLimits limits;
  limits.max_total_bytes = 64U << 20;
  limits.max_file_bytes = 16U << 20;
  provisio::firmware::Unpacker unpacker(limits, [](provisio::firmware::ExtractedFile) {});
  auto image = std::make_shared<const std::string>(reinterpret_cast<const char*>(data), size);
  (void)provisio::firmware::ReadCramfs(unpacker, *image, "fuzz.cramfs", 1);
  return 0;
}
